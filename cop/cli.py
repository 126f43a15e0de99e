"""`flask seed-demo`: a realistic fictional network to explore, built through the real services."""

import click
import sqlalchemy as sa

from cop.extensions import db

DEMO_PASSWORD = "community-demo-2026"
DEMO_FACILITATOR = "dana.whitfield@northbridge.example"
DEMO_MEMBER = "marcus.bell@harborview.example"


def seed_community() -> dict[str, int]:
    """Organizations and people from cop/demo/community.py; anything already there is left alone."""
    from cop.auth.models import Role, User
    from cop.auth.services import create_member, hash_password
    from cop.demo.community import ORGANIZATIONS, PEOPLE
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
                created["organizations"] += 1
    existing = set(db.session.scalars(sa.select(User.email)))
    # Every demo account shares one password, so one (deliberately slow) hash serves them all.
    shared_hash = hash_password(DEMO_PASSWORD)
    with click.progressbar(PEOPLE, label="People       ", show_pos=True) as bar:
        for data in bar:
            if data["email"] in existing:
                continue
            create_member(name=data["name"], email=data["email"], organization=orgs[data["organization"]],
                          role=Role(data["role"]), password_hash=shared_hash, title=data.get("title", ""),
                          bio=data.get("bio", ""), timezone=data.get("timezone"))
            created["people"] += 1
    return created


def init_app(app):
    @app.cli.command("seed-demo")
    @click.option("--if-empty", is_flag=True, help="Only load when the community has no members yet.")
    def seed_demo(if_empty):
        """Load the fictional demo community (safe to run again: nothing is duplicated)."""
        from cop.auth.models import User
        from cop.mail import deliver_pending

        if if_empty and db.session.scalar(sa.select(sa.func.count(User.id))):
            click.echo("The database already has members; demo data not loaded.")
            return
        from cop.demo.discussions import seed_discussions
        from cop.demo.events import seed_events
        from cop.demo.library import seed_library
        from cop.demo.programs import seed_programs
        from cop.practices.taxonomy import ensure_taxonomy

        ensure_taxonomy()
        counts = seed_community()
        counts.update(seed_library())
        counts.update(seed_discussions())
        counts.update(seed_events())
        counts.update(seed_programs())
        db.session.commit()
        deliver_pending()
        click.echo("Created " + ", ".join(f"{n} {what}" for what, n in counts.items()) + ".")
        click.echo(f"Demo logins (password: {DEMO_PASSWORD}):")
        click.echo(f"  facilitator: {DEMO_FACILITATOR}")
        click.echo(f"  member:      {DEMO_MEMBER}")
