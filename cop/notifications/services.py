"""Telling members what happened: one call, `notify`, for every feature, and e-mail as each member
prefers it (one message each, a daily digest, or none), always with a one-click unsubscribe link."""

from contextlib import contextmanager
from datetime import timedelta

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask import current_app
from itsdangerous import BadSignature, URLSafeSerializer

from cop.extensions import begin_write, db, utcnow
from cop.links import absolute_url, external_url
from cop.mail import send_mail
from cop.notifications.models import EmailFrequency, Notification, NotificationSettings

# Kinds of notification that may go out by e-mail; features add theirs at import (discussions adds
# reply, mention, answer, ...). Other kinds stay in the app, so a feature that sends its own e-mail
# never causes a second one.
EMAIL_KINDS: set[str] = set()
DEFAULT_FREQUENCY = EmailFrequency.immediately
# A digest covers what is at most this old, so switching from "never" to "daily" sends no archive.
DIGEST_WINDOW = timedelta(days=7)


def notify(user, kind: str, text: str, url: str, actor=None, reply_to: str | None = None) -> Notification | None:
    """Add an in-app notification for `user` (never for the person who caused it); e-mail it at once
    when its kind is e-mailed and the member asked for every notification right away. `reply_to`: the
    address at which answering the e-mail posts an answer (see cop.replies)."""
    if actor is not None and actor.id == user.id:
        return None
    notification = Notification(user_id=user.id, kind=kind, text=text[:500], url=url[:500],
                                actor_id=actor.id if actor is not None else None, created_at=utcnow())
    db.session.add(notification)
    if kind in EMAIL_KINDS and getattr(user, "is_active", False) \
            and email_frequency(user) is EmailFrequency.immediately:
        if not db.session.info.get("notifications_without_email"):
            _send_one(user, notification, reply_to)
        notification.emailed_at = utcnow()
    return notification


@contextmanager
def without_email():
    """Notify in-app only inside this block (demo data, imports): the notifications count as e-mailed."""
    db.session.info["notifications_without_email"] = True
    try:
        yield
    finally:
        db.session.info.pop("notifications_without_email", None)


_UNREAD = (sa.select(sa.func.count(Notification.id))
           .where(Notification.user_id == sa.bindparam("user_id"), Notification.read_at.is_(None)))


def unread_column(user_id_column):
    """The unread count as a column of the signed-in member's row (see `cop.auth.viewer`)."""
    return (sa.select(sa.func.count(Notification.id))
            .where(Notification.user_id == user_id_column, Notification.read_at.is_(None)).scalar_subquery())


def unread_count(user) -> int:
    # Every signed-in page shows it: a prepared statement straight on the connection.
    if db.session.new or db.session.dirty or db.session.deleted:
        db.session.flush()
    return db.session.connection().execute(_UNREAD, {"user_id": user.id}).scalar()


def _unread_changed() -> None:
    # The header's count was read with the member at the start of the request; ask again from now on.
    from flask import has_app_context

    if has_app_context():
        from cop.auth.viewer import forget_extra

        forget_extra("unread_notifications")


def mark_read(notification: Notification) -> None:
    notification.read_at = notification.read_at or utcnow()
    _unread_changed()


def mark_all_read(user) -> int:
    _unread_changed()
    result = db.session.execute(sa.update(Notification)
                                .where(Notification.user_id == user.id, Notification.read_at.is_(None))
                                .values(read_at=utcnow()))
    return result.rowcount


def mark_read_where(user, *conditions) -> None:
    """Mark read the member's notifications matching `conditions` (say, every one about a thread they opened)."""
    _unread_changed()
    db.session.execute(sa.update(Notification)
                       .where(Notification.user_id == user.id, Notification.read_at.is_(None), *conditions)
                       .values(read_at=utcnow()), execution_options={"synchronize_session": False})


def withdraw(*conditions) -> int:
    """Delete notifications matching `conditions` (about something now hidden), so no digest carries them."""
    _unread_changed()
    result = db.session.execute(sa.delete(Notification).where(*conditions),
                                execution_options={"synchronize_session": False})
    return result.rowcount


def forget_person(user, name: str) -> None:
    """A departing person's own notifications and e-mail preference go; in others' notifications that
    they caused, their name gives way to "A former member"."""
    db.session.execute(sa.delete(Notification).where(Notification.user_id == user.id),
                       execution_options={"synchronize_session": False})
    db.session.execute(sa.delete(NotificationSettings).where(NotificationSettings.user_id == user.id),
                       execution_options={"synchronize_session": False})
    if len(name) >= 4:  # a very short name would match inside ordinary words
        db.session.execute(sa.update(Notification).where(Notification.actor_id == user.id)
                           .values(text=sa.func.replace(Notification.text, name, "A former member"), actor_id=None),
                           execution_options={"synchronize_session": False})


# Preferences

def settings_for(user) -> NotificationSettings:
    """The member's settings row, made (not yet saved) with the defaults when they never chose."""
    settings = db.session.get(NotificationSettings, user.id)
    if settings is None:
        settings = NotificationSettings(user_id=user.id, email_frequency=DEFAULT_FREQUENCY, updated_at=utcnow())
    return settings


def email_frequency(user) -> EmailFrequency:
    settings = db.session.get(NotificationSettings, user.id)
    return settings.email_frequency if settings is not None else DEFAULT_FREQUENCY


def set_email_frequency(user, frequency: EmailFrequency) -> NotificationSettings:
    settings = settings_for(user)
    settings.email_frequency = frequency
    settings.updated_at = utcnow()
    db.session.add(settings)
    return settings


def _unsubscribe_serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt="cop-unsubscribe")


def unsubscribe_token(user) -> str:
    """A stable secret for one member's one-click unsubscribe link (it can only turn e-mail off)."""
    return _unsubscribe_serializer().dumps({"uid": user.id})


def user_for_unsubscribe_token(token: str):
    from cop.auth.models import User

    if not token or len(token) > 300:
        return None
    try:
        data = _unsubscribe_serializer().loads(token)
    except BadSignature:
        return None
    return db.session.get(User, data.get("uid")) if isinstance(data, dict) else None


def unsubscribe(user) -> None:
    set_email_frequency(user, EmailFrequency.never)


# E-mail

def _mail_extras(user) -> dict:
    url = external_url("notifications.unsubscribe", token=unsubscribe_token(user))
    return {
        "unsubscribe_url": url,
        "settings_url": external_url("notifications.settings"),
        "headers": {"List-Unsubscribe": f"<{url}>", "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"},
    }


def _send_one(user, notification: Notification, reply_to: str | None = None) -> None:
    extras = _mail_extras(user)
    headers = extras.pop("headers")
    if reply_to:
        headers["Reply-To"] = reply_to
    send_mail(user.email, notification.text[:200], "notification", headers=headers, user=user,
              notification=notification, link=absolute_url(notification.url), can_reply=bool(reply_to), **extras)


def _due_for_digest(user_id: int, now):
    return (sa.select(Notification)
            .where(Notification.user_id == user_id, Notification.emailed_at.is_(None),
                   Notification.read_at.is_(None), Notification.kind.in_(sorted(EMAIL_KINDS)),
                   Notification.created_at <= now, Notification.created_at > now - DIGEST_WINDOW)
            .order_by(Notification.created_at, Notification.id))


def digest_recipients(now=None) -> list[int]:
    """Active members who chose the daily digest and have unread, not yet e-mailed notifications."""
    from cop.auth.models import MemberStatus, User

    now = now or utcnow()
    if not EMAIL_KINDS:
        return []
    return list(db.session.scalars(
        sa.select(User.id).join(NotificationSettings, NotificationSettings.user_id == User.id)
        .where(User.status == MemberStatus.active, NotificationSettings.email_frequency == EmailFrequency.daily,
               sa.exists(_due_for_digest(User.id, now).with_only_columns(Notification.id)))
        .order_by(User.id)))


def send_digest(user_id: int, now=None) -> int:
    """One digest e-mail of a member's pending notifications; returns how many it carried (0: none sent).

    Safe to run twice or in two processes at once: the rows are locked and marked e-mailed in the same
    transaction that queues the message, so a notification is never in two digests.
    """
    from cop.auth.models import User

    now = now or utcnow()
    begin_write()
    notifications = db.session.scalars(_due_for_digest(user_id, now).with_for_update(of=Notification)
                                       .options(so.joinedload(Notification.actor))).all()
    user = db.session.get(User, user_id)
    if not notifications or user is None or not user.is_active or email_frequency(user) is not EmailFrequency.daily:
        return 0
    extras = _mail_extras(user)
    for notification in notifications:
        notification.emailed_at = now
    count = len(notifications)
    subject = f"Your daily digest: {count} new {'notification' if count == 1 else 'notifications'}"
    send_mail(user.email, subject, "digest", headers=extras.pop("headers"), user=user,
              items=[(n, absolute_url(n.url)) for n in notifications],
              inbox_url=external_url("notifications.index"), **extras)
    settings = settings_for(user)
    settings.last_digest_at = now
    db.session.add(settings)
    return count


def send_digests(now=None, progress=None) -> tuple[int, int]:
    """Send every due digest, committing after each member; returns (digests, notifications)."""
    now = now or utcnow()
    digests = carried = 0
    for user_id in digest_recipients(now):
        count = send_digest(user_id, now)
        db.session.commit()
        if count:
            digests += 1
            carried += count
        if progress:
            progress(1)
    return digests, carried
