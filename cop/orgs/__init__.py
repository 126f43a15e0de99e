"""Organizations: the directory, a page per organization with its people, editing and invitations."""

from flask import Blueprint

bp = Blueprint("orgs", __name__)

from cop.orgs import views  # noqa: E402,F401
