"""What reports add to the home page: the way to the impact report and the market fit, for those who may
read them."""

from cop.reports.market import may_see_market_fit
from cop.reports.services import may_read_impact_report


def report_links(viewer):
    impact, market = may_read_impact_report(viewer), may_see_market_fit(viewer)
    if not (impact or market):
        return None
    return "reports/_home_section.html", {"impact": impact, "market": market}


def register():
    from cop.home import DASHBOARD_SECTIONS

    if report_links not in DASHBOARD_SECTIONS:
        DASHBOARD_SECTIONS.insert(0, report_links)
