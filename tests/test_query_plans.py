"""On PostgreSQL at bench scale, every list page reads through an index: the SQL the pages really run is
captured, explained, and no plan may scan a large table from end to end."""

import time
import uuid

import pytest
import sqlalchemy as sa

from config import TestConfig
from cop import create_app
from cop.auth.models import MemberStatus, Role
from cop.auth.services import create_member
from cop.extensions import db
from cop.orgs.models import INDUSTRIES, OrgKind
from cop.orgs.services import create_organization
from cop.practices.taxonomy import ensure_taxonomy
from tests.conftest import PASSWORD, PG_URL, FormClient, _psycopg_url, _upgrade

pytestmark = pytest.mark.skipif(not PG_URL, reason="query plans are checked on PostgreSQL: set COP_TEST_DATABASE_URL")

# A table with more rows than this may not be read whole by a list page. The members (about a thousand
# here) fit in a few dozen pages, and the planner rightly hashes them whole to join a page's authors rather
# than probe them one by one; the tables that grow with the community's writing are far past this.
LARGE_TABLE_ROWS = 1_500

# About the bench's library: 20,000 published practices (plus drafts and recently deleted ones),
# 10,000 threads with 100,000 replies, 1,000 members in 200 organizations, 2,000 events with RSVPs.
SCALE = """
INSERT INTO organizations (name, slug, kind, industry, region, website, description, created_at)
SELECT 'Scale Company ' || i, 'scale-company-' || i, 'member_company', :industry, '', '', '', now()
FROM generate_series(1, 200) AS i;

INSERT INTO users (email, name, title, bio, timezone, password_hash, organization_id, role, status,
                   session_token, join_note, created_at)
SELECT 'person' || i || '@scale.example', 'Person ' || lpad(i::text, 4, '0'), '', '', 'America/Chicago', '!',
       (SELECT min(id) FROM organizations) + i % 200, 'member',
       CASE WHEN i % 50 = 0 THEN 'pending' ELSE 'active' END, md5(i::text), '', now() - i * interval '1 hour'
FROM generate_series(1, 1000) AS i;

INSERT INTO practices (status, organization_id, author_id, created_at, updated_at, published_at, helpful_count,
                       view_count, discussion_count, revision_count, deleted_at, title, summary, body, body_html)
SELECT CASE WHEN i > 20000 AND i <= 20400 THEN 'draft' ELSE 'published' END,
       (SELECT min(id) FROM organizations) + i % 200, (SELECT min(id) FROM users) + i % 1000,
       now() - i * interval '1 hour', now() - i * interval '1 hour',
       CASE WHEN i > 20000 AND i <= 20400 THEN NULL ELSE now() - i * interval '1 hour' END,
       i % 37, i % 101, i % 7, 1, CASE WHEN i > 20400 THEN now() - interval '1 day' END,
       'Practice ' || i, repeat('A summary of the practice. ', 8), repeat('The body of the practice. ', 120),
       repeat('<p>The body of the practice.</p>', 120)
FROM generate_series(1, 20500) AS i;

INSERT INTO practice_topics (practice_id, topic_id)
SELECT p.id, t.id FROM practices p
JOIN (SELECT id, row_number() OVER (ORDER BY id) - 1 AS n, count(*) OVER () AS total FROM topics) t
  ON t.n = p.id % t.total OR t.n = (p.id / 7) % t.total;

INSERT INTO practice_competencies (practice_id, competency_id)
SELECT p.id, c.id FROM practices p
JOIN (SELECT id, row_number() OVER (ORDER BY id) - 1 AS n, count(*) OVER () AS total FROM competencies) c
  ON c.n = p.id % c.total;

INSERT INTO practice_facets (practice_id, facet, value)
SELECT id, 'industry', CASE WHEN id % 5 = 0 THEN :industry ELSE 'Other' END FROM practices;

INSERT INTO discussion_categories (fixed, topic_id, thread_count) VALUES ('general', NULL, 0), ('introductions', NULL, 0);
INSERT INTO discussion_categories (fixed, topic_id, thread_count) SELECT NULL, id, 0 FROM topics;

INSERT INTO threads (title, body, body_html, kind, category_id, practice_id, author_id, created_at, reply_count,
                     last_activity_at, answered_at, is_pinned, is_locked)
SELECT 'Thread ' || i, repeat('An opening post. ', 40), repeat('<p>An opening post.</p>', 40),
       CASE WHEN i % 3 = 0 THEN 'question' ELSE 'discussion' END,
       (SELECT min(id) FROM discussion_categories) + i % (SELECT count(*) FROM discussion_categories),
       CASE WHEN i % 4 = 0 THEN (SELECT min(id) FROM practices) + i END,
       (SELECT min(id) FROM users) + i % 1000, now() - i * interval '2 hours', 10, now() - i * interval '1 hour',
       CASE WHEN i % 6 = 0 THEN now() END, i % 1000 = 0, false
FROM generate_series(1, 10000) AS i;

INSERT INTO replies (thread_id, path, depth, author_id, body, body_html, created_at, is_answer, helpful_count)
SELECT (SELECT min(id) FROM threads) + i % 10000, lpad(i::text, 10, '0'), 0, (SELECT min(id) FROM users) + i % 997,
       repeat('A reply. ', 30), repeat('<p>A reply.</p>', 30), now() - i * interval '1 minute', false, 0
FROM generate_series(1, 100000) AS i;

INSERT INTO events (uid, sequence, kind, status, title, summary, description, description_html, host_org_id,
                    starts_at, ends_at, timezone, venue, address, what_you_will_see, access_requirements,
                    meeting_url, capacity, acknowledgements, going_count, waitlist_count, last_ticket, created_at,
                    updated_at, cancel_reason, feedback_anonymous, response, response_html, recap, recap_html,
                    takeaways_url)
SELECT md5('event' || i), 0, 'site_visit', 'scheduled', 'Event ' || i, 'A site visit.', 'What happens.',
       '<p>What happens.</p>', (SELECT min(id) FROM organizations) + i % 200,
       now() + (i - 1500) * interval '1 day', now() + (i - 1500) * interval '1 day' + interval '2 hours',
       'America/Chicago', '', '', '', '', '', 40, '', 20, 0, 20, now(), now(), '', false, '', '', '', '', ''
FROM generate_series(1, 2000) AS i;

INSERT INTO event_rsvps (event_id, user_id, organization_id, status, ticket, created_at, updated_at)
SELECT e.id, u.id, u.organization_id, 'going', row_number() OVER (PARTITION BY e.id ORDER BY u.id), now(), now()
FROM events e JOIN users u ON u.id % 50 = e.id % 50;

INSERT INTO notifications (user_id, kind, text, url, created_at, read_at)
SELECT (SELECT min(id) FROM users) + i % 1000, 'reply', 'Someone replied', '/discussions/1',
       now() - i * interval '1 minute', CASE WHEN i % 3 = 0 THEN NULL ELSE now() END
FROM generate_series(1, 50000) AS i;
"""

# The signed-in member's own threads, replies, notifications and RSVPs.
PERSONAL = [
    "UPDATE threads SET author_id = :user WHERE id % 100 = 0",
    "UPDATE replies SET author_id = :user WHERE id % 500 = 0",
    "INSERT INTO notifications (user_id, kind, text, url, created_at) "
    "SELECT :user, 'reply', 'Someone replied', '/discussions/1', now() - i * interval '1 minute' "
    "FROM generate_series(1, 100) AS i",
    "INSERT INTO event_rsvps (event_id, user_id, organization_id, status, ticket, created_at, updated_at) "
    "SELECT id, :user, :org, 'going', 1000, now(), now() FROM events WHERE id % 40 = 0",
]


def _build(app) -> dict:
    """Fill the database at scale, then add the member who signs in, with their own threads, RSVPs and
    notifications, so their personal lists have rows to find."""
    with app.app_context():
        ensure_taxonomy()
        db.session.commit()
        for statement in SCALE.split(";\n"):
            if statement.strip():
                db.session.execute(sa.text(statement), {"industry": INDUSTRIES[0]})
        db.session.commit()
        org = create_organization(name="Plan Company", kind=OrgKind.member_company, industry=INDUSTRIES[0])
        reader = create_member(name="Plan Reader", email="reader@plans.example", organization=org, role=Role.member,
                               password=PASSWORD)
        reader.status = MemberStatus.active
        db.session.commit()
        for statement in PERSONAL:
            db.session.execute(sa.text(statement), {"user": reader.id, "org": org.id})
        db.session.commit()
        ids = {
            "reader": reader.id,
            "org_slug": db.session.scalar(sa.text("SELECT slug FROM organizations ORDER BY id LIMIT 1")),
            "topic_slug": db.session.scalar(sa.text("SELECT slug FROM topics ORDER BY id LIMIT 1")),
            "competency_slug": db.session.scalar(sa.text("SELECT slug FROM competencies ORDER BY id LIMIT 1")),
            "thread": db.session.scalar(sa.text("SELECT min(id) + 17 FROM threads")),
            "event": db.session.scalar(sa.text("SELECT min(id) + 1600 FROM events")),
            "member": db.session.scalar(sa.text("SELECT min(id) + 7 FROM users")),
            "practice": db.session.scalar(sa.text("SELECT min(practice_id) FROM threads")),
        }
    with app.app_context(), db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        # Statistics as a running database has them (autovacuum); the visibility map lets counts read indexes.
        conn.execute(sa.text("VACUUM ANALYZE"))
    return ids


@pytest.fixture(scope="module")
def scale(tmp_path_factory):
    """An app on a schema of its own, built by the migrations and filled at bench scale."""
    tmp = tmp_path_factory.mktemp("plans")
    base = _psycopg_url(PG_URL)
    schema = f"cop_plans_{uuid.uuid4().hex[:10]}"
    admin = sa.create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
    url = f"{base}{'&' if '?' in base else '?'}options=-csearch_path%3D{schema}"
    try:
        _upgrade(url, tmp)
        app = create_app(TestConfig, SQLALCHEMY_DATABASE_URI=url, MAIL_DIR=str(tmp / "mail"),
                         COP_UPLOAD_DIR=str(tmp / "uploads"), COP_INDEX_DIR=str(tmp / "index"),
                         COP_FRAGMENT_CACHE=False)
        app.test_client_class = FormClient
        started = time.monotonic()
        ids = _build(app)
        print(f"built the scale database in {time.monotonic() - started:.1f} s")
        yield app, ids
        with app.app_context():
            db.engine.dispose()
    finally:
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


def _pages(ids: dict) -> dict[str, str]:
    """Every list a member opens, by name: home, the library with each sort and filter, topics, discussions,
    events, people, organizations and notifications."""
    library = "/practices/"
    return {
        "home": "/",
        "library, newest": library,
        "library, most helpful": f"{library}?sort=helpful",
        "library, most discussed": f"{library}?sort=discussed",
        "library, page 40": f"{library}?page=40",
        "library, by topic": f"{library}?topic={ids['topic_slug']}",
        "library, by competency": f"{library}?competency={ids['competency_slug']}",
        "library, by organization": f"{library}?organization={ids['org_slug']}",
        "library, by industry": f"{library}?industry={INDUSTRIES[0]}",
        "library, by tag": f"{library}?tag=mentoring",
        "library, topic and most helpful": f"{library}?topic={ids['topic_slug']}&sort=helpful",
        "topic page": f"/practices/topics/{ids['topic_slug']}",
        "competency page": f"/competencies/{ids['competency_slug']}",
        "my practices": "/practices/mine",
        "discussions": "/discussions/",
        "discussions, new": "/discussions/?show=new",
        "discussions, unanswered": "/discussions/?show=unanswered",
        "discussions, mine": "/discussions/?show=mine",
        "discussions, following": "/discussions/?show=following",
        "discussion category": "/discussions/c/general",
        "discussion category, unanswered": "/discussions/c/general?show=unanswered",
        "discussions of a practice": f"/discussions/?practice={ids['practice']}",
        "thread page": f"/discussions/{ids['thread']}",
        "events": "/events/",
        "past events": "/events/past",
        "calendar": "/events/calendar",
        "my events": "/events/mine",
        "event page": f"/events/{ids['event']}",
        "members directory": "/members/",
        "member profile": f"/members/{ids['member']}",
        "organizations": "/orgs/",
        "organization page": f"/orgs/{ids['org_slug']}",
        "notifications": "/notifications/",
        "notifications, unread": "/notifications/?show=unread",
    }


def _capture(app, ids) -> list[tuple[str, str, object]]:
    """The SELECTs each page runs, with their parameters, as the driver received them."""
    statements: list[tuple[str, str, object]] = []
    page_name = [""]

    def before_cursor_execute(conn, cursor, statement, parameters, context, executemany):
        if not executemany and statement.lstrip().upper().startswith(("SELECT", "WITH")):
            statements.append((page_name[0], statement, parameters))

    with app.app_context():
        engine = db.engine
    client = app.test_client()
    response = client.post_form("/auth/signin", {"email": "reader@plans.example", "password": PASSWORD})
    assert response.status_code == 302
    sa.event.listen(engine, "before_cursor_execute", before_cursor_execute)
    try:
        for name, url in _pages(ids).items():
            page_name[0] = name
            response = client.get(url)
            assert response.status_code == 200, f"{name} ({url}) answered {response.status_code}"
    finally:
        sa.event.remove(engine, "before_cursor_execute", before_cursor_execute)
    return statements


def _nodes(plan: dict):
    yield plan
    for child in plan.get("Plans", []):
        yield from _nodes(child)


def test_list_pages_read_large_tables_through_indexes(scale):
    app, ids = scale
    statements = _capture(app, ids)
    assert len({page for page, _, _ in statements}) == len(_pages(ids)), "every page ran SQL"
    problems = []
    with app.app_context(), db.engine.connect() as conn:
        rows = dict(conn.execute(sa.text(
            "SELECT relname, reltuples FROM pg_class WHERE relkind = 'r' "
            "AND relnamespace = to_regnamespace(current_schema())")).all())
        seen = set()
        for page, statement, parameters in statements:
            key = (statement, repr(parameters))
            if key in seen:
                continue
            seen.add(key)
            plan = conn.exec_driver_sql("EXPLAIN (FORMAT JSON) " + statement, parameters).scalar()[0]["Plan"]
            for node in _nodes(plan):
                table = node.get("Relation Name")
                if node["Node Type"] == "Seq Scan" and rows.get(table, 0) > LARGE_TABLE_ROWS:
                    problems.append(f"{page}: Seq Scan on {table} ({rows[table]:.0f} rows) in\n    "
                                    + " ".join(statement.split())[:600])
    assert not problems, "list queries that scan a large table:\n" + "\n".join(problems)
