"""Notifications by API: the caller's own, newest first, and marking them read."""

import marshmallow as ma
import sqlalchemy as sa
import sqlalchemy.orm as so

from cop.api import v1
from cop.api.access import caller, not_found
from cop.api.paging import PageArgs, page, page_schema, paginate
from cop.api.schemas import Person, UTCDateTime
from cop.extensions import db
from cop.links import absolute_url
from cop.notifications import services as notices
from cop.notifications.models import Notification

TAG = "Notifications"


class NotificationOut(ma.Schema):
    id = ma.fields.Integer(required=True)
    kind = ma.fields.String(required=True, metadata={"description": "reply, mention, answer, new_thread, …"})
    text = ma.fields.String(required=True)
    url = ma.fields.Function(lambda notification: absolute_url(notification.url), required=True,
                             metadata={"type": "string", "description": "Where it happened, on the site."})
    actor = ma.fields.Nested(Person, required=True, allow_none=True)
    created_at = UTCDateTime(required=True)
    read_at = UTCDateTime(required=True, allow_none=True)


class NotificationArgs(PageArgs):
    unread = ma.fields.Boolean(load_default=False, metadata={"description": "Only the unread ones."})


class ReadAll(ma.Schema):
    marked = ma.fields.Integer(required=True, metadata={"description": "How many were unread."})


def _own_or_404(notification_id: int) -> Notification:
    notification = db.session.get(Notification, notification_id)
    if notification is None or notification.user_id != caller().id:
        not_found("That notification")
    return notification


@v1.route("/notifications", tags=[TAG])
@v1.etag
@v1.arguments(NotificationArgs, location="query", unknown=ma.EXCLUDE)
@v1.response(200, page_schema(NotificationOut, "NotificationPage"))
def list_notifications(args):
    """Your notifications, newest first."""
    query = (sa.select(Notification).where(Notification.user_id == caller().id)
             .options(so.joinedload(Notification.actor))
             .order_by(Notification.created_at.desc(), Notification.id.desc()))
    if args["unread"]:
        query = query.where(Notification.read_at.is_(None))
    return page(*paginate(query, args))


@v1.route("/notifications/<int:notification_id>/read", methods=["POST"], tags=[TAG])
@v1.response(200, NotificationOut)
def read_notification(notification_id):
    """Mark one of your notifications read."""
    notification = _own_or_404(notification_id)
    notices.mark_read(notification)
    db.session.commit()
    return _own_or_404(notification_id)


@v1.route("/notifications/read", methods=["POST"], tags=[TAG])
@v1.response(200, ReadAll)
def read_all_notifications():
    """Mark every notification of yours read."""
    marked = notices.mark_all_read(caller())
    db.session.commit()
    return {"marked": marked}
