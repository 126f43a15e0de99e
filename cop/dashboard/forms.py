"""The dashboard's period: a preset or a date range, in the query string."""

from wtforms import DateField, SelectField
from wtforms.validators import Optional

from cop.forms import FilterForm


class PeriodForm(FilterForm):
    period = SelectField("Period", choices=[("30", "Last 30 days"), ("90", "Last 90 days"),
                                            ("365", "Last 12 months"), ("range", "From … to … (below)")],
                         default="90", validators=[Optional()])
    start = DateField("From", validators=[Optional()], description="For a date range, e.g. 2026-09-01")
    end = DateField("To", validators=[Optional()])
