"""The demo community: realistic, big enough to explore, and loaded only once."""

import sqlalchemy as sa

from cop.auth.models import Role, User
from cop.demo.logins import DEMO_PASSWORD
from cop.extensions import db
from cop.orgs.models import Organization, OrgKind

DEMO_FACILITATOR = "dana.whitfield@northbridge.example"
DEMO_MEMBER = "marcus.bell@harborview.example"


def _counts():
    return (db.session.scalar(sa.select(sa.func.count(Organization.id))),
            db.session.scalar(sa.select(sa.func.count(User.id))))


def test_seed_demo_builds_the_network_once(app, runner):
    first = runner.invoke(args=["seed-demo"])
    assert first.exit_code == 0, first.output
    assert DEMO_FACILITATOR in first.output and DEMO_PASSWORD in first.output
    with app.app_context():
        counts = _counts()
        kinds = dict(db.session.execute(sa.select(Organization.kind, sa.func.count()).group_by(Organization.kind)).all())
        industries = db.session.scalars(sa.select(Organization.industry).distinct()
                                        .where(Organization.kind == OrgKind.member_company)).all()
        assert kinds[OrgKind.member_company] >= 15 and len(industries) >= 5
        assert kinds[OrgKind.training_provider] >= 2 and kinds[OrgKind.education_partner] >= 1
        assert kinds[OrgKind.community_organization] >= 1 and kinds[OrgKind.sponsor] >= 1
        assert kinds[OrgKind.facilitator] == 1 and counts[1] >= 30
        assert db.session.scalar(sa.select(User.role).where(User.email == DEMO_FACILITATOR)) is Role.facilitator
    second = runner.invoke(args=["seed-demo"])
    assert second.exit_code == 0 and "Created 0 organizations, 0 people" in second.output
    skipped = runner.invoke(args=["seed-demo", "--if-empty"])
    assert "already has members" in skipped.output
    with app.app_context():
        assert _counts() == counts


def test_demo_logins_work(app, runner, client):
    runner.invoke(args=["seed-demo"])
    for email in (DEMO_FACILITATOR, DEMO_MEMBER):
        fresh = app.test_client()
        assert fresh.post_form("/auth/signin", {"email": email, "password": DEMO_PASSWORD}).status_code == 302
        assert fresh.get("/members/").status_code == 200
