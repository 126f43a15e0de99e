"""The data builder: a fresh database at library scale (practices, and discussions beside them), its schema
made by the migrations and its rows written with SQLAlchemy Core bulk inserts, reused while the build
parameters stay the same."""

import hashlib
import html
import json
import os
import random
import re
import time
from dataclasses import asdict, dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path

import click
import sqlalchemy as sa
from markdown.extensions.toc import slugify as heading_id
from werkzeug.security import generate_password_hash

from bench import RESULTS_DIR, community, forum, vocabulary

# Bump when the generated rows change shape, so cached databases are rebuilt.
BUILD_VERSION = 3

BENCH_EMAIL = "bench.member@bench.example"
BENCH_PASSWORD = "bench-password-2026"
BENCH_NAME = "Bench Member"
# More members with the bench password: the mixed workload's readers and writers sign in as them.
BENCH_MEMBERS = 32
PASSWORD_METHOD = "pbkdf2:sha256:1000"

DRAFT_SHARE = 0.02     # drafts, in addition to the published practices asked for
DELETED_SHARE = 0.005  # deleted in the last 30 days (still restorable), also in addition
CHUNK = 500            # practices per bulk insert round
REPLY_CHUNK = 5000     # replies per bulk insert round
BENCH_PRACTICES = 3    # published practices the bench member wrote (the search benchmark edits one)


@dataclass(frozen=True)
class BuildSpec:
    """What a bench database holds; the same spec (and BUILD_VERSION) means the same rows."""

    practices: int = 20_000
    organizations: int = 200
    users: int = 1_000
    seed: int = 2026
    threads: int = 10_000
    replies: int = 100_000

    def fingerprint(self) -> dict:
        return {**asdict(self), "build_version": BUILD_VERSION}


def vacuum_analyze(engine) -> None:
    """What autovacuum does to fresh PostgreSQL tables within minutes, done now so runs are comparable: the
    statistics, and the visibility map without which an index-only scan still reads every row's page."""
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.exec_driver_sql("VACUUM ANALYZE")


def default_database_url(spec: BuildSpec) -> str:
    name = f"library-{spec.practices}"
    if (spec.threads, spec.replies) != (BuildSpec.threads, BuildSpec.replies):
        name += f"-{spec.threads}t-{spec.replies}r"
    return f"sqlite:///{RESULTS_DIR / f'{name}.sqlite'}"


def normalize_url(url: str) -> str:
    """Hosting-style postgres:// URLs name the driver SQLAlchemy should use, as config.py does."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


def sqlite_path(url: str) -> Path | None:
    return Path(url.removeprefix("sqlite:///")) if url.startswith("sqlite:///") else None


def state_dir(url: str) -> Path:
    """Where a database's companions live: its build record, search index, mail and upload folders."""
    path = sqlite_path(url)
    if path is not None:
        return path.with_suffix("")
    digest = hashlib.sha256(url.encode()).hexdigest()[:10]
    return RESULTS_DIR / f"pg-{digest}"


def masked(url: str) -> str:
    return re.sub(r"://([^:/@]+):[^@]+@", r"://\1:***@", url)


def app_settings(url: str) -> dict:
    """The paths an app (builder, server or profiler) uses next to this database."""
    folder = state_dir(url)
    return {
        "SQLALCHEMY_DATABASE_URI": url,
        "COP_INDEX_DIR": str(folder / "index"),
        "COP_UPLOAD_DIR": str(folder / "uploads"),
        "MAIL_DIR": str(folder / "mail"),
    }


def make_app(url: str):
    from config import Config
    from cop import create_app

    return create_app(Config, **app_settings(url))


# Text.

_SLOT = re.compile(r"\{([A-Z_]+)\}")
_VOCAB = {name: value for name, value in vars(vocabulary).items() if name.isupper() and isinstance(value, list)}


class Writer:
    """Generated practice text: Markdown and the HTML the app would store for it, written side by side
    (Python-Markdown plus nh3 take ~15 ms a body; this takes well under 1 ms)."""

    def __init__(self, rng: random.Random):
        self.rng = rng

    def fill(self, template: str) -> str:
        if "{" not in template:
            return template
        return _SLOT.sub(lambda m: self.fill(self.rng.choice(_VOCAB[m.group(1)])), template)

    def sentence(self) -> str:
        text = self.fill(self.rng.choice(vocabulary.SENTENCE))
        return text[0].upper() + text[1:]

    def title(self) -> str:
        text = self.fill(self.rng.choice(vocabulary.TITLE))
        return (text[0].upper() + text[1:])[:200]

    def summary(self) -> str:
        return " ".join(self.sentence() for _ in range(self.rng.randint(2, 3)))

    def body(self, target_words: int) -> tuple[str, str, int]:
        """An intro, then headed sections of paragraphs and the odd list, until the target length."""
        rng = self.rng
        md: list[str] = []
        out: list[str] = []
        words = 0

        def paragraph():
            nonlocal words
            text = " ".join(self.sentence() for _ in range(rng.randint(2, 6)))
            words += text.count(" ") + 1
            md.append(text)
            out.append(f"<p>{html.escape(text, quote=False)}</p>")

        def bullet_list():
            nonlocal words
            items_md, items_html = [], []
            leads = rng.random() < 0.4
            for _ in range(rng.randint(3, 6)):
                item = self.fill(rng.choice(vocabulary.LIST_ITEM))
                item = item[0].upper() + item[1:]
                words += item.count(" ") + 1
                if leads:
                    lead = rng.choice(vocabulary.LIST_LEAD)
                    words += lead.count(" ") + 1
                    items_md.append(f"- **{lead}** {item}")
                    items_html.append(f"<li><strong>{html.escape(lead, quote=False)}</strong> "
                                      f"{html.escape(item, quote=False)}</li>")
                else:
                    items_md.append(f"- {item}")
                    items_html.append(f"<li>{html.escape(item, quote=False)}</li>")
            md.append("\n".join(items_md))
            out.append("<ul>\n" + "\n".join(items_html) + "\n</ul>")

        paragraph()
        headings = rng.sample(vocabulary.HEADING, k=len(vocabulary.HEADING))
        while words < target_words and headings:
            heading = headings.pop()
            words += heading.count(" ") + 1
            md.append(f"## {heading}")
            out.append(f'<h2 id="{heading_id(heading, "-")}">{html.escape(heading, quote=False)}</h2>')
            for _ in range(rng.randint(1, 3)):
                paragraph()
                if words >= target_words:
                    break
            if rng.random() < 0.3:
                bullet_list()
        return "\n\n".join(md) + "\n", "\n".join(out), words


def check_writer(samples: int = 5, seed: int = 1) -> list[int]:
    """Indexes of sample bodies whose HTML differs from cop.text.render_markdown (should be none)."""
    from cop.text import render_markdown

    writer = Writer(random.Random(seed))
    bad = []
    for i in range(samples):
        body, body_html, _ = writer.body(600)
        if render_markdown(body) != body_html:
            bad.append(i)
    return bad


# Rows.

def _weighted_sample(rng: random.Random, population: list, weights: list, k: int) -> list:
    chosen: list = []
    while len(chosen) < min(k, len(population)):
        pick = rng.choices(population, weights)[0]
        if pick not in chosen:
            chosen.append(pick)
    return chosen


def _organizations(rng: random.Random, count: int, now: datetime) -> list[dict]:
    from cop.orgs.models import INDUSTRIES, SIZE_BANDS, OrgKind, slugify

    kinds = (["member_company"] * 70 + ["training_provider"] * 10 + ["education_partner"] * 10
             + ["community_organization"] * 6 + ["sponsor"] * 4)
    subtypes = {"training_provider": ["community_college", "credential_provider", "hybrid_college"],
                "education_partner": ["school", "district"]}
    employer_industries = [i for i in INDUSTRIES if i not in ("Education", "Workforce Development", "Philanthropy",
                                                              "Nonprofit")]
    rows, names = [], set()
    name = "Northbridge Work-Based Learning Community"
    names.add(name)
    rows.append({"id": 1, "name": name, "slug": slugify(name), "kind": OrgKind.facilitator, "subtype": None,
                 "industry": "Workforce Development", "region": vocabulary.REGIONS[0], "size_band": "1-49",
                 "website": "https://northbridge.example", "description": "The community's facilitators.",
                 "created_at": now - timedelta(days=1200)})
    while len(rows) < count:
        kind = rng.choice(kinds)
        name = f"{rng.choice(vocabulary.ORG_PLACES)} {rng.choice(vocabulary.ORG_NOUNS[kind])}"
        if name in names:
            name = f"{name} {rng.choice(vocabulary.REGIONS).split()[0]}"
        if name in names:
            continue
        names.add(name)
        industry = {"member_company": rng.choice(employer_industries), "training_provider": "Education",
                    "education_partner": "Education", "community_organization": "Nonprofit",
                    "sponsor": "Philanthropy"}[kind]
        slug = slugify(name)
        rows.append({"id": len(rows) + 1, "name": name, "slug": slug, "kind": OrgKind(kind),
                     "subtype": rng.choice(subtypes[kind]) if kind in subtypes else None, "industry": industry,
                     "region": rng.choice(vocabulary.REGIONS), "size_band": rng.choice(SIZE_BANDS),
                     "website": f"https://{slug}.example",
                     "description": f"{name} takes part in the community's {rng.choice(vocabulary.PROGRAM)} work.",
                     "created_at": now - timedelta(days=rng.randint(30, 1100))})
    return rows


def _users(rng: random.Random, count: int, orgs: list[dict], now: datetime) -> list[dict]:
    from cop.auth.models import MemberStatus, Role, new_session_token

    shared_hash = generate_password_hash(new_session_token(), method=PASSWORD_METHOD)
    bench_hash = generate_password_hash(BENCH_PASSWORD, method=PASSWORD_METHOD)
    # Bigger organizations send more people: a few have dozens, most have a handful.
    org_weights = [rng.paretovariate(1.6) for _ in orgs]
    org_weights[0] = 2.0
    rows: list[dict] = []
    managed: set[int] = set()

    def person(org: dict, role, status, email=None, name=None, password_hash=shared_hash):
        i = len(rows) + 1
        first, last = rng.choice(vocabulary.FIRST_NAMES), rng.choice(vocabulary.LAST_NAMES)
        name = name or f"{first} {last}"
        local = re.sub(r"[^a-z]+", "", first.lower()) + "." + re.sub(r"[^a-z]+", "", last.lower())
        created = now - timedelta(days=rng.randint(1, 1100), minutes=rng.randint(0, 1440))
        rows.append({
            "id": i, "email": email or f"{local}.{i}@{org['slug']}.example", "name": name,
            "title": rng.choice(vocabulary.JOB_TITLES), "bio": "", "timezone": "America/Chicago",
            "password_hash": password_hash, "organization_id": org["id"], "role": role, "status": status,
            "session_token": new_session_token(), "feed_token": None, "join_note": "",
            "requested_org_name": None, "requested_org_kind": None, "created_at": created,
            "decided_at": None if status is MemberStatus.pending else created + timedelta(days=1),
            "decided_by_id": None,
        })

    for _ in range(4):
        person(orgs[0], Role.facilitator, MemberStatus.active)
    person(orgs[2], Role.member, MemberStatus.active, email=BENCH_EMAIL, name=BENCH_NAME, password_hash=bench_hash)
    while len(rows) < count:
        org = rng.choices(orgs[1:], org_weights[1:])[0]
        roll = rng.random()
        status = (MemberStatus.pending if roll < 0.03 else MemberStatus.suspended if roll < 0.04
                  else MemberStatus.active)
        role = Role.member
        if status is MemberStatus.active and org["id"] not in managed:
            role = Role.manager
            managed.add(org["id"])
        person(org, role, status)
    for row in rows:
        if row["decided_at"] is not None:
            row["decided_by_id"] = 1
    members = [r for r in rows if r["status"] is MemberStatus.active and r["role"] is Role.member
               and r["email"] != BENCH_EMAIL]
    for number, row in enumerate(members[:BENCH_MEMBERS], start=1):
        row["email"], row["password_hash"] = bench_member_email(number), bench_hash
    return rows


def bench_member_email(number: int) -> str:
    """The other members who sign in with BENCH_PASSWORD (each keeps their organization)."""
    return f"bench.member{number}@bench.example"


class Library:
    """Practices with everything that hangs off them, one chunk of rows at a time."""

    def __init__(self, rng: random.Random, users: list[dict], orgs: list[dict], topic_ids: list[int],
                 competency_ids: list[int], tag_ids: list[int], now: datetime):
        from cop.auth.models import MemberStatus

        self.rng, self.now = rng, now
        self.writer = Writer(rng)
        self.orgs = {o["id"]: o for o in orgs}
        self.active = [u["id"] for u in users if u["status"] is MemberStatus.active]
        # Authors: active people other than the bench member; a few write a lot, most write little. The bench
        # member wrote BENCH_PRACTICES (so the search benchmark can edit one through the real form).
        self.authors = [u for u in users if u["status"] is MemberStatus.active and u["email"] != BENCH_EMAIL]
        self.bench = next(u for u in users if u["email"] == BENCH_EMAIL)
        self.bench_ids: set[int] = set()
        self.author_weights = [rng.paretovariate(1.2) for _ in self.authors]
        self.topic_ids, self.topic_weights = topic_ids, [rng.uniform(0.5, 2.0) for _ in topic_ids]
        self.competency_ids = competency_ids
        self.tag_ids = tag_ids
        self.tag_weights = [1 / (rank + 1) ** 0.8 for rank in range(len(tag_ids))]

    def plan(self, published: int) -> list[tuple[str, datetime]]:
        """(state, published_at) per practice in id order: older first, drafts and deletions mixed in."""
        rng = self.rng
        drafts, deleted = round(published * DRAFT_SHARE), round(published * DELETED_SHARE)
        states = ["published"] * published + ["draft"] * drafts + ["deleted"] * deleted
        rng.shuffle(states)
        ages = sorted((rng.uniform(0, 3 * 365) for _ in states), reverse=True)
        published_ids = [i + 1 for i, state in enumerate(states) if state == "published"]
        self.bench_ids = set(rng.sample(published_ids, min(BENCH_PRACTICES, len(published_ids))))
        return [(state, self.now - timedelta(days=age)) for state, age in zip(states, ages)]

    def rows(self, first_id: int, plan: list[tuple[str, datetime]]) -> dict[str, list[dict]]:
        from cop.orgs.models import INDUSTRIES
        from cop.practices.models import PROGRAM_TYPES, STUDENT_LEVELS, Facet, PracticeStatus

        rng, now = self.rng, self.now
        out: dict[str, list[dict]] = {name: [] for name in (
            "practices", "practice_revisions", "practice_topics", "practice_competencies", "practice_tags",
            "practice_facets", "helpful_marks")}
        authors = rng.choices(self.authors, self.author_weights, k=len(plan))
        program_types, levels = list(PROGRAM_TYPES), list(STUDENT_LEVELS)
        for offset, ((state, when), author) in enumerate(zip(plan, authors)):
            pid = first_id + offset
            if pid in self.bench_ids:
                author = self.bench
            words_target = int(rng.triangular(300, 1380, 650))
            body, body_html, _ = self.writer.body(words_target)
            title, summary = self.writer.title(), self.writer.summary()
            created = when - timedelta(days=rng.uniform(0, 14))
            is_draft = state == "draft"
            published_at = None if is_draft else when
            if is_draft:
                created = now - timedelta(days=rng.uniform(0, 60))
            updated = min(now, created + timedelta(days=rng.choice([0, 0, 0, 1, 3, 20, 90])))
            helpful = 0 if is_draft else min(len(self.active) - 1, int(rng.lognormvariate(1.0, 1.1)))
            out["practices"].append({
                "id": pid, "title": title, "summary": summary, "body": body, "body_html": body_html,
                "status": PracticeStatus.draft if is_draft else PracticeStatus.published,
                "organization_id": author["organization_id"], "author_id": author["id"],
                "created_at": created, "updated_at": updated, "published_at": published_at,
                "helpful_count": helpful,
                "view_count": 0 if is_draft else helpful * rng.randint(6, 25) + rng.randint(3, 120),
                "discussion_count": 0, "revision_count": 1,
                "deleted_at": now - timedelta(days=rng.uniform(0, 29)) if state == "deleted" else None,
                "deleted_by_id": author["id"] if state == "deleted" else None,
            })
            out["practice_revisions"].append({
                "practice_id": pid, "number": 1, "title": title, "summary": summary, "body": body,
                "note": "First version", "editor_id": author["id"], "created_at": created})
            k = rng.choices([1, 2, 3], [50, 35, 15])[0]
            for topic_id in _weighted_sample(rng, self.topic_ids, self.topic_weights, k):
                out["practice_topics"].append({"practice_id": pid, "topic_id": topic_id})
            k = rng.choices([0, 1, 2, 3], [25, 35, 25, 15])[0]
            for competency_id in rng.sample(self.competency_ids, k):
                out["practice_competencies"].append({"practice_id": pid, "competency_id": competency_id})
            for tag_id in _weighted_sample(rng, self.tag_ids, self.tag_weights, rng.randint(2, 5)):
                out["practice_tags"].append({"practice_id": pid, "tag_id": tag_id})
            org_industry = self.orgs[author["organization_id"]]["industry"]
            industries = {org_industry if rng.random() < 0.8 and org_industry else rng.choice(INDUSTRIES)}
            if rng.random() < 0.2:
                industries.add(rng.choice(INDUSTRIES))
            facets = [(Facet.industry, v) for v in industries]
            k = rng.choices([1, 2, 3], [75, 20, 5])[0]
            facets += [(Facet.program_type, v)
                       for v in _weighted_sample(rng, program_types, [30, 30, 10, 10, 12, 8], k)]
            facets += [(Facet.student_level, v) for v in rng.sample(levels, rng.choices([1, 2], [75, 25])[0])]
            for facet, value in facets:
                out["practice_facets"].append({"practice_id": pid, "facet": facet, "value": value})
            if helpful:
                readers = [u for u in rng.sample(self.active, helpful + 1) if u != author["id"]][:helpful]
                for user_id in readers:
                    out["helpful_marks"].append({
                        "practice_id": pid, "user_id": user_id,
                        "created_at": min(now, when + timedelta(days=rng.uniform(0, 400)))})
        return out


# The build.

def _tables() -> dict[str, sa.Table]:
    from cop.extensions import db

    return db.metadata.tables


def _insert(conn, table: sa.Table, rows: list[dict], chunk: int = 5000) -> None:
    for start in range(0, len(rows), chunk):
        conn.execute(table.insert(), rows[start:start + chunk])


def _record_path(url: str) -> Path:
    return state_dir(url).with_name(state_dir(url).name + ".build.json")


def read_record(url: str) -> dict | None:
    path = _record_path(url)
    try:
        return json.loads(path.read_text())
    except (OSError, ValueError):
        return None


def database_size(url: str) -> int:
    path = sqlite_path(url)
    if path is not None:
        return path.stat().st_size if path.exists() else 0
    engine = sa.create_engine(url)
    try:
        with engine.connect() as conn:
            return conn.scalar(sa.text("SELECT pg_database_size(current_database())"))
    finally:
        engine.dispose()


def _table_names(url: str) -> list[str]:
    engine = sa.create_engine(url)
    try:
        return sa.inspect(engine).get_table_names()
    finally:
        engine.dispose()


def _empty_database(url: str) -> None:
    """Remove the SQLite file, or drop every table of the PostgreSQL database (asked for by --rebuild)."""
    path = sqlite_path(url)
    if path is not None:
        for suffix in ("", "-journal", "-wal", "-shm"):
            Path(str(path) + suffix).unlink(missing_ok=True)
        return
    engine = sa.create_engine(url)
    try:
        metadata = sa.MetaData()
        metadata.reflect(engine)
        with engine.begin() as conn:
            metadata.drop_all(conn)
    finally:
        engine.dispose()


def ensure_database(spec: BuildSpec, url: str, rebuild: bool = False) -> dict:
    """The database for `spec` at `url`: reused when an earlier build recorded the same spec, built
    fresh otherwise. Returns the build record (timings, counts, size) with `reused` set."""
    url = normalize_url(url)
    record = read_record(url)
    path = sqlite_path(url)
    exists = path.exists() if path is not None else bool(_table_names(url))
    if not rebuild and exists and record and record.get("spec") == spec.fingerprint():
        try:
            _upgrade_only(url)
        except Exception as error:  # noqa: BLE001  the migration history was rewritten since the build
            if path is None:
                raise click.ClickException(f"Upgrading {masked(url)} failed ({error}); pass --rebuild.") from error
            click.echo(f"note: the migrations no longer apply to the cached build ({error}); building afresh.",
                       err=True)
        else:
            record.update(reused=True, size_bytes=database_size(url))
            return record
    if exists and path is None and not rebuild:
        made = "a bench build with other parameters" if record else "tables the bench did not make"
        raise click.ClickException(
            f"{masked(url)} already holds {made}. Pass --rebuild to drop all its tables and build afresh "
            "(only on a database kept for benchmarks).")
    _empty_database(url)
    _record_path(url).unlink(missing_ok=True)
    try:
        record = build(spec, url)
    except BaseException:
        if path is not None:
            _empty_database(url)
        raise
    _record_path(url).parent.mkdir(parents=True, exist_ok=True)
    _record_path(url).write_text(json.dumps(record, indent=2))
    record["reused"] = False
    return record


def _upgrade_only(url: str) -> None:
    """A reused database still gets migrations written since it was built (new tables stay empty)."""
    from flask_migrate import upgrade

    from cop.extensions import db

    app = make_app(url)
    with app.app_context():
        try:
            upgrade(revision="heads")  # every branch, should parallel work have left several
        except SystemExit as error:  # Flask-Migrate logs the alembic error and exits
            raise RuntimeError("alembic could not upgrade it (see the error above)") from error
        finally:
            db.engine.dispose()


def build(spec: BuildSpec, url: str) -> dict:
    from flask_migrate import upgrade

    from cop.discussions.services import refresh_counts as refresh_discussion_counts
    from cop.extensions import db
    from cop.competencies.models import Competency
    from cop.practices.models import Topic
    from cop.practices.services import refresh_counts
    from cop.practices.taxonomy import ensure_taxonomy

    started = time.perf_counter()
    steps: dict[str, float] = {}
    mismatched = check_writer()
    if mismatched:
        click.echo(f"warning: generated body_html differs from cop.text.render_markdown in {len(mismatched)} of 5 "
                   "samples; pages will show slightly different HTML than the app would store.", err=True)
    posts_mismatched = forum.check_posts(Writer)
    if posts_mismatched:
        click.echo(f"warning: generated post HTML differs from cop.discussions.services.render_post in "
                   f"{len(posts_mismatched)} of 8 samples.", err=True)
    rng = random.Random(spec.seed)
    now = datetime.now(timezone.utc).replace(microsecond=0)
    app = make_app(url)
    with app.app_context():
        t = time.perf_counter()
        upgrade(revision="heads")  # every branch, should parallel work have left several
        ensure_taxonomy()
        db.session.commit()
        steps["migrations_and_taxonomy"] = time.perf_counter() - t
        topic_ids = list(db.session.scalars(sa.select(Topic.id).order_by(Topic.position)))
        competency_ids = list(db.session.scalars(sa.select(Competency.id).order_by(Competency.position)))
        db.session.close()

        tables = _tables()
        t = time.perf_counter()
        orgs = _organizations(rng, spec.organizations, now)
        users = _users(rng, spec.users, orgs, now)
        tag_names = list(dict.fromkeys(vocabulary.TAGS))
        tags = [{"id": i, "name": name} for i, name in enumerate(tag_names, start=1)]
        counts = {"organizations": len(orgs), "users": len(users), "tags": len(tags)}
        with db.engine.connect() as conn:
            if conn.dialect.name == "sqlite":
                # A fresh file that is deleted if the build fails: no need to wait for the disk while filling it.
                raw = conn.connection.driver_connection
                raw.commit()
                raw.execute("PRAGMA synchronous=OFF")
            _insert(conn, tables["organizations"], orgs)
            _insert(conn, tables["users"], users)
            _insert(conn, tables["tags"], tags)
            conn.commit()
            steps["organizations_users_tags"] = time.perf_counter() - t

            t = time.perf_counter()
            library = Library(rng, users, orgs, topic_ids, competency_ids, [tag["id"] for tag in tags], now)
            plan = library.plan(spec.practices)
            chunks = [(start, plan[start:start + CHUNK]) for start in range(0, len(plan), CHUNK)]
            published = []  # (published_at, id, first topic id) of the visible practices, for discussions
            with click.progressbar(chunks, label=f"Building {len(plan):,} practices", show_pos=True,
                                   item_show_func=lambda c: None if c is None else f"{c[0] + len(c[1]):,}") as bar:
                for start, part in bar:
                    out = library.rows(start + 1, part)
                    for name, rows in out.items():
                        _insert(conn, tables[name], rows)
                        counts[name] = counts.get(name, 0) + len(rows)
                    conn.commit()
                    first_topic = {}
                    for row in out["practice_topics"]:
                        first_topic.setdefault(row["practice_id"], row["topic_id"])
                    published += [(row["published_at"], row["id"], first_topic.get(row["id"]))
                                  for row in out["practices"] if row["published_at"] and not row["deleted_at"]
                                  and row["status"].value == "published"]
            steps["practices"] = time.perf_counter() - t

            t = time.perf_counter()
            discussions = _build_discussions(conn, tables, spec, rng, library.writer, users, orgs, topic_ids,
                                             published, now)
            counts.update(discussions.pop("counts"))
            steps["discussions"] = time.perf_counter() - t

            t = time.perf_counter()
            if conn.dialect.name == "postgresql":
                for table in ("organizations", "users", "tags", "practices", "discussion_categories", "threads",
                              "replies", "discussion_follows", "moderation_log"):
                    conn.exec_driver_sql(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                                         f"(SELECT max(id) FROM {table}))")
                conn.commit()
        t = time.perf_counter()
        events = community.build_events(rng, library.writer, now)
        programs = community.build_programs(rng, library.writer)
        db.session.commit()
        db.session.close()
        counts.update(events.pop("counts"), **programs["counts"])
        steps["events_and_programs"] = time.perf_counter() - t

        t = time.perf_counter()
        refresh_counts(set(topic_ids), set(competency_ids))
        # Category thread counts and practices' discussion counts through the discussions' own helper.
        refresh_discussion_counts(discussions["category_ids"], discussions["practice_ids"])
        db.session.commit()
        db.session.close()
        thread_stats_mismatches = check_thread_stats(discussions["sample_thread_ids"])
        if thread_stats_mismatches:
            click.echo(f"warning: stored counters differ from services.refresh_thread_stats on threads "
                       f"{thread_stats_mismatches}", err=True)
        if db.engine.dialect.name == "postgresql":
            vacuum_analyze(db.engine)
        steps["counts_and_finish"] = time.perf_counter() - t
        db.engine.dispose()
    seconds = time.perf_counter() - started
    published = spec.practices
    return {
        "spec": spec.fingerprint(),
        "database_url": masked(url),
        "built_at": now.isoformat(),
        "build_seconds": round(seconds, 1),
        "steps_seconds": {k: round(v, 1) for k, v in steps.items()},
        "counts": {**counts, "published_practices": published,
                   "draft_practices": round(published * DRAFT_SHARE),
                   "deleted_practices": round(published * DELETED_SHARE)},
        "body_html_matches_render_markdown": not mismatched,
        "post_html_matches_render_post": not posts_mismatched,
        "thread_stats_match_refresh_thread_stats": not thread_stats_mismatches,
        "discussions": {"thread_page_thread_id": discussions["target_thread_id"],
                        "replies_on_thread_page_thread": forum.TARGET_REPLIES},
        "events": events,
        "program_ids": programs["program_ids"],
        "bench_members": [bench_member_email(n) for n in range(1, BENCH_MEMBERS + 1)],
        "size_bytes": database_size(url),
    }


def _build_discussions(conn, tables, spec: BuildSpec, rng: random.Random, writer: Writer, users: list[dict],
                       orgs: list[dict], topic_ids: list[int], published: list, now: datetime) -> dict:
    """Categories, threads, replies (with helpful marks), follows, read marks and the moderation log."""
    from cop.discussions.models import ModerationAction

    board = forum.Forum(rng, writer, users, orgs, topic_ids, published, now)
    categories = board.categories()
    _insert(conn, tables["discussion_categories"], categories)
    counts = {"discussion_categories": len(categories)}
    board.plan(spec.threads, spec.replies)
    threads, info = board.thread_rows()
    _insert(conn, tables["threads"], threads, chunk=2000)
    conn.commit()
    counts["threads"] = len(threads)
    log = board.moderation_log(threads)
    total = len(board.reply_plan)
    counts.update(replies=0, reply_helpful_marks=0)
    starts = list(range(1, total + 1, REPLY_CHUNK))
    label = f"Building {spec.threads:,} threads, {total:,} replies"
    with click.progressbar(starts, label=label, show_pos=True,
                           item_show_func=lambda s: None if s is None else f"{min(total, s + REPLY_CHUNK - 1):,}") as bar:
        for start in bar:
            rows = board.reply_rows(start, min(start + REPLY_CHUNK, total + 1))
            marks = board.helpful_marks(rows)
            _insert(conn, tables["replies"], rows)
            _insert(conn, tables["reply_helpful_marks"], marks)
            counts["replies"] += len(rows)
            counts["reply_helpful_marks"] += len(marks)
            log += [{"action": "hide", "actor_id": forum.FACILITATOR_ID, "thread_id": r["thread_id"],
                     "reply_id": r["id"], "target_user_id": r["author_id"], "detail": "", "created_at": r["hidden_at"]}
                    for r in rows if r["hidden_at"]]
            conn.commit()
    follows, reads = board.follows_and_reads()
    _insert(conn, tables["discussion_follows"], follows)
    _insert(conn, tables["thread_reads"], reads)
    log.sort(key=lambda row: row["created_at"])
    for row in log:
        row["action"] = ModerationAction(row["action"])
    _insert(conn, tables["moderation_log"], log)
    conn.commit()
    counts.update(discussion_follows=len(follows), thread_reads=len(reads), moderation_log=len(log))
    sample = random.Random(spec.seed).sample([t["id"] for t in threads], min(40, len(threads)))
    target = board.target_thread_id()
    return {"counts": counts, "category_ids": [c["id"] for c in categories],
            "practice_ids": sorted({t["practice_id"] for t in threads if t["practice_id"]}),
            "target_thread_id": target, "sample_thread_ids": sample + ([target] if target else [])}


def check_thread_stats(thread_ids: list[int]) -> list[int]:
    """Threads whose stored reply_count, last_activity_at or last_poster_id differ from what
    cop.discussions.services.refresh_thread_stats computes (should be none). Needs an app context."""
    from cop.discussions.models import Thread
    from cop.discussions.services import refresh_thread_stats
    from cop.extensions import db

    bad = []
    for thread_id in thread_ids:
        thread = db.session.get(Thread, thread_id)
        stored = (thread.reply_count, thread.last_activity_at, thread.last_poster_id)
        refresh_thread_stats(thread)
        if (thread.reply_count, thread.last_activity_at, thread.last_poster_id) != stored:
            bad.append(thread_id)
    db.session.rollback()
    return bad


def warm_cache(url: str) -> None:
    """Settle a fresh build and read the SQLite file once, so runs do not measure the disk: right after a
    build the kernel is still writing hundreds of MiB back, and the first run came out 3x slower."""
    path = sqlite_path(url)
    if path is None:
        return
    os.sync()
    with path.open("rb") as handle:
        while handle.read(8 * 1024 * 1024):
            pass


def pick_practice(url: str) -> dict:
    """A published practice of about average length (not the bench member's), for the practice page."""
    engine = sa.create_engine(normalize_url(url))
    visible = "status = 'published' AND deleted_at IS NULL"
    try:
        with engine.connect() as conn:
            average = conn.scalar(sa.text(f"SELECT avg(length(body)) FROM practices WHERE {visible}"))
            row = conn.execute(sa.text(
                f"SELECT id, length(body) AS chars, length(body_html) AS html_chars FROM practices "
                f"WHERE {visible} ORDER BY abs(length(body) - :average), id LIMIT 1"),
                {"average": average}).one()
    finally:
        engine.dispose()
    return {"id": row.id, "body_chars": row.chars, "body_html_chars": row.html_chars}
