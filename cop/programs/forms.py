"""Forms for program profiles, the peer filters and asking peers a question."""

import sqlalchemy as sa
from wtforms import (BooleanField, DecimalField, IntegerField, RadioField, SelectField, StringField, SubmitField,
                     TextAreaField)
from wtforms.validators import InputRequired, Length, NumberRange, Optional, ValidationError

from cop.extensions import db
from cop.forms import BaseForm, FilterForm
from cop.messages.services import MAX_PEOPLE
from cop.orgs.models import INDUSTRIES, SIZE_BANDS
from cop.practices.forms import MultiCheckboxField
from cop.programs.models import (BUDGET_OWNERS, FUNDING_SOURCES, MENTOR_SOURCES, PROGRAM_TYPES, SHARABLE_FIELDS,
                                 STAFFING_MODELS, STAGE_HELP, STUDENT_LEVELS, SUPPORTS, WAGE_BANDS, Program)
from cop.programs.occupations import by_sector

MAX_OTHER_PARTNERS = 20
PRIVATE_LABEL = "Facilitators only"


def _choices(vocabulary: dict, blank: str = "—") -> list[tuple[str, str]]:
    return [("", blank)] + list(vocabulary.items())


def _count(label: str, high: int, description: str = "") -> IntegerField:
    message = f"Enter a whole number from 0 to {high:,}."
    return IntegerField(label, validators=[Optional(), NumberRange(min=0, max=high, message=message)],
                        description=description)


class ProgramForm(BaseForm):
    name = StringField("Program name", validators=[InputRequired(), Length(max=200)],
                       description="What your people call it, e.g. “CNC machinist youth apprenticeship”.")
    program_type = SelectField("Program type", choices=_choices(PROGRAM_TYPES, "Choose…"),
                               validators=[InputRequired("Choose a program type.")])
    student_level = SelectField("Student level", choices=_choices(STUDENT_LEVELS, "Choose…"),
                                validators=[InputRequired("Choose a student level.")])
    stage = SelectField("Stage", choices=_choices(STAGE_HELP, "Choose…"), validators=[InputRequired("Choose a stage.")])
    summary = TextAreaField("In a few sentences", validators=[Optional(), Length(max=2000)],
                            description="What the program is and who it is for. "
                                        "Always shared with the whole community.")

    participants_per_year = _count("Participants per year", 100_000)
    duration_weeks = IntegerField("Duration in weeks", validators=[
        Optional(), NumberRange(min=1, max=260, message="Enter a number of weeks from 1 to 260.")])
    schedule = StringField("Schedule", validators=[Optional(), Length(max=300)],
                           description="e.g. “Summer, 32 hours a week” or “Two afternoons a week in the school year”.")
    pay = SelectField("Paid or unpaid", choices=[("", "—"), ("paid", "Paid"), ("unpaid", "Unpaid")],
                      validators=[Optional()])
    wage_band = SelectField("Wage band", choices=_choices(WAGE_BANDS), validators=[Optional()])
    occupations = MultiCheckboxField("Target occupations",
                                     choices=[(o.code, o.label) for _, group in by_sector() for o in group],
                                     description="Standard occupation titles with their 2018 SOC codes.")
    staffing_model = SelectField("Who runs the program", choices=_choices(STAFFING_MODELS), validators=[Optional()])
    coordinator_fte = DecimalField("Coordinator time (FTE)", places=2, validators=[
        Optional(), NumberRange(min=0, max=20, message="Enter a number from 0 to 20, e.g. 0.5 for half time.")],
        description="All coordination time together: 0.5 is one person half time.")
    students_per_supervisor = IntegerField("Students per supervisor", validators=[
        Optional(), NumberRange(min=1, max=100, message="Enter a whole number from 1 to 100.")])
    mentor_source = SelectField("Where mentors come from", choices=_choices(MENTOR_SOURCES), validators=[Optional()])
    budget_owner = SelectField("Who owns the budget", choices=_choices(BUDGET_OWNERS), validators=[Optional()])
    funding_sources = MultiCheckboxField("Funding sources", choices=list(FUNDING_SOURCES.items()))
    partner_orgs = MultiCheckboxField("Partners in this community", coerce=int)
    other_partners = TextAreaField("Other partners", validators=[Optional(), Length(max=4000)],
                                   description="Schools, colleges and providers not in the community, one per line.")
    supports = MultiCheckboxField("Supports offered", choices=list(SUPPORTS.items()))
    competencies = MultiCheckboxField("Competencies developed", coerce=int)
    outcomes_year = IntegerField("Year these outcomes are from", validators=[
        Optional(), NumberRange(min=2000, max=2100, message="Enter a year, e.g. 2025.")])
    completions = _count("Students who completed", 100_000)
    offers_made = _count("Job offers made", 100_000)
    hires = _count("Hired", 100_000)
    lessons = TextAreaField("What we would do differently", validators=[Optional(), Length(max=20_000)],
                            description="Markdown works: - lists, **bold**, [links](https://…).")
    practices = MultiCheckboxField("Practices that describe this program", coerce=int)

    private_participants = BooleanField(PRIVATE_LABEL)
    private_schedule = BooleanField(PRIVATE_LABEL)
    private_pay = BooleanField(PRIVATE_LABEL)
    private_occupations = BooleanField(PRIVATE_LABEL)
    private_staffing = BooleanField(PRIVATE_LABEL)
    private_budget = BooleanField(PRIVATE_LABEL)
    private_partners = BooleanField(PRIVATE_LABEL)
    private_supports = BooleanField(PRIVATE_LABEL)
    private_competencies = BooleanField(PRIVATE_LABEL)
    private_outcomes = BooleanField(PRIVATE_LABEL)
    private_lessons = BooleanField(PRIVATE_LABEL)

    def __init__(self, *args, organization_id: int | None = None, program: Program | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self._organization_id = organization_id
        self._program = program

    @property
    def private_fields(self) -> set[str]:
        return {name for name in SHARABLE_FIELDS if self[f"private_{name}"].data}

    @property
    def other_partner_names(self) -> list[str]:
        return [line.strip() for line in (self.other_partners.data or "").splitlines() if line.strip()]

    def validate_name(self, field):
        query = sa.select(Program.id).where(Program.organization_id == self._organization_id,
                                            sa.func.lower(Program.name) == field.data.strip().lower())
        if self._program is not None:
            query = query.where(Program.id != self._program.id)
        if db.session.scalar(query) is not None:
            raise ValidationError("Your organization already has a program with this name.")

    def validate_wage_band(self, field):
        if field.data and self.pay.data != "paid":
            raise ValidationError("A wage band goes with a paid program: choose “Paid” above, or no band.")

    def validate_other_partners(self, field):
        names = self.other_partner_names
        if len(names) > MAX_OTHER_PARTNERS:
            raise ValidationError(f"List at most {MAX_OTHER_PARTNERS} other partners.")
        if any(len(name) > 200 for name in names):
            raise ValidationError("Keep each partner's name under 200 characters.")

    def validate_hires(self, field):
        if field.data is not None and self.offers_made.data is not None and field.data > self.offers_made.data:
            raise ValidationError("Hires can't be more than the offers made.")


class PeerFilterForm(FilterForm):
    industry = SelectField("Industry", choices=[("", "Any industry")] + [(i, i) for i in INDUSTRIES],
                           validators=[Optional()])
    size_band = SelectField("Employees", choices=[("", "Any size")] + [(s, s) for s in SIZE_BANDS],
                            validators=[Optional()])
    program_type = SelectField("Program type", choices=[("", "Any program type")] + list(PROGRAM_TYPES.items()),
                               validators=[Optional()])
    student_level = SelectField("Student level", choices=[("", "Any level")] + list(STUDENT_LEVELS.items()),
                                validators=[Optional()])
    stage = SelectField("Stage", choices=[("", "Any stage")] + [(k, k.capitalize()) for k in STAGE_HELP],
                        validators=[Optional()])
    occupation = SelectField("Target occupation", choices=[("", "Any occupation")], validators=[Optional()])


class AskForm(BaseForm):
    send_as = RadioField("Send it as", default="thread", choices=[
        ("thread", "A public thread: every member can read and answer it, and the organizations are notified"),
        ("message", "A private message to one person at each organization "
                    f"(up to {MAX_PEOPLE - 1} organizations)")])
    title = StringField("Title", validators=[InputRequired(), Length(max=200)],
                        description="Your question in a line, e.g. “Who pays your apprentices' wages in year one?”")
    # Checked in validate_category and by the view: a private message needs none (and Optional would skip
    # that check).
    category = SelectField("Category", validate_choice=False,
                           description="For a public thread: where it is listed in Discussions.")
    body = TextAreaField("Your question", validators=[InputRequired(), Length(max=20_000)],
                         description="Give the details that get good answers: your size, your stage, what you tried. "
                                     "Markdown works.")
    submit = SubmitField("Send the question")

    def validate_category(self, field):
        if self.send_as.data == "thread" and not field.data:
            raise ValidationError("Choose a category.")
