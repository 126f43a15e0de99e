"""Three app servers (gunicorn, as `make serve` starts them) on one PostgreSQL, each with its own search index
folder, sharing an S3 bucket for uploads: what one node changes, the others serve, and a node that starts
empty never answers "0 results" for a word that is there.

Runs where PostgreSQL (COP_TEST_DATABASE_URL) and SeaweedFS (`weed`) are; skipped, saying which is missing,
elsewhere."""

import http.client
import os
import re
import signal
import subprocess
import sys
import threading
import time
import uuid
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode

import pytest
import sqlalchemy as sa

from config import TestConfig
from tests.conftest import PASSWORD, PG_URL, empty_database, free_port

ROOT = Path(__file__).resolve().parent.parent
GUNICORN = Path(sys.executable).with_name("gunicorn")
CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
PDF = b"%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n"
SECRET_KEY = "multi-node-test-" + "k" * 32  # the same on every node, as docs/deploy.md says
NODES = 3
EXTRA_PRACTICES = 400
PROPAGATION_SECONDS = 2.0


class Browser:
    """A person's browser: one cookie jar (cookies belong to the host, not the port, so it is shared by
    every node on 127.0.0.1, as it would be behind one address), no redirects followed."""

    def __init__(self):
        self.cookies: dict[str, str] = {}

    def request(self, base: str, method: str, path: str, fields=None, files=None):
        host, port = base.removeprefix("http://").split(":")
        headers, body = {}, None
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{name}={value}" for name, value in self.cookies.items())
        if files:
            boundary = uuid.uuid4().hex
            parts = [f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode()
                     for name, value in (fields or {}).items()]
            for name, (filename, data) in files.items():
                parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; filename="{filename}"'
                             f'\r\nContent-Type: application/octet-stream\r\n\r\n'.encode() + data + b"\r\n")
            body = b"".join(parts) + f"--{boundary}--\r\n".encode()
            headers["Content-Type"] = f"multipart/form-data; boundary={boundary}"
        elif fields is not None:
            body = urlencode(fields, doseq=True).encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        connection = http.client.HTTPConnection(host, int(port), timeout=30)
        try:
            connection.request(method, path, body, headers)
            response = connection.getresponse()
            data = response.read()
        finally:
            connection.close()
        for header in response.headers.get_all("Set-Cookie") or []:
            cookie = SimpleCookie()
            cookie.load(header)
            for name, morsel in cookie.items():
                if not morsel.value or morsel["max-age"] == "0" or "1970" in morsel["expires"]:
                    self.cookies.pop(name, None)
                else:
                    self.cookies[name] = morsel.value
        return response.status, response.headers, data

    def get(self, base: str, path: str):
        return self.request(base, "GET", path)

    def text(self, base: str, path: str) -> tuple[int, str]:
        status, _, data = self.get(base, path)
        return status, data.decode("utf-8", "replace")

    def post_form(self, base: str, path: str, form_page: str, fields=None, files=None):
        status, page = self.text(base, form_page)
        assert status == 200, f"{form_page} answered {status}"
        token = CSRF.search(page)
        assert token, f"no form on {form_page}"
        return self.request(base, "POST", path, {**(fields or {}), "csrf_token": token.group(1)}, files)


def _wait_until_answering(base: str, server: subprocess.Popen, log: Path, seconds: float = 60) -> None:
    started = time.monotonic()
    while True:
        try:
            connection = http.client.HTTPConnection(base.removeprefix("http://").split(":")[0],
                                                    int(base.rsplit(":", 1)[1]), timeout=2)
            connection.request("GET", "/healthz")
            if connection.getresponse().status in (200, 503):
                return
        except OSError:
            pass
        finally:
            connection.close()
        if server.poll() is not None or time.monotonic() - started > seconds:
            pytest.fail(f"gunicorn did not start:\n{log.read_text()[-3000:]}")
        time.sleep(0.1)


@pytest.fixture(scope="module")
def network(request, tmp_path_factory):
    """The database with a member and their practices; nodes 1 and 2 started and answering, a member signed in,
    then node 3 started with an empty index folder and handed over at once, still starting. Stopped by PID."""
    if not PG_URL:
        pytest.skip("The multi-node test needs PostgreSQL: set COP_TEST_DATABASE_URL")
    if not GUNICORN.exists():
        pytest.skip(f"gunicorn is not installed beside {sys.executable}")
    endpoint = request.getfixturevalue("s3_endpoint")
    tmp = tmp_path_factory.mktemp("network")
    database_url = empty_database(request, "postgresql", tmp)
    storage_url = f"s3://cop-test/{uuid.uuid4().hex[:12]}?endpoint={endpoint}"
    facts = _seed(database_url, storage_url, tmp)
    servers, bases = [], []

    def start(n: int) -> tuple[str, subprocess.Popen, Path]:
        port = free_port()
        folder = tmp / f"node{n}"
        folder.mkdir()
        env = dict(os.environ, DATABASE_URL=database_url, SECRET_KEY=SECRET_KEY, COP_ENV="development",
                   COP_INDEX_DIR=str(folder / "index"), COP_UPLOAD_DIR=str(folder / "uploads"),
                   MAIL_DIR=str(folder / "mail"), COP_STORAGE_URL=storage_url, COP_SEARCH_NODE=f"node{n}",
                   PORT=str(port), COP_BASE_URL=f"http://127.0.0.1:{port}",
                   # the searches below poll; the limits per member are not what is tested here
                   COP_SEARCH_LIMIT="6000 per minute", COP_SEARCH_ADDRESS_LIMIT="6000 per minute")
        with (folder / "gunicorn.log").open("w") as log:
            server = subprocess.Popen([str(GUNICORN), "-c", "python:cop.serving", "-w", "2", "--threads", "4"],
                                      cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
        servers.append(server)
        bases.append(f"http://127.0.0.1:{port}")
        return bases[-1], server, folder / "gunicorn.log"

    try:
        for started in [start(1), start(2)]:
            _wait_until_answering(*started)
        browser = Browser()
        status, _, _ = browser.post_form(bases[0], "/auth/signin", "/auth/signin",
                                         {"email": facts["email"], "password": PASSWORD})
        assert status == 302
        late = start(3)
        yield {"nodes": bases, "late": late, "browser": browser, "storage_url": storage_url, "endpoint": endpoint,
               **facts}
    finally:
        for server in servers:
            if server.poll() is None:
                server.send_signal(signal.SIGTERM)
        for server in servers:
            try:
                server.wait(timeout=20)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()


def _seed(database_url: str, storage_url: str, tmp: Path) -> dict:
    """A member and their published practice, plus enough other practices that a node starting empty takes a
    moment to catch up (in the background, past REQUEST_REPLAY log entries), so searches meet it doing so."""
    from cop import create_app
    from cop.auth.models import Role
    from cop.auth.services import create_member
    from cop.extensions import db
    from cop.orgs.models import OrgKind
    from cop.orgs.services import create_organization
    from cop.practices import services as library
    from cop.practices.models import Topic
    from cop.practices.taxonomy import ensure_taxonomy

    app = create_app(TestConfig, SQLALCHEMY_DATABASE_URI=database_url, COP_STORAGE_URL=storage_url,
                     MAIL_DIR=str(tmp / "mail"), COP_UPLOAD_DIR=str(tmp / "uploads"),
                     COP_INDEX_DIR=str(tmp / "seed-index"))
    with app.app_context():
        ensure_taxonomy()
        org = create_organization(name="Harbor Fabrication", kind=OrgKind.member_company, industry="Advanced Manufacturing")
        member = create_member(name="Nadia Node", email="nadia@example.org", organization=org, role=Role.member,
                               password=PASSWORD)
        topic = db.session.scalar(sa.select(Topic).where(Topic.slug == "budget-and-funding"))
        practice = library.create_practice(member, title="Shared tooling budgets", summary="How we split it.",
                                           body="Every apprentice gets an aardvark allowance.", publish=True,
                                           classification=library.Classification(topics=[topic]))
        for n in range(EXTRA_PRACTICES):
            library.create_practice(member, title=f"Rotation plan {n}", summary="Who goes where.",
                                    body=f"Week {n}: the apprentice shadows a machinist.", publish=True,
                                    classification=library.Classification(topics=[topic]))
        db.session.commit()
        facts = {"email": member.email, "practice_id": practice.id, "topic_id": topic.id}
        db.engine.dispose()
    return facts


def _results(browser: Browser, base: str, word: str) -> tuple[int, str]:
    status, page = browser.text(base, f"/search/?q={word}")
    return status, page


def _signed_in(network) -> Browser:
    """Another browser of the same member, signed in through node 1."""
    browser = Browser()
    status, _, _ = browser.post_form(network["nodes"][0], "/auth/signin", "/auth/signin",
                                     {"email": network["email"], "password": PASSWORD})
    assert status == 302
    return browser


def test_a_node_started_empty_never_answers_no_results_for_a_word_that_exists(network):
    """Node 3 starts with an empty index on a database with hundreds of practices; from the moment it answers,
    four searchers at once ask it for a word that is there. Each answer is the hit or "catching up"."""
    base, server, log = network["late"]
    _wait_until_answering(base, server, log)
    answers, errors = [], []

    def searcher():
        browser = Browser()
        browser.cookies = dict(network["browser"].cookies)
        try:
            deadline = time.monotonic() + 60
            while time.monotonic() < deadline:
                status, page = _results(browser, base, "aardvark")
                answers.append(status)
                if status == 503:
                    assert "Search on this server is catching up: " in page
                    time.sleep(0.05)
                    continue
                assert status == 200, status
                assert "0 results" not in page and "Nothing found" not in page, "answered: nothing found"
                assert "Shared tooling budgets" in page
                return
            raise AssertionError("still catching up after 60 s")
        except AssertionError as error:
            errors.append(error)

    threads = [threading.Thread(target=searcher) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(90)
    assert not errors, errors[0]
    assert answers.count(200) == 4


def test_an_edit_on_one_node_is_found_on_the_others_within_two_seconds(network):
    browser = _signed_in(network)
    first, *others = network["nodes"]
    _wait_until_answering(*network["late"])
    for base in others:  # each has caught up once (the test above, or here)
        deadline = time.monotonic() + 60
        while _results(browser, base, "aardvark")[0] != 200 and time.monotonic() < deadline:
            time.sleep(0.1)
    practice = network["practice_id"]
    status, _, _ = browser.post_form(first, f"/practices/{practice}/edit", f"/practices/{practice}/edit",
                                     {"title": "Shared tooling budgets", "summary": "How we split it.",
                                      "body": "Every apprentice gets a zebrafinch allowance now.",
                                      "topics": [network["topic_id"]], "save": "Save draft"})
    assert status == 302
    saved = time.monotonic()
    for base in others:
        while True:
            status, page = _results(browser, base, "zebrafinch")
            if status == 200 and "Shared tooling budgets" in page:
                break
            elapsed = time.monotonic() - saved
            assert elapsed < PROPAGATION_SECONDS, f"{base} did not find the edit within {elapsed:.2f} s"
            time.sleep(0.05)
    assert time.monotonic() - saved < PROPAGATION_SECONDS


def test_an_attachment_uploaded_on_one_node_is_served_by_all_and_deleted_everywhere(network):
    from cop.storage import S3Store

    browser = _signed_in(network)
    first, second, third = network["nodes"]
    practice = network["practice_id"]
    body = PDF + uuid.uuid4().bytes
    status, _, _ = browser.post_form(first, f"/practices/{practice}/attachments", f"/practices/{practice}",
                                     files={"file": ("Shared budget.pdf", body)})
    assert status == 302
    _, page = browser.text(first, f"/practices/{practice}")
    links = re.findall(rf'href="(/practices/{practice}/attachments/\d+)"', page)
    assert links, "the upload is listed"
    link = links[-1]
    for base in (first, second, third):
        status, headers, data = browser.get(base, link)
        assert status == 200 and data == body, base
        assert headers["Content-Disposition"] == 'attachment; filename="Shared budget.pdf"'
    status, _, _ = browser.post_form(second, f"{link}/delete", f"/practices/{practice}")
    assert status == 302
    for base in (first, second, third):
        assert browser.get(base, link)[0] == 404, base
    bucket, prefix = network["storage_url"].removeprefix("s3://").split("?")[0].split("/", 1)
    store = S3Store(bucket, prefix, endpoint=network["endpoint"])
    assert store.client.list_objects_v2(Bucket=bucket, Prefix=prefix).get("KeyCount") == 0  # the only upload


def test_a_session_signed_out_on_one_node_is_refused_on_another(network):
    browser = _signed_in(network)
    first, second, _ = network["nodes"]
    assert browser.get(second, "/practices/")[0] == 200
    stolen = dict(browser.cookies)
    status, _, _ = browser.post_form(first, "/auth/signout", "/practices/")
    assert status == 302
    replay = Browser()
    replay.cookies = stolen
    status, headers, _ = replay.get(second, "/practices/")
    assert status == 302 and "/auth/signin" in headers["Location"]


def test_the_nodes_report_ready(network):
    browser = Browser()
    for base in network["nodes"]:
        status, _, data = browser.get(base, "/healthz")
        assert status == 200 and b'"storage":"ok"' in data.replace(b" ", b"") and b'"database":"ok"' in \
            data.replace(b" ", b"")

