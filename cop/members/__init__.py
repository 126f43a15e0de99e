"""People: the member directory, profiles, and the facilitators' membership desk."""

from flask import Blueprint

bp = Blueprint("members", __name__)

from cop.members import views  # noqa: E402,F401
