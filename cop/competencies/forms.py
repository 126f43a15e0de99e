"""Forms for editing the competency framework."""

import sqlalchemy as sa
from wtforms import StringField, TextAreaField
from wtforms.validators import InputRequired, Length, Optional, Regexp, ValidationError

from cop.extensions import db
from cop.forms import BaseForm
from cop.competencies.models import Competency

MARKDOWN_HELP = "Markdown: - lists, **bold**, *italics*, blank lines between paragraphs."
# Addresses the blueprint already uses for its own pages.
RESERVED_SLUGS = {"new"}


class CompetencyForm(BaseForm):
    """What a facilitator may change about a competency; the address (slug) stays, so links keep working."""

    name = StringField("Name", validators=[InputRequired("Give the competency a name."), Length(max=120)])
    description = TextAreaField("What it means", validators=[Optional(), Length(max=2000)],
                                description="A plain-language description for supervisors and students.")
    emerging = TextAreaField("Emerging", validators=[Optional(), Length(max=4000)],
                             description="Observable behaviours at the first level. " + MARKDOWN_HELP)
    developing = TextAreaField("Developing", validators=[Optional(), Length(max=4000)],
                               description="Observable behaviours at the middle level. " + MARKDOWN_HELP)
    proficient = TextAreaField("Proficient", validators=[Optional(), Length(max=4000)],
                               description="Observable behaviours at the top level. " + MARKDOWN_HELP)
    assessment = TextAreaField("How to assess it", validators=[Optional(), Length(max=10_000)],
                               description="When to rate, what evidence to collect, rating errors to avoid. "
                                           + MARKDOWN_HELP)

    def __init__(self, *args, competency: Competency | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self._competency = competency

    def _others(self):
        query = sa.select(Competency.id)
        if self._competency is not None:
            query = query.where(Competency.id != self._competency.id)
        return query

    def validate_name(self, field):
        name = (field.data or "").strip()
        if not name:
            raise ValidationError("Give the competency a name.")
        if db.session.scalar(self._others().where(sa.func.lower(Competency.name) == name.lower())) is not None:
            raise ValidationError("Another competency already has this name.")


class NewCompetencyForm(CompetencyForm):
    slug = StringField("Address", validators=[InputRequired(), Length(max=80),
                                              Regexp(r"^[a-z0-9]+(-[a-z0-9]+)*$",
                                                     message="Lowercase letters, digits and hyphens only.")],
                       description="Used in links, e.g. critical-thinking. It cannot be changed later.")

    def validate_slug(self, field):
        if field.data in RESERVED_SLUGS:
            raise ValidationError("This address is taken by a page of the toolkit; choose another.")
        if db.session.scalar(self._others().where(Competency.slug == field.data)) is not None:
            raise ValidationError("Another competency already has this address.")
