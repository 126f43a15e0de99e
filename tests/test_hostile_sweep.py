"""A hostile-input sweep over every page, form and query parameter of the app, as a facilitator and as a
member, on the demo community: NUL and control characters, line breaks in one-line fields, huge numbers,
text over and at each field's limit, pathological Markdown, invisible-only text, bidi overrides, invalid
UTF-8 and choices that are not on offer. Never a 500, never a traceback, never a slow answer.

The pages come from a crawl that starts at every argument-free route and follows links until every route
of `app.url_map` it can reach has one real URL; routes the crawl meets no link to (an author's own edit
pages, a past feedback session's pages, an attachment) get URLs built from the demo's rows. The forms are the
ones those pages render; the attachment upload is sent as multipart with a real file under hostile names
and content types. Each field meets
every kind of hostile value at least once (values rotate over the fields, one submission per kind), and
each field once more on its own in an otherwise valid submission, so the services run too."""

import io
import re
import time
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlencode, urljoin, urlsplit

import pytest
import sqlalchemy as sa

from cop.auth.models import User
from cop.demo.logins import DEMO_PASSWORD
from cop.discussions.models import Reply, Thread
from cop.events.models import Event, EventKind
from cop.extensions import db
from cop.forms import FilterForm
from cop.practices.models import Attachment, PracticeRevision
from cop.search import sync_now

ROOT = Path(__file__).resolve().parent.parent
SLOW_SECONDS = 3.0
FACILITATOR = "dana.whitfield@northbridge.example"
MEMBER = "marcus.bell@harborview.example"

HOSTILE = {
    "nul": "a\x00b",
    "control": "\x01\x07\x1b\x7f\x85tail",
    "crlf": "line\r\nInjected: header",
    "huge_number": "9" * 30,
    "int64": str(2**63),
    "minus_one": "-1",
    "odd_number": "+-5",
    "odd_digits": "\u00b2\u00b3",  # digits to str.isdigit, not to int()
    "over_limit": None,  # each field's maxlength + 1 (100,001 where it has none)
    "at_limit": None,  # each field's maxlength (20,000 where it has none)
    "md_brackets": "[" * 19999,
    "md_emphasis": "*a" * 10000,
    "md_quotes": "> " * 2000 + "deep",
    "zero_width": "\u200b\u200c\ufeff\u2060",
    "whitespace": " \t \u00a0 ",
    "bidi": "\u202eevil\u202c \u2067name\u2069",
    "bad_utf8": b"\xff\xfe\xc3(\xed\xa0\x80",
    "not_an_option": "not-an-option-\u2603",
}
KINDS = list(HOSTILE)

# Routes the crawl cannot reach by a link from a page: secret links sent by mail or shown once, and
# static files. Their tokens are random; a hostile token is tried on each of them instead.
TOKEN_ROUTES = {"auth.accept_invitation", "auth.reset_password", "notifications.unsubscribe",
                "discussions.feed", "events.feed", "practices.feed", "practices.topic_feed", "privacy.download_export"}
NOT_CRAWLED = TOKEN_ROUTES | {"static"}
# The JSON API answers to API tokens only, never to the sweep's session (401); tests/test_api_schema.py
# sends generated values (schemathesis) to each of its operations with a read and a write token instead.
TOKEN_ONLY = "api_v1."


def swept(endpoint: str | None) -> bool:
    return endpoint is not None and endpoint not in NOT_CRAWLED and not endpoint.startswith(TOKEN_ONLY)
# GET routes the demo facilitator finds no link to, each with why; every other route is swept.
UNLINKED: dict[str, str] = {
    "sso.start": "the demo has no company sign-in; the page that links to it needs a provider (tests/test_sso.py)",
    "messages.attachment": "only a conversation's members reach its files, and the demo facilitator is in none "
                           "with a file; the member's sweep reaches it",
    "webhooks.detail": "the demo registers no webhook endpoint (its deliveries would leave for a real address); "
                       "tests/test_webhooks.py covers the page",
}
# Forms the sweep does not submit: signing out ends the sweep's own session.
NOT_SUBMITTED = {"auth.signout"}
# Actions that take something away (a thread, a member, a practice) go last, so the rest still finds it.
TAKES_AWAY = re.compile(r"delete|cancel|hide|merge|suspend|decline|revoke|release|move|unpublish|role")


def hostile_value(kind: str, maxlength: int | None):
    if kind == "over_limit":
        return "x" * ((maxlength or 100_000) + 1)
    if kind == "at_limit":
        return "y" * (maxlength or 20_000)
    return HOSTILE[kind]


# Query parameters: what the views read, found in the source so that a new one is swept without a list.

_ARG_NAME = re.compile(r"""request\.args(?:\.get|\.getlist|\[)\(?\s*["']([^"']+)["']"""
                       r"""|["']([^"']+)["']\s+in\s+request\.args""")
_ARG_WHOLE = re.compile(r"request\.args(?:\)|\.items\(multi=True\))")


def query_parameters_by_blueprint() -> dict[str, set[str]]:
    """Names each feature's code reads from the query string: literal `request.args` reads, fields of
    filter forms bound to the query string, and the peer filter's fields."""
    from cop.programs.services import FILTER_FIELDS

    names: dict[str, set[str]] = {}
    for path in (ROOT / "cop").glob("*/*.py"):
        found = names.setdefault(path.parent.name, set())
        for a, b in _ARG_NAME.findall(path.read_text()):
            found.add(a or b)
    for form in _subclasses(FilterForm):
        blueprint = form.__module__.split(".")[1]
        names.setdefault(blueprint, set()).update(
            name for name, value in vars(form).items() if hasattr(value, "field_class"))
    names["programs"].update(FILTER_FIELDS)
    names.setdefault("home", set())
    return names


def _subclasses(cls):
    for sub in cls.__subclasses__():
        yield sub
        yield from _subclasses(sub)


def unread_query_reads() -> list[str]:
    """`request.args` reads whose name the sweep cannot know: a name held in a variable."""
    unknown = []
    for path in (ROOT / "cop").rglob("*.py"):
        for number, line in enumerate(path.read_text().splitlines(), 1):
            if "request.args" not in line:
                continue
            rest = _ARG_WHOLE.sub("", _ARG_NAME.sub("", line))
            rest = re.sub(r"request\.args\[\s*[\"'][^\"']+[\"']\s*\]", "", rest)
            if "request.args" in rest:
                unknown.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()}")
    return unknown


def test_every_query_parameter_read_is_known_to_the_sweep():
    assert unread_query_reads() == []
    names = query_parameters_by_blueprint()
    # Spot checks that the scan reads all three sources.
    assert {"to", "quote", "reply", "practice", "show", "back"} <= names["discussions"]
    assert {"month", "status", "kind"} <= names["events"] and "q" in names["search"]
    assert {"industry", "ids", "about", "org"} <= names["programs"]


# Pages no link leads the crawl to: the crawl keeps one URL per route, the first it meets, so a route
# shown only on some rows (an author's own post, the past feedback session, a practice with attachments
# and revisions) is reached through URLs built from the demo's rows instead.

def hand_built_urls(app, email: str) -> list[str]:
    """One URL for each route the crawl finds no link to, seen by the person signed in as `email`."""
    from flask import url_for

    with app.test_request_context():
        user_id = db.session.scalar(sa.select(User.id).where(User.email == email))
        thread = db.session.scalar(sa.select(Thread).where(Thread.author_id == user_id).order_by(Thread.id))
        reply = db.session.scalar(sa.select(Reply).where(Reply.author_id == user_id).order_by(Reply.id))
        session = db.session.scalar(sa.select(Event).where(Event.kind == EventKind.feedback_session)
                                    .order_by(Event.starts_at))
        attachment = db.session.scalar(sa.select(Attachment).order_by(Attachment.id))
        practice_id, last = db.session.execute(
            sa.select(PracticeRevision.practice_id, sa.func.max(PracticeRevision.number))
            .group_by(PracticeRevision.practice_id).order_by(sa.func.max(PracticeRevision.number).desc())).first()
        series_id = db.session.scalar(sa.select(Event.series_id).where(Event.series_id.is_not(None)))
        assert thread and reply and session and attachment and series_id, "the demo holds what the sweep needs"
        event = {"event_id": session.id}
        return [
            url_for("discussions.edit", thread_id=thread.id),
            url_for("discussions.history", thread_id=thread.id),
            url_for("discussions.edit_reply", thread_id=reply.thread_id, reply_id=reply.id),
            url_for("discussions.reply_history", thread_id=reply.thread_id, reply_id=reply.id),
            *(url_for(endpoint, **event) for endpoint in (
                "events.event_calendar", "events.feedback", "events.questions", "events.recap",
                "events.response", "events.scorecard", "events.scorecard_export")),
            url_for("practices.compare", practice_id=practice_id, **{"from": 1, "to": last}),
            url_for("practices.download_attachment", practice_id=attachment.practice_id,
                    attachment_id=attachment.id),
            url_for("events.series_calendar", series_id=series_id),
            # The crawl meets profiles, but maybe only the sweeper's own, which offers no deletion.
            url_for("privacy.offboard", user_id=db.session.scalar(sa.select(User.id).where(User.email == MEMBER))),
        ]


# Attachment uploads: a real small file under hostile names, with hostile content types and bytes.

SMALL_PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
UPLOAD_NAMES = ["a\x00b.pdf", "../../../etc/passwd", "..\\..\\boot.ini", "n" * 5000 + ".pdf",
                "\u202efdp.exe", "report\u2067.pdf\u2069", "", ".pdf", " . ", "\u200b\ufeff.pdf", "CON.pdf",
                "line\r\nInjected: header.pdf", "plan.pdf"]
UPLOAD_TYPES = ["application/pdf", "text/html", "application/x-msdownload", "", "a\x00b", "t" * 5000,
                "multipart/form-data; boundary=x", "\u202eimage/png"]
UPLOAD_BODIES = [SMALL_PDF, b"", b"MZ\x90\x00 not a document", b"<script>alert(1)</script>",
                 b"PK\x03\x04 not a zip", b"\x89PNG\r\n\x1a\n" + b"\x00" * 64]


# Pages and forms

class PageForms(HTMLParser):
    """Links and forms of one page: each form's action, method, and fields with their limits and options."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.links: list[str] = []
        self.forms: list[dict] = []
        self._form = None
        self._select = None
        self._textarea = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "a" and a.get("href"):
            self.links.append(a["href"])
        elif tag == "form":
            self._form = {"action": a.get("action") or "", "method": (a.get("method") or "get").lower(),
                          "fields": {}}
            self.forms.append(self._form)
        elif self._form is None or not a.get("name"):
            return
        elif tag == "input":
            kind = (a.get("type") or "text").lower()
            if kind in ("submit", "button", "image", "reset", "file"):
                if kind == "submit":
                    self._field(a["name"], "submit", a.get("value", ""), None)
                return
            if kind in ("checkbox", "radio"):
                field = self._field(a["name"], kind, None, None)
                field["options"].append(a.get("value", "on"))
                if "checked" in a:
                    field["value"] = a.get("value", "on")
                return
            maxlength = int(a["maxlength"]) if a.get("maxlength", "").isdigit() else None
            self._field(a["name"], kind, a.get("value", ""), maxlength)
        elif tag == "textarea":
            maxlength = int(a["maxlength"]) if a.get("maxlength", "").isdigit() else None
            self._textarea = self._field(a["name"], "textarea", "", maxlength)
        elif tag == "select":
            self._select = self._field(a["name"], "select", None, None)
        elif tag == "option" and self._select is not None:
            value = a.get("value", "")
            self._select["options"].append(value)
            if "selected" in a or self._select["value"] is None:
                self._select["value"] = value

    def _field(self, name, kind, value, maxlength):
        fields = self._form["fields"]
        if name not in fields:
            fields[name] = {"kind": kind, "value": value, "maxlength": maxlength, "options": []}
        return fields[name]

    def handle_data(self, data):
        if self._textarea is not None:
            self._textarea["value"] += data

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None


class Sweep:
    """One signed-in client's sweep: pages found by crawling, then every form and query parameter."""

    def __init__(self, app, client):
        self.app = app
        self.client = client
        self.adapter = app.url_map.bind("localhost")
        self.failures: list[str] = []
        self.requests = 0

    def endpoint(self, url: str, method: str = "GET") -> str | None:
        try:
            return self.adapter.match(urlsplit(url).path, method=method)[0]
        except Exception:
            return None

    def send(self, method: str, url: str, label: str, **kwargs):
        started = time.perf_counter()
        try:
            response = self.client.open(url, method=method, **kwargs)
        except Exception as error:  # a failure the error handlers did not catch
            self.failures.append(f"{label}: raised {error!r}"[:300])
            return None
        elapsed = time.perf_counter() - started
        self.requests += 1
        body = response.get_data()  # bytes: a downloaded attachment need not be text
        if response.status_code >= 500 or b"Traceback" in body:
            self.failures.append(f"{label}: {response.status_code}")
        elif response.status_code not in (200, 204, 301, 302, 303, 400, 403, 404, 405, 409, 413, 422):
            self.failures.append(f"{label}: unexpected {response.status_code}")
        if elapsed > SLOW_SECONDS:
            self.failures.append(f"{label}: took {elapsed:.1f} s")
        return response

    def crawl(self, hand_built: list[str]) -> dict[str, str]:
        """One real URL for every GET route a link leads to, and for those of the hand-built URLs."""
        pages: dict[str, str] = {}
        self.statuses: dict[str, int | None] = {}
        self.forms: list[tuple[str, dict]] = []
        queue = [rule.rule for rule in self.app.url_map.iter_rules()
                 if "GET" in rule.methods and not rule.arguments] + hand_built
        while queue:
            url = queue.pop(0)
            endpoint = self.endpoint(url)
            if not swept(endpoint) or endpoint in pages:
                continue
            response = self.send("GET", url, f"GET {url}")
            pages[endpoint] = url
            self.statuses[endpoint] = response.status_code if response is not None else None
            if response is None or response.status_code != 200 or "html" not in response.content_type:
                continue
            parsed = PageForms()
            parsed.feed(response.get_data(as_text=True))
            for href in parsed.links:
                target = urljoin(url, href)
                if urlsplit(target).netloc in ("", "localhost"):
                    queue.append(urlsplit(target).path)
            self.forms.extend((url, form) for form in parsed.forms)
        return pages

    def sweep_queries(self, pages: dict[str, str]) -> None:
        names = query_parameters_by_blueprint()
        for endpoint, url in sorted(pages.items()):
            blueprint = endpoint.split(".")[0]
            params = sorted(names.get(blueprint, set()) | {"page"})
            for offset in range(len(KINDS)):
                pairs = [(name, hostile_value(KINDS[(offset + n) % len(KINDS)], 200)) for n, name in enumerate(params)]
                self.send("GET", urlsplit(url).path, f"GET {url} kind#{offset} {params}",
                          query_string=urlencode(pairs))

    def sweep_tokens(self) -> None:
        for rule in self.app.url_map.iter_rules():
            if rule.endpoint in TOKEN_ROUTES:
                for token in ("x" * 5000, "a%00b", "%ff%fe", "..%2F..%2Fetc", "\u202e"):
                    url = re.sub(r"<[^>]+>", lambda m: token if "token" in m.group(0) else "staffing", rule.rule)
                    for method in sorted(rule.methods & {"GET", "POST"}):
                        self.send(method, url, f"{method} {url}")

    def unique_forms(self, own_ids: set[int]) -> list[tuple[str, str, dict]]:
        seen, chosen = set(), []
        for page, form in self.forms:
            if form["method"] != "post":
                continue
            action = urljoin(page, form["action"] or page)
            endpoint = self.endpoint(action, "POST")
            key = (endpoint, tuple(sorted(form["fields"])))
            if endpoint is None or endpoint in NOT_SUBMITTED or key in seen:
                continue
            if endpoint.startswith("members.") and any(f"/members/{i}/" in action for i in own_ids):
                continue  # suspending or demoting the sweep's own sign-ins would end the sweep
            seen.add(key)
            chosen.append((endpoint, urlsplit(action).path, form))
        return sorted(chosen, key=lambda item: bool(TAKES_AWAY.search(item[0])))

    def sweep_forms(self, own_ids: set[int]) -> int:
        forms = self.unique_forms(own_ids)
        for number, (endpoint, action, form) in enumerate(forms):
            fields = {name: f for name, f in form["fields"].items() if name != "csrf_token" and f["kind"] != "submit"}
            submit = next(((n, f["value"]) for n, f in form["fields"].items() if f["kind"] == "submit"), None)
            names = sorted(fields)
            for offset in range(len(KINDS)):
                values = {name: hostile_value(KINDS[(offset + n) % len(KINDS)], fields[name]["maxlength"])
                          for n, name in enumerate(names)}
                self.post(endpoint, action, fields, submit, values, f"kind#{offset}")
            for n, name in enumerate(names):
                kind = KINDS[(n * 7 + number) % len(KINDS)]
                self.post(endpoint, action, fields, submit, {name: hostile_value(kind, fields[name]["maxlength"])},
                          f"{name}={kind}")
        return len(forms)

    def post(self, endpoint, action, fields, submit, hostile, label):
        pairs = []
        for name, field in fields.items():
            if name in hostile:
                pairs.append((name, hostile[name]))
            elif field["value"] is not None and field["value"] != "":
                pairs.append((name, field["value"]))
            elif field["kind"] in ("text", "textarea", "search"):
                pairs.append((name, "Plain words"))
            elif field["kind"] == "email":
                pairs.append((name, "someone@example.org"))
        if submit:
            pairs.append(submit)
        pairs.append(("csrf_token", self.csrf))
        self.send("POST", action, f"POST {endpoint} {action} {label}", data=urlencode(pairs),
                  content_type="application/x-www-form-urlencoded")

    def sweep_uploads(self) -> int:
        """Every upload form met, sent as multipart: each hostile file name, content type and body at least
        once (they rotate together), then each content type with a plain name and a real file; afterwards
        every attachment the practice lists, the ones just stored among them, is downloaded."""
        actions = sorted({urlsplit(urljoin(page, form["action"] or page)).path for page, form in self.forms
                          if self.endpoint(urljoin(page, form["action"] or page), "POST")
                          == "practices.upload_attachment"})
        with self.app.app_context():
            before = db.session.scalar(sa.select(sa.func.count(Attachment.id)))
        for action in actions:
            uploads = [(name, UPLOAD_TYPES[n % len(UPLOAD_TYPES)], UPLOAD_BODIES[n % len(UPLOAD_BODIES)])
                       for n, name in enumerate(UPLOAD_NAMES)]
            uploads += [("plan.pdf", content_type, SMALL_PDF) for content_type in UPLOAD_TYPES]
            for name, content_type, body in uploads:
                self.send("POST", action, f"POST upload {action} {name[:40]!r} {content_type[:40]!r} {body[:8]!r}",
                          data={"csrf_token": self.csrf, "file": (io.BytesIO(body), name, content_type)},
                          content_type="multipart/form-data")
            detail = action.rsplit("/attachments", 1)[0]
            page = PageForms()
            page.feed(self.client.get(detail).get_data(as_text=True))
            for href in {urlsplit(urljoin(detail, link)).path for link in page.links}:
                if self.endpoint(href) == "practices.download_attachment":
                    self.send("GET", href, f"GET {href}")
        with self.app.app_context():
            self.stored = db.session.scalar(sa.select(sa.func.count(Attachment.id))) - before
        return len(actions)

    def run(self, own_ids: set[int], hand_built: list[str]) -> tuple[dict[str, str], int]:
        pages = self.crawl(hand_built)
        self.csrf = re.search(r'name="csrf_token"[^>]*value="([^"]+)"',
                              self.client.get("/auth/settings").get_data(as_text=True)).group(1)
        self.sweep_queries(pages)
        self.uploads = self.sweep_uploads()
        forms = self.sweep_forms(own_ids)
        self.sweep_tokens()
        return pages, forms


@pytest.fixture
def demo(app, runner):
    app.config.update(COP_POST_LIMIT="100000 per minute", COP_SIGNIN_LIMIT="100000 per minute",
                      COP_RESET_LIMIT="100000 per minute")
    for name in [n for n in app.config if n.startswith("COP_") and n.endswith("_LIMIT")]:
        app.config[name] = "100000 per minute"
    result = runner.invoke(args=["seed-demo"])
    assert result.exit_code == 0, result.output
    # The first search after loading the community opens and catches the index up (seconds on a busy
    # machine): that is the demo's cost, not a hostile value's, so it is paid before the clock runs.
    with app.app_context():
        sync_now(app)
    with app.app_context():
        return {email: db.session.scalar(sa.select(User.id).where(User.email == email))
                for email in (FACILITATOR, MEMBER)}


def signed_in(app, email):
    client = app.test_client()
    token = client.csrf_token()
    response = client.post("/auth/signin", data={"email": email, "password": DEMO_PASSWORD, "csrf_token": token})
    assert response.status_code == 302
    client.get("/search/suggest?q=warm")  # see `demo`: the index is opened before anything is timed
    return client


@pytest.mark.parametrize("who", [FACILITATOR, MEMBER])
def test_hostile_values_in_every_form_and_query_parameter(app, demo, who):
    sweep = Sweep(app, signed_in(app, who))
    hand_built = hand_built_urls(app, who)
    started = time.perf_counter()
    pages, forms = sweep.run(set(demo.values()), hand_built)
    routes = {rule.endpoint for rule in app.url_map.iter_rules() if "GET" in rule.methods and swept(rule.endpoint)}
    print(f"{who}: {len(pages)} pages, {forms} forms, {sweep.stored} uploads stored, {sweep.requests} requests, "
          f"{time.perf_counter() - started:.0f} s; not reached: {sorted(routes - set(pages))}")
    assert [failure[:300] for failure in sweep.failures] == []
    if who == FACILITATOR:
        # A route no link leads to is a route the sweep does not cover: link it, or list it above with why.
        assert sorted(routes - set(pages) - set(UNLINKED)) == []
        assert forms >= 40
        # Each hand-built URL is a real page for the facilitator, so its forms and parameters are swept.
        built = {sweep.endpoint(url) for url in hand_built}
        assert {endpoint: sweep.statuses[endpoint] for endpoint in built} == dict.fromkeys(built, 200)
        assert sweep.uploads >= 1 and sweep.stored >= 1  # the real file got through, hostile names and all
