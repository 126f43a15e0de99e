"""Forms for writing practices, filtering the library, attachments and topics."""

from flask_wtf.file import FileField, FileRequired
from wtforms import SelectField, SelectMultipleField, StringField, SubmitField, TextAreaField
from wtforms.validators import InputRequired, Length, Optional, Regexp, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from cop.forms import BaseForm, FilterForm
from cop.orgs.models import INDUSTRIES
from cop.practices.models import PROGRAM_TYPES, STUDENT_LEVELS
from cop.practices.services import SORTS

# About 4,000 words: well beyond any practice written so far, and short enough that any text this long renders
# in well under a second (see cop/text.py).
BODY_MAX_LENGTH = 25_000


class MultiCheckboxField(SelectMultipleField):
    """A group of checkboxes (rendered in a fieldset by the form macro)."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class PracticeForm(BaseForm):
    title = StringField("Title", validators=[InputRequired(), Length(max=200)],
                        description="Say what you did, e.g. “How we split apprentice wages between HR and the plant”.")
    summary = TextAreaField("Summary", validators=[InputRequired(), Length(max=1200)],
                            description="One paragraph: what the practice is and why it worked.")
    body = TextAreaField("The practice", validators=[InputRequired(), Length(max=BODY_MAX_LENGTH)],
                         description="Markdown: ## headings, - lists, | tables |, [links](https://…). "
                                     "Use Preview to check how it looks.")
    topics = MultiCheckboxField("Topics", coerce=int, validators=[InputRequired("Choose at least one topic.")])
    industries = MultiCheckboxField("Industries", choices=[(i, i) for i in INDUSTRIES])
    program_types = MultiCheckboxField("Program types", choices=list(PROGRAM_TYPES.items()))
    student_levels = MultiCheckboxField("Student level", choices=list(STUDENT_LEVELS.items()))
    competencies = MultiCheckboxField("Competencies it develops or assesses", coerce=int)
    tags = StringField("Tags", validators=[Optional(), Length(max=500)],
                       description="Comma-separated, e.g. cost-sharing, plant-manager.")
    note = StringField("What changed (optional)", validators=[Optional(), Length(max=300)])
    preview = SubmitField("Preview")
    save = SubmitField("Save draft")
    publish = SubmitField("Publish")


class LibraryFilterForm(FilterForm):
    topic = SelectField("Topic", validators=[Optional()])
    industry = SelectField("Industry", choices=[("", "Any industry")] + [(i, i) for i in INDUSTRIES],
                           validators=[Optional()])
    program_type = SelectField("Program type", choices=[("", "Any program type")] + list(PROGRAM_TYPES.items()),
                               validators=[Optional()])
    student_level = SelectField("Student level", choices=[("", "Any level")] + list(STUDENT_LEVELS.items()),
                                validators=[Optional()])
    organization = SelectField("Organization", validators=[Optional()])
    competency = SelectField("Competency", validators=[Optional()])
    tag = StringField("Tag", validators=[Optional(), Length(max=60)])
    sort = SelectField("Sort by", choices=list(SORTS.items()), default="newest", validators=[Optional()])


class PracticeSortForm(FilterForm):
    """How a competency's page sorts the practices that develop it."""

    sort = SelectField("Sort by", choices=list(SORTS.items()), default="newest", validators=[Optional()])


class AttachmentForm(BaseForm):
    file = FileField("Attach a toolkit document", validators=[FileRequired("Choose a file to attach.")],
                     description="PDF, Word, Excel, PowerPoint, PNG or JPG.")


class TopicForm(BaseForm):
    name = StringField("Name", validators=[InputRequired(), Length(max=120)])
    slug = StringField("Address", validators=[InputRequired(), Length(max=80),
                                              Regexp(r"^[a-z0-9]+(-[a-z0-9]+)*$",
                                                     message="Lowercase letters, digits and hyphens only.")],
                       description="Used in links, e.g. budget-and-funding.")
    question = StringField("The question it answers", validators=[Optional(), Length(max=300)])
    description = TextAreaField("Description", validators=[Optional(), Length(max=4000)])

    def validate_slug(self, field):
        # Discussions has fixed categories with these addresses; a topic may not hide them.
        if field.data in ("general", "introductions", "new"):
            raise ValidationError("That address is reserved; choose another.")
