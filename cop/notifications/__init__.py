"""Notifications: the in-app inbox with an unread count in the header, e-mail preferences, one-click
unsubscribe and daily digests."""

from flask import Blueprint

bp = Blueprint("notifications", __name__)


def init_app(app):
    from cop.auth.viewer import VIEWER_EXTRAS
    from cop.notifications import cli
    from cop.notifications.services import unread_column

    cli.init_app(app)
    if ("unread_notifications", unread_column) not in VIEWER_EXTRAS:
        VIEWER_EXTRAS.append(("unread_notifications", unread_column))


@bp.app_context_processor
def _unread_notifications():
    from flask_login import current_user

    if not getattr(current_user, "is_authenticated", False):
        return {"unread_notifications": 0}
    from cop.auth.viewer import extra
    from cop.notifications.services import unread_count

    loaded = extra("unread_notifications")
    return {"unread_notifications": loaded if loaded is not None else unread_count(current_user)}


from cop.notifications import views  # noqa: E402,F401
