"""Sending webhooks: Standard Webhooks signatures, a destination check against server-side request forgery
(on the resolved address, at registration and again at every attempt), and retries with backoff.

Only public addresses are reached, over HTTPS, unless COP_WEBHOOKS_ALLOW_PRIVATE is set (the test suite's
receiver runs on 127.0.0.1 over plain HTTP). The connection goes to the very address that was checked, so a
name that resolves differently a moment later (DNS rebinding) cannot redirect it; redirects are not followed.
"""

import base64
import hashlib
import hmac
import http.client
import ipaddress
import logging
import secrets
import socket
import ssl
from datetime import timedelta
from urllib.parse import urlsplit

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask import current_app

from cop.extensions import db, utcnow
from cop.links import external_url
from cop.mail import send_mail
from cop.sealing import UnsealError, seal, unseal
from cop.webhooks.models import DeliveryStatus, WebhookDelivery, WebhookEndpoint
from cop.webhooks.payloads import SUBJECT_BY_KIND, payload_body, reaches

log = logging.getLogger(__name__)

SECRET_PREFIX = "whsec_"
EXCERPT_CHARS = 200
USER_AGENT = "CoP-Webhooks/1"


class DestinationError(ValueError):
    """An endpoint address CoP will not send to; the message says why, in words for its owner."""


# Secrets and signatures (https://www.standardwebhooks.com/)

def new_secret() -> str:
    return SECRET_PREFIX + base64.b64encode(secrets.token_bytes(24)).decode("ascii")


def seal_secret(secret: str) -> str:
    return seal(secret)


def endpoint_secret(endpoint: WebhookEndpoint) -> str:
    return unseal(endpoint.secret_sealed)


def sign(secret: str, message_id: str, timestamp: int, body: str) -> str:
    """The webhook-signature header: "v1," and the base64 HMAC-SHA256 of "id.timestamp.body", keyed with the
    secret's bytes (the part after "whsec_", base64-decoded)."""
    key = base64.b64decode(secret.removeprefix(SECRET_PREFIX))
    digest = hmac.new(key, f"{message_id}.{timestamp}.{body}".encode(), hashlib.sha256).digest()
    return "v1," + base64.b64encode(digest).decode("ascii")


# Where we may send

def _refused(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    return (address.is_private or address.is_loopback or address.is_link_local or address.is_multicast
            or address.is_reserved or address.is_unspecified or not address.is_global)


def check_url(url: str) -> tuple[str, str, int]:
    """(scheme, host, port) of an address fit to register, or DestinationError; no name lookup."""
    allow_private = current_app.config["COP_WEBHOOKS_ALLOW_PRIVATE"]
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as error:
        raise DestinationError("That is not a valid web address.") from error
    allowed = ("https", "http") if allow_private else ("https",)
    if parts.scheme not in allowed:
        raise DestinationError("The address must start with https://.")
    if not parts.hostname:
        raise DestinationError("The address needs a host name.")
    if parts.username is not None or parts.password is not None:
        raise DestinationError("Leave the user name and password out of the address; verify the signature instead.")
    return parts.scheme, parts.hostname, port or (443 if parts.scheme == "https" else 80)


def resolve(host: str, port: int) -> str:
    """The address to connect to for `host`: every address the name has must be public (a name that also
    points inside our network is refused whole), unless private addresses are allowed."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as error:
        raise DestinationError(f"The host name {host} could not be found.") from error
    addresses = [ipaddress.ip_address(info[4][0].split("%")[0]) for info in infos]
    if not addresses:
        raise DestinationError(f"The host name {host} could not be found.")
    if not current_app.config["COP_WEBHOOKS_ALLOW_PRIVATE"]:
        for address in addresses:
            if _refused(address):
                raise DestinationError(f"{host} points to a private, local or reserved address ({address}); "
                                       "webhooks go only to public addresses.")
    return str(addresses[0])


def check_destination(url: str) -> str:
    """Registration's check: the address is well formed and its host resolves to public addresses only."""
    _, host, port = check_url(url)
    return resolve(host, port)


class _PinnedHTTPConnection(http.client.HTTPConnection):
    """An HTTP connection to an address already checked, whatever the host name resolves to now."""

    def __init__(self, host, port, address, timeout):
        super().__init__(host, port, timeout=timeout)
        self.address = address

    def connect(self):
        self.sock = socket.create_connection((self.address, self.port), self.timeout)


class _PinnedHTTPSConnection(http.client.HTTPSConnection):
    """HTTPS to an address already checked; the certificate is still verified for the host name."""

    def __init__(self, host, port, address, timeout):
        self.tls = ssl.create_default_context()
        super().__init__(host, port, timeout=timeout, context=self.tls)
        self.address = address

    def connect(self):
        sock = socket.create_connection((self.address, self.port), self.timeout)
        self.sock = self.tls.wrap_socket(sock, server_hostname=self.host)


def post(url: str, headers: dict, body: str) -> tuple[int, str]:
    """POST once, checking the destination first; (status code, the answer's first characters)."""
    scheme, host, port = check_url(url)
    address = resolve(host, port)
    parts = urlsplit(url)
    target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    connection_class = _PinnedHTTPSConnection if scheme == "https" else _PinnedHTTPConnection
    connection = connection_class(host, port, address, current_app.config["COP_WEBHOOK_TIMEOUT"])
    try:
        connection.request("POST", target, body=body.encode(), headers=headers)
        response = connection.getresponse()
        excerpt = response.read(1024).decode("utf-8", "replace")[:EXCERPT_CHARS]
        return response.status, excerpt
    finally:
        connection.close()


# Delivering

def _headers(endpoint: WebhookEndpoint, delivery: WebhookDelivery) -> dict:
    timestamp = int(utcnow().timestamp())
    return {"Content-Type": "application/json", "User-Agent": USER_AGENT,
            "webhook-id": delivery.message_id, "webhook-timestamp": str(timestamp),
            "webhook-signature": sign(endpoint_secret(endpoint), delivery.message_id, timestamp, delivery.body)}


def _current_body(delivery: WebhookDelivery) -> str | None:
    """The body as the owner may read it now, or None: content hidden or removed since, or an owner suspended
    since, stops the delivery; a name erased since (an account deleted) is not sent on."""
    subject = SUBJECT_BY_KIND.get(delivery.subject_kind)
    obj = db.session.get(subject.model, delivery.subject_id) if subject is not None else None
    if obj is None or not reaches(delivery.endpoint, subject, obj):
        return None
    return payload_body(delivery.event_type, delivery.created_at, subject.data(obj, delivery.endpoint.owner))


def deliver(delivery: WebhookDelivery) -> bool:
    """Try one delivery once and record how it went; after repeated failures the endpoint is switched off."""
    endpoint = delivery.endpoint
    body = _current_body(delivery)
    if body is None:
        delivery.status = DeliveryStatus.withheld
        delivery.response_excerpt = "Not sent: the endpoint's owner can no longer see this."
        return False
    delivery.body = body
    now = utcnow()
    delivery.attempts += 1
    delivery.last_attempt_at = now
    try:
        code, excerpt = post(endpoint.url, _headers(endpoint, delivery), delivery.body)
    except (DestinationError, UnsealError, OSError, http.client.HTTPException) as error:
        code, excerpt = None, f"{type(error).__name__}: {error}"[:EXCERPT_CHARS]
    delivery.response_code, delivery.response_excerpt = code, excerpt
    if code is not None and 200 <= code < 300:
        delivery.status = DeliveryStatus.delivered
        delivery.delivered_at = now
        endpoint.failures_in_row = 0
        return True
    config = current_app.config
    if delivery.attempts >= config["COP_WEBHOOK_MAX_ATTEMPTS"]:
        delivery.status = DeliveryStatus.failed
    else:
        delivery.next_attempt_at = now + timedelta(seconds=config["COP_WEBHOOK_RETRY_SECONDS"] * 2 ** (delivery.attempts - 1))
    endpoint.failures_in_row += 1
    log.warning("Webhook %s to endpoint %s failed (attempt %s): %s", delivery.message_id, endpoint.id,
                delivery.attempts, code or excerpt)
    if endpoint.is_enabled and endpoint.failures_in_row >= config["COP_WEBHOOK_DISABLE_AFTER"]:
        switch_off(endpoint)
    return False


def switch_off(endpoint: WebhookEndpoint) -> None:
    """Stop sending to an endpoint that keeps failing, and tell its owner (its deliveries wait, pending)."""
    endpoint.is_enabled = False
    endpoint.disabled_at = utcnow()
    send_mail(endpoint.owner.email, "A webhook endpoint was switched off", "webhook_disabled",
              endpoint=endpoint, failures=endpoint.failures_in_row,
              endpoint_url=external_url("webhooks.detail", endpoint_id=endpoint.id))


def _claim(delivery_id: int) -> bool:
    """Take a due delivery for this run: a second worker running at the same time skips it."""
    now = utcnow()
    lease = now + timedelta(seconds=current_app.config["COP_WEBHOOK_TIMEOUT"] * 4)
    result = db.session.execute(
        sa.update(WebhookDelivery)
        .where(WebhookDelivery.id == delivery_id, WebhookDelivery.status == DeliveryStatus.pending,
               WebhookDelivery.next_attempt_at <= now)
        .values(next_attempt_at=lease).execution_options(synchronize_session=False))
    db.session.commit()
    return result.rowcount == 1


def deliver_pending(limit: int = 100) -> tuple[int, int]:
    """Send what is due to enabled endpoints, oldest first; commits per delivery. (sent, not sent)."""
    due = db.session.scalars(
        sa.select(WebhookDelivery.id).join(WebhookDelivery.endpoint)
        .where(WebhookDelivery.status == DeliveryStatus.pending, WebhookDelivery.next_attempt_at <= utcnow(),
               WebhookEndpoint.is_enabled)
        .order_by(WebhookDelivery.id).limit(limit)).all()
    sent = missed = 0
    for delivery_id in due:
        if not _claim(delivery_id):
            continue
        delivery = db.session.scalar(sa.select(WebhookDelivery).where(WebhookDelivery.id == delivery_id)
                                     .options(so.joinedload(WebhookDelivery.endpoint)))
        if not delivery.endpoint.is_enabled:  # switched off by an earlier delivery of this run
            delivery.next_attempt_at = utcnow()
            db.session.commit()
            continue
        if deliver(delivery):
            sent += 1
        else:
            missed += 1
        db.session.commit()
    return sent, missed
