"""The JSON API: who gets what from every endpoint (a permission matrix by role and token), errors as
problem details, pagination, ETags, the session cookie refused for writes, the integrator's journey, and
schemathesis over the OpenAPI description with a read token and a write token."""

from dataclasses import dataclass, field
from datetime import timedelta

import pytest
import sqlalchemy as sa

from cop.api.models import ApiToken
from cop.auth import services as accounts
from cop.auth.models import MemberStatus, Role, User
from cop.discussions import services as talk
from cop.discussions.models import ThreadKind
from cop.events import services as events
from cop.events.models import EventKind, Rsvp, RsvpStatus
from cop.extensions import db, utcnow
from cop.notifications.models import Notification
from cop.orgs.models import OrgKind
from cop.orgs.services import create_organization
from cop.practices import services as library
from cop.practices.models import Topic
from cop.programs import services as peer_programs
from cop.programs.models import ProgramStage
from tests.api_helpers import bearer, token_for
from tests.conftest import PASSWORD

ROLES = ["anonymous", "pending", "member", "other_member", "manager", "provider", "sponsor", "facilitator"]


def make_program(org, by, name: str, private=()):
    """A running apprenticeship with an answer to every aggregate's question (flushed, not committed)."""
    return peer_programs.create_program(org, by, peer_programs.ProgramData(
        name=name, program_type="apprenticeship", student_level="high-school", stage=ProgramStage.running,
        participants_per_year=8, staffing_model="dedicated-coordinator", coordinator_fte=0.5,
        students_per_supervisor=2, mentor_source="skilled-staff", budget_owner="business-unit",
        funding_sources=["operating-budget"], occupations=["51-9161"], supports=["transportation"], is_paid=True,
        wage_band="15-18", private_fields=set(private)))


@dataclass
class World:
    ids: dict = field(default_factory=dict)
    users: dict = field(default_factory=dict)


@pytest.fixture
def world(app):
    """A member company (the member wrote everything; its manager), another company, a training provider,
    a sponsor and the facilitators; a published practice and a draft, a question with a reply, an event."""
    world = World()
    with app.app_context():
        company = create_organization(name="Halvorsen Machining", kind=OrgKind.member_company,
                                      industry="Advanced Manufacturing")
        other = create_organization(name="Harborview Credit Union", kind=OrgKind.member_company,
                                    industry="Financial Services")
        provider = create_organization(name="Beacon College", kind=OrgKind.training_provider, industry="Education")
        sponsor = create_organization(name="North County Fund", kind=OrgKind.sponsor, industry="Philanthropy")
        facilitators = create_organization(name="Northbridge", kind=OrgKind.facilitator,
                                           industry="Workforce Development")
        db.session.flush()
        for key, org, role in [("member", company, Role.member), ("manager", company, Role.manager),
                               ("other_member", other, Role.member), ("provider", provider, Role.member),
                               ("sponsor", sponsor, Role.member), ("facilitator", facilitators, Role.facilitator),
                               ("pending", company, Role.member)]:
            world.users[key] = accounts.create_member(name=f"{key.replace('_', ' ').title()} Person",
                                                      email=f"{key}@example.org", organization=org, role=role,
                                                      password=PASSWORD)
        db.session.flush()
        member = world.users["member"]
        topic = db.session.scalars(sa.select(Topic).where(Topic.slug == "staffing")).one()
        published = library.create_practice(member, title="Two budgets", summary="How we split it.",
                                             body="Because.", publish=True,
                                             classification=library.Classification(topics=[topic]))
        draft = library.create_practice(member, title="A draft", summary="Not yet.", body="Soon.",
                                        classification=library.Classification(topics=[topic]))
        thread = talk.create_thread(member, title="How do you staff it?", body="One coordinator?",
                                    kind=ThreadKind.question, category=talk.category_for("general"))
        reply = talk.add_reply(thread, world.users["other_member"], "A half-time coordinator.")
        starts = utcnow().replace(second=0, microsecond=0) + timedelta(days=7)
        event = events.create_event(world.users["facilitator"], kind=EventKind.virtual, title="Plant tour",
                                    starts_at=starts, ends_at=starts + timedelta(hours=2), timezone="America/Chicago",
                                    capacity=10, host_org=company, address="4100 Industrial Parkway",
                                    meeting_url="https://meet.example/secret")
        notification = db.session.scalar(sa.select(Notification).where(Notification.user_id == member.id))
        program = make_program(company, world.users["manager"], "Machinist apprenticeship", private={"pay"})
        db.session.commit()
        world.ids = dict(practice=published.id, draft=draft.id, thread=thread.id, reply=reply.id, event=event.id,
                         notification=notification.id, program=program.id, company=company.slug,
                         member=member.id, pending=world.users["pending"].id)
        world.users = {key: db.session.get(User, user.id) for key, user in world.users.items()}
        db.session.expunge_all()
    return world


def tokens_for(app, world, scope: str) -> dict[str, str | None]:
    """Each role's token (None for the anonymous caller); the pending account had one while it was active."""
    secrets = {role: token_for(app, world.users[role], scope) for role in ROLES[1:]}
    secrets["anonymous"] = None
    with app.app_context():
        db.session.get(User, world.users["pending"].id).status = MemberStatus.pending
        db.session.commit()
    return secrets


# (method, path, body, {role: status}); "*" stands for every member role. In order: writes come after the
# reads they would change, and each expectation holds for the world as the steps before left it.
EVERYONE = {"*": 200}


def matrix(ids) -> list[tuple]:
    editors = {"*": 403, "member": 200, "manager": 200, "facilitator": 200}
    draft_editors = {"*": 404, "member": 200, "manager": 200, "facilitator": 200}
    return [
        ("GET", "/api/v1/practices", None, EVERYONE),
        ("GET", f"/api/v1/practices/{ids['practice']}", None, EVERYONE),
        ("GET", f"/api/v1/practices/{ids['draft']}", None, {"*": 404, "member": 200, "manager": 200,
                                                            "facilitator": 200}),
        ("GET", f"/api/v1/practices/{ids['practice']}/revisions", None, EVERYONE),
        ("GET", f"/api/v1/practices/{ids['draft']}/revisions", None, draft_editors),
        ("PATCH", f"/api/v1/practices/{ids['practice']}", {"summary": "Changed."}, editors),
        ("PATCH", f"/api/v1/practices/{ids['draft']}", {"summary": "Changed."}, draft_editors),
        ("POST", "/api/v1/practices", {"title": "New", "summary": "S.", "body": "B.", "topics": ["staffing"]},
         {"*": 201}),
        ("POST", f"/api/v1/practices/{ids['draft']}/publish", None, draft_editors),
        ("GET", "/api/v1/threads", None, EVERYONE),
        ("GET", f"/api/v1/threads/{ids['thread']}", None, EVERYONE),
        ("GET", f"/api/v1/threads/{ids['thread']}/replies", None, EVERYONE),
        ("POST", "/api/v1/threads", {"title": "Hello", "body": "Hi all.", "category": "general"}, {"*": 201}),
        ("POST", f"/api/v1/threads/{ids['thread']}/replies", {"body": "Same here."}, {"*": 201}),
        ("PUT", f"/api/v1/threads/{ids['thread']}/answer", {"reply_id": ids["reply"]},
         {"*": 403, "member": 200, "facilitator": 200}),
        ("DELETE", f"/api/v1/threads/{ids['thread']}/answer", None, {"*": 403, "member": 204, "facilitator": 204}),
        ("GET", "/api/v1/events", None, EVERYONE),
        ("GET", f"/api/v1/events/{ids['event']}", None, EVERYONE),
        ("PUT", f"/api/v1/events/{ids['event']}/rsvp", {}, EVERYONE),
        ("GET", "/api/v1/rsvps", None, EVERYONE),
        ("DELETE", f"/api/v1/events/{ids['event']}/rsvp", None, EVERYONE),
        ("GET", "/api/v1/notifications", None, EVERYONE),
        ("POST", f"/api/v1/notifications/{ids['notification']}/read", None, {"*": 404, "member": 200}),
        ("POST", "/api/v1/notifications/read", None, EVERYONE),
        ("GET", "/api/v1/search?q=budgets", None, EVERYONE),
        ("GET", "/api/v1/organizations", None, EVERYONE),
        ("GET", f"/api/v1/organizations/{ids['company']}", None, EVERYONE),
        ("GET", "/api/v1/people", None, EVERYONE),
        ("GET", f"/api/v1/people/{ids['member']}", None, EVERYONE),
        # The API lists active members only: not even a facilitator reads a pending account here.
        ("GET", f"/api/v1/people/{ids['pending']}", None, {"*": 404}),
        ("GET", "/api/v1/programs", None, EVERYONE),
        ("GET", f"/api/v1/programs/{ids['program']}", None, EVERYONE),
        ("GET", "/api/v1/programs/aggregates", None, EVERYONE),
    ]


def expected(outcomes: dict, role: str, method: str, scope: str) -> int:
    if role in ("anonymous", "pending"):
        return 401
    if scope == "read" and method not in ("GET", "HEAD"):
        return 403
    return outcomes.get(role, outcomes["*"])


def call(client, method, path, body, secret):
    headers = bearer(secret) if secret else {}
    return client.open(path, method=method, json=body if method not in ("GET", "DELETE") else None,
                       headers=headers)


@pytest.mark.parametrize("scope", ["write", "read"])
@pytest.mark.parametrize("role", ROLES)
def test_every_endpoint_answers_every_role_as_the_site_would(app, world, role, scope):
    """One fresh community per role and scope: the steps run in order, each on what the ones before left."""
    secret = tokens_for(app, world, scope)[role]
    client = app.test_client()
    problems = []
    for method, path, body, outcomes in matrix(world.ids):
        response = call(client, method, path, body, secret)
        want = expected(outcomes, role, method, scope)
        if response.status_code != want:
            problems.append(f"{role} {method} {path}: expected {want}, got {response.status_code} "
                            f"{response.get_data(as_text=True)[:200]}")
        elif want >= 400:
            assert response.mimetype == "application/problem+json", (role, method, path)
    assert not problems, "\n".join(problems)


def test_every_api_route_is_in_the_matrix(app, world):
    """A new endpoint fails here until the matrix says who may use it."""
    covered = set()
    with app.test_request_context():
        for method, path, _, _ in matrix(world.ids):
            rule, _ = app.url_map.bind("localhost").match(path.partition("?")[0], method=method, return_rule=True)
            covered.add((rule.rule, method))
    routes = {(rule.rule, method) for rule in app.url_map.iter_rules() if rule.endpoint.startswith("api_v1.")
              for method in rule.methods - {"HEAD", "OPTIONS"}}
    assert routes - covered == set()


def test_revoked_and_expired_tokens_answer_401_everywhere(app, world):
    revoked, expired = token_for(app, world.users["facilitator"]), token_for(app, world.users["member"])
    with app.app_context():
        first, second = db.session.scalars(sa.select(ApiToken).order_by(ApiToken.id)).all()
        first.revoked_at = utcnow()
        second.expires_at = utcnow() - timedelta(minutes=1)
        db.session.commit()
    client = app.test_client()
    for method, path, body, _ in matrix(world.ids):
        for secret in (revoked, expired):
            assert call(client, method, path, body, secret).status_code == 401, (method, path)


def test_a_signed_in_browser_cannot_use_the_api_without_a_token(app, world, client, login):
    """The session cookie counts for nothing here: no cross-site form or script can act through it."""
    login(world.users["member"])
    assert client.get("/auth/settings").status_code == 200
    for method, path, body, _ in matrix(world.ids):
        assert call(client, method, path, body, None).status_code == 401, (method, path)
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(Rsvp.id))) == 0


def test_meeting_link_and_draft_titles_reach_only_those_the_site_shows_them_to(app, world):
    member, other = token_for(app, world.users["member"]), token_for(app, world.users["other_member"])
    client = app.test_client()
    event = f"/api/v1/events/{world.ids['event']}"
    assert client.get(event, headers=bearer(other)).get_json()["meeting_url"] is None
    assert client.put(f"{event}/rsvp", headers=bearer(other), json={}).get_json()["status"] == "going"
    assert client.get(event, headers=bearer(other)).get_json()["meeting_url"] == "https://meet.example/secret"
    titles = [p["title"] for p in client.get("/api/v1/practices", headers=bearer(member)).get_json()["items"]]
    assert titles == ["Two budgets"]


def test_invalid_input_is_a_422_problem_naming_each_field(app, world):
    secret = token_for(app, world.users["member"])
    response = app.test_client().post("/api/v1/practices", headers=bearer(secret),
                                      json={"title": "\u200b ", "summary": "S", "body": "B", "topics": [],
                                            "industries": ["Mining"]})
    assert response.status_code == 422 and response.mimetype == "application/problem+json"
    problem = response.get_json()
    assert problem["status"] == 422 and problem["title"] == "Unprocessable Entity"
    pointers = {error["pointer"] for error in problem["errors"]}
    assert {"#/title", "#/topics", "#/industries/0"} <= pointers
    unknown = app.test_client().post("/api/v1/practices", headers=bearer(secret),
                                     json={"title": "T", "summary": "S", "body": "B", "topics": ["no-such-topic"]})
    assert unknown.status_code == 422 and unknown.get_json()["errors"][0]["pointer"] == "#/topics"
    query = app.test_client().get("/api/v1/practices?sort=oldest&limit=0", headers=bearer(secret))
    assert {e["parameter"] for e in query.get_json()["errors"]} == {"sort", "limit"}
    broken = app.test_client().post("/api/v1/threads", headers={**bearer(secret), "Content-Type": "application/json"},
                                    data="{not json")
    assert broken.status_code in (400, 422) and broken.mimetype == "application/problem+json"


def test_unknown_addresses_and_methods_under_the_api_are_problems_not_pages(app, world):
    secret = token_for(app, world.users["member"])
    client = app.test_client()
    missing = client.get("/api/v1/no-such-thing", headers=bearer(secret))
    assert missing.status_code == 404 and missing.mimetype == "application/problem+json"
    wrong = client.delete("/api/v1/practices", headers=bearer(secret))
    assert wrong.status_code == 405 and "GET" in wrong.headers["Allow"]
    assert client.get("/no-such-page").mimetype == "text/html"


def test_lists_walk_on_with_an_opaque_cursor_to_the_end(app, world):
    secret = token_for(app, world.users["member"])
    with app.app_context():
        author = db.session.get(User, world.users["member"].id)
        for n in range(4):
            library.create_practice(author, title=f"Practice {n}", summary="S.", body="B.", publish=True)
        db.session.commit()
    client = app.test_client()
    seen, url = [], "/api/v1/practices?limit=2&sort=newest"
    while url:
        response = client.get(url, headers=bearer(secret))
        assert response.status_code == 200
        body = response.get_json()
        seen += [item["id"] for item in body["items"]]
        if body["next"]:
            assert response.headers["Link"] == f'<{body["next"]}>; rel="next"'
            assert body["next"].startswith("https://cop.example/api/v1/practices?")
        url = body["next"].removeprefix("https://cop.example") if body["next"] else None
    assert len(seen) == len(set(seen)) == 5
    bad = client.get("/api/v1/practices?cursor=not-a-cursor", headers=bearer(secret))
    assert bad.status_code == 422 and bad.get_json()["errors"][0]["parameter"] == "cursor"


def test_reads_answer_if_none_match_with_304_until_something_changes(app, world):
    secret = token_for(app, world.users["member"])
    client = app.test_client()
    url = f"/api/v1/threads/{world.ids['thread']}"
    first = client.get(url, headers=bearer(secret))
    tag = first.headers["ETag"]
    again = client.get(url, headers={**bearer(secret), "If-None-Match": tag})
    assert again.status_code == 304 and again.data == b"" and again.headers["ETag"] == tag
    assert "Authorization" in again.headers["Vary"]
    assert client.post(f"{url}/replies", headers=bearer(secret), json={"body": "More."}).status_code == 201
    changed = client.get(url, headers={**bearer(secret), "If-None-Match": tag})
    assert changed.status_code == 200 and changed.headers["ETag"] != tag


def test_times_are_utc_iso_8601(app, world):
    secret = token_for(app, world.users["member"])
    event = app.test_client().get(f"/api/v1/events/{world.ids['event']}", headers=bearer(secret)).get_json()
    assert event["starts_at"].endswith("Z") and "T" in event["starts_at"]


def test_posting_by_api_shares_the_members_posting_budget(app, world):
    app.config["COP_POST_LIMIT"] = "2 per minute"
    secret = token_for(app, world.users["member"])
    client = app.test_client()
    statuses = [client.post(f"/api/v1/threads/{world.ids['thread']}/replies", headers=bearer(secret),
                            json={"body": f"Reply {n}"}).status_code for n in range(3)]
    assert statuses == [201, 201, 429]


def test_an_integrator_lists_practices_starts_a_thread_and_rsvps(app, world, outbox):
    """The journey from the reference page: a token, the library, a question, an RSVP."""
    secret = token_for(app, world.users["other_member"])
    client = app.test_client()
    assert client.get("/api/").status_code == 200
    practices = client.get("/api/v1/practices?topic=staffing&sort=helpful", headers=bearer(secret)).get_json()
    assert [p["title"] for p in practices["items"]] == ["Two budgets"]
    thread = client.post("/api/v1/threads", headers=bearer(secret), json={
        "title": "Who pays for transport?", "body": "We are new to this.", "category": "staffing",
        "practice": practices["items"][0]["id"]})
    assert thread.status_code == 201 and thread.get_json()["practice"]["title"] == "Two budgets"
    rsvp = client.put(f"/api/v1/events/{world.ids['event']}/rsvp", headers=bearer(secret), json={})
    assert rsvp.status_code == 200 and rsvp.get_json()["status"] == "going"
    assert any("Plant tour" in message["Subject"] for message in outbox("other_member@example.org"))
    mine = client.get("/api/v1/rsvps", headers=bearer(secret)).get_json()["items"]
    assert [r["event_id"] for r in mine] == [world.ids["event"]]
    with app.app_context():
        record = db.session.scalar(sa.select(Rsvp).where(Rsvp.event_id == world.ids["event"]))
        assert record.status is RsvpStatus.going


def test_a_second_rsvp_is_a_409_problem_with_the_sites_reason(app, world):
    secret = token_for(app, world.users["member"])
    client = app.test_client()
    url = f"/api/v1/events/{world.ids['event']}/rsvp"
    assert client.put(url, headers=bearer(secret), json={}).status_code == 200
    again = client.put(url, headers=bearer(secret), json={})
    assert again.status_code == 409 and again.get_json()["detail"] == "You're already going to this event."


def test_the_openapi_description_and_reference_are_open_and_agree(app, client):
    document = client.get("/api/v1/openapi.json").get_json()
    assert document["openapi"].startswith("3.1")
    assert document["components"]["securitySchemes"]["bearerAuth"]["scheme"] == "bearer"
    page = client.get("/api/").get_data(as_text=True)
    for path, operations in document["paths"].items():
        for method in operations:
            if method in ("get", "post", "put", "patch", "delete"):
                assert f"{method.upper()} {path}" in page


def test_notifications_are_the_callers_own_and_are_marked_read(app, world):
    secret = token_for(app, world.users["member"])
    client = app.test_client()
    unread = client.get("/api/v1/notifications?unread=true", headers=bearer(secret)).get_json()["items"]
    assert [n["id"] for n in unread] == [world.ids["notification"]]
    assert unread[0]["url"].startswith("https://cop.example/discussions/")
    assert client.post(f"/api/v1/notifications/{world.ids['notification']}/read",
                       headers=bearer(secret)).get_json()["read_at"] is not None
    assert client.get("/api/v1/notifications?unread=true", headers=bearer(secret)).get_json()["items"] == []
    other = token_for(app, world.users["other_member"])
    assert [n["text"] for n in client.get("/api/v1/notifications", headers=bearer(other)).get_json()["items"]] == []


def test_search_finds_only_what_the_token_may_see_by_kind_within_the_pages_budget(app, world, login):
    app.config["COP_SEARCH_LIMIT"] = "4 per minute"
    secret = token_for(app, world.users["member"])
    client = app.test_client()
    found = client.get("/api/v1/search?q=split", headers=bearer(secret)).get_json()
    assert [(r["kind"], r["title"]) for r in found["items"]] == [("practice", "Two budgets")]
    assert found["items"][0]["url"] == f"https://cop.example/practices/{world.ids['practice']}"
    assert "<mark" in found["items"][0]["snippet_html"] and ">split</mark>" in found["items"][0]["snippet_html"]
    kinds = client.get("/api/v1/search?q=budgets&kinds=program&kinds=event", headers=bearer(secret)).get_json()
    assert [(r["kind"], r["title"]) for r in kinds["items"]] == [("program", "Machinist apprenticeship")]
    assert client.get("/api/v1/search?q=draft+soon", headers=bearer(secret)).get_json()["items"] == []
    assert client.get("/api/v1/search?q=" + "a" * 1001, headers=bearer(secret)).status_code == 422
    assert client.get("/api/v1/search?q=budgets&kinds=secrets", headers=bearer(secret)).status_code == 422
    # The budget is the search page's: three searches here and one there use it up.
    page = app.test_client()
    login(world.users["member"], client=page)
    assert page.get("/search/?q=budgets").status_code == 200
    limited = client.get("/api/v1/search?q=budgets", headers=bearer(secret))
    assert limited.status_code == 429 and limited.mimetype == "application/problem+json"


def test_the_directories_list_organizations_and_active_people_with_the_pages_filters(app, world):
    secret = token_for(app, world.users["other_member"])
    client = app.test_client()
    orgs = client.get("/api/v1/organizations?kind=sponsor", headers=bearer(secret)).get_json()["items"]
    assert [o["name"] for o in orgs] == ["North County Fund"] and orgs[0]["people_count"] == 1
    company = client.get(f"/api/v1/organizations/{world.ids['company']}", headers=bearer(secret)).get_json()
    assert company["name"] == "Halvorsen Machining" and company["people_count"] == 3
    with app.app_context():
        db.session.get(User, world.users["pending"].id).status = MemberStatus.suspended
        db.session.commit()
    company = client.get(f"/api/v1/organizations/{world.ids['company']}", headers=bearer(secret)).get_json()
    assert company["people_count"] == 2
    people = client.get("/api/v1/people?limit=100", headers=bearer(secret)).get_json()["items"]
    assert "Pending Person" not in [p["name"] for p in people] and len(people) == 6
    assert all("email" not in person for person in people)
    managers = client.get("/api/v1/people?role=manager", headers=bearer(secret)).get_json()["items"]
    assert [(p["name"], p["organization"]["slug"]) for p in managers] == [("Manager Person", world.ids["company"])]
    assert client.get(f"/api/v1/people/{world.ids['pending']}", headers=bearer(secret)).status_code == 404
    assert client.get("/api/v1/organizations?size=huge", headers=bearer(secret)).status_code == 422


def test_a_program_shows_each_field_group_only_to_those_the_site_shows_it_to(app, world):
    client = app.test_client()
    url = f"/api/v1/programs/{world.ids['program']}"
    pays = {role: client.get(url, headers=bearer(token_for(app, world.users[role]))).get_json()["pay"]
            for role in ("other_member", "member", "facilitator")}
    assert pays == {"other_member": None, "member": {"is_paid": True, "wage_band": "15-18"},
                    "facilitator": {"is_paid": True, "wage_band": "15-18"}}
    other = bearer(token_for(app, world.users["other_member"]))
    listed = client.get("/api/v1/programs?program_type=apprenticeship", headers=other).get_json()["items"]
    assert [(p["name"], p["pay"], p["staffing"]["staffing_model"]) for p in listed] == [
        ("Machinist apprenticeship", None, "dedicated-coordinator")]
    assert client.get("/api/v1/programs?program_type=internship", headers=other).get_json()["items"] == []
    wrong = client.get("/api/v1/programs?stage=finished", headers=other)
    assert wrong.status_code == 422 and wrong.get_json()["errors"][0]["parameter"] == "stage"


def test_peer_aggregates_are_withheld_until_three_organizations_answer(app, world):
    client = app.test_client()
    member, facilitator = (bearer(token_for(app, world.users[role])) for role in ("member", "facilitator"))

    def aggregates(headers):
        body = client.get("/api/v1/programs/aggregates?program_type=apprenticeship", headers=headers).get_json()
        return {a["key"]: a for a in body["aggregates"]}

    assert all(a["withheld"] and a["bars"] == [] for a in aggregates(member).values())
    with app.app_context():
        by = db.session.get(User, world.users["facilitator"].id)
        for role in ("other_member", "provider"):
            org = db.session.get(User, world.users[role].id).organization
            make_program(org, by, f"{org.name} apprenticeship")
        db.session.commit()
    seen = aggregates(member)
    assert not seen["staffing_model"]["withheld"] and seen["staffing_model"]["organizations"] == 3
    bars = {bar["label"]: bar["count"] for bar in seen["staffing_model"]["bars"]}
    assert bars["A dedicated program coordinator"] == 3
    # The company keeps its pay to facilitators: members' figures come from two organizations, so none.
    assert seen["pay"]["withheld"] and seen["pay"]["bars"] == []
    assert not aggregates(facilitator)["pay"]["withheld"]
