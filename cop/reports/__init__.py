"""Reports for the people who fund the community: the sponsor's impact report (page, print, CSV and PDF)."""

from flask import Blueprint

bp = Blueprint("reports", __name__)


def init_app(app):
    from cop.reports import sections

    sections.register()


from cop.reports import views  # noqa: E402,F401
