"""Discussions: members' questions and conversations, threaded replies, answers, follows and notifications,
and the facilitators' moderation desk."""

from flask import Blueprint

bp = Blueprint("discussions", __name__)

# What later features show on a thread page that differs between members beyond their role (cop/messages:
# the people a member can't be offered to write to privately): (name, function viewer -> hashable value).
# Each is read before the page is looked up in the cache, is part of its key, and reaches the templates as
# `viewer_state[name]`; a page without it shows nothing that depends on it.
THREAD_VIEWER_STATE: list = []


def init_app(app):
    from cop.discussions import pages, sections

    sections.register()
    app.add_template_filter(pages.micros, "micros")


from cop.discussions import views  # noqa: E402,F401
