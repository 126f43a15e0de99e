"""What the dashboard adds to the home page: the way in, for those who may use it."""


def dashboard_link(viewer):
    """Facilitators see where the community's trends are, first thing after signing in."""
    if not viewer.is_facilitator:
        return None
    return "dashboard/_home_section.html", {}


def register():
    from cop.home import DASHBOARD_SECTIONS

    if dashboard_link not in DASHBOARD_SECTIONS:
        DASHBOARD_SECTIONS.insert(0, dashboard_link)
