"""A year of comings and goings for the dashboard, from cop/demo/data/activity.yaml: newcomers across the
year, an organization that went quiet, the days members used the site, and what they searched for."""

import hashlib
import random
from datetime import timedelta

import sqlalchemy as sa

from cop.demo import read_data
from cop.extensions import db, utcnow

ACTIVITY = read_data("activity")
YEAR = 365


def _share(key: str) -> float:
    """How keen one person is, 0.5 to 1.5, the same on every machine."""
    return 0.5 + int(hashlib.sha256(key.encode()).hexdigest(), 16) % 101 / 100


def _visit_chance(days_ago: int) -> float:
    """The chance an average member uses the site on a weekday: a quarter when the year began, growing
    through spring to most weeks by summer, with a quiet winter break and a slower August."""
    week = (YEAR - days_ago) // 7
    chance = 0.12 + 0.24 * min(1.0, week / 26)
    day = (utcnow() - timedelta(days=days_ago)).date()
    if (day.month == 12 and day.day >= 20) or (day.month == 1 and day.day <= 3):
        chance *= 0.3
    elif day.month == 8:
        chance *= 0.7
    return chance


def seed_people() -> dict[str, int]:
    """The newcomers and the quiet organization's people, once each (by e-mail and name)."""
    from cop.auth.models import Role, User
    from cop.auth.services import create_member, hash_password
    from cop.demo.logins import DEMO_PASSWORD
    from cop.orgs.models import Organization, OrgKind
    from cop.orgs.services import create_organization

    created = {"newcomers": 0}
    orgs = {org.name: org for org in db.session.scalars(sa.select(Organization))}
    quiet = ACTIVITY["quiet"]
    if quiet["organization"]["name"] not in orgs:
        data = quiet["organization"]
        org = create_organization(name=data["name"], kind=OrgKind(data["kind"]), industry=data.get("industry"),
                                  region=data.get("region", ""), size_band=data.get("size_band"),
                                  description=data.get("description", ""))
        org.created_at = utcnow() - timedelta(days=400)
        orgs[org.name] = org
    existing = set(db.session.scalars(sa.select(User.email)))
    shared_hash = None
    wanted = [(p, quiet["organization"]["name"], 400) for p in quiet["people"]] + [
        (p, p["organization"], p["joined_days_ago"]) for p in ACTIVITY["newcomers"]]
    for data, organization, days_ago in wanted:
        if data["email"] in existing:
            continue
        shared_hash = shared_hash or hash_password(DEMO_PASSWORD)
        person = create_member(name=data["name"], email=data["email"], organization=orgs[organization],
                               role=Role(data.get("role", "member")), password_hash=shared_hash,
                               title=data.get("title", ""))
        person.created_at = person.decided_at = utcnow() - timedelta(days=days_ago)
        created["newcomers"] += 1
    db.session.flush()
    return created


def seed_visits() -> dict[str, int]:
    """The weekdays each member used the site over the past year (once: nothing if any are there)."""
    from cop.auth.models import MemberStatus, Role, User
    from cop.dashboard.models import MemberVisit
    from cop.dashboard.services import visits_from_content
    from cop.orgs.models import Organization

    if db.session.scalar(sa.select(sa.func.count()).select_from(MemberVisit)):
        return {"visit days": 0}
    quiet = ACTIVITY["quiet"]
    people = db.session.execute(
        sa.select(User.id, User.email, User.decided_at, Organization.name, Organization.id)
        .join(Organization, Organization.id == User.organization_id)
        .where(User.status == MemberStatus.active, User.role != Role.facilitator).order_by(User.id)).all()
    today = utcnow().date()
    rng = random.Random("member visits")
    rows = []
    for user_id, email, joined, organization, organization_id in people:
        keen = _share(email)
        first = min(YEAR, (today - joined.date()).days) if joined else YEAR
        last = quiet["last_seen_days_ago"] if organization == quiet["organization"]["name"] else 1
        for days_ago in range(first, last - 1, -1):
            day = today - timedelta(days=days_ago)
            if day.weekday() < 5 and rng.random() < _visit_chance(days_ago) * keen:
                rows.append({"user_id": user_id, "day": day, "organization_id": organization_id})
    if rows:
        db.session.execute(sa.insert(MemberVisit), rows)
    visits_from_content()  # and the days they wrote, RSVPed or marked something helpful
    return {"visit days": db.session.scalar(sa.select(sa.func.count()).select_from(MemberVisit))}


def seed_searches(app) -> dict[str, int]:
    """A year of searches, more of them lately, each with the number of results the index gives it now
    (once: nothing if any are kept). Run after the demo content is committed and indexed."""
    from cop.search import engine, sync_now
    from cop.search.models import SearchQuery
    from cop.search.queries import normalize_query

    if db.session.scalar(sa.select(sa.func.count()).select_from(SearchQuery)):
        return {"searches": 0}
    sync_now(app)
    rng = random.Random("searches")
    now = utcnow()
    rows = []
    for entry in ACTIVITY["searches"]:
        total = engine.search(app, entry["q"], page=1, per_page=1).total
        for _ in range(entry["times"]):
            days_ago = YEAR * rng.random() ** 1.6  # more searching as the community grew
            rows.append({"text": normalize_query(entry["q"]), "result_count": total,
                         "searched_at": now - timedelta(days=days_ago, minutes=rng.randrange(600))})
    db.session.execute(sa.insert(SearchQuery), rows)
    return {"searches": len(rows)}
