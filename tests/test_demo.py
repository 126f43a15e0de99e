"""The demo community: realistic, big enough to explore, alive over a year, and loaded only once."""

import re
from datetime import timedelta
from pathlib import Path

import sqlalchemy as sa

from cop.auth.models import MemberStatus, Role, User
from cop.demo import read_data
from cop.demo.logins import DEMO_LOGINS, DEMO_PASSWORD, demo_email
from cop.extensions import db, utcnow
from cop.orgs.models import Organization, OrgKind

ROOT = Path(__file__).resolve().parent.parent
DEMO_FACILITATOR = demo_email("facilitator")
# What each demo login is there to show: their role and the kind of organization they belong to.
EXPECTED = {
    "facilitator": (Role.facilitator, OrgKind.facilitator),
    "organization manager": (Role.manager, OrgKind.member_company),
    "member": (Role.member, OrgKind.member_company),
    "training provider": (None, OrgKind.training_provider),
    "education partner": (None, OrgKind.education_partner),
    "community organization": (None, OrgKind.community_organization),
    "sponsor": (None, OrgKind.sponsor),
}


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
    assert "0 saved practices, 0 practice follows" in second.output
    skipped = runner.invoke(args=["seed-demo", "--if-empty"])
    assert "already has members" in skipped.output
    with app.app_context():
        assert _counts() == counts


def test_the_seeded_network_is_the_one_in_the_data_files(app, runner):
    from cop.discussions.models import Thread
    from cop.events.models import Event
    from cop.programs.models import Program

    assert runner.invoke(args=["seed-demo"]).exit_code == 0
    events = read_data("events")
    with app.app_context():
        activity = read_data("activity")
        people = {email: name for email, name in db.session.execute(
            sa.select(User.email, User.name).where(User.status != MemberStatus.deleted))}
        assert people == {p["email"]: p["name"] for p in read_data("people") + activity["newcomers"]
                          + activity["quiet"]["people"]}
        # Those who left are there only as "Former member", under nothing of theirs.
        departed = read_data("departures")
        former = db.session.execute(sa.select(User.email, User.name).where(User.status == MemberStatus.deleted)).all()
        assert [name for _, name in former] == ["Former member"] * len(departed)
        assert not {d["email"] for d in departed} & {email for email, _ in former}
        assert set(db.session.scalars(sa.select(Organization.name))) == (
            {o["name"] for o in read_data("organizations")} | {activity["quiet"]["organization"]["name"]})
        assert set(db.session.scalars(sa.select(Thread.title))) == (
            {t["title"] for t in read_data("threads")} | {d["thread"]["title"] for d in departed})
        assert set(db.session.scalars(sa.select(Program.name))) == {p["name"] for p in read_data("programs")}
        assert set(db.session.scalars(sa.select(Event.title))) == (
            {e["title"] for e in events["events"]} | {events["feedback_session"]["title"]}
            | {s["title"] for s in events["series"]})
        # The monthly roundtable is one series: its next dates a month apart, on the same weekday.
        from cop.events.models import EventSeries

        series = db.session.scalar(sa.select(EventSeries))
        dates = [e.starts_at for e in series.events]
        assert len(dates) >= 6 and len({d.weekday() for d in dates[:3]}) == 1
        assert all(27 <= (b - a).days <= 36 for a, b in zip(dates, dates[1:]))


def test_the_demo_has_a_year_of_reading_not_zero_views(app, runner):
    from cop.discussions.models import Follow, ReplyHelpfulMark, Thread
    from cop.practices.models import Bookmark, HelpfulMark, Practice

    assert runner.invoke(args=["seed-demo"]).exit_code == 0
    with app.app_context():
        now = utcnow()
        practices = db.session.scalars(sa.select(Practice)).all()
        views = [p.view_count for p in practices]
        assert min(views) > 0 and len(set(views)) > len(views) // 2
        by_age = sorted(practices, key=lambda p: p.published_at)
        older, newer = by_age[:len(by_age) // 2], by_age[len(by_age) // 2:]
        assert sum(p.view_count for p in older) > 1.5 * sum(p.view_count for p in newer)
        popular = sorted(practices, key=lambda p: p.helpful_count)
        assert sum(p.view_count for p in popular[-10:]) > 2 * sum(p.view_count for p in popular[:10])

        def months(column):
            moments = db.session.scalars(sa.select(column)).all()
            assert moments and all(now - timedelta(days=366) <= m <= now for m in moments), column
            return {(m.year, m.month) for m in moments}

        assert len(months(Practice.published_at)) >= 10 and len(months(Thread.created_at)) >= 9
        for column in (HelpfulMark.created_at, Bookmark.created_at, ReplyHelpfulMark.created_at):
            assert len(months(column)) >= 6, column
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Bookmark)) >= 50
        assert db.session.scalar(sa.select(sa.func.count(Follow.id)).where(Follow.practice_id.is_not(None))) >= 66
        assert db.session.scalar(sa.select(sa.func.count(Follow.id)).where(Follow.category_id.is_not(None))) >= 15
        assert db.session.scalar(sa.select(sa.func.count()).select_from(HelpfulMark)) >= 200


def test_every_demo_login_signs_in_with_its_role_and_sees_content(app, runner):
    assert set(EXPECTED) == {login.who for login in DEMO_LOGINS}
    assert runner.invoke(args=["seed-demo"]).exit_code == 0
    with app.app_context():
        from cop.practices.models import Practice

        titles = [t for t in db.session.scalars(sa.select(Practice.title)) if re.fullmatch(r"[A-Za-z0-9 ,-]+", t)]
    for login in DEMO_LOGINS:
        role, kind = EXPECTED[login.who]
        with app.app_context():
            person = db.session.scalar(sa.select(User).where(User.email == login.email))
            assert person is not None, login.email
            assert person.organization.kind is kind and (role is None or person.role is role), login.who
            name = person.name
        client = app.test_client()
        signed_in = client.post_form("/auth/signin", {"email": login.email, "password": DEMO_PASSWORD})
        assert signed_in.status_code == 302, login.who
        home = client.get("/")
        assert home.status_code == 200 and name.split()[0] in home.get_data(as_text=True), login.who
        library = client.get("/practices/").get_data(as_text=True)
        assert any(title in library for title in titles), login.who


def test_make_run_and_the_readme_list_the_same_demo_logins(runner):
    printed = runner.invoke(args=["demo-logins"])
    assert printed.exit_code == 0 and DEMO_PASSWORD in printed.output
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for login in DEMO_LOGINS:
        assert login.email in printed.output and login.try_this in printed.output
        assert f"| {login.who} | `{login.email}` | {login.try_this} |" in readme
    assert "flask demo-logins" in (ROOT / "Makefile").read_text(encoding="utf-8")


def test_the_facilitators_dashboard_tells_the_years_story(app, runner):
    """More members active each week as the year went on, newcomers through the year, an organization that
    went quiet, searches that found nothing, and an occupation no provider offers."""
    from datetime import date

    from cop.dashboard import services as dashboard
    from cop.reports import market

    assert runner.invoke(args=["seed-demo"]).exit_code == 0
    with app.app_context():
        year = dashboard.Period.last(365, date.today())
        active = dashboard.weekly_activity(year).column("Active members")
        assert sum(active[-14:-1]) > 1.5 * sum(active[:13])
        assert sum(dashboard.weekly_activity(year).column("New members")) == len(read_data("activity")["newcomers"])
        assert dashboard.at_risk_organizations(year).rows == [["Sterling Hospitality Group", "Member company", 2]]
        nothing = dashboard.searches_without_results(year).column("Search")
        assert {"drone technician", "work permit for minors"} <= set(nothing)
        assert "mentor training" in dashboard.top_searches(year).column("Search")[:3]
        facilitator = db.session.scalar(sa.select(User).where(User.email == DEMO_FACILITATOR))
        assert any(row.status == "gap" for row in market.market_fit(facilitator))
