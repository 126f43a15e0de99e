"""The rules for webhook endpoints: who may register one and for what, and sending a delivery again."""

import sqlalchemy as sa
import sqlalchemy.orm as so

from cop.auth.models import Role
from cop.extensions import db, utcnow
from cop.webhooks.delivery import check_destination, new_secret, seal_secret
from cop.webhooks.models import EVENT_TYPES, DeliveryStatus, WebhookDelivery, WebhookEndpoint

LOG_LENGTH = 50


class WebhookError(ValueError):
    """A request about an endpoint that cannot be done; the message says why."""


def may_register(user) -> bool:
    """Facilitators (for the whole community) and organization managers (for their organization)."""
    if not getattr(user, "is_active", False):
        return False
    return user.is_facilitator or (user.role is Role.manager and user.organization_id is not None)


def register_endpoint(owner, *, url: str, event_types: list[str], description: str = "") -> tuple[WebhookEndpoint, str]:
    """A new endpoint and its signing secret (returned once, kept sealed). The address is checked now and
    again at every delivery (DestinationError)."""
    if not may_register(owner):
        raise WebhookError("Only facilitators and organization managers register webhooks.")
    unknown = [name for name in event_types if name not in EVENT_TYPES]
    if unknown or not event_types:
        raise WebhookError("Choose at least one of the listed events.")
    check_destination(url)
    secret = new_secret()
    endpoint = WebhookEndpoint(owner=owner, organization_id=None if owner.is_facilitator else owner.organization_id,
                               url=url, description=description.strip(), event_types=list(event_types),
                               secret_sealed=seal_secret(secret))
    db.session.add(endpoint)
    db.session.flush()
    return endpoint, secret


def endpoints_of(user) -> list[WebhookEndpoint]:
    """The endpoints a person looks after: their own; a facilitator sees everyone's."""
    query = sa.select(WebhookEndpoint).options(so.joinedload(WebhookEndpoint.owner),
                                               so.joinedload(WebhookEndpoint.organization))
    if not user.is_facilitator:
        query = query.where(WebhookEndpoint.owner_id == user.id)
    return list(db.session.scalars(query.order_by(WebhookEndpoint.created_at, WebhookEndpoint.id)))


def recent_deliveries(endpoint: WebhookEndpoint, limit: int = LOG_LENGTH) -> list[WebhookDelivery]:
    return list(db.session.scalars(sa.select(WebhookDelivery).where(WebhookDelivery.endpoint_id == endpoint.id)
                                   .order_by(WebhookDelivery.id.desc()).limit(limit)))


def switch_on(endpoint: WebhookEndpoint) -> None:
    """Start sending again (deliveries that waited go out on the next run); the failure count starts over."""
    check_destination(endpoint.url)
    endpoint.is_enabled = True
    endpoint.disabled_at = None
    endpoint.failures_in_row = 0
    db.session.info["webhooks_queued"] = True  # deliveries that waited go out after the commit


def pause(endpoint: WebhookEndpoint) -> None:
    endpoint.is_enabled = False
    endpoint.disabled_at = utcnow()


def delete_endpoint(endpoint: WebhookEndpoint) -> None:
    db.session.execute(sa.delete(WebhookDelivery).where(WebhookDelivery.endpoint_id == endpoint.id))
    db.session.delete(endpoint)


def send_again(delivery: WebhookDelivery) -> None:
    """Queue a delivery once more, with its message id (so a receiver can see it is the same message) and a
    fresh count of attempts. Whether its owner may still see the content is asked again when it goes."""
    if not delivery.endpoint.is_enabled:
        raise WebhookError("The endpoint is switched off; switch it on first.")
    if delivery.status is DeliveryStatus.pending and delivery.attempts == 0:
        raise WebhookError("That delivery has not been tried yet; it goes out shortly.")
    delivery.status = DeliveryStatus.pending
    delivery.attempts = 0
    delivery.next_attempt_at = utcnow()
    db.session.info["webhooks_queued"] = True
