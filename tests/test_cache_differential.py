"""Cached pages are proven equal to fresh ones: for every route whose view serves fragments from the cache,
every visibility state of its content, and pairs of viewers (Y, X) in which every viewer is both: the page
Y leaves in the cache, then X's page from it, must be X's page rendered with the cache off (status,
redirect and body, bar the CSRF token).

The cached routes are read from `app.url_map` (views marked with `fragments.cached_page`), so a new cached
route without scenarios here fails `test_every_cached_route_has_scenarios`."""

import difflib
import re
import uuid

import pytest
import sqlalchemy as sa

from config import TestConfig
from cop import create_app
from cop.auth.models import MemberStatus, Role
from cop.cache import fragments
from cop.extensions import db
from cop.orgs.models import OrgKind
from cop.practices.taxonomy import ensure_taxonomy
from tests.conftest import BACKENDS, PASSWORD, FormClient, empty_database

VIEWERS = ["anonymous", "pending", "suspended", "author", "colleague", "other_org", "manager", "provider",
           "sponsor", "facilitator"]
# Who warms the cache for each viewer X (by place in VIEWERS): X itself (a page that is the viewer's own is
# served from the cache only to them), then X+1, X+2, X+4 and X+7 round the list, so every viewer is X four
# times and Y four times on every page and state, against neighbours near and far.
WARMER_OFFSETS = (0, 1, 2, 4, 7)
PAIRS = [(VIEWERS[(i + k) % len(VIEWERS)], x) for i, x in enumerate(VIEWERS) for k in WARMER_OFFSETS]

CSRF_VALUE = re.compile(r'(name="csrf_token"[^>]*value=")[^"]*(")')
# Cached pages go out as ASCII, other characters as numeric references (see `fragments.ascii_html`): the
# same text to a browser. Only references to characters beyond ASCII are read back, so an escaped "<"
# still differs from a raw one.
WIDE_REFERENCE = re.compile(r"&#(\d+);")


def _wide(match: re.Match) -> str:
    code = int(match.group(1))
    return chr(code) if code > 127 else match.group(0)


# The scenarios: for each cached endpoint, the addresses of its content in every state that changes who
# sees what, from the world below.
SCENARIOS = {
    "practices.index": lambda w: {
        "all": "/practices/",
        "by the author's organization": f"/practices/?organization={w['org_slug']}",
        "second page": "/practices/?page=2",
    },
    "practices.detail": lambda w: {
        "published, describing a program": f"/practices/{w['published']}",
        "published, with a thread and a follower": f"/practices/{w['discussed']}",
        "draft": f"/practices/{w['draft']}",
        "deleted": f"/practices/{w['deleted']}",
        "unpublished after its thread began": f"/practices/{w['unpublished']}",
        "missing": "/practices/999999",
    },
    "discussions.index": lambda w: {
        "latest": "/discussions/",
        "unanswered": "/discussions/?show=unanswered",
        "new": "/discussions/?show=new",
        "mine": "/discussions/?show=mine",
        "following": "/discussions/?show=following",
        "of a published practice": f"/discussions/?practice={w['discussed']}",
        "of a draft practice": f"/discussions/?practice={w['draft']}",
        "of an unpublished practice": f"/discussions/?practice={w['unpublished']}",
        "of a deleted practice": f"/discussions/?practice={w['deleted']}",
        "of a missing practice": "/discussions/?practice=999999",
    },
    "discussions.category": lambda w: {
        "general": "/discussions/c/general",
        "a topic": f"/discussions/c/{w['topic_slug']}",
        "a topic, unanswered": f"/discussions/c/{w['topic_slug']}?show=unanswered",
        "missing": "/discussions/c/no-such-category",
    },
    "discussions.detail": lambda w: {
        "open discussion with replies": f"/discussions/{w['open']}",
        "hidden": f"/discussions/{w['hidden']}",
        "locked": f"/discussions/{w['locked']}",
        "answered question": f"/discussions/{w['answered']}",
        "unanswered question": f"/discussions/{w['question']}",
        "with hidden and removed replies (facilitator-only fields)": f"/discussions/{w['moderated']}",
        "tied to a practice": f"/discussions/{w['practice_thread']}",
        "tied to a practice now a draft": f"/discussions/{w['draft_thread']}",
        "merged away": f"/discussions/{w['merged']}",
        "missing": "/discussions/999999",
    },
    "home.index": lambda w: {"the member's home": "/"},
    "events.detail": lambda w: {
        "a visit whose host company used its seats, with a waitlist": f"/events/{w['visit']}",
        "online, with a link for those going": f"/events/{w['online']}",
        "a feedback session after the fact": f"/events/{w['session']}",
        "cancelled": f"/events/{w['cancelled']}",
        "missing": "/events/999999",
    },
    "events.calendar": lambda w: {
        "this month": "/events/calendar",
        "a later month": f"/events/calendar?month={w['later_month']}",
        "a month that cannot be": "/events/calendar?month=2026-13",
    },
    "programs.compare": lambda w: {
        "two programs side by side": "/programs/compare?" + "&".join(f"ids={i}" for i in w["program_ids"]),
        "one ticked": f"/programs/compare?ids={w['program_ids'][0]}",
        "peers like us": "/programs/compare",
        "a missing program": f"/programs/compare?ids={w['program_ids'][0]}&ids=999999",
    },
    "search.index": lambda w: {
        "the form": "/search/",
        "the form with filters": "/search/?kind=practice&date_from=2026-13-01",
        "a question": "/search/?q=mentors",
    },
}


def _database(request, tmp_path_factory) -> str:
    return empty_database(request, request.param, tmp_path_factory.mktemp("differential"))


@pytest.fixture(scope="module", params=BACKENDS)
def world(request, tmp_path_factory):
    """One community with content in every state, and a signed-in client for each viewer."""
    tmp = tmp_path_factory.mktemp(f"differential-{uuid.uuid4().hex[:6]}")
    app = create_app(TestConfig, SQLALCHEMY_DATABASE_URI=_database(request, tmp_path_factory),
                     MAIL_DIR=str(tmp / "mail"), COP_UPLOAD_DIR=str(tmp / "uploads"),
                     COP_INDEX_DIR=str(tmp / "index"), COP_SIGNIN_LIMIT="1000 per minute")
    app.test_client_class = FormClient
    with app.app_context():
        ensure_taxonomy()
        db.session.commit()
        ids = _build(app)
    clients = {}
    for name in VIEWERS:
        client = clients[name] = app.test_client()
        if name != "anonymous":
            # Pending and suspended members try too: the sign-in refuses them, so they browse signed out.
            client.post_form("/auth/signin", {"email": f"{name}@example.org", "password": PASSWORD})
    with app.app_context():
        from cop.auth.services import suspend_member
        from cop.auth.models import User

        # Suspended after signing in: the session they still hold must show them nothing.
        suspend_member(db.session.scalar(sa.select(User).where(User.email == "suspended@example.org")),
                       db.session.scalar(sa.select(User).where(User.email == "facilitator@example.org")))
        db.session.commit()
    app.config["COP_FRAGMENT_CACHE"] = True
    yield app, clients, ids
    with app.app_context():
        db.engine.dispose()


def _build(app) -> dict:
    from cop.auth.services import create_member
    from cop.discussions import services as discussions
    from cop.discussions.models import ThreadKind
    from cop.orgs.services import create_organization
    from cop.practices import services as practices
    from cop.practices.models import Topic
    from cop.programs.models import ProgramStage
    from cop.programs.services import ProgramData, create_program

    def org(name, kind=OrgKind.member_company):
        return create_organization(name=name, kind=kind, industry="Advanced Manufacturing")

    company, elsewhere = org("Harbor Fabrication"), org("Lakeside Health")
    provider, sponsor = org("Tri-County Training", OrgKind.training_provider), org("Ridge Foundation", OrgKind.sponsor)
    hub = org("Northbridge Hub", OrgKind.facilitator)
    db.session.flush()
    people = {}
    for name, where, role, zone in (
            ("author", company, Role.member, None), ("colleague", company, Role.member, "Europe/Berlin"),
            ("manager", company, Role.manager, None), ("other_org", elsewhere, Role.member, None),
            ("provider", provider, Role.member, "America/New_York"), ("sponsor", sponsor, Role.member, None),
            ("facilitator", hub, Role.facilitator, None), ("pending", elsewhere, Role.member, None),
            ("suspended", elsewhere, Role.member, None)):
        people[name] = create_member(name=f"{name.title()} Person", email=f"{name}@example.org", organization=where,
                                     role=role, password=PASSWORD, timezone=zone)
    people["pending"].status = MemberStatus.pending
    db.session.flush()
    author, facilitator = people["author"], people["facilitator"]
    colleague, other = people["colleague"], people["other_org"]
    topic = db.session.scalar(sa.select(Topic).order_by(Topic.position))
    general, in_topic = discussions.category_for("general"), discussions.category_for(topic.slug)

    def practice(title, publish=True, by=author):
        return practices.create_practice(by, title=title, summary=f"{title}: in short.", body=f"How **{title}** works.",
                                         classification=practices.Classification(topics=[topic]), publish=publish)

    published = practice("Rotating mentors across shifts")
    discussed = practice("Badge day for new interns")
    draft = practice("Secret draft about wage bands", publish=False)
    deleted = practice("A practice since deleted")
    unpublished = practice("Published, then taken back")
    for n in range(22):  # a second page of the library
        practice(f"Filler practice {n:02d}", by=colleague)
    db.session.flush()

    def thread(title, by=author, kind=ThreadKind.discussion, category=general, about=None):
        return discussions.create_thread(by, title=title, body=f"{title}, in words.", kind=kind, category=category,
                                         practice=about)

    open_thread = thread("Open discussion on mentoring")
    mine = discussions.add_reply(open_thread, other, "A reply by a member of another organization.")
    discussions.add_reply(open_thread, author, "The author answers.", mine)
    discussions.add_reply(open_thread, colleague, "A colleague chimes in.")
    discussions.mark_helpful(mine, colleague)
    hidden = thread("A thread a facilitator hid", by=other)
    discussions.hide_thread(hidden, facilitator, "off topic")
    locked = thread("A locked thread", by=colleague)
    discussions.add_reply(locked, other, "Before the lock.")
    discussions.set_locked(locked, facilitator, True)
    answered = thread("How do you pay interns?", kind=ThreadKind.question, category=in_topic)
    answer = discussions.add_reply(answered, other, "We pay them hourly.")
    discussions.add_reply(answered, colleague, "So do we.")
    discussions.mark_answer(answer, author)
    question = thread("Who runs job shadows in winter?", by=other, kind=ThreadKind.question, category=in_topic)
    moderated = thread("A thread with hidden and removed replies", by=colleague)
    to_hide = discussions.add_reply(moderated, other, "Something a facilitator hid.")
    to_remove = discussions.add_reply(moderated, author, "Something its author removed.")
    discussions.add_reply(moderated, facilitator, "Still here.")
    discussions.hide_reply(to_hide, facilitator, "personal details")
    discussions.delete_reply(to_remove, author)
    practice_thread = thread("About badge day", by=other, about=discussed, category=in_topic)
    discussions.follow(colleague, practice=discussed)
    draft_thread = thread("About the practice taken back", by=colleague, about=unpublished)
    # A program the published practice describes, with fields only its organization and facilitators read.
    create_program(company, people["manager"], ProgramData(
        name="Harbor Youth Apprenticeship", program_type="apprenticeship", student_level="high-school",
        stage=ProgramStage.running, summary="Two years on the shop floor.", is_paid=True, lessons="Private lessons.",
        practices=[published], private_fields={"pay", "lessons"}))
    events = {**_events(people, company, provider), **_programs(people, elsewhere)}
    merged_away = thread("A duplicate question", by=other, kind=ThreadKind.question)
    db.session.flush()
    discussions.merge_thread(merged_away, open_thread, facilitator)
    practices.unpublish_practice(unpublished, facilitator)
    practices.delete_practice(deleted, author)
    db.session.commit()
    return {"org_slug": company.slug, "topic_slug": topic.slug, "published": published.id,
            "discussed": discussed.id, "draft": draft.id, "deleted": deleted.id, "unpublished": unpublished.id,
            "open": open_thread.id, "hidden": hidden.id, "locked": locked.id, "answered": answered.id,
            "question": question.id, "moderated": moderated.id, "practice_thread": practice_thread.id,
            "draft_thread": draft_thread.id, "merged": merged_away.id, **events}


def _events(people: dict, company, provider) -> dict:
    """Events in every state a page shows differently: seats a company has used up, a waitlist, a meeting
    link for those going, a feedback session after the fact with one response, a cancellation."""
    from datetime import timedelta

    from cop.events import services as events
    from cop.events.models import EventKind
    from cop.extensions import utcnow

    now = utcnow().replace(second=0, microsecond=0)
    facilitator = people["facilitator"]

    def event(title, kind, starts_in, host=None, **fields):
        start = now + starts_in
        return events.create_event(facilitator, kind=kind, title=title, starts_at=start,
                                   ends_at=start + timedelta(hours=2), timezone="America/Chicago", host_org=host,
                                   description=f"What **{title}** is about.", **fields)

    visit = event("Shop floor visit", EventKind.site_visit, timedelta(days=6), host=company, capacity=3,
                  per_org_cap=2, venue="Harbor Fabrication, Bay 4")
    for who in ("author", "colleague", "other_org", "provider"):  # the company's seats, then the waitlist
        events.rsvp(visit, people[who], acknowledged=True)
    online = event("Apprenticeship budgets, online", EventKind.virtual, timedelta(days=9), capacity=40,
                   meeting_url="https://meet.example.org/budgets")
    events.rsvp(online, people["provider"])
    session = event("Feedback on the welding pathway", EventKind.feedback_session, timedelta(days=1),
                    host=provider, capacity=20)
    for who in ("author", "other_org"):
        events.rsvp(session, people[who])
    session.starts_at, session.ends_at = now - timedelta(hours=3), now - timedelta(hours=1)
    events.record_attendance(session, {events.find_rsvp(session, people["author"]).id})
    rating = next(q for q in session.questions if q.kind.value == "rating")
    events.submit_feedback(session, people["author"], scores={rating.id: 4}, texts={}, intents={})
    cancelled = event("A roundtable called off", EventKind.roundtable, timedelta(days=3), capacity=12)
    events.rsvp(cancelled, people["manager"])
    events.cancel_event(cancelled, facilitator, "The room fell through.")
    month = (now + timedelta(days=40)).strftime("%Y-%m")
    return {"visit": visit.id, "online": online.id, "session": session.id, "cancelled": cancelled.id,
            "later_month": month}


def _programs(people: dict, elsewhere) -> dict:
    """A second company's program beside the first's, and the ids of both."""
    from cop.programs.models import Program, ProgramStage
    from cop.programs.services import ProgramData, create_program

    create_program(elsewhere, people["facilitator"], ProgramData(
        name="Lakeside Nursing Shadow Days", program_type="job-shadow", student_level="high-school",
        stage=ProgramStage.running, summary="A day on the ward.", is_paid=False, lessons="Lakeside's own notes.",
        private_fields={"lessons"}))
    db.session.flush()
    return {"program_ids": [p for p in db.session.scalars(sa.select(Program.id).order_by(Program.id))]}


def _seen(app, client, url: str, cache: bool) -> tuple:
    """What a viewer gets: status, redirect and body, with the CSRF token (theirs alone) taken out."""
    app.config["COP_FRAGMENT_CACHE"] = cache
    try:
        response = client.get(url)
    finally:
        app.config["COP_FRAGMENT_CACHE"] = True
    body = WIDE_REFERENCE.sub(_wide, CSRF_VALUE.sub(r"\1CSRF\2", response.get_data(as_text=True)))
    return response.status_code, response.headers.get("Location"), body


def _difference(fresh: str, cached: str) -> str:
    lines = difflib.unified_diff(fresh.splitlines(), cached.splitlines(), "fresh", "cached", n=0, lineterm="")
    return "\n".join(list(lines)[:12])


def test_every_cached_route_has_scenarios(world):
    app, _, _ = world
    cached = {rule.endpoint for rule in app.url_map.iter_rules()
              if fragments.is_cached_page(app.view_functions[rule.endpoint])}
    assert cached, "no route is marked as a cached page"
    missing = cached - SCENARIOS.keys()
    assert not missing, f"cached routes without a differential scenario: {sorted(missing)}"
    stale = SCENARIOS.keys() - cached
    assert not stale, f"scenarios for routes that are not cached pages: {sorted(stale)}"


@pytest.mark.parametrize("endpoint", sorted(SCENARIOS))
def test_a_cached_page_is_what_a_fresh_render_gives_every_viewer(world, endpoint):
    app, clients, ids = world
    cache = app.extensions["cop_fragments"]
    urls = SCENARIOS[endpoint](ids)
    for url in urls.values():
        assert app.url_map.bind("localhost").match(url.split("?")[0])[0] == endpoint, url
    mismatches, hits = [], 0
    for state, url in urls.items():
        # A first look by everyone settles what a view changes (read marks, view counts), so that
        # later looks differ only by what the cache did.
        for name in VIEWERS:
            _seen(app, clients[name], url, cache=True)
        fresh = {name: _seen(app, clients[name], url, cache=False) for name in VIEWERS}
        if "missing" not in state:
            # The world really has this state: some member is shown it (or sent on to where it went).
            assert any(status == 200 or (location and "/auth/signin" not in location)
                       for status, location, _ in fresh.values()), f"nobody sees {state} ({url})"
        for warmer, viewer in PAIRS:
            cache.clear()
            _seen(app, clients[warmer], url, cache=True)
            before = cache.hits
            seen = _seen(app, clients[viewer], url, cache=True)
            hits += cache.hits > before
            if seen != fresh[viewer]:
                mismatches.append(f"{state} ({url}): warmed by {warmer}, seen by {viewer}: {seen[:2]}, fresh "
                                  f"{fresh[viewer][:2]}\n" + _difference(fresh[viewer][2], seen[2]))
    assert not mismatches, "\n".join(mismatches[:20])
    # The pairs must exercise the cache, not only fresh renders.
    assert hits, "no viewer's page came from the cache: the pairs never exercised it"


def test_a_draft_titled_list_warmed_by_its_author_is_no_page_for_other_members(world):
    app, clients, ids = world
    url = f"/discussions/?practice={ids['draft']}"
    author = _seen(app, clients["author"], url, cache=True)
    assert author[0] == 200 and "Secret draft about wage bands" in author[2]
    for name in ("colleague", "other_org", "provider", "sponsor"):
        status, _, body = _seen(app, clients[name], url, cache=True)
        assert status == 404 and "Secret draft" not in body, name
    program_page = _seen(app, clients["other_org"], f"/practices/{ids['published']}", cache=True)[2]
    assert "Harbor Youth Apprenticeship" in program_page  # the program section is part of the world
