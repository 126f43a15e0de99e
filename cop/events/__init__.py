"""Events: site visits and provider feedback sessions with RSVPs, a fair waitlist, calendars and scorecards."""

from flask import Blueprint

bp = Blueprint("events", __name__)


def init_app(app):
    from cop.events import cli, sections

    cli.init_app(app)
    sections.register()


from cop.events import views  # noqa: E402,F401
