"""What reports add to the home page: the way to the impact report and the market fit, for those who may
read them."""

import sqlalchemy as sa

from cop.extensions import db
from cop.orgs.models import Organization, OrgKind
from cop.reports.market import SUPPLIERS


def report_links(viewer):
    """Facilitators see both; a sponsor's people both, providers' and partners' the market fit. The
    organization's kind is read with one statement of its own, whether or not the page loaded it already,
    so the home page runs the same statements whatever else it shows."""
    if viewer.is_facilitator:
        return "reports/_home_section.html", {"impact": True, "market": True}
    kind = db.session.scalar(sa.select(Organization.kind).where(Organization.id == viewer.organization_id))
    if kind not in (OrgKind.sponsor, *SUPPLIERS):
        return None
    return "reports/_home_section.html", {"impact": kind is OrgKind.sponsor, "market": True}


def register():
    from cop.home import DASHBOARD_SECTIONS

    if report_links not in DASHBOARD_SECTIONS:
        DASHBOARD_SECTIONS.insert(0, report_links)
