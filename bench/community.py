"""Events and program profiles for the bench build, made through the app's own services (they are few,
so the real rules can run): events over the past four months and the next two with RSVPs and waitlists,
and a program profile for most member companies, so the event page, the month calendar and the program
comparison have something realistic to show."""

import random
from datetime import datetime, timedelta

import sqlalchemy as sa

from bench import vocabulary

EVENTS = 60
PAST_SHARE = 0.5          # events that already took place (dated back after their RSVPs)
PROGRAM_SHARE = 0.6       # member companies with a program profile
ZONE = "America/Chicago"

EVENT_TITLES = [
    "Site visit: {PROGRAM} at {ORG}",
    "Roundtable: {TOPIC_PHRASE}",
    "Provider feedback session: {PROGRAM} pathway",
    "Virtual meeting: {TOPIC_PHRASE}",
]


def _title(rng: random.Random, writer, template: str, org: str) -> str:
    text = template.replace("{ORG}", org)
    text = text.replace("{TOPIC_PHRASE}", writer.fill(rng.choice(vocabulary.TITLE)))
    return writer.fill(text)[:200]


def build_events(rng: random.Random, writer, now: datetime) -> dict:
    """Events created ahead (so RSVPs follow the real rules: seats, waitlist, per-organization caps) and then,
    for the past ones, dated back. Needs an app context; the caller commits."""
    from cop.auth.models import MemberStatus, Role, User
    from cop.events import services
    from cop.events.models import EventKind
    from cop.extensions import db
    from cop.orgs.models import Organization

    services.serialize_writes()
    facilitator = db.session.scalar(sa.select(User).where(User.role == Role.facilitator).order_by(User.id))
    members = list(db.session.scalars(sa.select(User).where(User.status == MemberStatus.active).order_by(User.id)))
    orgs = list(db.session.scalars(sa.select(Organization).order_by(Organization.id)))
    kinds = [EventKind.site_visit, EventKind.roundtable, EventKind.feedback_session, EventKind.virtual]
    upcoming, rsvps = [], 0
    for index in range(EVENTS):
        past = index < EVENTS * PAST_SHARE
        days = -rng.uniform(1, 120) if past else rng.uniform(1, 60)
        kind = kinds[index % len(kinds)]
        host = rng.choice(orgs[1:])
        starts = (now + timedelta(days=2 if past else days)).replace(minute=0, second=0)
        capacity = rng.choice([8, 12, 20, 30, 40, 60])
        description = "\n\n".join(writer.sentence() for _ in range(rng.randint(3, 6)))
        event = services.create_event(
            facilitator, kind=kind, title=_title(rng, writer, EVENT_TITLES[index % len(EVENT_TITLES)], host.name),
            starts_at=starts, ends_at=starts + timedelta(hours=rng.choice([1, 2, 3])), timezone=ZONE,
            capacity=capacity, host_org=host, per_org_cap=rng.choice([None, None, 2, 3]),
            summary=writer.sentence()[:500], description=description,
            venue="" if kind is EventKind.virtual else f"{host.name}, main site",
            meeting_url="https://meet.example/bench" if kind is EventKind.virtual else "")
        for member in rng.sample(members, min(len(members), int(capacity * rng.uniform(0.3, 1.3)))):
            services.rsvp(event, member, acknowledged=True)
            rsvps += 1
        if past:
            event.starts_at = now + timedelta(days=days)
            event.ends_at = event.starts_at + timedelta(hours=2)
            event.created_at = event.updated_at = event.starts_at - timedelta(days=21)
        else:
            upcoming.append(event)
        db.session.flush()
    # The event page's event: the soonest with both kinds of RSVP on it (seats taken and a waitlist).
    page_event = min((e for e in upcoming if e.waitlist_count and e.going_count), key=lambda e: e.starts_at,
                     default=upcoming[0])
    return {"counts": {"events": EVENTS, "rsvps": rsvps}, "event_page_event_id": page_event.id,
            "upcoming_event_ids": sorted(e.id for e in upcoming)}


def build_programs(rng: random.Random, writer) -> dict:
    """A profile for most member companies, saved by the company's manager, with a few fields kept private
    (so the comparison's per-field sharing rules do work). Needs an app context; the caller commits."""
    from cop.auth.models import MemberStatus, Role, User
    from cop.extensions import db
    from cop.orgs.models import Organization, OrgKind
    from cop.competencies.models import Competency
    from cop.programs import services
    from cop.programs.models import (BUDGET_OWNERS, FUNDING_SOURCES, MENTOR_SOURCES, PROGRAM_TYPES,
                                     SHARABLE_FIELDS, STAFFING_MODELS, STUDENT_LEVELS, SUPPORTS, WAGE_BANDS,
                                     ProgramStage)
    from cop.programs.occupations import occupations

    managers = {u.organization_id: u for u in db.session.scalars(
        sa.select(User).where(User.role == Role.manager, User.status == MemberStatus.active).order_by(User.id))}
    companies = [o for o in db.session.scalars(sa.select(Organization).where(
        Organization.kind == OrgKind.member_company).order_by(Organization.id)) if o.id in managers]
    competencies = list(db.session.scalars(sa.select(Competency).order_by(Competency.id)))
    codes = list(occupations())
    ids = []
    for org in companies:
        if rng.random() > PROGRAM_SHARE:
            continue
        paid = rng.random() < 0.8
        program = services.create_program(org, managers[org.id], services.ProgramData(
            name=f"{org.name} {rng.choice(['apprenticeship', 'internship', 'youth pathway', 'returnship'])}",
            program_type=rng.choice(list(PROGRAM_TYPES)), student_level=rng.choice(list(STUDENT_LEVELS)),
            stage=rng.choice(list(ProgramStage)), summary=writer.sentence(),
            participants_per_year=rng.randint(2, 80), duration_weeks=rng.choice([8, 10, 12, 26, 52, 104]),
            schedule="Two days a week on site", is_paid=paid, wage_band=rng.choice(list(WAGE_BANDS)) if paid else None,
            occupations=rng.sample(codes, rng.randint(1, 3)), staffing_model=rng.choice(list(STAFFING_MODELS)),
            coordinator_fte=rng.choice([0.25, 0.5, 1.0, 2.0]), students_per_supervisor=rng.randint(1, 8),
            mentor_source=rng.choice(list(MENTOR_SOURCES)), budget_owner=rng.choice(list(BUDGET_OWNERS)),
            funding_sources=rng.sample(list(FUNDING_SOURCES), rng.randint(1, 2)),
            supports=rng.sample(list(SUPPORTS), rng.randint(0, 3)),
            competencies=rng.sample(competencies, min(len(competencies), rng.randint(1, 4))),
            outcomes_year=2025, completions=rng.randint(1, 40), offers_made=rng.randint(0, 20),
            hires=rng.randint(0, 15), lessons=writer.sentence(),
            private_fields=set(rng.sample(list(SHARABLE_FIELDS), rng.choice([0, 0, 1, 2])))))
        ids.append(program.id)
    return {"counts": {"programs": len(ids)}, "program_ids": ids}
