"""Discussions: members' questions and conversations, threaded replies, answers, follows and notifications,
and the facilitators' moderation desk."""

from flask import Blueprint

bp = Blueprint("discussions", __name__)


def init_app(app):
    from cop.discussions import pages, sections

    sections.register()
    app.add_template_filter(pages.micros, "micros")


from cop.discussions import views  # noqa: E402,F401
