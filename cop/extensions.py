"""Flask extensions, created once and bound to an app in create_app()."""

import sqlalchemy as sa
import sqlalchemy.orm  # noqa: F401  (sa.orm for the session listeners below)
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf.csrf import CSRFProtect

# Named constraints let Alembic's batch mode drop and recreate them on SQLite.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

db = SQLAlchemy(metadata=sa.MetaData(naming_convention=NAMING_CONVENTION))
migrate = Migrate(compare_type=True, render_as_batch=True)
login_manager = LoginManager()
csrf = CSRFProtect()
limiter = Limiter(key_func=get_remote_address, default_limits=[])


def init_limiter(app) -> None:
    """Every limit is on a form post (sign-in, reset, posting): reading pages skip the limiter's check,
    which otherwise resolves the route's limits on every request to find none."""
    from flask import request

    limiter.init_app(app)
    check = limiter._check_request_limit
    hooks = app.before_request_funcs.setdefault(None, [])

    def check_writes():
        if request.method not in ("GET", "HEAD", "OPTIONS"):
            return check()
        return None

    hooks[:] = [check_writes if hook == check else hook for hook in hooks]


def utcnow():
    """The current time, timezone-aware in UTC (what every timestamp column stores)."""
    from datetime import datetime, timezone

    return datetime.now(timezone.utc)


class UTCDateTime(sa.types.TypeDecorator):
    """A DATETIME that stores UTC and always gives back aware datetimes, on SQLite as on PostgreSQL."""

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        from datetime import timezone

        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        value = value.astimezone(timezone.utc)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value, dialect):
        from datetime import timezone

        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=timezone.utc)
        return value.astimezone(timezone.utc)


def enum_column(enum_class, **kwargs):
    """An enum stored as its string value in a VARCHAR, portable across databases and migrations."""
    return sa.Enum(
        enum_class,
        native_enum=False,
        create_constraint=False,
        length=32,
        values_callable=lambda members: [member.value for member in members],
        **kwargs,
    )


def configure_sqlite(engine) -> None:
    """SQLite as a real multi-user database: WAL (readers never block the writer), foreign keys,
    a busy timeout, and transactions that begin explicitly, IMMEDIATE wherever they may write."""

    @sa.event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, record):
        dbapi_connection.isolation_level = None  # we emit BEGIN ourselves, below
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @sa.event.listens_for(engine, "begin")
    def _on_begin(connection):
        # Straight on the driver's connection: this runs once per request, and nothing needs to see it.
        begin = connection.get_execution_options().get("sqlite_begin") or _default_begin()
        connection.connection.driver_connection.execute(begin)


def _default_begin() -> str:
    """Reading pages begin plain (deferred) transactions; everything else (form posts, CLI commands, work
    after a response) begins IMMEDIATE, so on SQLite concurrent writers queue behind the busy timeout
    instead of failing with "database is locked" when one read before writing."""
    from flask import has_request_context, request

    if has_request_context() and request.method in ("GET", "HEAD", "OPTIONS"):
        return "BEGIN"
    return "BEGIN IMMEDIATE"


def begin_write() -> None:
    """Start the current unit of work as a serialized write, before it reads what it will change
    (for writes in a reading request; posts and commands begin that way already).

    On SQLite a transaction that read first and writes later fails at once when another writer got
    there first; BEGIN IMMEDIATE makes concurrent writers queue instead. PostgreSQL needs nothing here:
    services lock the rows they change with SELECT ... FOR UPDATE.
    """
    if db.engine.dialect.name != "sqlite":
        return
    if db.session.new or db.session.dirty or db.session.deleted or db.session.info.get("flushed_writes"):
        raise RuntimeError("begin_write() must come before any change in the unit of work")
    db.session.rollback()  # only ends the read transaction; nothing was changed
    db.session.connection(execution_options={"sqlite_begin": "BEGIN IMMEDIATE"})


def begin_read() -> None:
    """Start the current unit of work as a plain read on SQLite (long reads outside a page request,
    such as indexing, should not hold the write lock)."""
    if db.engine.dialect.name == "sqlite" and not db.session().in_transaction():
        db.session.connection(execution_options={"sqlite_begin": "BEGIN"})


@sa.event.listens_for(sa.orm.Session, "after_flush")
def _note_flushed_writes(session, flush_context):
    # begin_write() rolls back the transaction it replaces; refuse if that would drop flushed work.
    session.info["flushed_writes"] = True


@sa.event.listens_for(sa.orm.Session, "after_begin")
def _note_connected(session, transaction, connection):
    # From here on hot reads run in the session's transaction, so they see what it has changed.
    session.info["connected"] = True
    release_hot_connection()


@sa.event.listens_for(sa.orm.Session, "after_transaction_end")
def _forget_flushed_writes(session, transaction):
    if transaction.parent is None:
        session.info.pop("flushed_writes", None)
        session.info.pop("connected", None)


class HotRead:
    """A read statement that every cached page runs, compiled once per dialect and run straight on the
    driver's cursor.

    SQLAlchemy walks a statement to build its cache key on every execution; for the statements behind a
    cached page (the member's row, a thread's state) that walk cost several times the query itself. Values
    come back through the column types' own result processors, so rows hold what `Connection.execute` would
    give (aware datetimes, booleans). Reads only: writes go through the session, where the content version
    and the search change log see them. An expanding parameter (`IN`) is compiled once per list length.

    Inside a unit of work that has begun, a hot read runs in its transaction and sees its changes. Before
    that (a cached page that needs nothing else), it runs on its own on a pooled connection held for the
    request, with no transaction to begin and end: the session's begin and close cost a cached thread page
    more than its SQL. Each such read sees what is committed when it runs; a page cached at a content
    version read that way is never older than that version, so nothing stale is kept.

    No LIKE: SQLite re-prepares a statement on every run when a LIKE pattern is a parameter (compare a
    prefix with `substr` instead).
    """

    def __init__(self, statement: sa.Select):
        self.statement = statement
        self.names = [column.key for column in statement.selected_columns]
        self._plans: dict[tuple, tuple] = {}

    def _plan(self, dialect, lengths: dict[str, int]) -> tuple:
        key = (dialect.name, tuple(sorted(lengths.items())))
        plan = self._plans.get(key)
        if plan is None:
            compiled = self.statement.compile(dialect=dialect)
            expanding = {name for name, bind in compiled.binds.items() if bind.expanding}
            sql = compiled.string
            if dialect.name == "sqlite" and " LIKE " in sql:
                raise ValueError("A hot read with LIKE is re-prepared on every run on SQLite; compare a prefix "
                                 "with substr instead.")
            for name in expanding:
                if dialect.positional:
                    marks = ["?" if dialect.paramstyle == "qmark" else "%s"] * lengths[name]
                else:
                    marks = [f"%({name}_{i})s" for i in range(lengths[name])]
                sql = sql.replace(f"__[POSTCOMPILE_{name}]", ", ".join(marks))
            # Positional drivers take a tuple in the statement's order; the others a dict by name.
            order = None
            if dialect.positional:
                order = [(name, i if name in expanding else None)
                         for name in compiled.positiontup for i in range(lengths.get(name, 1))]
            processors = [column.type._cached_result_processor(dialect, None)
                          for column in self.statement.selected_columns]
            # Literals in the statement (`id == 1`) became parameters of their own, with their values.
            fixed = {name: value for name, value in compiled.params.items()
                     if name not in expanding and compiled.binds[name].value is not None}
            plan = self._plans[key] = (sql, order, processors, fixed)
        return plan

    def rows(self, params: dict) -> list[tuple]:
        driver = _hot_connection()
        lengths = {name: len(value) for name, value in params.items() if isinstance(value, (list, tuple))}
        sql, order, processors, fixed = self._plan(db.engine.dialect, lengths)
        if fixed:
            params = {**fixed, **params}
        if order is not None:
            arguments = tuple(params[name] if i is None else params[name][i] for name, i in order)
        else:
            arguments = {}
            for name, value in params.items():
                if name in lengths:
                    arguments.update({f"{name}_{i}": item for i, item in enumerate(value)})
                else:
                    arguments[name] = value
        for listener in hot_read_listeners:
            listener(sql)
        cursor = driver.cursor()
        try:
            cursor.execute(sql, arguments)
            fetched = cursor.fetchall()
        finally:
            cursor.close()
        return [tuple(convert(value) if convert else value for convert, value in zip(processors, row))
                for row in fetched]

    def first(self, params: dict) -> tuple | None:
        found = self.rows(params)
        return found[0] if found else None

    def mapping(self, params: dict) -> dict | None:
        row = self.first(params)
        return dict(zip(self.names, row)) if row is not None else None


# Called with each hot read's SQL before it runs (statement counts in tests; SQLAlchemy's engine events
# do not see these statements).
hot_read_listeners: list = []

_HELD = "cop_hot_read_connection"


def _hot_connection():
    """The driver connection a hot read runs on: the session's once it has begun, else one held for the
    request (PostgreSQL's in autocommit, as SQLite's always are here: BEGIN is ours to emit)."""
    from flask import g

    session = db.session()
    if session.info.get("connected"):
        return session.connection().connection.dbapi_connection
    held = g.get(_HELD)
    if held is None:
        held = db.engine.raw_connection()
        if db.engine.dialect.name != "sqlite":
            held.dbapi_connection.autocommit = True
        setattr(g, _HELD, held)
    return held.dbapi_connection


def release_hot_connection(exception=None) -> None:
    """Give the held connection back to the pool as it was (at teardown, or once the session begins)."""
    from flask import g, has_app_context

    held = g.pop(_HELD, None) if has_app_context() else None
    if held is None:
        return
    try:
        if db.engine.dialect.name != "sqlite":
            held.dbapi_connection.autocommit = False
    except Exception:
        held.invalidate()  # one that cannot be put back as it was is not put back
    finally:
        held.close()
