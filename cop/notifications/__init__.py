"""Notifications: the in-app inbox with an unread count in the header, e-mail preferences, one-click
unsubscribe and daily digests."""

from flask import Blueprint

bp = Blueprint("notifications", __name__)


def init_app(app):
    from cop.notifications import cli

    cli.init_app(app)


@bp.app_context_processor
def _unread_notifications():
    from flask_login import current_user

    if not getattr(current_user, "is_authenticated", False):
        return {"unread_notifications": 0}
    from cop.notifications.services import unread_count

    return {"unread_notifications": unread_count(current_user)}


from cop.notifications import views  # noqa: E402,F401
