"""Noticing what happened: session listeners turn changes to practices, threads, replies, events and RSVPs
into webhook deliveries, written in the same transaction as the change (so a delivery exists exactly when
its change committed) and sent after the commit."""

import secrets

import sqlalchemy as sa
import sqlalchemy.orm as so

from cop.discussions.models import Reply, Thread
from cop.events.models import Event, EventStatus, Rsvp
from cop.extensions import utcnow
from cop.practices.models import Practice, PracticeStatus
from cop.webhooks.models import WebhookDelivery, WebhookEndpoint
from cop.webhooks.payloads import SUBJECTS, payload_body, reaches

# Edits that make a published practice "updated", and an event "updated" (not its seat counters).
PRACTICE_TEXT = {"title", "summary", "body"}
EVENT_DETAILS = {"title", "summary", "description", "kind", "starts_at", "ends_at", "timezone", "venue", "address",
                 "meeting_url", "capacity", "per_org_cap", "rsvp_deadline", "cancel_deadline", "host_org_id"}


def _changed(obj, names) -> bool:
    state = sa.inspect(obj)
    return any(state.attrs[name].history.has_changes() for name in names)


def _became(obj, name: str, value) -> bool:
    history = sa.inspect(obj).attrs[name].history
    return bool(history.added) and history.added[0] is value and value not in (history.deleted or ())


def event_types_for(obj, is_new: bool) -> list[str]:
    """The webhook events a new or changed object stands for (none for most changes)."""
    if isinstance(obj, Practice):
        if obj.deleted_at is not None or obj.status is not PracticeStatus.published:
            return []
        if is_new or _became(obj, "status", PracticeStatus.published):
            return ["practice.published"]
        return ["practice.updated"] if _changed(obj, PRACTICE_TEXT) else []
    if isinstance(obj, (Thread, Reply)):
        return [f"{type(obj).__name__.lower()}.created"] if is_new else []
    if isinstance(obj, Event):
        if is_new:
            return ["event.created"]
        if _became(obj, "status", EventStatus.cancelled):
            return ["event.cancelled"]
        return ["event.updated"] if _changed(obj, EVENT_DETAILS) else []
    if isinstance(obj, Rsvp):
        return ["rsvp.changed"] if is_new or _changed(obj, {"status"}) else []
    return []


@sa.event.listens_for(so.Session, "before_flush")
def _collect(session, flush_context, instances):
    # Histories are readable only before the flush writes them: note what happened now, queue at commit.
    pending = session.info.setdefault("webhooks_pending", {})
    for obj in list(session.new) + list(session.dirty):
        if type(obj) in SUBJECTS:
            for event_type in event_types_for(obj, obj in session.new):
                pending.setdefault((type(obj), id(obj), event_type), obj)


@sa.event.listens_for(so.Session, "before_commit")
def _queue(session):
    # Only at the outermost commit: a savepoint (discussions' _add_once) may still be rolled back.
    if session.in_nested_transaction():
        return
    if not session.info.get("webhooks_pending") and not session.new and not session.dirty:
        return
    session.flush()  # what the commit is about to write must be collected too
    pending = session.info.pop("webhooks_pending", {})
    if not pending:
        return
    endpoints = session.scalars(sa.select(WebhookEndpoint).where(WebhookEndpoint.is_enabled)
                                .options(so.joinedload(WebhookEndpoint.owner))).all()
    queued = 0
    for (model, _, event_type), obj in _without_repeats(pending):
        subject = SUBJECTS[model]
        for endpoint in endpoints:
            if event_type in endpoint.event_types and reaches(endpoint, subject, obj):
                session.add(delivery_for(endpoint, event_type, subject, obj))
                queued += 1
    if queued:
        session.info["webhooks_queued"] = True


def _without_repeats(pending: dict):
    """A practice published and edited in one transaction is published; an event cancelled is not also updated."""
    keys = set(pending)
    for key, obj in pending.items():
        model, identity, event_type = key
        if event_type == "practice.updated" and (model, identity, "practice.published") in keys:
            continue
        if event_type == "event.updated" and ((model, identity, "event.cancelled") in keys
                                              or (model, identity, "event.created") in keys):
            continue
        yield key, obj


def new_message_id() -> str:
    return "msg_" + secrets.token_urlsafe(18)


def delivery_for(endpoint: WebhookEndpoint, event_type: str, subject, obj) -> WebhookDelivery:
    """A delivery of one event to one endpoint, with the body the owner may read now (made again, with the
    content as it then is, each time it is sent)."""
    now = utcnow()
    return WebhookDelivery(endpoint=endpoint, message_id=new_message_id(), event_type=event_type,
                           subject_kind=subject.kind, subject_id=obj.id, created_at=now, next_attempt_at=now,
                           body=payload_body(event_type, now, subject.data(obj, endpoint.owner)))


@sa.event.listens_for(so.Session, "after_commit")
def _committed(session):
    if session.info.pop("webhooks_queued", False):
        session.info["webhooks_ready"] = True


@sa.event.listens_for(so.Session, "after_soft_rollback")
def _forget(session, previous_transaction):
    if previous_transaction.parent is not None:
        # A savepoint (or a flush inside one) rolled back: forget only what it made; what happened
        # before it still commits.
        pending = session.info.get("webhooks_pending", {})
        for key, obj in list(pending.items()):
            if sa.inspect(obj).transient or sa.inspect(obj).detached:
                del pending[key]
        return
    session.info.pop("webhooks_pending", None)
    session.info.pop("webhooks_queued", None)
