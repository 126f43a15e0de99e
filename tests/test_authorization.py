"""Who reaches what: every route of `app.url_map`, for every kind of visitor, against tests/authorization.csv.

One small community is built once for the module (on SQLite): a member company with a manager and a
member who wrote everything, another company, a training provider, a sponsor and the facilitators, and a
published practice with an attachment, a thread with a reply, an event with an RSVP, a program, a
notification and an invitation. Each visitor's request runs on a fresh client carrying only that visitor's
session cookie. GET routes are requested with GET; POST-only routes are posted with a valid CSRF token and
an empty form. A POST that got through may have changed the community (signing out ends every session), so the
database and the uploads are put back as they were after it.

Outcomes: `ok` (2xx, a redirect that is not to sign-in, or a form re-rendered with its errors as 400 or 422),
`signin` (a redirect to sign-in), `token` (401: the JSON API, which takes a personal API token and never the
session cookie; tests/test_api.py has its own matrix by token), `forbidden` (403), `missing` (404). Pending and suspended accounts cannot
hold a session (sign-in refuses them; a session opened before a suspension stops loading), so they see what
an anonymous visitor sees. A route missing from the table fails the test, and so does a table row for a
route that no longer exists. `COP_AUTHZ_RECORD=path.csv` writes what the app does now, to review.

Reading the table: `manager` manages the company that owns the content; the feedback routes use a feedback
session on the training provider, which the member attended. A page that explains a refusal (the feedback
form for someone who did not attend) answers 200 and reads `ok`; sign-out answers everyone with a redirect
to sign-in, so its row reads `signin`.
"""

import csv
import io
import os
import shutil
import sqlite3
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

import flask
import pytest
import sqlalchemy as sa
from werkzeug.routing import Rule

from config import TestConfig
from cop import create_app
from cop.api import services as api_tokens
from cop.api.models import TokenScope
from cop.auth import services as accounts
from cop.auth.models import MemberStatus, Role, User
from cop.discussions import services as talk
from cop.discussions.models import ThreadKind
from cop.events import services as events
from cop.events.models import EventKind
from cop.events.recurrence import Repeat
from cop.messages import services as messaging
from cop.extensions import db, limiter, utcnow
from cop.notifications import services as notices
from cop.orgs.models import OrgKind
from cop.orgs.services import create_organization
from cop.practices import services as library
from cop.competencies.models import Competency
from cop.practices.models import Topic
from cop.practices.taxonomy import ensure_taxonomy
from cop.programs import services as programs
from cop.programs.models import ProgramStage
from cop.webhooks import services as hooks
from cop.webhooks.models import WebhookDelivery
from tests.conftest import CSRF_INPUT, PASSWORD, FormClient

TABLE = Path(__file__).with_name("authorization.csv")
ROLES = ["anonymous", "pending", "suspended", "member", "other_member", "manager", "provider", "sponsor",
         "facilitator"]
SIGNED_IN = ROLES[3:]
OUTCOMES = {"ok", "signin", "token", "forbidden", "missing"}
SESSION_COOKIE = "session"


class World:
    """The ids, slugs and tokens the URLs need, and each visitor's session cookie."""

    def __init__(self, app, folder: Path):
        self.app = app
        self.folder = folder
        self.ids: dict[str, object] = {}
        self.cookies: dict[str, str] = {}
        self.csrf_tokens: dict[str, str] = {}

    def __getitem__(self, name):
        return self.ids[name]


def build_world(app, folder: Path) -> World:
    world = World(app, folder)
    with app.app_context():
        ensure_taxonomy()
        company = create_organization(name="Halvorsen Machining", kind=OrgKind.member_company,
                                      industry="Advanced Manufacturing")
        other = create_organization(name="Harborview Credit Union", kind=OrgKind.member_company,
                                    industry="Financial Services")
        provider_org = create_organization(name="Beacon College", kind=OrgKind.training_provider,
                                           industry="Education")
        sponsor_org = create_organization(name="North County Fund", kind=OrgKind.sponsor, industry="Philanthropy")
        facilitators = create_organization(name="Northbridge Facilitators", kind=OrgKind.facilitator,
                                           industry="Workforce Development")
        db.session.flush()

        def person(key, org, role=Role.member):
            user = accounts.create_member(name=f"{key.replace('_', ' ').title()} Person",
                                          email=f"{key}@example.org", organization=org, role=role,
                                          password=PASSWORD)
            db.session.flush()
            return user

        member = person("member", company)
        manager = person("manager", company, Role.manager)
        other_member = person("other_member", other)
        provider = person("provider", provider_org)
        sponsor = person("sponsor", sponsor_org)
        facilitator = person("facilitator", facilitators, Role.facilitator)
        pending = person("pending", company)
        suspended = person("suspended", company)

        topic = db.session.scalars(sa.select(Topic).order_by(Topic.id)).first()
        competency = db.session.scalars(sa.select(Competency).order_by(Competency.id)).first()
        practice = library.create_practice(member, title="Two budgets for one apprenticeship",
                                           summary="How we split it.", body="## Why\n\nBecause.", publish=True,
                                           classification=library.Classification(topics=[topic]))
        db.session.flush()
        library.update_practice(practice, member, title=practice.title, summary="How we split it, now.",
                                body="## Why\n\nBecause it works.")
        attachment = library.add_attachment(practice, io.BytesIO(b"%PDF-1.4\n%%EOF\n"), "budget.pdf", member)
        category = talk.category_for("staffing")
        thread = talk.create_thread(member, title="How do you staff your internship?", body="One coordinator.",
                                    kind=ThreadKind.question, category=category)
        reply = talk.add_reply(thread, other_member, "We use a half-time coordinator.")
        starts = utcnow().replace(second=0, microsecond=0) + timedelta(days=7)
        event = events.create_event(facilitator, kind=EventKind.site_visit, title="Plant tour at Halvorsen",
                                    starts_at=starts, ends_at=starts + timedelta(hours=2),
                                    timezone="America/Chicago", capacity=10, host_org=company,
                                    address="4100 Industrial Parkway")
        rsvp = events.rsvp(event, member)
        # Feedback routes answer only for a feedback session: one on a training provider, which the
        # member signed up for and which took place yesterday.
        session = events.create_event(facilitator, kind=EventKind.feedback_session, title="Beacon feedback",
                                      starts_at=starts, ends_at=starts + timedelta(hours=2),
                                      timezone="America/Chicago", capacity=10, host_org=provider_org,
                                      address="12 College Way")
        events.rsvp(session, member)
        series = events.create_series(facilitator, Repeat("weekly", (starts + timedelta(days=21)).date()),
                                      kind=EventKind.roundtable, title="Monthly roundtable", starts_at=starts,
                                      ends_at=starts + timedelta(hours=1), timezone="America/Chicago", capacity=20)
        session.starts_at = utcnow().replace(second=0, microsecond=0) - timedelta(days=1)
        session.ends_at = session.starts_at + timedelta(hours=2)
        program = programs.create_program(company, manager, programs.ProgramData(
            name="Youth apprenticeship", private_fields=set(), program_type="apprenticeship",
            student_level="high-school", stage=ProgramStage.running, participants_per_year=8,
            staffing_model="dedicated-coordinator", coordinator_fte=0.5, students_per_supervisor=2,
            mentor_source="skilled-staff", budget_owner="business-unit", funding_sources=["operating-budget"],
            occupations=["51-9161"], supports=["transportation"], is_paid=True, wage_band="15-18"))
        notification = notices.notify(member, "mention", "Someone mentioned you.", "/discussions/")
        # A private conversation between the member and a member of another company, one message reported.
        conversation = messaging.start_conversation(member, [other_member], "Your budget", "May I see it?")
        answer = messaging.add_message(conversation, other_member, "Here it is.",
                                       [(io.BytesIO(b"%PDF-1.4\n%%EOF\n"), "budget.pdf")])
        message_report = messaging.report(answer, member, "Testing")
        api_token, _ = api_tokens.issue_token(member, name="HR sync", scope=TokenScope.write, days=30)
        _, invitation_token = accounts.create_invitation(email="newcomer@example.org", organization=company,
                                                         role=Role.member, by=manager)
        invitation = accounts.find_invitation(invitation_token)
        # The manager's webhook endpoint, made last so the content above queues nothing for it.
        endpoint, _ = hooks.register_endpoint(manager, url="http://127.0.0.1:9/hooks", event_types=["thread.created"])
        delivery = WebhookDelivery(endpoint=endpoint, message_id="msg_world", event_type="thread.created",
                                   subject_kind="thread", subject_id=thread.id, body="{}", attempts=1)
        db.session.add(delivery)
        db.session.flush()
        world.ids.update(
            company_slug=company.slug, topic_slug=topic.slug, competency_slug=competency.slug,
            category_slug=category.slug, practice_id=practice.id, attachment_id=attachment.id,
            thread_id=thread.id, reply_id=reply.id, event_id=event.id, feedback_event_id=session.id,
            series_id=series.id, series_event_id=series.events[0].id,
            rsvp_id=rsvp.id, program_id=program.id, token_id=api_token.id, conversation_id=conversation.id,
            message_id=answer.id, file_id=answer.attachments[0].id,
            report_id=message_report.id, table="activity",
            notification_id=notification.id, endpoint_id=endpoint.id, delivery_id=delivery.id, invitation_id=invitation.id, invitation_token=invitation_token,
            member_id=member.id, reply_author_id=other_member.id, pending_id=pending.id,
            suspended_id=suspended.id, feed_token=accounts.new_feed_token(member),
            reset_token=accounts.password_reset_token(member),
            unsubscribe_token=notices.unsubscribe_token(member))
        db.session.commit()
    return world


def _sign_in(app, email: str) -> tuple[str, str]:
    """The session cookie of whoever signs in as `email` (refused or not), and a CSRF token for it."""
    client = app.test_client()
    client.post_form("/auth/signin", {"email": email, "password": PASSWORD})
    # A page with a form puts the CSRF secret in the session: settings when signed in, sign-in otherwise.
    page = client.get("/auth/settings")
    if page.status_code != 200:
        page = client.get("/auth/signin")
    found = CSRF_INPUT.search(page.get_data(as_text=True))
    assert found, f"no CSRF token for {email}"
    return client.get_cookie(SESSION_COOKIE).value, found.group(1)


@pytest.fixture(scope="module")
def world(sqlite_template, tmp_path_factory):
    folder = tmp_path_factory.mktemp("authorization")
    database = folder / "cop.sqlite"
    shutil.copyfile(sqlite_template, database)
    app = create_app(TestConfig, SQLALCHEMY_DATABASE_URI=f"sqlite:///{database}", MAIL_DIR=str(folder / "mail"),
                     COP_UPLOAD_DIR=str(folder / "uploads"), COP_INDEX_DIR=str(folder / "index"))
    app.test_client_class = FormClient
    world = build_world(app, folder)
    world.cookies["anonymous"], world.csrf_tokens["anonymous"] = _sign_in(app, "nobody@example.org")
    for role in ["member", "other_member", "manager", "provider", "sponsor", "facilitator", "suspended"]:
        world.cookies[role], world.csrf_tokens[role] = _sign_in(app, f"{role}@example.org")
    with app.app_context():
        # Suspended after signing in (the session must stop working); pending before (sign-in refuses it).
        db.session.get(User, world["suspended_id"]).status = MemberStatus.suspended
        db.session.get(User, world["pending_id"]).status = MemberStatus.pending
        db.session.commit()
        db.engine.dispose()
    world.cookies["pending"], world.csrf_tokens["pending"] = _sign_in(app, "pending@example.org")
    _snapshot(world)
    yield world
    with app.app_context():
        db.engine.dispose()


def _snapshot(world: World) -> None:
    with world.app.app_context():
        db.engine.dispose()
    _copy_database(world.folder / "cop.sqlite", world.folder / "snapshot.sqlite")
    shutil.copytree(world.folder / "uploads", world.folder / "snapshot-uploads", dirs_exist_ok=True)


def restore(world: World) -> None:
    """The community as it was built: database, uploads, and a rate limiter with nothing counted."""
    with world.app.app_context():
        db.session.remove()
        db.engine.dispose()
        limiter.reset()
    _copy_database(world.folder / "snapshot.sqlite", world.folder / "cop.sqlite")
    shutil.rmtree(world.folder / "uploads")
    shutil.copytree(world.folder / "snapshot-uploads", world.folder / "uploads")


def _copy_database(source: Path, target: Path) -> None:
    origin, copy = sqlite3.connect(source), sqlite3.connect(target)
    try:
        copy.execute("PRAGMA synchronous = OFF")  # a test's throwaway file: no need to wait for the disk
        origin.backup(copy)
    finally:
        origin.close()
        copy.close()


# Which value each URL parameter takes, by endpoint where one name means different things.
SLUGS = {"api_v1": "company_slug", "competencies": "competency_slug", "discussions": "category_slug",
         "orgs": "company_slug", "practices": "topic_slug", "privacy": "company_slug", "sso": "company_slug"}
USER_IDS = {"members.approve": "pending_id", "members.decline": "pending_id", "members.reinstate": "suspended_id",
            "discussions.suspend_author": "reply_author_id"}
EVENT_IDS = {name: "feedback_event_id" for name in ["events.feedback", "events.questions", "events.response",
                                                     "events.scorecard", "events.scorecard_export",
                                                     "events.remind_feedback"]}
EVENT_IDS["events.rsvp_series"] = "series_event_id"
TOKENS = {"auth.accept_invitation": "invitation_token", "auth.reset_password": "reset_token",
          "notifications.unsubscribe": "unsubscribe_token"}


def url_for_rule(rule: Rule, world: World) -> str:
    values = {}
    for name in rule.arguments:
        if name == "slug":
            values[name] = world[SLUGS[rule.endpoint.split(".")[0]]]
        elif name == "user_id":
            values[name] = world[USER_IDS.get(rule.endpoint, "member_id")]
        elif name == "token":
            values[name] = world[TOKENS.get(rule.endpoint, "feed_token")]
        elif name == "event_id":
            values[name] = world[EVENT_IDS.get(rule.endpoint, "event_id")]
        elif name == "number":
            values[name] = 1
        elif name == "filename":
            values[name] = "css/app.css"
        else:
            values[name] = world[name]
    with world.app.test_request_context():
        return flask.url_for(rule.endpoint, **values)


def routes(app) -> list[tuple[Rule, str]]:
    """(rule, method) for every route: GET where it answers GET, otherwise POST, otherwise its first method."""
    found = []
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: (r.endpoint, r.rule)):
        methods = rule.methods - {"HEAD", "OPTIONS"}
        found.append((rule, "GET" if "GET" in methods else "POST" if "POST" in methods else sorted(methods)[0]))
    return found


def outcome(response) -> str:
    status = response.status_code
    if 300 <= status < 400:
        return "signin" if urlsplit(response.headers["Location"]).path == "/auth/signin" else "ok"
    if 200 <= status < 300 or status in (400, 422):
        return "ok"
    return {401: "token", 403: "forbidden", 404: "missing"}.get(status, f"status {status}")


def visit(world: World, role: str, method: str, url: str):
    client = world.app.test_client()
    client.set_cookie(SESSION_COOKIE, world.cookies[role])
    if method == "GET":
        return client.get(url)
    return client.open(url, method=method, data={"csrf_token": world.csrf_tokens[role]})


def read_table() -> dict[tuple[str, str], dict[str, str]]:
    with TABLE.open(newline="") as handle:
        return {(row["endpoint"], row["method"]): {role: row[role] for role in ROLES}
                for row in csv.DictReader(handle)}


def record(world: World) -> tuple[dict, dict]:
    """What every visitor gets from every route now ({(endpoint, method): {role: outcome}}), and the URLs."""
    outcomes, urls = {}, {}
    for rule, method in routes(world.app):
        key = (rule.endpoint, method)
        urls[key] = url_for_rule(rule, world)
        outcomes[key] = {}
        for role in ROLES:
            outcomes[key][role] = outcome(visit(world, role, method, urls[key]))
            if method == "POST" and role in SIGNED_IN and outcomes[key][role] in ("ok", "signin"):
                restore(world)  # it may have changed something (signing out, say): put the community back
    return outcomes, urls


def write_table(path: str, outcomes: dict) -> None:
    with open(path, "w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["endpoint", "method", *ROLES])
        for (endpoint, method), row in outcomes.items():
            writer.writerow([endpoint, method, *(row[role] for role in ROLES)])


def test_every_route_answers_every_visitor_as_the_table_says(world):
    outcomes, urls = record(world)
    if os.environ.get("COP_AUTHZ_RECORD"):
        write_table(os.environ["COP_AUTHZ_RECORD"], outcomes)
        pytest.skip(f"recorded in {os.environ['COP_AUTHZ_RECORD']}")
    expected = read_table()
    problems = [f"no row in {TABLE.name} for {endpoint} {method}"
                for endpoint, method in sorted(set(outcomes) - set(expected))]
    problems += [f"a row in {TABLE.name} for {endpoint} {method}, which is no route"
                 for endpoint, method in sorted(set(expected) - set(outcomes))]
    for key in sorted(set(outcomes) & set(expected)):
        problems += [f"{key[0]} {key[1]} {urls[key]} as {role}: expected {expected[key][role]}, got {got}"
                     for role, got in outcomes[key].items() if got != expected[key][role]]
    assert not problems, "\n".join(problems)


def test_the_table_names_only_known_visitors_and_outcomes():
    with TABLE.open(newline="") as handle:
        reader = csv.DictReader(handle)
        assert reader.fieldnames == ["endpoint", "method", *ROLES]
        for row in reader:
            assert {row[role] for role in ROLES} <= OUTCOMES, row
