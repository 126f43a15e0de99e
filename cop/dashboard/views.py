"""The dashboard page and each of its tables as CSV; facilitators only."""

from datetime import date

from flask import Response, abort, current_app, render_template, url_for
from flask_login import current_user

from cop.dashboard import bp, services
from cop.dashboard.charts import bar_chart, line_chart
from cop.dashboard.pages import read_period

# Where the first cell of a table's rows leads: the endpoint and the argument its link value fills.
LINKS = {
    "at_risk": ("orgs.detail", "slug"),
    "waiting": ("discussions.detail", "thread_id"),
    "waitlists": ("events.detail", "event_id"),
    "practices": ("practices.detail", "practice_id"),
    "threads": ("discussions.detail", "thread_id"),
    "topics": ("practices.topic", "slug"),
}

# Every table the page shows, by the key its CSV address uses.
TABLES = {
    "activity": services.weekly_activity,
    "at_risk": services.at_risk_organizations,
    "contributions": services.monthly_contributions,
    "unanswered": lambda period: services.unanswered_questions(period)[0],
    "waiting": lambda period: services.unanswered_questions(period)[1],
    "events": lambda period: services.event_funnel(period)[0],
    "waitlists": lambda period: services.event_funnel(period)[1],
    "practices": services.top_practices,
    "threads": services.top_threads,
    "topics": services.topic_trends,
    "searches": services.top_searches,
    "zero_results": services.searches_without_results,
}


def require_facilitator() -> None:
    if not current_user.is_facilitator:
        abort(403)


def _links(table: services.Table) -> list[str | None]:
    if table.key not in LINKS:
        return []
    endpoint, argument = LINKS[table.key]
    return [url_for(endpoint, **{argument: value}) for value in table.links]


def _section(table: services.Table, chart) -> dict:
    return {"table": table, "chart": chart, "links": _links(table)}


def _bars(table: services.Table, value_column: str, shown=None) -> list[tuple[str, int, str]]:
    n = table.columns.index(value_column)
    return [(str(row[0]), row[n], shown(row) if shown else str(row[n])) for row in table.rows]


@bp.get("/")
def index():
    require_facilitator()
    period, problem, form = read_period()
    activity = services.weekly_activity(period)
    weeks = [f"{date.fromisoformat(w):%b %-d}" for w in activity.column("Week of")]
    contributions = services.monthly_contributions(period)
    months = [f"{date.fromisoformat(m + '-01'):%b %Y}" for m in contributions.column("Month")]
    unanswered, waiting = services.unanswered_questions(period)
    funnel, waitlists, event_figures = services.event_funnel(period)
    practices, threads = services.top_practices(period), services.top_threads(period)
    topics = services.topic_trends(period)
    at_risk = services.at_risk_organizations(period)
    searches, zero_results = services.top_searches(period), services.searches_without_results(period)
    sections = {
        "activity": _section(activity, line_chart("chart-activity", activity.title, weeks, [
            (name, activity.column(name)) for name in activity.columns[1:]])),
        "at_risk": _section(at_risk, None),
        "contributions": _section(contributions, line_chart("chart-contributions", contributions.title, months, [
            (name, contributions.column(name)) for name in contributions.columns[1:]])),
        "unanswered": _section(unanswered, bar_chart("chart-unanswered", unanswered.title,
                                                     _bars(unanswered, "Count"))),
        "waiting": _section(waiting, None),
        "events": _section(funnel, bar_chart("chart-events", funnel.title, _bars(funnel, "People"))),
        "waitlists": _section(waitlists, bar_chart("chart-waitlists", waitlists.title, _bars(
            waitlists, "Waitlisted per seat", lambda row: f"{row[3]} for {row[2]} seats"))),
        "practices": _section(practices, bar_chart("chart-practices", "Top practices by helpful marks in the period",
                                                   _bars(practices, "Helpful marks in the period"))),
        "threads": _section(threads, bar_chart("chart-threads", "Top threads by replies in the period",
                                               _bars(threads, "Replies in the period"))),
        "topics": _section(topics, bar_chart("chart-topics", "Change in practices and threads per topic", _bars(
            topics, "Change", lambda row: f"{row[3]:+d} ({row[2]} → {row[1]})"))),
        "searches": _section(searches, bar_chart("chart-searches", searches.title, _bars(
            searches, "Searches", lambda row: f"{row[1]} ({row[2]} found nothing)"))),
        "zero_results": _section(zero_results, bar_chart("chart-zero-results", zero_results.title,
                                                         _bars(zero_results, "Searches"))),
    }
    return render_template("dashboard/index.html", form=form, period=period, problem=problem, sections=sections,
                           event_figures=event_figures, args=period.as_args(),
                           at_risk_days=services.AT_RISK_DAYS, search_days=current_app.config["COP_SEARCH_QUERY_DAYS"])


@bp.get("/<table>.csv")
def table_csv(table):
    require_facilitator()
    if table not in TABLES:
        abort(404)
    period, _, _ = read_period()
    key, table = table, TABLES[table](period)
    return Response("\ufeff" + services.table_csv(table), mimetype="text/csv", headers={
        "Content-Disposition": f"attachment; filename={key.replace('_', '-')}-{period.start}-to-{period.end}.csv",
        "Cache-Control": "private, no-store"})
