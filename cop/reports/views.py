"""The impact report: the page (which prints cleanly), its figures as CSV, and a PDF to forward."""

from flask import Response, abort, render_template
from flask_login import current_user

from cop.dashboard.charts import bar_chart, line_chart
from cop.dashboard.pages import read_period
from cop.extensions import utcnow
from cop.programs.services import MIN_ORGANIZATIONS
from cop.reports import bp, market, pdf, services
from cop.reports.forms import ReportPeriodForm

# A funder reads a year at a time.
DEFAULT_PERIOD = "365"


def require_reader() -> None:
    if not services.may_read_impact_report(current_user):
        abort(403)


def _charts(report: services.ImpactReport) -> dict:
    kept = [(f"{month}", avg) for month, avg, _, _ in report.scores if avg is not None]
    events = report.events[3:]  # by kind, after the totals
    return {
        "scores": line_chart("chart-scores", "Average provider feedback score by month (1 to 5)",
                             [m for m, _ in kept], [("Average score", [round(a, 2) for _, a in kept])])
        if kept else None,
        "events": bar_chart("chart-held", "Events held by kind", [(f.label, f.value, f.shown) for f in events]),
    }


def _context():
    require_reader()
    period, problem, form = read_period(DEFAULT_PERIOD, ReportPeriodForm)
    report = services.impact_report(period)
    return {"report": report, "period": period, "problem": problem, "form": form, "args": period.as_args(),
            "charts": _charts(report), "min_organizations": MIN_ORGANIZATIONS, "printed_at": utcnow()}


def _filename(period, extension: str) -> str:
    return f"impact-report-{period.start}-to-{period.end}.{extension}"


@bp.get("/impact")
def impact():
    return render_template("reports/impact.html", **_context())


@bp.get("/impact.csv")
def impact_csv():
    context = _context()
    return Response("\ufeff" + services.report_csv(context["report"]), mimetype="text/csv", headers={
        "Content-Disposition": f"attachment; filename={_filename(context['period'], 'csv')}",
        "Cache-Control": "private, no-store"})


@bp.get("/impact.pdf")
def impact_pdf():
    context = _context()
    body = pdf.render_pdf(render_template("reports/impact_document.html", **context))
    return Response(body, mimetype="application/pdf", headers={
        "Content-Disposition": f"attachment; filename={_filename(context['period'], 'pdf')}",
        "Cache-Control": "private, no-store"})


@bp.get("/market-fit")
def market_fit():
    """Where employers' demand for occupations meets what providers offer; gaps first."""
    if not market.may_see_market_fit(current_user):
        abort(403)
    rows = market.market_fit(current_user)
    # Occupations whose figures are withheld stay out of the chart: a bar's length would tell them.
    top = sorted((r for r in rows if r.employers and not r.withheld), key=lambda r: (-r.employers, r.label))[:12]
    chart = bar_chart("chart-market-fit", "Employers targeting each occupation, and the providers offering it", [
        (f"{r.label}{' (gap)' if r.status == 'gap' else ''}", r.employers,
         f"{r.employers} employers, "
         f"{len(r.providers)} providers") for r in top])
    return render_template("reports/market_fit.html", rows=rows, chart=chart, min_organizations=MIN_ORGANIZATIONS,
                           gaps=sum(1 for r in rows if r.status == "gap"))
