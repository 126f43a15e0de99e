"""The report's period: the dashboard's choice of a preset or a date range."""

from cop.dashboard.forms import PeriodForm


class ReportPeriodForm(PeriodForm):
    """The same fields, read by the reports pages (and so swept with them)."""
