"""Flask extensions, created once and bound to an app in create_app()."""

import functools
import hashlib
from collections.abc import Sequence
from typing import Callable, NamedTuple

import sqlalchemy as sa
import sqlalchemy.orm  # noqa: F401  (sa.orm for the session listeners below)
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_sqlalchemy.session import Session
from flask_wtf.csrf import CSRFProtect

# Named constraints let Alembic's batch mode drop and recreate them on SQLite.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

# Instances read before the request made its session, by identity: they join it as it is made.
_WAITING_FOR_SESSION = "cop_waiting_for_session"


class RequestSession(Session):
    """A request's (or command's) session. Instances read without one (`joins_session`) join it as it is
    made, so they are persistent wherever code can tell."""

    def __init__(self, db, **kwargs):
        super().__init__(db, **kwargs)
        from flask import g, has_app_context

        if has_app_context():
            for instance in g.pop(_WAITING_FOR_SESSION, {}).values():
                self.add(instance)


db = SQLAlchemy(metadata=sa.MetaData(naming_convention=NAMING_CONVENTION),
                session_options={"class_": RequestSession})
migrate = Migrate(compare_type=True, render_as_batch=True)
login_manager = LoginManager()
csrf = CSRFProtect()
limiter = Limiter(key_func=get_remote_address, default_limits=[])


READ_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})

# Execution option for a write no cached page shows, or shows late (a view counter, a session token): it
# retires no cached page (see cop.cache.versions, which reads it).
CACHE_NEUTRAL = "cop_cache_neutral"


def init_limiter(app) -> None:
    """Rate limits are declared on the views they guard: form posts (sign-in, reset, posting) and the reads
    where abuse costs us (`limit_reads`). Storage and key prefix come from the RATELIMIT_* settings."""
    limiter.init_app(app)


@limiter.request_filter
def _read_without_limits() -> bool:
    """A read passes the limiter at once unless its view declared read limits: most pages are reads, and
    none of them need the limiter to resolve (and find no) limits for their route."""
    from flask import current_app, request

    if request.method not in READ_METHODS:
        return False
    view = current_app.view_functions.get(request.endpoint)
    return not getattr(view, "limits_reads", False)


def limit_reads(scope: str, member_setting: str, address_setting: str, free_when=None):
    """Decorate a view whose reads cost us (search, feeds): one limit per client address (the setting named
    `address_setting`) and one per member (`member_setting`), shared by every view with the same `scope`.
    A request for which `free_when()` is true costs nothing and counts against neither (the empty search form).

    The member is the signed-in one, or for a private feed URL the owner of its token (the token is the
    key: the view looks the member up). Past either limit the answer is 429 with Retry-After.
    """
    from flask import current_app, request
    from flask_login import current_user

    def member_key() -> str:
        if current_user.is_authenticated:
            return f"member:{current_user.id}"
        # A digest, so the shared storage never holds a private feed address.
        token = (request.view_args or {}).get("token", "")
        return "feed:" + hashlib.sha256(token.encode()).hexdigest()[:32]

    def free() -> bool:
        return free_when is not None and free_when()

    def anonymous_without_token() -> bool:
        return free() or (not current_user.is_authenticated and not (request.view_args or {}).get("token"))

    def decorate(view):
        view.limits_reads = True  # read by _read_without_limits; functools.wraps carries it to the wrappers
        view = limiter.shared_limit(lambda: current_app.config[member_setting], scope=f"{scope}-member",
                                    key_func=member_key, exempt_when=anonymous_without_token)(view)
        return limiter.shared_limit(lambda: current_app.config[address_setting], scope=f"{scope}-address",
                                    key_func=get_remote_address, exempt_when=free)(view)

    return decorate


DEFAULT_POST_LIMIT = "6 per minute;60 per hour"


def _post_limit() -> str:
    from flask import current_app

    return current_app.config.get("COP_POST_LIMIT", DEFAULT_POST_LIMIT)


def _member_key() -> str:
    from flask_login import current_user

    return f"member:{current_user.id}" if current_user.is_authenticated else get_remote_address()


# One budget per member for every way of posting (threads, replies, edits, flags, a program's peer
# questions); only posts that went through (a redirect) use it up.
post_limit = limiter.shared_limit(_post_limit, scope="discussion-posts", key_func=_member_key, methods=["POST"],
                                  deduct_when=lambda response: response.status_code in (302, 303))


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
    cached page (the member's row, a thread's state) that walk cost several times the query itself. A hot
    read asks SQLAlchemy's public compiler for the finished SQL once (`construct_expanded_state`, which also
    expands an `IN` list: once per list length) and keeps it with the parameters' bind processors and the
    columns' result processors (`TypeEngine.dialect_impl(...).result_processor`), so rows hold what
    `Connection.execute` would give (aware datetimes, booleans). Reads only: writes go through the session,
    where the content version and the search change log see them.

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
        self._plans: dict[tuple, _HotPlan] = {}

    def _plan(self, dialect, lengths: tuple, params: dict) -> "_HotPlan":
        compiled = self.statement.compile(dialect=dialect)
        if dialect.name == "sqlite" and " LIKE " in compiled.string:
            raise ValueError("A hot read with LIKE is re-prepared on every run on SQLite; compare a prefix "
                             "with substr instead.")
        if any(bind.literal_execute for bind in compiled.binds.values()):
            raise ValueError("A hot read cannot keep SQL that renders a parameter's value into it.")
        # The finished SQL for lists of these lengths; the values given here are only placeholders.
        state = compiled.construct_expanded_state(params)
        expansion = {name: list(state.parameter_expansion.get(name, ())) for name, _ in lengths}
        given = set(params) | {expanded for names in expansion.values() for expanded in names}
        # Literals in the statement (`id > 0`) became parameters of their own, with their values.
        fixed = {name: value for name, value in state.parameters.items() if name not in given}
        result_processors = [column.type.dialect_impl(dialect).result_processor(dialect, None)
                             for column in self.statement.selected_columns]
        plan = _HotPlan(state.statement, state.positiontup, expansion, fixed,
                        {name: process for name, process in state.processors.items() if process},
                        tuple((index, process) for index, process in enumerate(result_processors) if process))
        self._plans[(dialect.name, lengths)] = plan
        return plan

    def rows(self, params: dict) -> list[tuple]:
        driver = _hot_connection()
        dialect = db.engine.dialect
        lengths = tuple(sorted((name, len(value)) for name, value in params.items()
                               if isinstance(value, (list, tuple))))
        plan = self._plans.get((dialect.name, lengths)) or self._plan(dialect, lengths, params)
        values = dict(plan.fixed)
        for name, value in params.items():
            expanded = plan.expansion.get(name)
            if expanded is None:
                values[name] = value
            else:
                values.update(zip(expanded, value))
        for name, process in plan.bind_processors.items():
            if values.get(name) is not None:
                values[name] = process(values[name])
        # Positional drivers take a tuple in the statement's order; the others a dict by name.
        arguments = values if plan.order is None else tuple(values[name] for name in plan.order)
        for listener in hot_read_listeners:
            listener(plan.sql)
        cursor = driver.cursor()
        try:
            cursor.execute(plan.sql, arguments)
            fetched = cursor.fetchall()
        finally:
            cursor.close()
        converted = plan.converted
        if not converted:
            return fetched
        rows = []
        for row in fetched:
            row = list(row)
            for index, convert in converted:
                row[index] = convert(row[index])
            rows.append(tuple(row))
        return rows

    def first(self, params: dict) -> tuple | None:
        found = self.rows(params)
        return found[0] if found else None

    def mapping(self, params: dict) -> dict | None:
        row = self.first(params)
        return dict(zip(self.names, row)) if row is not None else None


def loaded_instance(model, values: dict, attach: bool = True):
    """A persistent `model` instance from a hot read's row (column attribute names to values), as the ORM's
    loader would give it but without its cost, which is more than the query's; the instance the session
    already holds, if it holds one.

    With `attach=False` the instance stays detached, and the request needs no session for it: for a row that
    is only read, never changed and never asked for a relationship it was not given (`joins_session` attaches
    it later, when the request makes a session)."""
    if attach:
        known = db.session.identity_map.get(db.session.identity_key(model, values["id"]))
        if known is not None:
            return known
    instance = sa.orm.attributes.manager_of_class(model).new_instance()
    instance.__dict__.update(values)
    sa.orm.make_transient_to_detached(instance)
    if attach:
        db.session.add(instance)
    return instance


# A view attribute: the view may be served without a database session (from hot reads and the page cache),
# so the signed-in member it loads joins the session only if the request makes one.
SESSION_ON_DEMAND = "cop_session_on_demand"


def joins_session(model, values: dict):
    """`loaded_instance`, attached at once if the request has made its session, else as soon as it makes
    one: a request answered from hot reads alone then pays for no session. Until then the instance gives
    its columns only; `open_session()` first where code may load through it."""
    if has_session():
        return loaded_instance(model, values)
    from flask import g

    instance = loaded_instance(model, values, attach=False)
    g.setdefault(_WAITING_FOR_SESSION, {})[(model, values["id"])] = instance
    return instance


def open_session() -> None:
    """Make the request's session now, if it has none: whatever waits for it (`joins_session`) joins it."""
    db.session()


@functools.cache
def column_attributes(model) -> tuple[tuple[str, str], ...]:
    """(attribute, column name) for each column of `model`: what a hot read's row fills. Worked out once per
    model, on first use (touching a mapper at import would configure every mapper before all models exist)."""
    return tuple((attr.key, attr.columns[0].name) for attr in model.__mapper__.column_attrs)


class _HotPlan(NamedTuple):
    """What a hot read keeps per dialect and list lengths: its SQL and how to fill in and read back values."""

    sql: str
    order: Sequence[str] | None  # parameter names in the statement's order, for positional drivers
    expansion: dict[str, list[str]]  # an IN list's name -> the names of its items
    fixed: dict
    bind_processors: dict
    converted: tuple[tuple[int, Callable], ...]  # (column index, result processor) for columns that need one


# Called with each hot read's SQL before it runs (statement counts in tests; SQLAlchemy's engine events
# do not see these statements).
hot_read_listeners: list = []

_HELD = "cop_hot_read_connection"


def has_session() -> bool:
    """Whether this request (or command) has made its database session yet: asking `db.session` for anything
    would make one, and a request whose reads are all hot needs none."""
    return db.session.registry.has()


def _hot_connection():
    """The driver connection a hot read runs on: the session's once it has begun, else one held for the
    request (PostgreSQL's in autocommit, as SQLite's always are here: BEGIN is ours to emit)."""
    from flask import g

    session = db.session() if has_session() else None
    if session is not None and session.info.get("connected"):
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
