"""Reading the period a page is asked for, shared by the dashboard and the reports."""

from flask import request

from cop.dashboard import services
from cop.dashboard.forms import PeriodForm
from cop.extensions import utcnow


def read_period(default: str = services.DEFAULT_PERIOD,
                form_class: type[PeriodForm] = PeriodForm) -> tuple[services.Period, str, PeriodForm]:
    """The period in the query string (a preset or a date range), what was wrong with it, and its form."""
    form = form_class(period=default, formdata=request.args)
    form.validate()
    today = utcnow().date()
    if form.start.errors or form.end.errors:
        period, _ = services.choose_period(None, None, None, today, default)
        return period, f"Dates must look like 2026-09-01; showing the last {period.days} days.", form
    period, problem = services.choose_period(form.period.data, form.start.data, form.end.data, today, default)
    return period, problem, form
