"""Private messages: conversations of two to ten members, started from a profile or a post, with unread counts in
the header, notifications by each member's preferences, leaving, muting, blocking and reports to the
facilitators. Nothing here is searched, put in a feed or kept in a shared page cache."""

from flask import Blueprint

bp = Blueprint("messages", __name__)


def init_app(app):
    from cop.auth.viewer import VIEWER_EXTRAS
    from cop.messages import sections
    from cop.messages.services import unread_column

    if ("unread_conversations", unread_column) not in VIEWER_EXTRAS:
        VIEWER_EXTRAS.append(("unread_conversations", unread_column))
    sections.register()


@bp.app_context_processor
def _unread_conversations():
    from flask_login import current_user

    if not getattr(current_user, "is_authenticated", False):
        return {"unread_conversations": 0}
    from cop.auth.viewer import extra
    from cop.messages.services import unread_count

    loaded = extra("unread_conversations")
    return {"unread_conversations": loaded if loaded is not None else unread_count(current_user)}


from cop.messages import views  # noqa: E402,F401
