"""Which commits move the content version on.

Every INSERT, UPDATE and DELETE that reaches the database is seen at the connection, whoever issued it
(ORM flushes, Core statements in services, CLI commands, SQL sent as text), so no feature has to
remember to invalidate anything. The bump is the last statement before the commit: on PostgreSQL the version row's lock is then
held only for the commit itself and cannot take part in a deadlock.
"""

import re

import sqlalchemy as sa

from cop.extensions import CACHE_NEUTRAL, db

CHANGED = "cop_content_changed"
NEUTRAL = CACHE_NEUTRAL

# Tables whose writes never change a cached fragment: bookkeeping, mail, per-member state that pages fill
# in per request (notification and message counts, read marks), private messages and their files, which no
# cached page shows, the record of e-mails taken in, API tokens and webhooks.
IGNORED_TABLES = frozenset({
    "content_version", "search_changes", "search_indexes", "outbox_messages", "notifications",
    "notification_settings", "thread_reads", "alembic_version", "conversations", "conversation_members", "messages",
    "message_blocks", "message_reports", "message_attachments", "inbound_messages", "api_tokens",
    "webhook_endpoints", "webhook_deliveries",
})

_BUMP = sa.text("UPDATE content_version SET value = value + 1 WHERE id = 1")
_FIRST = sa.text("INSERT INTO content_version (id, value) VALUES (1, 1)")
_READ = sa.text("SELECT value FROM content_version WHERE id = 1")


def _written_table(context) -> str | None:
    """The table a statement writes, "?" for a write whose table cannot be told, None for a read."""
    compiled = getattr(context, "compiled", None)
    if compiled is None or isinstance(compiled.statement, sa.TextClause):
        return _textual_written_table(context.statement)
    if not (context.isinsert or context.isupdate or context.isdelete):
        return None
    table = getattr(compiled.statement, "table", None)
    return getattr(table, "name", None) or "?"


# SQL sent as text (`sa.text`, `exec_driver_sql`) has no compiled table, so it is read here. The rule fails
# closed: only a statement that opens with a reading word is a read, and a write counts as touching an
# ignored table only when it is one statement whose target is named plainly.
_READING_WORDS = frozenset({"SELECT", "SHOW", "PRAGMA", "VALUES", "BEGIN", "START", "COMMIT", "END", "ROLLBACK",
                            "SAVEPOINT", "RELEASE", "SET", "RESET"})
_WRITING_WORDS = frozenset({"INSERT", "UPDATE", "DELETE", "MERGE", "REPLACE", "UPSERT", "TRUNCATE", "COPY"})
# Comments and quoted strings go first (a word inside them says nothing); then words, quoted names, and
# single punctuation marks.
_NOISE = re.compile(r"--[^\n]*|/\*.*?\*/|'(?:[^']|'')*'|\$\$.*?\$\$", re.S)
_TOKEN = re.compile(r'"(?:[^"]|"")*"|`[^`]*`|\[[^\]]*\]|[\w$]+|\S')


def _textual_written_table(statement: str) -> str | None:
    tokens = _TOKEN.findall(_NOISE.sub(" ", statement or ""))
    words = [token.upper() for token in tokens]
    if not words:
        return None
    if ";" in words[:-1]:  # several statements at once: what each does is not told here
        return "?"
    while words[0] == "(" and len(words) > 1:  # (SELECT ...) UNION ...
        words, tokens = words[1:], tokens[1:]
    first = words[0]
    if first in _READING_WORDS:
        return None
    if first in ("WITH", "EXPLAIN"):
        # A data-modifying WITH (PostgreSQL) or EXPLAIN ANALYZE runs the write inside it.
        writes = any(word in _WRITING_WORDS and words[i - 1] not in ("FOR", "KEY")
                     and words[i + 1:i + 2] != ["("] for i, word in enumerate(words[1:], 1))
        return "?" if writes else None
    target = {"INSERT": ("INTO",), "REPLACE": ("INTO",), "MERGE": ("INTO",), "DELETE": ("FROM",),
              "UPDATE": ()}.get(first)
    if target is None:
        return "?"  # schema changes, TRUNCATE, COPY, procedure calls, anything unknown
    rest = tokens[1:]
    if first in ("INSERT", "UPDATE") and words[1:2] == ["OR"]:  # SQLite's INSERT OR REPLACE, UPDATE OR IGNORE
        rest = rest[2:]
    for word in target:
        if not rest or rest[0].upper() != word:
            return "?"
        rest = rest[1:]
    if rest and rest[0].upper() == "ONLY":
        rest = rest[1:]
    name = rest[:3]
    if len(name) == 3 and name[1] == ".":  # schema.table
        name = name[2:]
    return _unquoted(name[0]) if name else "?"


def _unquoted(name: str) -> str:
    if name[:1] in ('"', "`", "["):
        return name[1:-1].replace('""', '"')
    return name.lower()


def watch(engine) -> None:
    """Note content writes on each connection; forget them when its transaction ends."""
    if sa.event.contains(engine, "after_cursor_execute", _note_write):
        return
    sa.event.listen(engine, "after_cursor_execute", _note_write)
    sa.event.listen(engine, "commit", _forget)
    sa.event.listen(engine, "rollback", _forget)


def _note_write(conn, cursor, statement, parameters, context, executemany):
    table = _written_table(context)
    if table is not None and table not in IGNORED_TABLES and not context.execution_options.get(NEUTRAL):
        conn.info[CHANGED] = True


def _forget(conn):
    conn.info.pop(CHANGED, None)


@sa.event.listens_for(sa.orm.Session, "after_begin")
def _remember_connection(session, transaction, connection):
    session.info.setdefault("cop_connections", []).append(connection)


@sa.event.listens_for(sa.orm.Session, "before_commit")
def _bump_before_commit(session):
    connections = session.info.get("cop_connections")
    if not connections:
        return
    session.flush()  # before_commit runs ahead of the commit's own flush; see its writes too
    for connection in connections:
        if not connection.closed and connection.info.get(CHANGED):
            if connection.execute(_BUMP).rowcount == 0:  # a database set up without the migration's row
                connection.execute(_FIRST)
            connection.info.pop(CHANGED, None)


@sa.event.listens_for(sa.orm.Session, "after_transaction_end")
def _forget_connections(session, transaction):
    if transaction.parent is None:
        session.info.pop("cop_connections", None)


def version_column(user_id_column):
    """The version as a column of the signed-in member's row (read with it, in one statement)."""
    from cop.cache.models import ContentVersion

    return sa.select(ContentVersion.value).where(ContentVersion.id == 1).scalar_subquery()


def current() -> int:
    """The content version as this transaction sees it (0 before the first change)."""
    return db.session.connection().execute(_READ).scalar() or 0
