"""Telling members what happened: one call, `notify`, for every feature."""

import sqlalchemy as sa

from cop.extensions import db, utcnow
from cop.notifications.models import Notification


def notify(user, kind: str, text: str, url: str, actor=None) -> Notification | None:
    """Add an in-app notification for `user` (never for the person who caused it)."""
    if actor is not None and actor.id == user.id:
        return None
    notification = Notification(user_id=user.id, kind=kind, text=text[:500], url=url[:500],
                                actor_id=actor.id if actor is not None else None, created_at=utcnow())
    db.session.add(notification)
    return notification


def unread_count(user) -> int:
    return db.session.scalar(sa.select(sa.func.count(Notification.id))
                             .where(Notification.user_id == user.id, Notification.read_at.is_(None)))


def mark_read(notification: Notification) -> None:
    notification.read_at = notification.read_at or utcnow()


def mark_all_read(user) -> int:
    result = db.session.execute(sa.update(Notification)
                                .where(Notification.user_id == user.id, Notification.read_at.is_(None))
                                .values(read_at=utcnow()))
    return result.rowcount
