"""Members' data rights: taking one's data away (export) and leaving cleanly (deleting an account)."""

from flask import Blueprint

bp = Blueprint("privacy", __name__)


def init_app(app):
    from cop.privacy import cli

    cli.init_app(app)


from cop.privacy import views  # noqa: E402,F401
