"""The demo network's organizations and people, from cop/demo/data/organizations.yaml and people.yaml."""

import hashlib
from datetime import timedelta

import click
import sqlalchemy as sa

from cop.demo import read_data
from cop.demo.logins import DEMO_PASSWORD
from cop.extensions import db

ORGANIZATIONS = read_data("organizations")
PEOPLE = read_data("people")


def _joined(key: str):
    """The community's founding members all joined in the weeks before the demo's year of activity began."""
    from cop.extensions import utcnow

    return utcnow() - timedelta(days=370 + int(hashlib.sha256(key.encode()).hexdigest(), 16) % 60)


def seed_community() -> dict[str, int]:
    """Every demo organization and person once, all signing in with the demo password; anything already there
    (by organization name or e-mail) is left alone."""
    from cop.auth.models import Role, User
    from cop.auth.services import create_member, hash_password
    from cop.orgs.models import Organization, OrgKind
    from cop.orgs.services import create_organization

    created = {"organizations": 0, "people": 0}
    orgs = {org.name: org for org in db.session.scalars(sa.select(Organization))}
    with click.progressbar(ORGANIZATIONS, label="Organizations", show_pos=True) as bar:
        for data in bar:
            if data["name"] not in orgs:
                orgs[data["name"]] = create_organization(
                    name=data["name"], kind=OrgKind(data["kind"]), subtype=data.get("subtype"),
                    industry=data.get("industry"), region=data.get("region", ""), size_band=data.get("size_band"),
                    website=data.get("website", ""), description=data.get("description", ""))
                orgs[data["name"]].created_at = _joined(data["name"])
                created["organizations"] += 1
    existing = set(db.session.scalars(sa.select(User.email)))
    # Every demo account shares one password, so one (deliberately slow) hash serves them all.
    shared_hash = hash_password(DEMO_PASSWORD)
    with click.progressbar(PEOPLE, label="People       ", show_pos=True) as bar:
        for data in bar:
            if data["email"] in existing:
                continue
            person = create_member(name=data["name"], email=data["email"], organization=orgs[data["organization"]],
                                   role=Role(data["role"]), password_hash=shared_hash, title=data.get("title", ""),
                                   bio=data.get("bio", ""), timezone=data.get("timezone"))
            person.created_at = person.decided_at = _joined(data["email"])
            created["people"] += 1
    return created
