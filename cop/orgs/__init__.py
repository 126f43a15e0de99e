"""Organizations: the directory, a page per organization with its people, editing and invitations."""

from flask import Blueprint

bp = Blueprint("orgs", __name__)

# Later features add sections to an organization's page (its practices, its programs): each is a
# function (org, viewer) -> (template, context) or None, appended once at import.
PAGE_SECTIONS: list = []

from cop.orgs import views  # noqa: E402,F401
