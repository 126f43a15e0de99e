"""Organization profile, directory filter and invitation forms."""

import sqlalchemy as sa
from wtforms import EmailField, SelectField, StringField, TextAreaField, URLField
from wtforms.validators import Email, InputRequired, Length, Optional, URL, ValidationError

from cop.auth.models import Role
from cop.extensions import db
from cop.forms import BaseForm, FilterForm
from cop.orgs.models import INDUSTRIES, ORG_KIND_LABELS, ORG_SUBTYPES, SIZE_BANDS, Organization, OrgKind

KIND_CHOICES = [(k.value, label) for k, label in ORG_KIND_LABELS.items()]


class OrganizationForm(BaseForm):
    name = StringField("Name", validators=[InputRequired(), Length(max=200)])
    kind = SelectField("Kind", choices=KIND_CHOICES, coerce=OrgKind)
    subtype = SelectField("Type of provider or partner", validators=[Optional()],
                          choices=[("", "—")] + [(key, label) for key, (label, _) in ORG_SUBTYPES.items()],
                          description="Only for training providers and education partners.")
    industry = SelectField("Industry", choices=[("", "—")] + [(i, i) for i in INDUSTRIES], validators=[Optional()])
    region = StringField("Region", validators=[Optional(), Length(max=120)])
    size_band = SelectField("Employees", choices=[("", "—")] + [(s, s) for s in SIZE_BANDS], validators=[Optional()])
    website = URLField("Website", validators=[Optional(), URL(message="Enter a full address, like https://example.org"),
                                              Length(max=300)])
    description = TextAreaField("Description", validators=[Optional(), Length(max=5000)],
                                description="What you do and how work-based learning fits in.")

    def __init__(self, *args, org: Organization | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self._org = org

    def validate_name(self, field):
        query = sa.select(Organization).where(sa.func.lower(Organization.name) == field.data.strip().lower())
        if self._org is not None:
            query = query.where(Organization.id != self._org.id)
        if (other := db.session.scalar(query)) is not None:
            raise ValidationError("An organization that left the community had this name; choose another."
                                  if other.is_removed else "Another organization already has this name.")

    def validate_subtype(self, field):
        kind_field = getattr(self, "kind", None)
        kind = kind_field.data if kind_field is not None else self._org.kind
        # A value not on offer already failed the choice check; there is nothing to compare.
        if field.data in ORG_SUBTYPES and ORG_SUBTYPES[field.data][1] is not kind:
            raise ValidationError(f"“{ORG_SUBTYPES[field.data][0]}” doesn't fit the kind chosen above.")


class OrgFilterForm(FilterForm):
    q = StringField("Name contains", validators=[Optional(), Length(max=100)])
    kind = SelectField("Kind", choices=[("", "Any kind")] + KIND_CHOICES, validators=[Optional()])
    industry = SelectField("Industry", choices=[("", "Any industry")] + [(i, i) for i in INDUSTRIES],
                           validators=[Optional()])
    size = SelectField("Employees", choices=[("", "Any size")] + [(s, s) for s in SIZE_BANDS], validators=[Optional()])
    region = SelectField("Region", choices=[("", "Any region")], validators=[Optional()])


class InvitationForm(BaseForm):
    email = EmailField("E-mail of the person to invite", validators=[InputRequired(), Email(), Length(max=254)])
    role = SelectField("Role", choices=[(Role.member.value, "Member"), (Role.manager.value, "Organization manager")],
                       coerce=Role)
    message = TextAreaField("A personal note (optional)", validators=[Optional(), Length(max=1000)])

    def __init__(self, *args, allow_facilitator: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if allow_facilitator:
            self.role.choices = self.role.choices + [(Role.facilitator.value, "Facilitator")]
