"""The facilitator's dashboard: every figure checked against a small community whose answers are known,
who may see it, its period choice, its CSV downloads, and that its statement count does not grow with the
data."""

import csv
import io
from datetime import date, datetime, timedelta, timezone

import pytest
import sqlalchemy as sa

from cop.auth.models import Role, User
from cop.dashboard import services
from cop.dashboard.models import MemberVisit
from cop.discussions import services as talk
from cop.discussions.models import ReplyHelpfulMark, ThreadKind
from cop.events import services as events
from cop.events.models import EventKind, FeedbackResponse
from cop.extensions import db, utcnow
from cop.orgs.models import OrgKind
from cop.orgs.services import create_organization
from cop.auth import services as accounts
from cop.practices import services as library
from cop.practices.models import HelpfulMark, Topic
from tests.conftest import PASSWORD

# Four whole weeks: Sep 7-13, Sep 14-20, Sep 21-27, Sep 28-Oct 4.
PERIOD = services.Period(date(2026, 9, 7), date(2026, 10, 4), "range")
NOW = datetime(2026, 10, 10, 12, tzinfo=timezone.utc)


def at(month: int, day: int, hour: int = 10) -> datetime:
    return datetime(2026, month, day, hour, tzinfo=timezone.utc)


def build_community() -> dict:
    """Companies A and B, provider C, quiet company D, a sponsor and the facilitators; what each person did
    and when is written out below, and the expected figures in the tests follow from it by hand."""
    orgs = {key: create_organization(name=name, kind=kind, industry="Advanced Manufacturing") for key, name, kind in [
        ("A", "Alder Works", OrgKind.member_company), ("B", "Birch Foods", OrgKind.member_company),
        ("C", "Cedar College", OrgKind.training_provider), ("D", "Dogwood Quiet Co", OrgKind.member_company),
        ("S", "Spruce Fund", OrgKind.sponsor), ("F", "Facilitators", OrgKind.facilitator)]}
    db.session.flush()

    def person(key, org, role=Role.member, joined=at(8, 1)):
        user = accounts.create_member(name=f"Person {key}", email=f"{key}@example.org", organization=orgs[org],
                                      role=role, password=PASSWORD)
        user.decided_at = joined
        db.session.flush()
        return user

    a1, a2, b1, c1 = person("a1", "A"), person("a2", "A"), person("b1", "B"), person("c1", "C")
    d1 = person("d1", "D", joined=at(9, 8))            # new in week 0, never does anything
    s1 = person("s1", "S", joined=at(9, 29))           # new in week 3
    facilitator = person("f", "F", Role.facilitator)
    topics = db.session.scalars(sa.select(Topic).order_by(Topic.position, Topic.id)).all()
    t1_topic, t2_topic = topics[0], topics[1]

    for user, day in [(a1, at(9, 8)), (a1, at(9, 9)), (a2, at(9, 15)), (s1, at(9, 30))]:
        db.session.add(MemberVisit(user_id=user.id, day=day.date(), organization_id=user.organization_id))

    def practice(author, when, topic, views):
        made = library.create_practice(author, title=f"Practice by {author.name}", summary="s", body="b",
                                       publish=True, classification=library.Classification(topics=[topic]))
        made.created_at = made.published_at = when
        made.view_count = views
        return made

    p1 = practice(a1, at(9, 10), t1_topic, 5)
    p2 = practice(b1, at(8, 20), t2_topic, 9)          # in the period before: topic 2 shrinks

    def thread(author, when, kind, slug, answered=None):
        made = talk.create_thread(author, title=f"{kind.value} by {author.name} on {when:%b %d}", body="b",
                                  kind=kind, category=talk.category_for(slug))
        made.created_at, made.answered_at = when, answered
        return made

    t1 = thread(b1, at(9, 16), ThreadKind.question, t1_topic.slug, answered=at(9, 26))  # answered late
    t2 = thread(c1, at(9, 22), ThreadKind.discussion, "general")
    t3 = thread(a1, at(9, 23), ThreadKind.question, "general", answered=at(9, 24))      # answered in time
    t4 = thread(a2, at(9, 28), ThreadKind.question, "general")                           # still waiting

    def reply(thread_, author, when):
        made = talk.add_reply(thread_, author, "A reply.")
        made.created_at = when
        return made

    r1 = reply(t1, a2, at(9, 17))
    reply(t2, c1, at(9, 29))
    reply(t2, a1, at(9, 29))
    db.session.add_all([HelpfulMark(practice_id=p1.id, user_id=b1.id, created_at=at(9, 18)),
                        HelpfulMark(practice_id=p1.id, user_id=c1.id, created_at=at(9, 19))])
    db.session.flush()
    db.session.add(ReplyHelpfulMark(reply_id=r1.id, user_id=a1.id, created_at=at(9, 18)))

    soon = utcnow().replace(microsecond=0) + timedelta(days=3)
    visit = events.create_event(facilitator, kind=EventKind.site_visit, title="Plant tour", starts_at=soon,
                                ends_at=soon + timedelta(hours=2), timezone="America/Chicago", capacity=2,
                                host_org=orgs["A"], address="1 Mill Road")
    session = events.create_event(facilitator, kind=EventKind.feedback_session, title="Cedar feedback",
                                  starts_at=soon, ends_at=soon + timedelta(hours=2), timezone="America/Chicago",
                                  capacity=5, host_org=orgs["C"], address="2 College Way")
    made = {}
    for key, event, user in [("a2", visit, a2), ("a1", visit, a1)]:
        made[key] = events.rsvp(event, user)
    events.cancel_rsvp(visit, a2)                      # an RSVP, not a confirmation
    made["b1"], made["c1"] = events.rsvp(visit, b1), events.rsvp(visit, c1)   # c1 is waitlisted
    made["s_a1"], made["s_a2"] = events.rsvp(session, a1), events.rsvp(session, a2)
    db.session.flush()
    for key, when, attended in [("a2", at(9, 15), None), ("a1", at(9, 14), True), ("b1", at(9, 14), False),
                                ("c1", at(9, 20), None), ("s_a1", at(9, 25), True), ("s_a2", at(9, 25), True)]:
        made[key].created_at, made[key].attended = when, attended
    visit.starts_at, visit.ends_at = at(9, 24), at(9, 24, 12)
    session.starts_at, session.ends_at = at(9, 30), at(9, 30, 12)
    db.session.add(FeedbackResponse(event_id=session.id, user_id=a2.id, created_at=at(9, 30, 14)))
    db.session.flush()
    services.visits_from_content()  # written here without requests: their days come from what was written

    db.session.commit()
    return {"orgs": {k: (o.name, o.slug) for k, o in orgs.items()}, "facilitator": facilitator.email,
            "topics": (t1_topic.name, t2_topic.name), "threads": [t.id for t in (t1, t2, t3, t4)],
            "practices": [p1.id, p2.id], "events": [visit.id, session.id]}


@pytest.fixture
def community(app):
    with app.app_context():
        return build_community()


def test_weekly_active_members_organizations_and_newcomers(app, community):
    with app.app_context():
        table = services.weekly_activity(PERIOD)
    assert table.columns == ["Week of", "Active members", "Active organizations", "New members"]
    assert table.rows == [["2026-09-07", 1, 1, 1], ["2026-09-14", 4, 3, 0],
                          ["2026-09-21", 3, 2, 0], ["2026-09-28", 4, 3, 1]]


def test_organizations_silent_for_sixty_days_are_at_risk(app, community):
    with app.app_context():
        table = services.at_risk_organizations(PERIOD)
    assert table.rows == [["Dogwood Quiet Co", "Member company", 1]]
    assert table.links == [community["orgs"]["D"][1]]


def test_contributions_by_month(app, community):
    with app.app_context():
        table = services.monthly_contributions(PERIOD)
    assert table.columns == ["Month", "Practices", "Threads", "Replies", "Helpful marks"]
    assert table.rows == [["2026-09", 1, 4, 3, 3], ["2026-10", 0, 0, 0, 0]]


def test_questions_unanswered_after_seven_days(app, community):
    with app.app_context():
        summary, waiting = services.unanswered_questions(PERIOD, now=NOW)
    assert summary.column("Count") == [3, 1, 2, 1]
    assert waiting.links == [community["threads"][3]]
    assert waiting.rows == [["question by Person a2 on Sep 28", "2026-09-28", 0]]


def test_event_funnel_no_shows_and_waitlist_pressure(app, community):
    with app.app_context():
        funnel, waitlists, figures = services.event_funnel(PERIOD)
    assert funnel.rows == [["RSVPed", 6], ["Confirmed", 4], ["Attended", 3], ["Gave feedback", 1]]
    assert figures == {"events": 2, "no_shows": 1, "recorded": 4, "no_show_rate": 25}
    assert waitlists.rows == [["Plant tour", "2026-09-24", 2, 1, 0.5]]
    assert waitlists.links == [community["events"][0]]


def test_top_practices_and_threads(app, community):
    with app.app_context():
        practices, threads = services.top_practices(PERIOD), services.top_threads(PERIOD)
    assert [row[1:] for row in practices.rows] == [[2, 5]]  # p2 got no mark in the period
    assert practices.links == community["practices"][:1]
    t1, t2, _, _ = community["threads"]
    assert threads.links == [t2, t1]
    assert [row[1:] for row in threads.rows] == [[2, 0, 0], [1, 1, 0]]


def test_topics_growing_and_shrinking(app, community):
    with app.app_context():
        table = services.topic_trends(PERIOD)
    grown, shrunk = community["topics"]
    assert table.rows[0] == [grown, 2, 0, 2]
    assert table.rows[-1] == [shrunk, 0, 1, -1]
    assert all(row[1:] == [0, 0, 0] for row in table.rows[1:-1])


@pytest.mark.parametrize("choice, start, end, expected, problem", [
    ("30", None, None, (date(2026, 11, 4), date(2026, 12, 3)), ""),
    ("365", None, None, (date(2025, 12, 4), date(2026, 12, 3)), ""),
    ("range", date(2026, 10, 1), date(2026, 9, 1), (date(2026, 9, 1), date(2026, 10, 1)), ""),
    ("range", date(2026, 11, 1), date(2027, 5, 1), (date(2026, 11, 1), date(2026, 12, 3)), ""),
    ("range", None, date(2026, 9, 1), (date(2026, 9, 5), date(2026, 12, 3)), "Give both"),
    ("range", date(2020, 1, 1), date(2026, 1, 1), (date(2026, 9, 5), date(2026, 12, 3)), "at most"),
    ("range", date(2027, 1, 1), date(2027, 2, 1), (date(2026, 9, 5), date(2026, 12, 3)), "in the future"),
    ("nonsense", None, None, (date(2026, 9, 5), date(2026, 12, 3)), ""),
])
def test_choosing_a_period(choice, start, end, expected, problem):
    period, said = services.choose_period(choice, start, end, date(2026, 12, 3))
    assert (period.start, period.end) == expected
    assert problem in said and bool(said) == bool(problem)


def _sign_in(client, email):
    response = client.post_form("/auth/signin", {"email": email, "password": PASSWORD})
    assert response.status_code == 302
    response.close()  # as a server does: what waits for the response to close runs now


RANGE = "period=range&start=2026-09-07&end=2026-10-04"


def test_only_facilitators_see_the_dashboard(app, client, community, make_user, make_org):
    for kind in (OrgKind.member_company, OrgKind.training_provider, OrgKind.sponsor):
        for role in (Role.member, Role.manager):
            person = make_user(org=make_org(kind=kind), role=role)
            _sign_in(client, person.email)
            assert client.get("/dashboard/").status_code == 403
            assert client.get("/dashboard/activity.csv").status_code == 403
            client.post_form("/auth/signout", page="/")
    assert client.get("/dashboard/").status_code == 302


def test_the_page_shows_each_chart_with_its_table(app, client, community):
    _sign_in(client, community["facilitator"])
    page = client.get(f"/dashboard/?{RANGE}").get_data(as_text=True)
    for key in ("activity", "contributions", "unanswered", "events", "waitlists", "practices", "threads", "topics"):
        assert f'id="chart-{key}"' in page and f"<title id=\"chart-{key}-title\">" in page
        assert f'/dashboard/{key}.csv?period=range&amp;start=2026-09-07&amp;end=2026-10-04' in page
    assert "Dogwood Quiet Co" in page and f'href="/orgs/{community["orgs"]["D"][1]}"' in page
    assert "No-show rate: 25% (1 of 4" in page
    assert 'aria-labelledby="chart-events-title chart-events-desc"' in page
    assert "RSVPed: 6; Confirmed: 4; Attended: 3; Gave feedback: 1." in page


def test_each_table_downloads_as_csv(app, client, community):
    _sign_in(client, community["facilitator"])
    response = client.get(f"/dashboard/activity.csv?{RANGE}")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert "activity-2026-09-07-to-2026-10-04.csv" in response.headers["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
    assert rows == [["Week of", "Active members", "Active organizations", "New members"],
                    ["2026-09-07", "1", "1", "1"], ["2026-09-14", "4", "3", "0"],
                    ["2026-09-21", "3", "2", "0"], ["2026-09-28", "4", "3", "1"]]
    assert client.get("/dashboard/nothing.csv").status_code == 404


@pytest.mark.parametrize("query", ["period=range&start=garbage&end=2026-10-04", "period=range&start=2026-09-01",
                                   "period=%00", "period=range&start=1-1-1&end=9999-12-31",
                                   "start=2026-02-30&end=2026-03-01&period=range"])
def test_bad_periods_show_the_default_and_say_why(app, client, community, query):
    _sign_in(client, community["facilitator"])
    response = client.get(f"/dashboard/?{query}")
    assert response.status_code in (200, 400)
    if response.status_code == 200:
        assert "the last 90 days" in response.get_data(as_text=True)


def test_a_facilitators_days_are_not_recorded(app, client, community):
    _sign_in(client, community["facilitator"])
    client.get("/").close()
    with app.app_context():
        facilitator = db.session.scalar(sa.select(User.id).where(User.email == community["facilitator"]))
        assert not db.session.scalars(sa.select(MemberVisit.day).where(MemberVisit.user_id == facilitator)).all()


def test_a_members_day_on_the_site_is_recorded_once(app, client, community):
    _sign_in(client, "b1@example.org")
    client.get("/").close()
    client.get("/practices/").close()
    with app.app_context():
        b1 = db.session.scalar(sa.select(User.id).where(User.email == "b1@example.org"))
        days = db.session.scalars(sa.select(MemberVisit.day).where(MemberVisit.user_id == b1)).all()
    assert days.count(utcnow().date()) == 1 and len(days) == 5  # today, and the four September days of build_community


def test_a_tokens_api_requests_are_not_a_day_on_the_site(app, client, community):
    """The dashboard counts members' days in the browser; an integration reading with their token is not one,
    even when a signed-in browser's cookie goes along with it."""
    from tests.api_helpers import bearer, token_for

    with app.app_context():
        b1 = db.session.scalar(sa.select(User).where(User.email == "b1@example.org"))
    secret = token_for(app, b1, scope="read")
    _sign_in(client, "b1@example.org")

    def days():
        return db.session.scalars(sa.select(MemberVisit.day).where(MemberVisit.user_id == b1.id)).all()

    with app.app_context():
        db.session.execute(sa.delete(MemberVisit).where(MemberVisit.user_id == b1.id))
        db.session.commit()
    app.extensions["cop_member_visits"].forget(b1.id, utcnow().date())
    assert client.get("/api/v1/practices", headers=bearer(secret)).status_code == 200
    with app.app_context():
        assert days() == []
    client.get("/").close()  # the same browser on a page is a day on the site
    with app.app_context():
        assert days() == [utcnow().date()]


def test_the_statement_count_does_not_grow_with_the_data(app, client, count_queries):
    counts = []
    for extra in (0, 25):
        with app.app_context():
            if extra:
                db.session.execute(sa.text("DELETE FROM member_visits"))
                db.session.commit()
                build_more(extra)
            else:
                build_community()
        _sign_in(client, "f@example.org")
        client.get(f"/dashboard/?{RANGE}").close()  # the visit is recorded before counting
        with count_queries() as tally:
            response = client.get(f"/dashboard/?{RANGE}")
        assert response.status_code == 200
        counts.append(tally.count)
        client.post_form("/auth/signout", page="/")
    assert counts[0] == counts[1], counts


def build_more(extra: int) -> None:
    """More of everything, in the period's first week, by the people build_community made."""
    people = {u.email.split("@")[0]: u for u in db.session.scalars(sa.select(User))}
    topic = db.session.scalars(sa.select(Topic).order_by(Topic.position, Topic.id)).first()
    for n in range(extra):
        when = at(9, 8 + n % 5)
        more = library.create_practice(people["a1"], title=f"More {n}", summary="s", body="b", publish=True,
                                       classification=library.Classification(topics=[topic]))
        more.created_at = more.published_at = when
        made = talk.create_thread(people["b1"], title=f"More question {n}", body="b", kind=ThreadKind.question,
                                  category=talk.category_for("general"))
        made.created_at = when
        talk.add_reply(made, people["c1"], "More.").created_at = when
        db.session.flush()
        db.session.add(HelpfulMark(practice_id=more.id, user_id=people["c1"].id, created_at=when))
        visitor = people[f"{'abc'[n % 3]}1"]
        db.session.add(MemberVisit(user_id=visitor.id, day=when.date() + timedelta(days=n % 20),
                                   organization_id=visitor.organization_id))
    db.session.flush()
    services.visits_from_content()
    db.session.commit()


def test_a_search_keeps_its_words_and_result_count_but_not_who(app, client, community):
    from cop.search import sync_now
    from cop.search.models import SearchQuery

    with app.app_context():
        sync_now(app)
    _sign_in(client, "b1@example.org")
    for query in ["q=Practice&kind=", "q=mentor%20%20TRAINING", "q=mentor+training&page=2",
                  "q=mentor+training&kind=practice", "q=", "q=%20%20"]:
        client.get(f"/search/?{query}").close()
    with app.app_context():
        rows = db.session.execute(sa.select(SearchQuery.text, SearchQuery.result_count)
                                  .order_by(SearchQuery.id)).all()
    assert [text for text, _ in rows] == ["practice", "mentor training"]
    assert rows[0].result_count >= 2 and rows[1].result_count == 0
    assert set(SearchQuery.__table__.columns.keys()) == {"id", "text", "result_count", "searched_at"}


def _searches(*found):
    from cop.search.queries import record_query
    from flask import current_app

    for text, count, when in found:
        record_query(current_app._get_current_object(), text, count, at=when)


def test_top_searches_and_those_that_found_nothing(app, community):
    with app.app_context():
        _searches(("mentor training", 0, at(9, 8)), ("Mentor Training", 0, at(9, 20)),
                  ("mentor training", 3, at(9, 21)),
                  ("stipends", 4, at(9, 9)), ("stipends", 2, at(9, 10)), ("transport", 0, at(9, 11)),
                  ("mentor training", 0, at(8, 30)), ("wages", 0, at(10, 5)))
        top, nothing = services.top_searches(PERIOD), services.searches_without_results(PERIOD)
    assert top.rows == [["mentor training", 3, 2], ["stipends", 2, 0], ["transport", 1, 1]]
    assert nothing.rows == [["mentor training", 2, "2026-09-20"], ["transport", 1, "2026-09-11"]]


def test_searches_older_than_the_retention_are_purged(app, runner, community):
    from cop.search.models import SearchQuery

    with app.app_context():
        _searches(("old", 0, utcnow() - timedelta(days=181)), ("recent", 0, utcnow() - timedelta(days=179)))
    result = runner.invoke(args=["search", "purge-queries"])
    assert result.exit_code == 0 and "Removed 1 search(es) older than 180 days." in result.output
    with app.app_context():
        assert db.session.scalars(sa.select(SearchQuery.text)).all() == ["recent"]
    result = runner.invoke(args=["search", "purge-queries", "--days", "0"])
    assert "Removed 1 search(es) older than 0 days." in result.output


def test_a_facilitators_home_leads_to_the_dashboard_and_a_members_does_not(app, client, community):
    _sign_in(client, community["facilitator"])
    assert 'href="/dashboard/"' in client.get("/").get_data(as_text=True)
    client.post_form("/auth/signout", page="/")
    _sign_in(client, "a1@example.org")
    assert 'href="/dashboard/"' not in client.get("/").get_data(as_text=True)
