"""Which commits move the content version on.

Every INSERT, UPDATE and DELETE that reaches the database is seen at the connection, whoever issued it
(ORM flushes, Core statements in services, CLI commands), so no feature has to remember to invalidate
anything. The bump is the last statement before the commit: on PostgreSQL the version row's lock is then
held only for the commit itself and cannot take part in a deadlock.
"""

import sqlalchemy as sa

from cop.extensions import db

CHANGED = "cop_content_changed"
# Execution option for writes that pages may show late (a view counter): they do not invalidate caches.
NEUTRAL = "cop_cache_neutral"

# Tables whose writes never change a cached fragment: bookkeeping, mail, and per-member state that pages
# fill in per request (notification counts, read marks).
IGNORED_TABLES = frozenset({
    "content_version", "search_changes", "outbox_messages", "notifications", "notification_settings",
    "thread_reads", "alembic_version",
})

_BUMP = sa.text("UPDATE content_version SET value = value + 1 WHERE id = 1")
_FIRST = sa.text("INSERT INTO content_version (id, value) VALUES (1, 1)")
_READ = sa.text("SELECT value FROM content_version WHERE id = 1")


def _written_table(context) -> str | None:
    compiled = getattr(context, "compiled", None)
    if compiled is None or not (context.isinsert or context.isupdate or context.isdelete):
        return None
    table = getattr(compiled.statement, "table", None)
    return getattr(table, "name", None) or "?"


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
