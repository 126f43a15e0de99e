"""Forms for the people directory and the facilitators' membership decisions."""

from wtforms import SelectField, StringField, TextAreaField
from wtforms.validators import Length, Optional

from cop.auth.models import Role
from cop.forms import BaseForm, FilterForm
from cop.orgs.forms import KIND_CHOICES


class PeopleFilterForm(FilterForm):
    q = StringField("Name, title or organization", validators=[Optional(), Length(max=100)])
    kind = SelectField("Organization kind", choices=[("", "Any kind")] + KIND_CHOICES, validators=[Optional()])
    role = SelectField("Role", choices=[("", "Any role")] + [(r.value, r.label) for r in Role], validators=[Optional()])


class DeclineForm(BaseForm):
    reason = TextAreaField("Reason (sent to the applicant, optional)", validators=[Optional(), Length(max=1000)])


class RoleForm(BaseForm):
    role = SelectField("Role", choices=[(r.value, r.label) for r in Role], coerce=Role)
