"""What a webhook says about each kind of content, and to whom: one table, asked with the model rules the
pages use, for the endpoint's owner. A payload holds only what that owner could read in the app."""

import json
from dataclasses import dataclass
from typing import Callable

import sqlalchemy as sa

from cop.discussions.models import Reply, Thread
from cop.events.models import Event, Rsvp
from cop.extensions import db
from cop.links import external_url
from cop.practices.models import Practice


def _time(moment):
    return moment.isoformat().replace("+00:00", "Z") if moment is not None else None


def payload_body(event_type: str, when, data: dict) -> str:
    """The JSON body every delivery sends: {type, timestamp, data}, compact, as signed."""
    return json.dumps({"type": event_type, "timestamp": _time(when), "data": data}, separators=(",", ":"),
                      ensure_ascii=False)


def _person(user) -> dict | None:
    if user is None:
        return None
    org = user.organization
    return {"id": user.id, "name": user.name,
            "organization": {"id": org.id, "name": org.name} if org is not None else None}


def _organization(org) -> dict | None:
    return {"id": org.id, "name": org.name} if org is not None else None


# Who may see it (owner -> bool), the organization whose content it is, and the data for that owner.

def _practice_visible(practice: Practice, owner) -> bool:
    # Webhooks speak of published practices only; drafts and deleted ones stay in the app.
    return practice.is_published and practice.can_view(owner)


def _practice_data(practice: Practice, owner) -> dict:
    return {"id": practice.id, "title": practice.title, "summary": practice.summary, "body": practice.body,
            "url": external_url("practices.detail", practice_id=practice.id),
            "organization": _organization(practice.organization), "author": _person(practice.author),
            "topics": [topic.name for topic in practice.topics],
            "published_at": _time(practice.published_at), "updated_at": _time(practice.updated_at)}


def _thread_data(thread: Thread, owner) -> dict:
    practice = thread.practice
    return {"id": thread.id, "title": thread.title, "body": thread.body, "kind": thread.kind.value,
            "category": thread.category.name, "url": external_url("discussions.detail", thread_id=thread.id),
            "author": _person(thread.author), "created_at": _time(thread.created_at),
            "practice_id": practice.id if practice is not None and _practice_visible(practice, owner) else None}


def _reply_data(reply: Reply, owner) -> dict:
    thread = reply.thread
    return {"id": reply.id, "body": "" if reply.is_deleted else reply.body, "parent_id": reply.parent_id,
            "thread": {"id": thread.id, "title": thread.title,
                       "url": external_url("discussions.detail", thread_id=thread.id)},
            "author": _person(reply.author), "created_at": _time(reply.created_at)}


def _owner_rsvp(event: Event, owner) -> Rsvp | None:
    return db.session.scalar(sa.select(Rsvp).where(Rsvp.event_id == event.id, Rsvp.user_id == owner.id))


def _event_visible(event: Event, owner) -> bool:
    # The events pages' rule (get_event_or_404): every approved member sees every event.
    return bool(getattr(owner, "is_active", False))


def _event_data(event: Event, owner) -> dict:
    data = {"id": event.id, "title": event.title, "summary": event.summary, "description": event.description,
            "kind": event.kind.value, "status": event.status.value, "starts_at": _time(event.starts_at),
            "ends_at": _time(event.ends_at), "timezone": event.timezone, "venue": event.venue,
            "address": event.address, "capacity": event.capacity, "seats_left": event.seats_left,
            "host_organization": _organization(event.host_org),
            "url": external_url("events.detail", event_id=event.id), "updated_at": _time(event.updated_at)}
    if event.is_cancelled:
        data["cancel_reason"] = event.cancel_reason
    # The link only for whom the event page shows it: its hosts, facilitators, people with a seat.
    if event.can_see_meeting_link(owner, _owner_rsvp(event, owner)):
        data["meeting_url"] = event.meeting_url
    return data


def _rsvp_visible(rsvp: Rsvp, owner) -> bool:
    # Who is coming is on the attendee list, which only the event's hosts and facilitators read.
    return rsvp.event.can_manage(owner)


def _rsvp_data(rsvp: Rsvp, owner) -> dict:
    event = rsvp.event
    return {"id": rsvp.id, "status": rsvp.status.value, "member": _person(rsvp.user),
            "event": {"id": event.id, "title": event.title, "starts_at": _time(event.starts_at),
                      "url": external_url("events.detail", event_id=event.id)},
            "updated_at": _time(rsvp.updated_at)}


@dataclass(frozen=True)
class Subject:
    kind: str
    model: type
    organization_id: Callable  # obj -> the organization whose content it is (a manager's endpoint scope)
    visible: Callable  # (obj, owner) -> bool
    data: Callable  # (obj, owner) -> dict


SUBJECTS = {
    Practice: Subject("practice", Practice, lambda p: p.organization_id, _practice_visible, _practice_data),
    Thread: Subject("thread", Thread, lambda t: t.author.organization_id, lambda t, owner: t.can_view(owner),
                    _thread_data),
    Reply: Subject("reply", Reply, lambda r: r.author.organization_id, lambda r, owner: r.can_view(owner),
                   _reply_data),
    Event: Subject("event", Event, lambda e: e.host_org_id, _event_visible, _event_data),
    Rsvp: Subject("rsvp", Rsvp, lambda r: r.event.host_org_id, _rsvp_visible, _rsvp_data),
}
SUBJECT_BY_KIND = {subject.kind: subject for subject in SUBJECTS.values()}


def reaches(endpoint, subject: Subject, obj) -> bool:
    """Whether an endpoint hears of this object at all: its owner is still allowed to hold it (a facilitator,
    or a manager of its organization), the object is in its scope, and the owner may see the object."""
    owner = endpoint.owner
    if not getattr(owner, "is_active", False):
        return False
    if endpoint.organization_id is None:
        if not owner.is_facilitator:
            return False
    elif not (owner.can_manage_org(endpoint.organization) and subject.organization_id(obj) == endpoint.organization_id):
        return False
    return bool(subject.visible(obj, owner))
