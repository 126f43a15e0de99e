"""People: the member directory, profiles, and the facilitators' membership desk."""

from flask import Blueprint

bp = Blueprint("members", __name__)

# Sections later features add to a member's profile: (person, viewer) -> (template, context) or None.
PROFILE_SECTIONS: list = []

from cop.members import views  # noqa: E402,F401
