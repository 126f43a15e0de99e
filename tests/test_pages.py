"""The main pages of the demo community, as a member and as a facilitator: no CSRF token ever lands in a URL,
restoring a revision is a POST of its own, and the Nu HTML Checker finds no errors in the markup."""

import json
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import pytest
import sqlalchemy as sa

from config import TestConfig
from cop import create_app
from cop.demo.logins import DEMO_PASSWORD, demo_email
from cop.extensions import db
from tests.conftest import FormClient

ROOT = Path(__file__).resolve().parent.parent
VNU_JAR = ROOT / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"

DEMO_FACILITATOR, DEMO_MEMBER = demo_email("facilitator"), demo_email("member")


def _main_paths() -> list[str]:
    """Home, library, a practice with its history and a comparison, discussions and a thread, events, an
    event and the calendar, programs and their comparison, search, members, organizations, notifications
    and settings, with ids taken from the demo data."""
    from cop.auth.models import User
    from cop.discussions.models import Thread
    from cop.events.models import Event
    from cop.orgs.models import Organization
    from cop.practices.models import Practice, PracticeRevision, PracticeStatus
    from cop.programs.models import Program

    practice_id = db.session.scalar(
        sa.select(PracticeRevision.practice_id).join(Practice, Practice.id == PracticeRevision.practice_id)
        .where(Practice.status == PracticeStatus.published, Practice.deleted_at.is_(None))
        .group_by(PracticeRevision.practice_id).having(sa.func.count() > 1).order_by(PracticeRevision.practice_id))
    thread_id = db.session.scalar(sa.select(Thread.id).where(Thread.hidden_at.is_(None), Thread.merged_into_id.is_(None))
                                  .order_by(Thread.reply_count.desc(), Thread.id))
    event_id = db.session.scalar(sa.select(Event.id).where(Event.series_id.is_(None)).order_by(Event.starts_at.desc()))
    series_event_id = db.session.scalar(sa.select(Event.id).where(Event.series_id.is_not(None))
                                        .order_by(Event.starts_at))
    program_ids = db.session.scalars(sa.select(Program.id).order_by(Program.id).limit(2)).all()
    org_slug = db.session.scalar(sa.select(Organization.slug).order_by(Organization.id))
    member_id = db.session.scalar(sa.select(User.id).where(User.email == DEMO_MEMBER))
    assert practice_id and thread_id and event_id and series_event_id and len(program_ids) == 2 and org_slug
    return ["/", "/practices/", f"/practices/{practice_id}", f"/practices/{practice_id}/history",
            f"/practices/{practice_id}/history/compare?from=1&to=2", "/discussions/", f"/discussions/{thread_id}",
            "/events/", f"/events/{event_id}", f"/events/{series_event_id}", "/events/calendar", "/programs/",
            "/programs/compare?" + "&".join(f"ids={i}" for i in program_ids), f"/programs/{program_ids[0]}",
            "/search/?q=internship", "/members/", "/orgs/", f"/orgs/{org_slug}", "/notifications/",
            "/notifications/settings", "/auth/settings",
            # and more of what a member opens from those
            "/events/past", "/events/mine", "/practices/topics/", "/practices/topics/staffing", "/practices/mine",
            "/practices/saved", "/competencies/", f"/members/{member_id}", f"/discussions/{thread_id}/reply",
            "/discussions/new", "/practices/new", "/messages/", f"/messages/new?to={member_id}",
            f"/messages/new?to={member_id}&about=practice-{practice_id}",
            "/programs/ask?" + "&".join(f"ids={i}" for i in program_ids), "/privacy/export",
            "/privacy/delete", "/api/tokens", "/api/"]


FACILITATOR_PAGES = ["/discussions/moderation", "/discussions/moderation/log", "/members/requests",
                     "/messages/reports", "/sso/orgs/harborview-credit-union", "/privacy/orgs/harborview-credit-union/delete",
                     "/privacy/people/MEMBER/delete", "/dashboard/", "/dashboard/?period=365", "/api/tokens/all",
                     "/webhooks/", "/webhooks/ENDPOINT"]


@pytest.fixture(scope="module")
def pages(sqlite_template, tmp_path_factory) -> dict[tuple[str, str], str]:
    """Every main page as the demo member and the demo facilitator see it: {(who, path): html}."""
    tmp = tmp_path_factory.mktemp("pages")
    shutil.copyfile(sqlite_template, tmp / "cop.sqlite")
    app = create_app(TestConfig, SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp / 'cop.sqlite'}",
                     MAIL_DIR=str(tmp / "mail"), COP_UPLOAD_DIR=str(tmp / "uploads"), COP_INDEX_DIR=str(tmp / "index"))
    app.test_client_class = FormClient
    result = app.test_cli_runner().invoke(args=["seed-demo"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        paths = _main_paths()
        endpoint_id = _webhook_endpoint()
    found = {}
    for who in (DEMO_MEMBER, DEMO_FACILITATOR):
        client = app.test_client()
        signed_in = client.post_form("/auth/signin", {"email": who, "password": DEMO_PASSWORD})
        assert signed_in.status_code == 302
        member_id = next(p for p in paths if p.startswith("/members/") and p[9:].isdigit())[9:]
        for path in paths + ([p.replace("MEMBER", member_id).replace("ENDPOINT", endpoint_id) for p in FACILITATOR_PAGES]
                             if who == DEMO_FACILITATOR else _member_pages(app)):
            response = client.get(path)
            assert response.status_code == 200, (who, path, response.status_code)
            found[(who, path)] = response.get_data(as_text=True)
    yield found
    with app.app_context():
        db.engine.dispose()


def _webhook_endpoint() -> str:
    """The demo facilitator's webhook endpoint, with a delivery that went and one that keeps failing."""
    from cop.auth.models import User
    from cop.webhooks import services as hooks
    from cop.webhooks.models import DeliveryStatus, WebhookDelivery

    facilitator = db.session.scalar(sa.select(User).where(User.email == DEMO_FACILITATOR))
    endpoint, _ = hooks.register_endpoint(facilitator, url="http://127.0.0.1:9/hooks", description="LMS sync",
                                          event_types=["thread.created", "rsvp.changed"])
    for n, (status, code) in enumerate([(DeliveryStatus.delivered, 204), (DeliveryStatus.pending, 500)]):
        db.session.add(WebhookDelivery(endpoint=endpoint, message_id=f"msg_page{n}", event_type="thread.created",
                                       subject_kind="thread", subject_id=1, body="{}", status=status, attempts=n + 1,
                                       response_code=code, response_excerpt="Internal Server Error" if n else ""))
    db.session.commit()
    return str(endpoint.id)


def _member_pages(app) -> list[str]:
    """The demo member's own conversation (nobody else may open it)."""
    from cop.messages.models import Conversation

    with app.app_context():
        return [f"/messages/{db.session.scalar(sa.select(Conversation.id).order_by(Conversation.id))}"]


class _FormsAndLinks(HTMLParser):
    """Collects, the way a browser builds forms (a <form> inside another is ignored, and its end tag ends
    the outer one), each hidden CSRF input's form method, every link and form action, and the ids used."""

    def __init__(self):
        super().__init__()
        self.method = None
        self.csrf_in = []
        self.urls = []
        self.ids = []
        self.headings = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if attrs.get("id"):
            self.ids.append(attrs["id"])
        if len(tag) == 2 and tag[0] == "h" and tag[1] in "123456":
            self.headings.append(int(tag[1]))
        if tag == "form":
            self.urls.append(attrs.get("action") or "")
            if self.method is None:
                self.method = (attrs.get("method") or "get").lower()
        elif tag == "input" and attrs.get("name") == "csrf_token":
            self.csrf_in.append(self.method)
        for name in ("href", "src", "formaction"):
            if attrs.get(name):
                self.urls.append(attrs[name])

    def handle_endtag(self, tag):
        if tag == "form":
            self.method = None


def _parsed(html: str) -> _FormsAndLinks:
    parser = _FormsAndLinks()
    parser.feed(html)
    return parser


def test_no_page_puts_a_csrf_token_into_a_url(pages):
    leaks = []
    for (who, path), html in pages.items():
        parsed = _parsed(html)
        leaks += [(who, path, "GET form") for method in parsed.csrf_in if method != "post"]
        leaks += [(who, path, url) for url in parsed.urls if "csrf_token=" in url]
    assert leaks == []


def test_no_page_repeats_an_id(pages):
    repeated = {(who, path): sorted({i for i in parsed.ids if parsed.ids.count(i) > 1})
                for (who, path), html in pages.items() for parsed in [_parsed(html)]}
    assert {key: ids for key, ids in repeated.items() if ids} == {}


def test_headings_go_down_one_level_at_a_time(pages):
    jumps = {}
    for key, html in pages.items():
        levels = _parsed(html).headings
        found = [f"h{a} to h{b}" for a, b in zip(levels, levels[1:]) if b > a + 1]
        if found:
            jumps[key] = found
    assert jumps == {}


def test_restore_on_the_history_page_is_a_post_form_of_its_own(pages):
    (who, path), html = next(((key, html) for key, html in pages.items()
                              if key[0] == DEMO_FACILITATOR and key[1].endswith("/history")))
    assert "Restore revision 1" in html
    parsed = _parsed(html)
    assert parsed.csrf_in and set(parsed.csrf_in) == {"post"}


def test_restoring_a_revision_posts_and_restores(app, client, make_user, login):
    from cop.auth.models import Role
    from cop.practices import services
    from cop.practices.models import Practice

    author = make_user(role=Role.facilitator)
    with app.app_context():
        practice = services.create_practice(db.session.merge(author), title="First title", summary="S", body="One")
        services.publish_practice(practice)
        db.session.flush()
        services.update_practice(practice, db.session.merge(author), title="Second title", summary="S", body="Two")
        db.session.commit()
        practice_id = practice.id
    login(author)
    page = client.get(f"/practices/{practice_id}/history").get_data(as_text=True)
    restore_url = f"/practices/{practice_id}/revisions/1/restore"
    assert f'action="{restore_url}" method="post"' in page
    response = client.post_form(restore_url, page=f"/practices/{practice_id}/history")
    assert response.status_code == 302
    with app.app_context():
        assert db.session.get(Practice, practice_id).title == "First title"


def test_the_nu_html_checker_finds_no_errors(pages, tmp_path):
    if shutil.which("java") is None:
        pytest.skip("the Nu HTML Checker needs Java (apt-get install default-jre-headless)")
    if not VNU_JAR.exists():
        pytest.skip("the Nu HTML Checker is not installed: run `npm ci` at the repository root")
    names = {}
    for n, ((who, path), html) in enumerate(sorted(pages.items())):
        file = tmp_path / f"page-{n:02d}.html"
        file.write_text(html, encoding="utf-8")
        names[file.name] = f"{'facilitator' if who == DEMO_FACILITATOR else 'member'} {path}"
    run = subprocess.run(["java", "-jar", str(VNU_JAR), "--format", "json", "--errors-only",
                          *sorted(str(file) for file in tmp_path.glob("page-*.html"))],
                         capture_output=True, text=True, timeout=300)
    messages = json.loads(run.stderr)["messages"]  # vnu reports on stderr, and exits 1 when it found errors
    errors = [f"{names.get(m.get('url', '').rpartition('/')[2], m.get('url'))}: line {m.get('lastLine')}: {m.get('message')}"
              for m in messages]
    assert errors == [], "\n".join(errors)


@pytest.mark.parametrize("source, expected", [
    ('<img src="https://pics.example/a.png">', '<img src="https://pics.example/a.png" alt="">'),
    ("![](https://pics.example/a.png)", '<img alt="" src="https://pics.example/a.png">'),
    ('<img alt="A chart" src="https://pics.example/a.png">', '<img alt="A chart" src="https://pics.example/a.png">'),
    ('<img alt="no address">', ""),
    ('<img src="javascript:alert(1)" alt="x">', ""),
    ('<img title="a > b" src="/a.png">', '<img title="a &gt; b" src="/a.png" alt="">'),
])
def test_markdown_images_always_have_an_address_and_a_text_alternative(source, expected):
    from cop.text import render_markdown

    assert render_markdown(source) == f"<p>{expected}</p>"
