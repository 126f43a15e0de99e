"""The front door: a welcome for visitors, a dashboard for members, and the site-wide navigation."""

from flask import Blueprint, current_app

bp = Blueprint("home", __name__)

# Main navigation in order; an entry shows once its feature's endpoint exists.
NAV_ITEMS = [
    ("practices.index", "Library"),
    ("competencies.index", "Toolkit"),
    ("programs.index", "Programs"),
    ("discussions.index", "Discussions"),
    ("events.index", "Events"),
    ("members.directory", "Members"),
    ("orgs.directory", "Organizations"),
]
SEARCH_ENDPOINT = "search.index"

# Sections later features add to the member dashboard: (viewer) -> (template, context) or None.
DASHBOARD_SECTIONS: list = []


@bp.app_context_processor
def _navigation():
    from flask_login import current_user

    endpoints = current_app.view_functions
    context = {
        "nav_items": [(endpoint, label) for endpoint, label in NAV_ITEMS if endpoint in endpoints],
        "search_endpoint": SEARCH_ENDPOINT if SEARCH_ENDPOINT in endpoints else None,
        "pending_requests": 0,
    }
    if getattr(current_user, "is_facilitator", False):
        context["pending_requests"] = _pending_request_count()
    return context


def _pending_request_count() -> int:
    import sqlalchemy as sa

    from cop.auth.models import MemberStatus, User
    from cop.extensions import db

    return db.session.scalar(sa.select(sa.func.count(User.id)).where(User.status == MemberStatus.pending))


from cop.home import views  # noqa: E402,F401
