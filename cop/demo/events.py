"""Demo events: upcoming and past site visits, a full one with a waitlist, a virtual roundtable, and a
past feedback session for Beacon Hybrid College with its scorecard; read from cop/demo/data/events.yaml and
loaded through the events services."""

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import sqlalchemy as sa

from cop.demo import read_data
from cop.extensions import db, utcnow

ZONE = "America/Chicago"

_DATA = read_data("events")
EVENTS = _DATA["events"]
BEACON_SESSION = _DATA["feedback_session"]
SERIES = _DATA.get("series", [])


def _at(days: int, hour: int) -> datetime:
    """A whole hour `days` from today, local to the demo region, as UTC."""
    local = ZoneInfo(ZONE)
    day = utcnow().astimezone(local).date() + timedelta(days=days)
    return datetime.combine(day, time(hour), local).astimezone(ZoneInfo("UTC"))


def _move_to_past(event, spec: dict) -> None:
    """Events are created ahead (so RSVPs follow the real rules), then dated to when they took place."""
    event.starts_at = _at(spec["days"], spec["hour"])
    event.ends_at = event.starts_at + timedelta(hours=spec["hours"])
    event.rsvp_deadline = event.cancel_deadline = None
    event.created_at = event.updated_at = event.starts_at - timedelta(days=21)
    db.session.flush()


def _create(spec: dict, people: dict, orgs: dict):
    from cop.events import services
    from cop.events.models import EventKind

    from cop.mail import OutboxMessage, OutboxStatus

    past = spec["days"] < 0
    last_mail = db.session.scalar(sa.select(sa.func.max(OutboxMessage.id))) or 0
    starts = _at(2 if past else spec["days"], spec["hour"])
    fields = {key: spec[key] for key in ("summary", "venue", "address", "what_you_will_see", "access_requirements",
                                         "acknowledgements", "description", "meeting_url") if key in spec}
    event = services.create_event(
        people[spec["by"]], kind=EventKind(spec["kind"]), title=spec["title"], starts_at=starts,
        ends_at=starts + timedelta(hours=spec["hours"]), timezone=ZONE, capacity=spec["capacity"],
        host_org=orgs[spec["host"]], per_org_cap=spec.get("per_org_cap"),
        rsvp_deadline=starts - timedelta(days=spec["rsvp_days_before"]) if "rsvp_days_before" in spec else None,
        cancel_deadline=starts - timedelta(days=spec["cancel_days_before"]) if "cancel_days_before" in spec else None,
        feedback_anonymous=spec.get("anonymous", True), **fields)
    count = 0
    for email in spec.get("going", []) + spec.get("waitlist", []):
        services.rsvp(event, people[email], acknowledged=True)
        count += 1
    if past:
        # The confirmations of an event the demo dates in the past would announce it on the wrong day.
        db.session.flush()
        db.session.execute(sa.delete(OutboxMessage).where(OutboxMessage.id > last_mail,
                                                          OutboxMessage.status == OutboxStatus.pending))
        _move_to_past(event, spec)
        services.record_attendance(event, {r.id for r in services.audience(event, "going")
                                           if r.user.email not in spec.get("absent", [])})
    return event, count


def _create_series(spec: dict, people: dict) -> tuple[int, int]:
    """A monthly series on the weekday of its first date; returns its dates and RSVPs."""
    from dateutil.relativedelta import relativedelta

    from cop.events import services
    from cop.events.models import EventKind
    from cop.events.recurrence import Repeat

    starts = _at(spec["days"], spec["hour"])
    until = (starts.astimezone(ZoneInfo(ZONE)) + relativedelta(months=spec["months"])).date()
    series = services.create_series(
        people[spec["by"]], Repeat("monthly_weekday", until), kind=EventKind(spec["kind"]), title=spec["title"],
        starts_at=starts, ends_at=starts + timedelta(hours=spec["hours"]), timezone=ZONE, capacity=spec["capacity"],
        summary=spec["summary"], description=spec["description"], meeting_url=spec.get("meeting_url", ""))
    first = series.events[0]
    count = 0
    for email in spec.get("series_going", []):
        outcome = services.rsvp_series(first, people[email])
        count += len(outcome["going"]) + len(outcome["waitlisted"])
    for email in spec.get("going", []):
        services.rsvp(first, people[email])
        count += 1
    return len(series.events), count


def seed_events() -> dict[str, int]:
    """The demo events; an event whose title already exists is left alone, so running again adds nothing."""
    from cop.auth.models import User
    from cop.events import services
    from cop.events.models import INTENT_QUESTIONS, Event, Intent, QuestionKind
    from cop.orgs.models import Organization
    from cop.practices.models import Practice

    created = {"events": 0, "RSVPs": 0, "feedback responses": 0}
    db.session.flush()
    services.serialize_writes()
    existing = set(db.session.scalars(sa.select(Event.title)))
    people = {u.email: u for u in db.session.scalars(sa.select(User))}
    orgs = {o.name: o for o in db.session.scalars(sa.select(Organization))}
    needed = {spec["by"] for spec in EVENTS + [BEACON_SESSION]} | {spec["host"] for spec in EVENTS + [BEACON_SESSION]}
    if not needed <= set(people) | set(orgs):
        return created  # the demo community isn't there (a trimmed database); nothing to attach events to

    for spec in EVENTS:
        if spec["title"] in existing:
            continue
        event, count = _create(spec, people, orgs)
        created["events"] += 1
        created["RSVPs"] += count
        if spec.get("recap"):
            practice = db.session.scalar(sa.select(Practice).where(Practice.title == spec.get("recap_practice")))
            services.save_recap(event, people[spec["by"]], recap=spec["recap"], practice=practice)

    for spec in SERIES:
        if spec["title"] not in existing:
            dates, count = _create_series(spec, people)
            created["events"] += dates
            created["RSVPs"] += count

    spec = BEACON_SESSION
    if spec["title"] not in existing:
        event, count = _create(spec, people, orgs)
        created["events"] += 1
        created["RSVPs"] += count
        closes = _at(-3, 17)
        event.feedback_closes_at = _at(7, 17)  # open while the answers arrive, then closed three days ago
        ratings = [q for q in event.questions if q.kind is QuestionKind.rating]
        texts = [q for q in event.questions if q.kind is QuestionKind.text]
        for answer in spec["feedback"]:
            services.submit_feedback(
                event, people[answer["by"]], scores={q.id: s for q, s in zip(ratings, answer["scores"])},
                texts={texts[0].id: answer["better_fit"], texts[1].id: answer["stop_start_keep"]},
                intents={name: Intent(answer[name]) for name, _ in INTENT_QUESTIONS})
            created["feedback responses"] += 1
        event.feedback_closes_at = closes
        services.publish_response(event, people["imani.douglas@beaconcollege.example"], spec["response"])
    db.session.flush()
    return created
