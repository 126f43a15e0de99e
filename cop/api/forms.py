"""The form for making a personal API token."""

from wtforms import RadioField, SelectField, StringField
from wtforms.validators import InputRequired, Length

from cop.api.models import TokenScope
from cop.api.services import LIFETIMES
from cop.forms import BaseForm


class TokenForm(BaseForm):
    name = StringField("Name", validators=[InputRequired(), Length(max=80)],
                       description="What will use it, e.g. “HR system sync”.")
    scope = RadioField("What it may do", default=TokenScope.read.value, validators=[InputRequired()],
                       choices=[(scope.value, scope.label) for scope in TokenScope])
    # No "required": a select always has a value, and the choices are checked as it is read.
    days = SelectField("Expires after", coerce=int, default=90,
                       choices=[(days, f"{days} days") for days in LIFETIMES])
