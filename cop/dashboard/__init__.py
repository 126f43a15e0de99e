"""The facilitator's dashboard: whether the community works, week by week, with every figure as a chart,
a table and a CSV download."""

from flask import Blueprint

bp = Blueprint("dashboard", __name__)


def init_app(app):
    from cop.dashboard import sections, visits

    visits.init_app(app)
    sections.register()


from cop.dashboard import views  # noqa: E402,F401
