"""Program profiles and peer comparison: how each organization runs its programs, side by side, with
aggregates that answer "how do others do it?" and a way to ask the peers behind them."""

from flask import Blueprint

bp = Blueprint("programs", __name__)


def init_app(app):
    from cop.programs import sections

    sections.register()


from cop.programs import views  # noqa: E402,F401
