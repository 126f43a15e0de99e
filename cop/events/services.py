"""The rules of events: creating and changing them, RSVPs and the first-come waitlist, attendance,
reminders, feedback and recaps.

Services flush and leave the commit to their caller (one request, one commit), so a cancellation and
the promotion it causes are one transaction. Everything that reads seat counts and then changes them
starts with lock_event(): on SQLite the unit of work restarts as BEGIN IMMEDIATE, so writers queue; on
PostgreSQL the event's row is locked FOR UPDATE. Either way the RSVPs and cancellations of one event
run one after another, so the capacity holds, the queue keeps first-come order and every freed seat is
given exactly once.
"""

from dataclasses import dataclass
from datetime import timedelta, timezone

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask import current_app, has_request_context, url_for

from cop.events.calendars import ics_attachment
from cop.events.models import (DEFAULT_QUESTIONS, Event, EventKind, EventSeries, EventStatus, FeedbackAnswer,
                               FeedbackQuestion, FeedbackResponse, Intent, QuestionKind, Rsvp, RsvpStatus)
from cop.events.recurrence import Repeat, occurrences
from cop.extensions import HotRead, begin_write, db, utcnow
from cop.links import external_url
from cop.mail import send_mail
from cop.notifications.services import notify
from cop.orgs.models import OrgKind
from cop.text import render_markdown, zone

# Set while this session's transaction may already write (it flushed, or it began as a writer):
# starting it over then would throw that work away, and it already holds SQLite's write lock.
_WRITING = "events_writing"
FEEDBACK_REMINDER_GAP = timedelta(hours=20)
REMINDER_WINDOW = timedelta(hours=24)
AUDIENCES = {
    "going": "Confirmed attendees",
    "waitlisted": "People on the waitlist",
    "active": "Confirmed and waitlisted",
    "attended": "People who attended",
}


class EventError(ValueError):
    """A rule said no; the message is safe to show to the person."""


class CapacityError(EventError):
    """The capacity asked for is below the number of people already confirmed."""


_EVENT_TITLE = HotRead(sa.select(Event.__table__.c.title).where(Event.__table__.c.id == sa.bindparam("event_id")))


def event_title(event_id: int) -> str | None:
    """The event's title, or None if there is no such event (a cached event page decides with this)."""
    row = _EVENT_TITLE.first({"event_id": event_id})
    return row[0] if row else None


@sa.event.listens_for(so.Session, "after_flush")
def _note_write(session, flush_context):
    session.info[_WRITING] = True


@sa.event.listens_for(so.Session, "after_transaction_end")
def _forget_write(session, transaction):
    if transaction.parent is None:
        session.info.pop(_WRITING, None)


def serialize_writes() -> None:
    """Make this unit of work a serialized writer before it reads what it will change (see begin_write)."""
    if db.session.info.get(_WRITING):
        return
    begin_write()  # SQLite: the read transaction ends, and what it read is expired with it
    if db.engine.dialect.name != "sqlite":
        # PostgreSQL keeps the transaction: rows read before the lock may predate another writer's commit.
        db.session.flush()
        db.session.expire_all()
    db.session.info[_WRITING] = True


def lock_event(event: Event) -> Event:
    """Serialize against every other unit of work on this event's seats and reload it fresh.

    Call first, before reading counts: SQLite queues writers (BEGIN IMMEDIATE), PostgreSQL locks the
    row until the commit. Safe to call again inside the same unit of work.
    """
    event_id = sa.inspect(event).identity[0]
    serialize_writes()
    return db.session.scalar(sa.select(Event).where(Event.id == event_id).with_for_update()
                             .execution_options(populate_existing=True))


# What the lists show: every approved member sees every event.

def upcoming_events():
    """Events that have not ended, soonest first."""
    return sa.select(Event).where(Event.ends_at >= utcnow()).order_by(Event.starts_at, Event.id)


def past_events():
    """Events that have ended, most recent first."""
    return sa.select(Event).where(Event.ends_at < utcnow()).order_by(Event.starts_at.desc(), Event.id.desc())


# Who may create what

def can_create_event(user, kind: EventKind | None = None, host_org=None) -> bool:
    """Facilitators create any event; an organization manager creates site visits at their own company."""
    if not getattr(user, "is_active", False):
        return False
    if user.is_facilitator:
        return True
    org = user.organization
    if not user.can_manage_org(org) or org.kind is not OrgKind.member_company:
        return False
    return (kind in (None, EventKind.site_visit)) and (host_org is None or host_org.id == org.id)


# Telling people

def _path(endpoint: str, **values) -> str:
    """A site-relative link for a notification, also outside a request (CLI, workers)."""
    if has_request_context():
        return url_for(endpoint, **values)
    with current_app.test_request_context():
        return url_for(endpoint, **values)


def _tell(user, event: Event, *, kind: str, text: str, subject: str | None = None, template: str | None = None,
          with_ics: bool = False, show_link: bool = False, withdrawn: bool = False, actor=None, **context) -> None:
    """One notification, and optionally one e-mail (with the event's .ics), for one person about one event.
    show_link: the person may see a virtual event's meeting link (they are confirmed, or they run it);
    withdrawn: their copy of the event is marked cancelled, so it leaves their calendar."""
    notify(user, kind, text, _path("events.detail", event_id=event.id), actor=actor)
    if template is None:
        return
    show_link = show_link or event.can_manage(user)
    attachments = [ics_attachment(event, show_link=show_link, withdrawn=withdrawn)] if with_ics else []
    send_mail(user.email, subject or event.title, template, attachments=attachments, event=event, recipient=user,
              event_url=external_url("events.detail", event_id=event.id), show_link=show_link, **context)


def _tell_rsvp(record: Rsvp, event: Event) -> None:
    if record.status is RsvpStatus.going:
        send_mail(record.user.email, f"You're going: {event.title}", "event_confirmed",
                  attachments=[ics_attachment(event, show_link=True)], event=event, recipient=record.user,
                  event_url=external_url("events.detail", event_id=event.id), show_link=True)
    else:
        send_mail(record.user.email, f"You're on the waitlist: {event.title}", "event_waitlisted", event=event,
                  recipient=record.user, position=waitlist_position(record),
                  event_url=external_url("events.detail", event_id=event.id), show_link=False)


# Creating and changing events

def create_event(by, *, kind: EventKind, title: str, starts_at, ends_at, timezone: str, capacity: int,
                 host_org=None, **fields) -> Event:
    """A scheduled event; a feedback session starts with the standard rubric and open questions."""
    event = Event(kind=kind, title=title.strip(), starts_at=starts_at, ends_at=ends_at, timezone=timezone,
                  capacity=capacity, host_org=host_org, created_by_id=by.id if by is not None else None, **fields)
    event.description_html = render_markdown(event.description or "")
    if kind is not EventKind.virtual:
        event.meeting_url = ""
    db.session.add(event)
    if kind is EventKind.feedback_session:
        event.questions = [FeedbackQuestion(kind=qkind, prompt=prompt, position=n)
                           for n, (qkind, prompt) in enumerate(DEFAULT_QUESTIONS)]
    db.session.flush()
    return event


def _check_capacity(event: Event, capacity: int) -> None:
    if capacity < 1:
        raise CapacityError("An event needs at least one seat.")
    if capacity < event.going_count:
        raise CapacityError(
            f"{event.going_count} people are confirmed, so the capacity can't go below {event.going_count}. "
            "To make the event smaller, release seats on the attendee list first: each person is told.")


def set_capacity(event: Event, capacity: int) -> list[Rsvp]:
    """Change the number of seats. Up promotes from the waitlist at once; below the number of people
    confirmed is refused (CapacityError), so nobody loses a seat without being told."""
    event = lock_event(event)
    _check_capacity(event, capacity)
    event.capacity = capacity
    event.sequence += 1
    event.updated_at = utcnow()
    db.session.flush()
    return promote_from_waitlist(event)


TIME_AND_PLACE = ("starts_at", "ends_at", "timezone", "venue", "address", "meeting_url")


def update_event(event: Event, by, **fields) -> list[Rsvp]:
    """Save an edit: a new SEQUENCE for calendars, promotions when seats or the per-organization cap
    grew, and a notice (with an updated .ics for confirmed people) when the time or place changed.
    Capacity below the confirmed count is refused as in set_capacity. Returns who was promoted."""
    event = lock_event(event)
    if event.is_cancelled:
        raise EventError("A cancelled event can't be changed.")
    capacity = fields.pop("capacity", event.capacity)
    _check_capacity(event, capacity)
    before = {name: getattr(event, name) for name in TIME_AND_PLACE}
    for name, value in fields.items():
        setattr(event, name, value)
    if event.kind is not EventKind.virtual:
        event.meeting_url = ""
    event.capacity = capacity
    event.description_html = render_markdown(event.description or "")
    _next_sequence(event)
    event.updated_at = utcnow()
    moved = [name for name in TIME_AND_PLACE if getattr(event, name) != before[name]]
    if "starts_at" in moved:
        db.session.execute(sa.update(Rsvp).where(Rsvp.event_id == event.id).values(reminded_at=None))
    db.session.flush()
    promoted = promote_from_waitlist(event)
    if moved:
        promoted_ids = {r.id for r in promoted}
        for record in _active_rsvps(event):
            if record.id in promoted_ids:
                continue
            going = record.status is RsvpStatus.going
            _tell(record.user, event, kind="event_updated", text=f"The time or place of “{event.title}” changed.",
                  subject=f"Changed: {event.title}", template="event_updated", with_ics=going, show_link=going,
                  actor=by, going=going)
    return promoted


def _next_sequence(event: Event) -> None:
    # Calendar apps take the newest SEQUENCE: a date's own file, and its series' file.
    event.sequence += 1
    if event.series is not None:
        event.series.sequence += 1


def cancel_event(event: Event, by, reason: str = "") -> int:
    """Call the event off; everyone with a seat or a waitlist place is told (confirmed people get a
    cancelled .ics so it leaves their calendar). RSVPs are kept, so feeds show the event as cancelled."""
    event = lock_event(event)
    if event.is_cancelled:
        raise EventError("This event is already cancelled.")
    if event.has_ended:
        raise EventError("This event is over; there is nothing to cancel.")
    event.status = EventStatus.cancelled
    event.cancelled_at = event.updated_at = utcnow()
    event.cancel_reason = reason.strip()
    _next_sequence(event)
    db.session.flush()
    told = 0
    for record in _active_rsvps(event):
        _tell(record.user, event, kind="event_cancelled", text=f"“{event.title}” was cancelled.",
              subject=f"Cancelled: {event.title}", template="event_cancelled",
              with_ics=record.status is RsvpStatus.going, show_link=record.status is RsvpStatus.going, actor=by)
        told += 1
    return told


def upcoming_hosted_events(org) -> list[Event]:
    return db.session.scalars(
        sa.select(Event).where(Event.host_org_id == org.id, Event.status != EventStatus.cancelled,
                               Event.starts_at > utcnow()).order_by(Event.starts_at)).all()


def cancel_hosted_events(org, by, reason: str) -> int:
    """Call off the organization's events that have not started (it left the community); returns how many."""
    events = upcoming_hosted_events(org)
    for event in events:
        cancel_event(event, by, reason)
    return len(events)


def _active_rsvps(event: Event) -> list[Rsvp]:
    return db.session.scalars(
        sa.select(Rsvp).where(Rsvp.event_id == event.id, Rsvp.status.in_([RsvpStatus.going, RsvpStatus.waitlisted]))
        .options(so.joinedload(Rsvp.user)).order_by(Rsvp.ticket)).all()


# RSVPs and the waitlist

def find_rsvp(event: Event, user) -> Rsvp | None:
    return db.session.scalar(sa.select(Rsvp).where(Rsvp.event_id == event.id, Rsvp.user_id == user.id))


def _org_going(event: Event, organization_id: int | None) -> int:
    if organization_id is None:
        return 0
    return db.session.scalar(sa.select(sa.func.count(Rsvp.id)).where(
        Rsvp.event_id == event.id, Rsvp.status == RsvpStatus.going, Rsvp.organization_id == organization_id))


def _has_seat_for(event: Event, organization_id: int | None) -> bool:
    if event.seats_left == 0:
        return False
    return event.per_org_cap is None or _org_going(event, organization_id) < event.per_org_cap


@dataclass
class OrganizationSeats:
    """One organization's share of an event with a per-organization cap: who of its people hold seats."""

    cap: int
    holders: list  # the colleagues going, by when they RSVP'd

    @property
    def taken(self) -> bool:
        return len(self.holders) >= self.cap

    def holder_names(self) -> str:
        """"Ana Ruiz", "Ana Ruiz and Ben Ode", "Ana Ruiz, Ben Ode and Cy Lam"."""
        names = [record.user.name for record in self.holders]
        return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]

    def explanation(self, waiting: bool) -> str:
        """Why a colleague waits although the event may have seats, and what moves them up; `waiting`:
        they are on the waitlist already, rather than about to join it."""
        seats = "seat is" if self.cap == 1 else f"{self.cap} seats are"
        offer = "If" if waiting else "You can join the waitlist: if"
        return (f"Your organization's {seats} taken by {self.holder_names()}. {offer} one of them cancels or "
                "the organizer makes room, you move up.")


def organization_seats(event: Event, organization_id: int | None) -> OrganizationSeats | None:
    """The seats `organization_id` holds at an event that caps them; None where there is no cap (or no
    organization). Shown to that organization's own people only: it names their colleagues."""
    if event.per_org_cap is None or organization_id is None:
        return None
    holders = db.session.scalars(
        sa.select(Rsvp).where(Rsvp.event_id == event.id, Rsvp.status == RsvpStatus.going,
                              Rsvp.organization_id == organization_id)
        .options(so.joinedload(Rsvp.user)).order_by(Rsvp.ticket)).all()
    return OrganizationSeats(cap=event.per_org_cap, holders=list(holders))


def rsvp(event: Event, user, *, acknowledged: bool = False, tell: bool = True) -> Rsvp:
    """A seat when one is free and the member's organization is under its cap; otherwise a place at the
    end of the waitlist. Refused: a second RSVP, a closed RSVP window, unconfirmed acknowledgements."""
    event = lock_event(event)
    if reason := event.rsvp_closed_reason:
        raise EventError(reason)
    if event.acknowledgement_list and not acknowledged:
        raise EventError("Please confirm each point under “Before you RSVP”.")
    record = find_rsvp(event, user)
    if record is not None and record.status is RsvpStatus.going:
        raise EventError("You're already going to this event.")
    if record is not None and record.status is RsvpStatus.waitlisted:
        raise EventError("You're already on the waitlist for this event.")
    now = utcnow()
    has_seat = _has_seat_for(event, user.organization_id)
    if record is None:
        record = Rsvp(event_id=event.id, user_id=user.id, created_at=now)
        db.session.add(record)
    event.last_ticket += 1
    record.ticket = event.last_ticket
    record.organization_id = user.organization_id
    record.acknowledged_at = now if event.acknowledgement_list else None
    record.updated_at = now
    record.promoted_at = record.cancelled_at = record.released_by_id = record.reminded_at = None
    record.attended = None
    if has_seat:
        record.status = RsvpStatus.going
        event.going_count += 1
    else:
        record.status = RsvpStatus.waitlisted
        event.waitlist_count += 1
    db.session.flush()
    if tell:
        _tell_rsvp(record, event)
    return record


def waitlist_position(record: Rsvp) -> int:
    """1 for the first person waiting."""
    return 1 + db.session.scalar(sa.select(sa.func.count(Rsvp.id)).where(
        Rsvp.event_id == record.event_id, Rsvp.status == RsvpStatus.waitlisted, Rsvp.ticket < record.ticket))


def _withdraw(event: Event, record: Rsvp) -> None:
    if record.status is RsvpStatus.going:
        event.going_count -= 1
    elif record.status is RsvpStatus.waitlisted:
        event.waitlist_count -= 1
    record.status = RsvpStatus.cancelled
    record.cancelled_at = record.updated_at = utcnow()


def cancel_rsvp(event: Event, user) -> list[Rsvp]:
    """Give up a seat or a waitlist place; the freed seat goes to the first waitlisted person who fits,
    in the same transaction. Confirmed people can't cancel online after the cancellation deadline."""
    event = lock_event(event)
    record = find_rsvp(event, user)
    if record is None or not record.is_active:
        raise EventError("You have no RSVP to cancel.")
    if event.has_started and not event.is_cancelled:
        raise EventError("The event has started, so the RSVP can't be cancelled any more.")
    if record.status is RsvpStatus.going and event.cancel_deadline_passed and not event.is_cancelled:
        raise EventError("The cancellation deadline has passed. Please tell the host directly.")
    was_going = record.status is RsvpStatus.going
    _withdraw(event, record)
    db.session.flush()
    if was_going and not event.is_cancelled:
        send_mail(user.email, f"RSVP cancelled: {event.title}", "event_rsvp_cancelled",
                  attachments=[ics_attachment(event, show_link=False, withdrawn=True)], event=event, recipient=user,
                  event_url=external_url("events.detail", event_id=event.id), show_link=False)
    return promote_from_waitlist(event)


def withdraw_person(user) -> int:
    """A person who leaves the community gives up every seat and waitlist place at events still to come,
    whatever the cancellation deadline; each freed seat goes to the waitlist as a cancellation's would.
    Nobody is e-mailed about the person's own withdrawal (their address is about to be erased).
    Returns how many RSVPs ended. Call it before any other change in the unit of work (it locks events)."""
    user_id = user.id
    event_ids = db.session.scalars(
        sa.select(Rsvp.event_id).join(Rsvp.event)
        .where(Rsvp.user_id == user_id, Rsvp.status.in_([RsvpStatus.going, RsvpStatus.waitlisted]),
               Event.starts_at > utcnow()).order_by(Rsvp.event_id)).all()
    ended = 0
    for event_id in event_ids:
        event = lock_event(db.session.get(Event, event_id))
        record = db.session.scalar(sa.select(Rsvp).where(Rsvp.event_id == event.id, Rsvp.user_id == user_id))
        if record is None or not record.is_active or event.has_started:
            continue
        _withdraw(event, record)
        db.session.flush()
        promote_from_waitlist(event)
        ended += 1
    return ended


def release_rsvp(event: Event, rsvp_id: int, by, *, close_seat: bool = False) -> list[Rsvp]:
    """A host takes back someone's seat or waitlist place, and the person is told. With close_seat the
    capacity shrinks by one instead of the seat going to the waitlist: how a host makes an event smaller."""
    event = lock_event(event)
    record = db.session.scalar(sa.select(Rsvp).where(Rsvp.id == rsvp_id, Rsvp.event_id == event.id)
                               .options(so.joinedload(Rsvp.user)))
    if record is None or not record.is_active:
        raise EventError("That RSVP is no longer active.")
    if event.has_started:
        raise EventError("The event has started; take attendance instead.")
    was_going = record.status is RsvpStatus.going
    if close_seat and was_going and event.capacity <= 1:
        raise CapacityError("An event needs at least one seat.")
    _withdraw(event, record)
    record.released_by_id = by.id
    if close_seat and was_going:
        event.capacity -= 1
        event.sequence += 1
    db.session.flush()
    _tell(record.user, event, kind="event_released",
          text=f"A host released your {'seat' if was_going else 'waitlist place'} for “{event.title}”.",
          subject=f"Your RSVP was released: {event.title}", template="event_released", actor=by,
          with_ics=was_going, withdrawn=True, was_going=was_going, host=by)
    return promote_from_waitlist(event)


def promote_from_waitlist(event: Event) -> list[Rsvp]:
    """Fill free seats from the waitlist in first-come order, skipping people whose organization already
    holds its per-organization cap; each promoted person is told once, by notification and by e-mail
    with the .ics. Runs under the event lock, so a freed seat is given exactly once."""
    event = lock_event(event)
    if event.is_cancelled or event.has_started or event.seats_left == 0 or event.waitlist_count == 0:
        return []
    waiting = db.session.scalars(
        sa.select(Rsvp).where(Rsvp.event_id == event.id, Rsvp.status == RsvpStatus.waitlisted)
        .options(so.joinedload(Rsvp.user)).order_by(Rsvp.ticket)).all()
    org_going = dict(db.session.execute(
        sa.select(Rsvp.organization_id, sa.func.count(Rsvp.id))
        .where(Rsvp.event_id == event.id, Rsvp.status == RsvpStatus.going).group_by(Rsvp.organization_id)).all())
    now, promoted = utcnow(), []
    for record in waiting:
        if event.seats_left == 0:
            break
        org = record.organization_id
        if event.per_org_cap is not None and org is not None and org_going.get(org, 0) >= event.per_org_cap:
            continue
        record.status = RsvpStatus.going
        record.promoted_at = record.updated_at = now
        event.going_count += 1
        event.waitlist_count -= 1
        org_going[org] = org_going.get(org, 0) + 1
        promoted.append(record)
    db.session.flush()
    for record in promoted:
        _tell(record.user, event, kind="waitlist_promoted",
              text=f"A seat opened up: you're now going to “{event.title}”.",
              subject=f"You're in: {event.title}", template="event_promoted", with_ics=True, show_link=True)
    return promoted


# Hosts' tools

def record_attendance(event: Event, attended_ids: set[int]) -> int:
    """After the start, mark who came among the confirmed; returns how many attended."""
    if not event.has_started:
        raise EventError("Attendance can be taken once the event has started.")
    going = db.session.scalars(sa.select(Rsvp).where(Rsvp.event_id == event.id,
                                                     Rsvp.status == RsvpStatus.going)).all()
    for record in going:
        record.attended = record.id in attended_ids
    db.session.flush()
    return sum(1 for record in going if record.attended)


def audience(event: Event, who: str) -> list[Rsvp]:
    statuses = {"going": [RsvpStatus.going], "waitlisted": [RsvpStatus.waitlisted], "attended": [RsvpStatus.going],
                "active": [RsvpStatus.going, RsvpStatus.waitlisted]}[who]
    query = (sa.select(Rsvp).where(Rsvp.event_id == event.id, Rsvp.status.in_(statuses))
             .options(so.joinedload(Rsvp.user)).order_by(Rsvp.ticket))
    if who == "attended":
        query = query.where(Rsvp.attended.is_(True))
    return db.session.scalars(query).all()


def message_attendees(event: Event, by, who: str, subject: str, body: str) -> int:
    """An e-mail and a notification from a host to everyone in one group; returns how many were told."""
    recipients = audience(event, who)
    for record in recipients:
        _tell(record.user, event, kind="event_message", text=f"{by.name} wrote about “{event.title}”: {subject}",
              subject=f"{subject.strip()} ({event.title})", template="event_message", actor=by,
              show_link=record.status is RsvpStatus.going, sender=by, body=body.strip())
    return len(recipients)


def send_reminders(now=None, window: timedelta = REMINDER_WINDOW) -> int:
    """Remind confirmed attendees of events that start within the window, once each: a reminder is
    claimed by a conditional update before it is queued, so runs that overlap never send it twice."""
    serialize_writes()
    now = now or utcnow()
    due = db.session.scalars(
        sa.select(Rsvp).join(Event, Event.id == Rsvp.event_id)
        .where(Event.status == EventStatus.scheduled, Event.starts_at > now, Event.starts_at <= now + window,
               Rsvp.status == RsvpStatus.going, Rsvp.reminded_at.is_(None))
        .options(so.joinedload(Rsvp.user), so.joinedload(Rsvp.event))
        .order_by(Event.starts_at, Rsvp.ticket)).all()
    sent = 0
    for record in due:
        claimed = db.session.execute(sa.update(Rsvp).where(Rsvp.id == record.id, Rsvp.reminded_at.is_(None))
                                     .values(reminded_at=now)).rowcount
        if not claimed:
            continue
        event = record.event
        _tell(record.user, event, kind="event_reminder", text=f"Tomorrow: “{event.title}”.",
              subject=f"Reminder: {event.title}", template="event_reminder", with_ics=True, show_link=True)
        sent += 1
    return sent


# Feedback sessions

def set_questions(event: Event, questions: list[tuple[QuestionKind, str]]) -> None:
    """Replace the feedback form. Once answers have arrived the questions stay as they are, so every
    answer on the scorecard belongs to the question the attendee saw."""
    if not event.is_feedback_session:
        raise EventError("Only feedback sessions have a feedback form.")
    if response_count(event):
        raise EventError("Answers have arrived, so the questions can no longer change.")
    if not questions:
        raise EventError("Keep at least one question.")
    event.questions = [FeedbackQuestion(kind=kind, prompt=prompt.strip(), position=n)
                       for n, (kind, prompt) in enumerate(questions)]
    db.session.flush()


def response_count(event: Event) -> int:
    return db.session.scalar(sa.select(sa.func.count(FeedbackResponse.id)).where(FeedbackResponse.event_id == event.id))


def find_response(event: Event, user) -> FeedbackResponse | None:
    return db.session.scalar(sa.select(FeedbackResponse).options(so.selectinload(FeedbackResponse.answers))
                             .where(FeedbackResponse.event_id == event.id, FeedbackResponse.user_id == user.id))


def feedback_refusal(event: Event, user, record: Rsvp | None) -> str:
    """Why this person can't give feedback now, or "" when they can."""
    if not event.is_feedback_session:
        return "This event doesn't collect feedback."
    if event.is_provider(user):
        return "People from the provider don't rate their own offering."
    if record is None or record.status is not RsvpStatus.going or record.attended is False:
        return "Only people who attended the session give feedback."
    if event.is_cancelled:
        return "This session was cancelled."
    if utcnow() < event.feedback_opens_at:
        return "Feedback opens when the session starts."
    if utcnow() >= event.feedback_deadline:
        return "Feedback for this session has closed."
    return ""


def submit_feedback(event: Event, user, *, scores: dict[int, int | None], texts: dict[int, str],
                    intents: dict[str, Intent | None]) -> tuple[FeedbackResponse, bool]:
    """Save the attendee's one response (or their edit of it, until feedback closes).
    Returns the response and whether it is new."""
    event = lock_event(event)
    if reason := feedback_refusal(event, user, find_rsvp(event, user)):
        raise EventError(reason)
    response = find_response(event, user)
    created = response is None
    now = utcnow()
    if created:
        response = FeedbackResponse(event_id=event.id, user_id=user.id, created_at=now)
        db.session.add(response)
    answers = {answer.question_id: answer for answer in response.answers}
    for question in event.questions:
        answer = answers.get(question.id)
        if answer is None:
            answer = FeedbackAnswer(question_id=question.id)
            response.answers.append(answer)
        if question.kind is QuestionKind.rating:
            score = scores.get(question.id)
            if score is not None and not 1 <= score <= 5:
                raise EventError("Scores go from 1 to 5.")
            answer.score, answer.text = score, ""
        else:
            answer.score, answer.text = None, (texts.get(question.id) or "").strip()
    for name, value in intents.items():
        setattr(response, name, value)
    response.updated_at = now
    db.session.flush()
    return response, created


def non_respondents(event: Event) -> list[Rsvp]:
    """Attendees who could answer and haven't (for facilitators)."""
    from cop.auth.models import User

    answered = sa.select(FeedbackResponse.user_id).where(FeedbackResponse.event_id == event.id)
    query = (sa.select(Rsvp).join(User, User.id == Rsvp.user_id)
             .where(Rsvp.event_id == event.id, Rsvp.status == RsvpStatus.going,
                    sa.or_(Rsvp.attended.is_(None), Rsvp.attended.is_(True)), Rsvp.user_id.not_in(answered))
             .options(so.contains_eager(Rsvp.user).joinedload(User.organization)).order_by(User.name))
    if event.host_org_id is not None:
        query = query.where(sa.or_(User.organization_id.is_(None), User.organization_id != event.host_org_id))
    return db.session.scalars(query).all()


def remind_non_respondents(event: Event, by) -> int:
    """Nudge everyone who hasn't answered, by notification and e-mail; someone reminded within the last
    20 hours is skipped, so a double click never sends two. Returns how many were reminded."""
    if not event.feedback_is_open:
        raise EventError("Feedback isn't open, so there is nobody to remind.")
    now = utcnow()
    reminded = 0
    for record in non_respondents(event):
        if record.feedback_reminded_at is not None and record.feedback_reminded_at > now - FEEDBACK_REMINDER_GAP:
            continue
        record.feedback_reminded_at = now
        _tell(record.user, event, kind="feedback_reminder", text=f"Your feedback on “{event.title}” is still missing.",
              subject=f"Your feedback, please: {event.title}", template="event_feedback_reminder", actor=by,
              feedback_url=external_url("events.feedback", event_id=event.id))
        reminded += 1
    db.session.flush()
    return reminded


def publish_response(event: Event, by, text: str) -> None:
    """The provider's "You said, we did"; everyone who gave feedback hears when it first appears."""
    if not event.is_feedback_session:
        raise EventError("Only feedback sessions have a response.")
    first = event.response_published_at is None
    event.response = text.strip()
    event.response_html = render_markdown(event.response)
    event.response_published_at = event.response_published_at or utcnow()
    db.session.flush()
    if first:
        respondents = db.session.scalars(sa.select(FeedbackResponse).where(FeedbackResponse.event_id == event.id)
                                         .options(so.joinedload(FeedbackResponse.user))).all()
        provider = event.host_org.name if event.host_org else "The provider"
        for response in respondents:
            notify(response.user, "feedback_response", f"{provider} answered your feedback on “{event.title}”.",
                   _path("events.detail", event_id=event.id) + "#you-said-we-did", actor=by)


# After the event

def save_recap(event: Event, by, *, recap: str, practice=None, takeaways_url: str = "") -> None:
    """What happened, linked to the practice it showed and to where the takeaways are discussed."""
    if not event.has_started:
        raise EventError("A recap can be written once the event has taken place.")
    event.recap = recap.strip()
    event.recap_html = render_markdown(event.recap)
    event.recap_practice = practice
    event.takeaways_url = (takeaways_url or "").strip()
    event.recap_updated_at = utcnow()
    db.session.flush()


def start_takeaways_thread(event: Event, by):
    """A discussion where attendees share what they took home; linked from the recap, announced to them."""
    from cop.discussions import services as discussions
    from cop.discussions.models import ThreadKind

    if not event.has_started:
        raise EventError("The takeaways thread opens once the event has taken place.")
    if event.takeaways_url:
        raise EventError("This event already links to where its takeaways are discussed.")
    practice = event.recap_practice if event.recap_practice is not None and event.recap_practice.is_published else None
    body = (f"What did you take home from [{event.title}]({_path('events.detail', event_id=event.id)})? "
            "What will you try in your own program, and what would you do differently?")
    thread = discussions.create_thread(by, title=f"Takeaways: {event.title}"[:200], body=body,
                                       kind=ThreadKind.discussion, category=discussions.category_for("general"),
                                       practice=practice)
    db.session.flush()
    event.takeaways_url = discussions.thread_url(thread)
    for record in _active_rsvps(event):
        if record.status is RsvpStatus.going and record.user_id != by.id:
            notify(record.user, "event_takeaways", f"Share your takeaways from {event.title}",
                   event.takeaways_url, actor=by)
    return thread


# Repeating events

SHIFTED_WITH_THE_DATE = ("rsvp_deadline", "cancel_deadline", "feedback_closes_at")


def create_series(by, repeat: Repeat, **fields) -> EventSeries:
    """A first event as `fields` describe it and one more for each date the rule gives, each with its own
    seats and waitlist; times and deadlines keep their local clock time on every date."""
    local = zone(fields["timezone"])
    first_local = fields["starts_at"].astimezone(local)
    rule = repeat.rule(first_local)
    series = EventSeries(rule=rule, first_starts_at=fields["starts_at"], timezone=fields["timezone"])
    db.session.add(series)
    duration = fields["ends_at"].astimezone(local).replace(tzinfo=None) - first_local.replace(tzinfo=None)
    offsets = {name: fields[name].astimezone(local).replace(tzinfo=None) - first_local.replace(tzinfo=None)
               for name in SHIFTED_WITH_THE_DATE if fields.get(name) is not None}
    for start in occurrences(rule, first_local):
        wall = start.replace(tzinfo=None)
        dated = dict(fields, starts_at=_utc(wall, local), ends_at=_utc(wall + duration, local),
                     **{name: _utc(wall + offset, local) for name, offset in offsets.items()})
        event = create_event(by, **dated)
        event.series, event.recurrence_id = series, dated["starts_at"]
    db.session.flush()
    return series


def _utc(wall, local):
    return wall.replace(tzinfo=local).astimezone(timezone.utc)


def series_dates(series: EventSeries, *, after=None) -> list[Event]:
    """The series' dates in order, from `after` on (a start time) when given."""
    query = sa.select(Event).where(Event.series_id == series.id).order_by(Event.starts_at, Event.id)
    if after is not None:
        query = query.where(Event.starts_at >= after)
    return list(db.session.scalars(query))


def rsvp_series(event: Event, user, *, acknowledged: bool = False) -> dict[str, list[Event]]:
    """RSVP to this date and every later one of its series not yet RSVPed: a seat where one is free,
    else the waitlist; dates whose RSVPs have closed are skipped. One e-mail sums it up."""
    if event.series is None:
        raise EventError("This event doesn't repeat.")
    outcome: dict[str, list[Event]] = {"going": [], "waitlisted": [], "skipped": []}
    for date_event in series_dates(event.series, after=event.starts_at):
        record = find_rsvp(date_event, user)
        if (record is not None and record.is_active) or date_event.rsvp_closed_reason:
            outcome["skipped"].append(date_event)
            continue
        record = rsvp(date_event, user, acknowledged=acknowledged, tell=False)
        outcome[record.status.value].append(date_event)
    if outcome["going"] or outcome["waitlisted"]:
        dates = ", ".join(_local_date(e) for e in outcome["going"])
        waiting = ", ".join(_local_date(e) for e in outcome["waitlisted"])
        text = f"You RSVPed to {len(outcome['going']) + len(outcome['waitlisted'])} dates of “{event.title}”."
        _tell(user, event, kind="event_series_rsvp", text=text, subject=f"Your dates: {event.title}",
              template="event_series_rsvp", going_dates=dates, waitlisted_dates=waiting)
    return outcome


def _local_date(event: Event) -> str:
    start = event.starts_at.astimezone(zone(event.timezone))
    return f"{start:%b} {start.day}"


def cancel_following(event: Event, by, reason: str = "") -> int:
    """Call off this date and every later one of its series that is still on; returns how many."""
    if event.series is None:
        raise EventError("This event doesn't repeat.")
    cancelled = 0
    for date_event in series_dates(event.series, after=event.starts_at):
        if not date_event.is_cancelled and not date_event.has_ended:
            cancel_event(date_event, by, reason)
            cancelled += 1
    return cancelled


def update_following(event: Event, by, **fields) -> list[Rsvp]:
    """Save an edit to this date and every later one of its series still to come: the same details, and
    the same move on the local clock (2 pm to 3 pm on every date, whatever the daylight-saving time).
    Returns who was promoted from a waitlist anywhere."""
    if event.series is None:
        raise EventError("This event doesn't repeat.")
    local = zone(event.timezone)

    def wall(moment):
        return moment.astimezone(local).replace(tzinfo=None)

    new_start = wall(fields["starts_at"])
    shift = new_start - wall(event.starts_at)
    offsets = {name: wall(fields[name]) - new_start for name in ("ends_at", *SHIFTED_WITH_THE_DATE)
               if fields.get(name) is not None}
    promoted = []
    for date_event in series_dates(event.series, after=event.starts_at):
        if date_event.is_cancelled or date_event.has_ended:
            continue
        start = wall(date_event.starts_at) + shift
        dated = dict(fields, starts_at=_utc(start, local),
                     **{name: _utc(start + offset, local) for name, offset in offsets.items()})
        promoted += update_event(date_event, by, **dated)
    return promoted
