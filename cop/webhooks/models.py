"""Webhooks: endpoints that facilitators and organization managers register, and each delivery to them."""

import enum
from datetime import datetime

import sqlalchemy as sa
import sqlalchemy.orm as so

from cop.extensions import UTCDateTime, db, enum_column, utcnow

# What an endpoint may subscribe to, in the order the settings page lists them.
EVENT_TYPES = {
    "practice.published": "A practice is published",
    "practice.updated": "A published practice is edited",
    "thread.created": "A discussion thread is started",
    "reply.created": "Someone replies in a discussion",
    "event.created": "An event is scheduled",
    "event.updated": "An event is changed",
    "event.cancelled": "An event is cancelled",
    "rsvp.changed": "Someone RSVPs to an event, or their RSVP changes",
}


class DeliveryStatus(enum.Enum):
    pending = "pending"
    delivered = "delivered"
    failed = "failed"  # gave up after COP_WEBHOOK_MAX_ATTEMPTS; "Send again" queues it once more
    # The endpoint's owner could no longer see the content when its turn came (hidden, owner suspended).
    withheld = "withheld"


class WebhookEndpoint(db.Model):
    """An HTTPS address that receives signed event payloads for what its owner may see.

    A facilitator's endpoint covers the whole community (organization_id is NULL); a manager's covers
    the content of their organization. The signing secret is sealed at rest (cop/sealing.py).
    """

    __tablename__ = "webhook_endpoints"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    owner_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    organization_id: so.Mapped[int | None] = so.mapped_column(
        sa.ForeignKey("organizations.id", ondelete="CASCADE"), index=True)
    url: so.Mapped[str] = so.mapped_column(sa.String(500))
    description: so.Mapped[str] = so.mapped_column(sa.String(200), default="")
    event_types: so.Mapped[list] = so.mapped_column(sa.JSON, default=list)
    secret_sealed: so.Mapped[str] = so.mapped_column(sa.Text)
    is_enabled: so.Mapped[bool] = so.mapped_column(default=True)
    # Failed attempts in a row; a success starts again from 0. At COP_WEBHOOK_DISABLE_AFTER it is switched off.
    failures_in_row: so.Mapped[int] = so.mapped_column(default=0)
    disabled_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)
    created_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)

    owner: so.Mapped["User"] = so.relationship()  # noqa: F821
    organization: so.Mapped["Organization | None"] = so.relationship()  # noqa: F821

    def __repr__(self) -> str:
        return f"<WebhookEndpoint {self.id} {self.url!r}>"

    @property
    def scope_label(self) -> str:
        return self.organization.name if self.organization is not None else "The whole community"

    def can_manage(self, user) -> bool:
        """Its owner, and facilitators (who look after every endpoint in the community)."""
        if not getattr(user, "is_active", False):
            return False
        return user.id == self.owner_id or user.is_facilitator


class WebhookDelivery(db.Model):
    """One event for one endpoint: the signed body as it was queued, and how sending it went."""

    __tablename__ = "webhook_deliveries"
    __table_args__ = (
        # The delivery run reads what is due, oldest first.
        sa.Index("ix_webhook_deliveries_due", "status", "next_attempt_at"),
        sa.Index("ix_webhook_deliveries_endpoint", "endpoint_id", "id"),
    )

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    endpoint_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("webhook_endpoints.id", ondelete="CASCADE"))
    # The Standard Webhooks message id: the same on every attempt, so a receiver can drop repeats.
    message_id: so.Mapped[str] = so.mapped_column(sa.String(40), unique=True)
    event_type: so.Mapped[str] = so.mapped_column(sa.String(40))
    # What the payload is about, to ask again at sending time whether the owner may still see it.
    subject_kind: so.Mapped[str] = so.mapped_column(sa.String(20))
    subject_id: so.Mapped[int]
    body: so.Mapped[str] = so.mapped_column(sa.Text)
    status: so.Mapped[DeliveryStatus] = so.mapped_column(enum_column(DeliveryStatus), default=DeliveryStatus.pending)
    attempts: so.Mapped[int] = so.mapped_column(default=0)
    response_code: so.Mapped[int | None]
    # The first characters of the receiver's answer or of the error, for the log; never more.
    response_excerpt: so.Mapped[str] = so.mapped_column(sa.String(300), default="")
    created_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)
    next_attempt_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)
    last_attempt_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)
    delivered_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)

    endpoint: so.Mapped[WebhookEndpoint] = so.relationship()

    def __repr__(self) -> str:
        return f"<WebhookDelivery {self.message_id} {self.event_type} {self.status.value}>"
