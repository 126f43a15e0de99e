"""People: the member directory, profiles, and the facilitators' membership desk."""

from flask import Blueprint

bp = Blueprint("members", __name__)

# Sections later features add to a member's profile: (person, viewer) -> (template, context) or None.
PROFILE_SECTIONS: list = []
# Who hears of a facilitator's decision about a person (the moderation log, which lives with discussions):
# (decision, by, person, note) -> None, where decision is "approve", "decline", "suspend" or "reinstate".
DECISION_LISTENERS: list = []

from cop.members import views  # noqa: E402,F401
