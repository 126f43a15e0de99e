"""What reports add to the home page: the way to the impact report, for those who may read it."""

from cop.reports.services import may_read_impact_report


def impact_report_link(viewer):
    if not may_read_impact_report(viewer):
        return None
    return "reports/_home_section.html", {}


def register():
    from cop.home import DASHBOARD_SECTIONS

    if impact_report_link not in DASHBOARD_SECTIONS:
        DASHBOARD_SECTIONS.insert(0, impact_report_link)
