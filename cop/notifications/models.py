"""In-app notifications (what happened that a member should know about, read or unread) and how
each member wants them by e-mail."""

import enum
from datetime import datetime

import sqlalchemy as sa
import sqlalchemy.orm as so

from cop.extensions import UTCDateTime, db, enum_column, utcnow


class Notification(db.Model):
    __tablename__ = "notifications"
    __table_args__ = (
        # The unread count in every page's header.
        sa.Index("ix_notifications_user_unread", "user_id", "read_at", "created_at"),
        # A member's list, newest first.
        sa.Index("ix_notifications_user_newest", "user_id", "created_at", "id"),
    )

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    user_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"))
    # What kind of event (reply, mention, answer, new_thread, waitlist_promoted, ...): lets members filter
    # and lets e-mail preferences and digests group them.
    kind: so.Mapped[str] = so.mapped_column(sa.String(40))
    text: so.Mapped[str] = so.mapped_column(sa.String(500))
    url: so.Mapped[str] = so.mapped_column(sa.String(500))
    actor_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    created_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)
    read_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)
    # Set once the notification went out by e-mail (at once or in a digest), so nobody gets it twice.
    emailed_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)

    actor: so.Mapped["User | None"] = so.relationship(foreign_keys=[actor_id])  # noqa: F821

    @property
    def is_unread(self) -> bool:
        return self.read_at is None


class EmailFrequency(enum.Enum):
    immediately = "immediately"
    daily = "daily"
    never = "never"

    @property
    def label(self) -> str:
        return {"immediately": "Right away, one e-mail each",
                "daily": "Once a day, in a digest",
                "never": "Never (I'll look in the app)"}[self.value]


class NotificationSettings(db.Model):
    """How a member wants to hear about notifications by e-mail; no row means the default."""

    __tablename__ = "notification_settings"

    user_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    email_frequency: so.Mapped[EmailFrequency] = so.mapped_column(enum_column(EmailFrequency),
                                                                  default=EmailFrequency.immediately)
    updated_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)
    last_digest_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)
