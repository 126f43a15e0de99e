"""The Whoosh index: schema, one reused searcher per worker, catching up with the change log,
rebuilding into a fresh folder, and queries that never fail.

Whoosh is used only in this module and its package, so the engine stays replaceable.
"""

import copy
import fcntl
import json
import logging
import os
import re
import shutil
import socket
import threading
import time
import unicodedata
import uuid
from collections import Counter
from contextlib import contextmanager
from datetime import timedelta
from dataclasses import dataclass, field
from itertools import chain, filterfalse, islice
from pathlib import Path

import sqlalchemy as sa
from whoosh import highlight, index, qparser, query, sorting
from whoosh.analysis import StemmingAnalyzer, StandardAnalyzer
from whoosh.collectors import FilterCollector, TimeLimit, TimeLimitCollector
from whoosh.fields import ID, KEYWORD, NUMERIC, TEXT, Schema
from whoosh.index import LockError
from whoosh.reading import ReaderClosed, SegmentReader, TermNotFound

from cop.extensions import begin_read, db, utcnow
from cop.search import matching
from cop.search.documents import KINDS
from cop.search.models import SearchChange, SearchIndex

log = logging.getLogger(__name__)

MAX_QUERY_CHARS = 200
MAX_TERMS = 24
SEARCH_SECONDS = 1.5
SNIPPET_WINDOW = 3000  # characters highlighted, from just before the first matching word
GAP_SECONDS = 600  # how long a missing change-log id may still turn up (a transaction in flight)
CURRENT_FILE = "CURRENT"
POSITION_FILE = "position.json"
REBUILD_LOCK_FILE = "REBUILD.lock"
RETRY_AFTER_SECONDS = 60  # how long a damaged index answers "being rebuilt" before a failed rebuild is tried again
CATCH_UP_FILE = "CATCHUP.json"  # progress of this node's catch-up, for every worker's search page
REQUEST_REPLAY = 200  # a search applies at most this many log ids itself; more are caught up in the background
REPORT_SECONDS = 30  # how often each process tells the database how far its index has got

STEM = StemmingAnalyzer()


def make_schema() -> Schema:
    return Schema(
        uid=ID(unique=True, stored=True),
        kind=ID(stored=True),
        obj_id=NUMERIC(int, stored=True),
        title=TEXT(analyzer=STEM, field_boost=3.0, stored=True),
        title_words=TEXT(analyzer=StandardAnalyzer(stoplist=None)),
        content=TEXT(analyzer=STEM, spelling=True),
        topic=TEXT(analyzer=STEM),
        tag=KEYWORD(commas=True, lowercase=True),
        competency=TEXT(analyzer=STEM),
        organization=TEXT(analyzer=STEM, field_boost=1.5),
        author=TEXT(analyzer=STEM),
        industry=TEXT(analyzer=STEM),
        program=TEXT(analyzer=STEM),
        f_topic=KEYWORD(commas=True),
        f_industry=KEYWORD(commas=True),
        f_program=KEYWORD(commas=True),
        f_org=ID,
        # Dates as whole days (YYYYMMDD): range queries over second-resolution datetimes are slow.
        day=NUMERIC(int, sortable=True),
        stamp=NUMERIC(int, sortable=True),
    )


SEARCH_FIELDS = ["title", "content", "topic", "tag", "competency", "organization", "author", "industry", "program"]
FIELD_ALIASES = {"topic": ["topics"], "tag": ["tags"], "organization": ["org", "company"], "author": ["by"],
                 "industry": ["industries"], "program": ["programs", "program_type"], "competency": ["competencies"]}
FACETS = {"kind": "kind", "topic": "f_topic", "industry": "f_industry", "program_type": "f_program",
          "organization": "f_org"}


# Where the index lives: COP_INDEX_DIR/CURRENT names the active build folder, so a rebuild
# happens beside it and is swapped in with one atomic rename.

def _root(app) -> Path:
    return Path(app.config["COP_INDEX_DIR"])


def current_dir(app) -> Path | None:
    """The folder CURRENT names, if it exists. Whether it holds a readable index is for the reader to
    find out: a damaged one is rebuilt from the database (see `heal`), not replaced by an empty one."""
    pointer = _root(app) / CURRENT_FILE
    try:
        name = pointer.read_text().strip()
    except FileNotFoundError:
        return None
    folder = _root(app) / name
    return folder if name and folder.is_dir() else None


def _create_build_dir(app) -> Path:
    root = _root(app)
    root.mkdir(parents=True, exist_ok=True)
    folder = root / f"build-{utcnow():%Y%m%dT%H%M%S}-{uuid.uuid4().hex[:8]}"
    folder.mkdir()
    index.create_in(folder, make_schema())
    return folder


def _swap_in(app, folder: Path) -> None:
    root = _root(app)
    temp = root / f"{CURRENT_FILE}.{uuid.uuid4().hex}.tmp"
    temp.write_text(folder.name)
    os.replace(temp, root / CURRENT_FILE)
    for old in root.glob("build-*"):
        if old != folder and old.is_dir():
            shutil.rmtree(old, ignore_errors=True)


def ensure_index(app) -> Path:
    """The active index folder; the first caller anywhere creates it empty, at position 0 of the log."""
    folder = current_dir(app)
    if folder is not None:
        return folder
    _root(app).mkdir(parents=True, exist_ok=True)
    initial = _root(app) / "build-initial"
    try:
        initial.mkdir()  # atomic: exactly one thread or process wins and creates the index
    except FileExistsError:
        for _ in range(200):
            if (folder := current_dir(app)) is not None:
                return folder
            time.sleep(0.05)
        raise
    index.create_in(initial, make_schema())
    _write_position(initial, {"position": 0, "gaps": {}})
    _swap_in(app, initial)
    return initial


def _read_position(folder: Path) -> dict:
    try:
        return json.loads((folder / POSITION_FILE).read_text())
    except (FileNotFoundError, ValueError):
        return {"position": 0, "gaps": {}}


def _write_position(folder: Path, data: dict) -> None:
    # Another writer may finish between our commit and this write; its temp file must not collide with
    # ours, and an older position written last only means some changes are applied twice (harmless).
    temp = folder / f"{POSITION_FILE}.{uuid.uuid4().hex}.tmp"
    temp.write_text(json.dumps(data))
    os.replace(temp, folder / POSITION_FILE)


def _retrying(action):
    """Run a read of the index's table of contents again if a writer replaced it meanwhile: a commit
    deletes the previous generation's files, which another thread may have been about to open."""
    for attempt in range(20):
        try:
            return action()
        except FileNotFoundError:
            if attempt == 19:
                raise
            time.sleep(0.02)


def _open(folder: Path):
    return _retrying(lambda: index.open_dir(folder))


# A damaged index: truncated or deleted segment files, a missing or garbled table of contents. Each process
# that finds one logs it once, answers "being rebuilt" (IndexRebuilding) meanwhile, and starts a rebuild
# from the database in the background unless another process is already at it.

class IndexRebuilding(Exception):
    """The index on disk is damaged and is being rebuilt from the database: try again in a minute."""


_damage: dict[str, tuple[Path, float, threading.Thread | None]] = {}  # root -> (folder, found at, rebuild)
_damage_lock = threading.Lock()


def check_index(folder: Path) -> None:
    """Raise if the index in `folder` cannot be read: its table of contents, every segment's files and
    the stored fields at both ends of each segment. (Whoosh's reader() itself tries again for half a
    second when a writer replaces the generation meanwhile.)"""
    with index.open_dir(folder).reader() as reader:
        for leaf, _ in reader.leaf_readers():
            count = leaf.doc_count_all()
            for docnum in {0, count - 1} if count else ():
                leaf.stored_fields(docnum)


def _refuse_if_known_damaged(app, folder: Path) -> None:
    """Answer IndexRebuilding at once while this process knows `folder` is damaged and being rebuilt; a
    rebuild that failed is tried again (and the damage logged again) after RETRY_AFTER_SECONDS."""
    key = str(_root(app))
    with _damage_lock:
        known = _damage.get(key)
        if known is None:
            return
        damaged, found_at, rebuilding = known
        if damaged != folder:  # rebuilt and swapped in since
            del _damage[key]
            return
        if (rebuilding is not None and rebuilding.is_alive()) or time.monotonic() - found_at < RETRY_AFTER_SECONDS:
            raise IndexRebuilding
        del _damage[key]


def _raise_if_damaged(app, folder: Path, error: BaseException) -> None:
    """After `error` while using the index in `folder`: if the index is damaged, log it once, start a
    rebuild in the background and raise IndexRebuilding; otherwise return, and the caller re-raises."""
    if isinstance(error, IndexRebuilding):
        raise error
    try:
        check_index(folder)
    except Exception as damage:  # noqa: BLE001  whatever the damage makes Whoosh raise
        key = str(_root(app))
        with _damage_lock:
            if key in _damage and _damage[key][0] == folder:
                raise IndexRebuilding from error  # another thread found it first and logged it
            _damage[key] = (folder, time.monotonic(), None)
        log.error("The search index in %s is damaged (%s: %s); rebuilding it from the database in the background",
                  folder, type(damage).__name__, damage)
        real_app = app._get_current_object() if hasattr(app, "_get_current_object") else app  # current_app
        rebuilding = threading.Thread(target=_heal_in_background, args=(real_app, folder), name="search-heal",
                                      daemon=True)
        with _damage_lock:
            _damage[key] = (folder, time.monotonic(), rebuilding)
        rebuilding.start()
        raise IndexRebuilding from error


def _heal_in_background(app, folder: Path) -> None:
    with app.app_context():
        try:
            report = heal(app, folder)
            if report is not None:
                log.warning("Rebuilt the damaged search index: %s document(s) in %.1f s",
                            sum(report["documents"].values()), report["seconds"])
        except Exception:  # the next search after RETRY_AFTER_SECONDS tries again
            log.exception("Rebuilding the damaged search index failed")
        finally:
            db.session.remove()


@contextmanager
def _rebuild_lock(app, wait: bool):
    """One rebuild at a time across processes (a swap deletes every other build folder). Yields whether
    the lock is held; the operating system releases it if the process dies."""
    _root(app).mkdir(parents=True, exist_ok=True)
    with open(_root(app) / REBUILD_LOCK_FILE, "a") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | (0 if wait else fcntl.LOCK_NB))
        except BlockingIOError:
            yield False
            return
        try:
            yield True
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


# Writing

# A change-log entry of this kind asks every index to be built afresh after its next sync (see compact_later).
COMPACT = "compact"


def compact_later(reason_id: int = 0) -> None:
    """Ask every index to drop all it still holds of replaced or deleted documents, by rebuilding after its
    next sync (after an account is erased): written to the change log in the caller's transaction, like
    any change, so every machine's index does it."""
    db.session.add(SearchChange(kind=COMPACT, object_id=reason_id))
    db.session.info["search_dirty"] = True


def _documents_for(changes: dict[str, set[int]]) -> tuple[list[dict], list[str]]:
    """Fresh documents for what changed, and the uids to drop (gone or no longer searchable)."""
    upserts, deletes = [], []
    for kind_name, ids in changes.items():
        kind = KINDS.get(kind_name)
        if kind is None or not ids:
            continue
        ids = sorted(ids)
        for start in range(0, len(ids), 500):
            chunk = ids[start:start + 500]
            docs = kind.build(chunk)
            for object_id in chunk:
                uid = f"{kind_name}:{object_id}"
                doc = docs.get(object_id)
                if doc is None:
                    deletes.append(uid)
                else:
                    upserts.append(_finish(kind_name, object_id, doc))
    return upserts, deletes


def _finish(kind_name: str, object_id: int, doc: dict) -> dict:
    doc = {key: value for key, value in doc.items() if value not in (None, "")}
    doc.update(uid=f"{kind_name}:{object_id}", kind=kind_name, obj_id=object_id,
               title_words=doc.get("title", ""))
    return doc


def _open_writer(ix, timeout: float):
    """A writer, waiting for another process's writer to finish instead of failing with LockError."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            return _retrying(lambda: ix.writer(timeout=0.0))
        except LockError:
            if time.monotonic() >= deadline:
                raise
            time.sleep(0.05)


def sync(app, timeout: float = 10.0, rebuild_inline: bool = False) -> int:
    """Apply change-log entries this index has not seen; returns how many documents were refreshed.

    Safe to run from any process at any time: the index lock serializes writers, and the position
    (with the ids still missing below it) is stored in the index folder itself.
    """
    folder = ensure_index(app)
    _refuse_if_known_damaged(app, folder)
    if needs_rebuild(app, folder):
        # Replaying here would be slow or, past a pruned stretch of the log, wrong: build instead.
        start_catching_up(app)
        raise CatchingUp(catch_up_percent(app) or 0)
    try:
        refreshed, compact = _apply_changes(folder, timeout)
    except Exception as error:
        db.session.rollback()
        _raise_if_damaged(app, folder, error)
        raise
    report_position(app, folder)
    if compact:
        # An account was erased: its old words stay in the segments (and in the spelling word lists, which
        # a merge keeps whole) until the index is built afresh; the rebuild replaces this folder. Inside a
        # request it runs beside it, with a session of its own (a rebuild empties the session it uses).
        if rebuild_inline:
            rebuild(app)
        else:
            real_app = app._get_current_object() if hasattr(app, "_get_current_object") else app
            threading.Thread(target=_rebuild_in_background, args=(real_app,), name="search-compact",
                             daemon=True).start()
    return refreshed


def _rebuild_in_background(app) -> None:
    with app.app_context():
        try:
            rebuild(app)
        except Exception:  # the words stay findable by no query (the database decides); a later erasure retries
            log.exception("Rebuilding the search index after an account was erased failed")
        finally:
            db.session.remove()


def _apply_changes(folder: Path, timeout: float) -> tuple[int, bool]:
    begin_read()
    ix = _open(folder)
    try:
        writer = _open_writer(ix, timeout)
    except LockError:
        log.warning("Search index busy for %.0f s; the change log keeps the work for the next sync", timeout)
        return 0, False
    try:
        state = _read_position(folder)
        position, gaps = state["position"], {int(k): v for k, v in state.get("gaps", {}).items()}
        wanted = SearchChange.id > position
        if gaps:
            wanted = sa.or_(wanted, SearchChange.id.in_(list(gaps)))
        rows = db.session.execute(sa.select(SearchChange.id, SearchChange.kind, SearchChange.object_id)
                                  .where(wanted).order_by(SearchChange.id)).all()
        changes: dict[str, set[int]] = {}
        seen = set()
        for row_id, kind, object_id in rows:
            changes.setdefault(kind, set()).add(object_id)
            seen.add(row_id)
        upserts, deletes = _documents_for(changes)
        for uid in deletes:
            writer.delete_by_term("uid", uid)
        for doc in upserts:
            writer.update_document(**doc)
        new_position = max([position] + [r[0] for r in rows])
        now = time.time()
        # Ids below the new position that we have not seen belong to transactions still in flight
        # (PostgreSQL hands out ids before commit) or rolled back: look for them again for a while.
        missing = set(range(position + 1, new_position + 1)) - seen if new_position - position < 100_000 else set()
        kept = {i: t for i, t in gaps.items() if i not in seen and now - t < GAP_SECONDS}
        kept.update({i: now for i in missing})
        if upserts or deletes:
            writer.commit()
        else:
            writer.cancel()  # nothing to write: no new generation, so searchers keep theirs
        if new_position != position or kept != gaps:
            _write_position(folder, {"position": new_position, "gaps": {str(k): v for k, v in kept.items()}})
        db.session.rollback()  # release the read snapshot
        return len(upserts) + len(deletes), COMPACT in changes
    except BaseException:
        writer.cancel()
        raise


class CatchingUp(Exception):
    """This node's index is too far behind the change log to answer yet; it is catching up in the background."""

    def __init__(self, percent: int):
        super().__init__(f"catching up: {percent}%")
        self.percent = percent


def node_name(app) -> str:
    """How this node's index is known in the database: COP_SEARCH_NODE, or the host name and index folder."""
    return (app.config.get("COP_SEARCH_NODE") or f"{socket.gethostname()}:{_root(app)}")[:200]


def position(folder: Path) -> int:
    """The newest change-log id this index has applied (ids below it it still waits for are its gaps)."""
    return _read_position(folder)["position"]


def applied_through(folder: Path) -> int:
    """The log id up to which this index has applied every entry (its position, below any gap it still
    waits for)."""
    state = _read_position(folder)
    return min([state["position"]] + [int(i) - 1 for i in state.get("gaps", {})])


_reported: dict[str, float] = {}


def report_position(app, folder: Path, force: bool = False) -> None:
    """Record in the database how far this index has got (at most every REPORT_SECONDS per process), so
    `flask search prune` keeps the entries it still needs. In its own short transaction; best effort."""
    name = node_name(app)
    key = f"{db.engine.url}|{name}"
    if not force and time.monotonic() - _reported.get(key, -REPORT_SECONDS) < REPORT_SECONDS:
        return
    values = {"position": applied_through(folder), "reported_at": utcnow()}
    try:
        with db.engine.begin() as connection:
            if not connection.execute(sa.update(SearchIndex).where(SearchIndex.name == name)
                                      .values(**values)).rowcount:
                connection.execute(sa.insert(SearchIndex).values(name=name, **values))
    except sa.exc.SQLAlchemyError as error:  # another worker inserted it first, or the database is busy
        log.info("Could not report the search index position (%s)", type(error).__name__)
        return
    _reported[key] = time.monotonic()


def needs_rebuild(app, folder: Path) -> bool:
    """Whether this index should be built from the database rather than catch up from the log: the log was
    pruned past its position (a node down longer than the retention, or a new node joining an old network),
    or it is more than COP_SEARCH_REPLAY_ENTRIES ids behind."""
    begin_read()
    latest, first = db.session.execute(sa.select(sa.func.max(SearchChange.id), sa.func.min(SearchChange.id))).one()
    position = _read_position(folder)["position"]
    if latest is None or latest <= position:
        return False
    return first > position + 1 or latest - position > app.config.get("COP_SEARCH_REPLAY_ENTRIES", 20_000)


# Catching up in the background: from a worker's start, or when a search finds the index far behind. One
# thread per process; one build per node (the rebuild lock); progress in CATCH_UP_FILE for every worker.

_catchers: dict[str, threading.Thread] = {}
_catchers_lock = threading.Lock()


def start_catching_up(app) -> threading.Thread:
    """Bring this node's index up to date in a background thread, unless this process is already at it."""
    real_app = app._get_current_object() if hasattr(app, "_get_current_object") else app
    key = str(_root(real_app))
    with _catchers_lock:
        running = _catchers.get(key)
        if running is not None and running.is_alive():
            return running
        thread = threading.Thread(target=_catch_up_in_background, args=(real_app,), name="search-catch-up",
                                  daemon=True)
        _catchers[key] = thread
        thread.start()
        return thread


def _catch_up_in_background(app) -> None:
    with app.app_context():
        try:
            folder = ensure_index(app)
            if not needs_rebuild(app, folder):
                if behind(app, folder):
                    db.session.rollback()
                    _write_progress(app, 0, 1)
                    try:
                        sync(app, timeout=120)
                    finally:
                        _clear_progress(app)
                return
            db.session.rollback()
            with _rebuild_lock(app, wait=False) as held:
                if not held:
                    return  # another process on this node is building it, and says how far it has got
                if not needs_rebuild(app, current_dir(app) or folder):
                    return  # it has just finished
                db.session.rollback()
                report = _build(app, processes=1)  # no forking from a worker's thread
                log.warning("Built this node's search index from the database: %s document(s) in %.1f s",
                            sum(report["documents"].values()), report["seconds"])
        except Exception:  # the next search starts it again
            log.exception("Catching up the search index failed")
        finally:
            db.session.remove()


def _write_progress(app, done: int, total: int) -> None:
    _root(app).mkdir(parents=True, exist_ok=True)
    temp = _root(app) / f"{CATCH_UP_FILE}.{uuid.uuid4().hex}.tmp"
    temp.write_text(json.dumps({"done": done, "total": max(total, 1), "pid": os.getpid(), "at": time.time()}))
    os.replace(temp, _root(app) / CATCH_UP_FILE)


def _clear_progress(app) -> None:
    (_root(app) / CATCH_UP_FILE).unlink(missing_ok=True)


def catch_up_percent(app) -> int | None:
    """How far this node's background catch-up has got (0-99), or None when none is running here."""
    try:
        progress = json.loads((_root(app) / CATCH_UP_FILE).read_text())
        os.kill(int(progress["pid"]), 0)  # a process that died mid-way left its file behind
    except (FileNotFoundError, ValueError, KeyError, TypeError, ProcessLookupError, PermissionError):
        return None
    return min(99, int(100 * progress["done"] / max(progress["total"], 1)))


def rebuild(app, progress=None) -> dict:
    """Build a complete index from the database in a new folder, then swap it in.

    Searches keep using the old index during the build; changes made meanwhile are caught up from
    the change log before the swap. Waits for a rebuild another process is running.
    """
    with _rebuild_lock(app, wait=True):
        return _build(app, progress)


def heal(app, damaged: Path) -> dict | None:
    """Rebuild a damaged index, unless another process is rebuilding it or already has (then None)."""
    with _rebuild_lock(app, wait=False) as held:
        if not held or current_dir(app) != damaged:
            return None
        return _build(app, processes=1)  # no forking from a worker's background thread


def gaps_below(latest: int) -> dict[str, float]:
    """Ids at or below `latest` that the change log does not hold but a transaction still in flight may yet
    commit (PostgreSQL hands out ids before commit): every missing id above the newest entry older than
    GAP_SECONDS. A rebuild records them, as sync does, so a change committed during the build is applied."""
    since = utcnow() - timedelta(seconds=GAP_SECONDS)
    floor = db.session.scalar(sa.select(SearchChange.id).where(SearchChange.created_at < since)
                              .order_by(SearchChange.created_at.desc(), SearchChange.id.desc()).limit(1)) or 0
    if latest - floor > 100_000:
        floor = latest - 100_000
    present = set(db.session.scalars(sa.select(SearchChange.id).where(SearchChange.id > floor,
                                                                     SearchChange.id <= latest)))
    now = time.time()
    return {str(i): now for i in range(floor + 1, latest + 1) if i not in present}


def _build(app, progress=None, processes: int | None = None) -> dict:
    started = time.monotonic()
    begin_read()
    start_position = db.session.scalar(sa.select(sa.func.max(SearchChange.id))) or 0
    start_gaps = gaps_below(start_position)
    folder = _create_build_dir(app)
    ix = index.open_dir(folder)
    writer = ix.writer(procs=processes or max(1, min(2, os.cpu_count() or 1)), multisegment=True, limitmb=256)
    counts = {}
    every = {kind.name: db.session.scalars(sa.select(kind.model.id).order_by(kind.model.id)).all()
             for kind in KINDS.values()}
    total, done = sum(map(len, every.values())), 0
    _write_progress(app, 0, total)
    try:
        for kind in KINDS.values():
            ids = every[kind.name]
            counts[kind.name] = 0
            for start in range(0, len(ids), 500):
                chunk = ids[start:start + 500]
                for object_id, doc in kind.build(chunk).items():
                    writer.add_document(**_finish(kind.name, object_id, doc))
                    counts[kind.name] += 1
                db.session.expunge_all()
                done += len(chunk)
                _write_progress(app, done, total)
                if progress:
                    progress(kind.name, len(chunk))
        writer.commit()
    except BaseException:
        writer.cancel()
        shutil.rmtree(folder, ignore_errors=True)
        _clear_progress(app)
        raise
    _write_position(folder, {"position": start_position, "gaps": start_gaps})
    _swap_in(app, folder)
    _clear_progress(app)
    caught_up = sync(app)
    report_position(app, folder, force=True)
    return {"documents": counts, "caught_up": caught_up, "seconds": time.monotonic() - started,
            "bytes": sum(f.stat().st_size for f in folder.iterdir())}


def sync_or_repair(app) -> tuple[int, str | None]:
    """`flask search sync`: apply the changes the index has not seen, or, when the index is damaged or far
    behind (see needs_rebuild), rebuild it from the database in the foreground. Returns the documents
    refreshed and, after a rebuild, why: what the damage was, or "behind"."""
    folder = ensure_index(app)
    try:
        check_index(folder)
    except Exception as damage:  # noqa: BLE001  whatever the damage makes Whoosh raise
        found = f"{type(damage).__name__}: {damage}"
    else:
        if needs_rebuild(app, folder):
            db.session.rollback()
            report = rebuild(app)
            return sum(report["documents"].values()), "behind"
        try:
            return sync(app), None
        except IndexRebuilding as error:
            found = f"{type(error.__cause__).__name__}: {error.__cause__}"
    log.error("The search index in %s is damaged (%s); rebuilding it from the database", folder, found)
    report = rebuild(app)
    return sum(report["documents"].values()), found


def prune(days: int, now=None, batch: int = 10_000) -> dict:
    """Drop change-log entries every index has applied, as each reported within the last `days`, and any
    entry older than `days` whatever an index says. The last GAP_SECONDS of the log, and the newest entry
    before them, always stay: a rebuild finds the ids still in flight by them.

    Safe for a node that was down: its last report holds back what it still needs for `days`. One that
    was down longer is left out; when it returns it finds the log pruned past its position and rebuilds
    (see needs_rebuild) instead of missing what was dropped."""
    now = now or utcnow()
    cutoff = now - timedelta(days=days)
    anchor = db.session.scalar(sa.select(SearchChange.id).where(SearchChange.created_at < now - timedelta(
        seconds=GAP_SECONDS)).order_by(SearchChange.created_at.desc(), SearchChange.id.desc()).limit(1))
    indexes = db.session.execute(sa.select(SearchIndex.name, SearchIndex.position, SearchIndex.reported_at)
                                 .order_by(SearchIndex.name)).all()
    heard = [row for row in indexes if row.reported_at >= cutoff]
    silent = [row for row in indexes if row.reported_at < cutoff]
    report = {"deleted": 0, "indexes": len(heard), "silent": [(row.name, row.reported_at) for row in silent],
              "applied": min((row.position for row in heard), default=None)}
    if anchor is None:
        return report
    doomed = SearchChange.created_at < cutoff
    if report["applied"] is not None:
        doomed = sa.or_(doomed, SearchChange.id < report["applied"])
    while True:
        ids = db.session.scalars(sa.select(SearchChange.id).where(SearchChange.id < anchor, doomed)
                                 .order_by(SearchChange.id).limit(batch)).all()
        if not ids:
            return report
        db.session.execute(sa.delete(SearchChange).where(SearchChange.id.in_(ids)))
        db.session.commit()  # in batches: a long log never holds one long lock
        report["deleted"] += len(ids)


def behind(app, folder: Path | None = None) -> bool:
    """Whether the change log holds something this index has not applied: an entry past its position, or
    one of its gaps committed since. A gap that is only waiting (a rolled-back write, most often) is not
    work, so it costs a query but no index write; it is dropped by the next sync after GAP_SECONDS."""
    state = _read_position(folder or ensure_index(app))
    latest = db.session.scalar(sa.select(sa.func.max(SearchChange.id))) or 0
    if latest > state["position"]:
        return True
    gaps = state.get("gaps") or {}
    if not gaps:
        return False
    if time.time() - min(gaps.values()) >= GAP_SECONDS:
        return True  # one sync forgets the expired ones
    return db.session.scalar(sa.select(SearchChange.id).where(SearchChange.id.in_([int(i) for i in gaps]))
                             .limit(1)) is not None


def catch_up(app, timeout: float = 0.5) -> int:
    """Sync first if the change log is ahead of this index (one or two cheap queries when it isn't)."""
    if not behind(app):
        return 0
    try:
        return sync(app, timeout=timeout)
    except (IndexRebuilding, CatchingUp):  # logged where found; the search says so itself
        return 0
    except Exception:  # searching an index a moment behind beats failing the search
        log.exception("Catching up the search index failed")
        db.session.rollback()
        return 0


def ready_for_search(app, timeout: float = 0.5) -> None:
    """Before a search: catch up if the change log is a little ahead of this index. Raise CatchingUp when it
    is far behind, and catch up in the background: the search would answer wrongly ("0 results" for words
    that are there), and replaying much of the log inside a request is slow."""
    if not behind(app):
        return
    folder = ensure_index(app)
    latest = db.session.scalar(sa.select(sa.func.max(SearchChange.id))) or 0
    if needs_rebuild(app, folder) or latest - _read_position(folder)["position"] > REQUEST_REPLAY:
        db.session.rollback()
        start_catching_up(app)
        raise CatchingUp(catch_up_percent(app) or 0)
    catch_up(app, timeout=timeout)
    # The writer was busy: with this node's catch-up (then say so), or with another request's sync (then the
    # index is only a moment behind, and answering from it is fine).
    if (percent := catch_up_percent(app)) is not None and behind(app):
        raise CatchingUp(percent)


# Reading: one searcher per process and index folder, refreshed (cheap) instead of reopened (slow).

_searchers: dict[str, tuple[Path, object, object]] = {}
_searchers_lock = threading.Lock()


class _Reader(SegmentReader):
    """A segment reader whose postings still hold the segment's deleted documents.

    Whoosh wraps every posting list of a segment with deletions in a filter, so the first edit (which
    deletes the old version of a document) made every later query pay that wrapper on every step of every
    term, until a rebuild: 30 % slower at 20,000 practices. Searches here leave deleted documents out once
    per match instead (`deleted_documents`), on the collector and in the count."""

    def postings(self, fieldname, text, scorer=None):
        if self.is_closed:
            raise ReaderClosed
        if fieldname not in self.schema:
            raise TermNotFound(f"No field {fieldname!r}")
        text = self._text_to_bytes(fieldname, text)
        return self._terms.matcher(fieldname, text, self.schema[fieldname].format, scorer=scorer)


def deleted_documents(searcher) -> set:
    """The searcher's deleted documents, by their numbers in the whole index (worked out once per searcher;
    a set, the type Whoosh's filters take: don't change it)."""
    found = searcher.__dict__.get("_cop_deleted")
    if found is None:
        found = {offset + docnum for leaf, offset in searcher.subsearchers or [(searcher, 0)]
                 for docnum in leaf.reader().deleted_docs_set}
        searcher.__dict__["_cop_deleted"] = found
    return found


def _refreshed(ix, old):
    """A searcher on the index's latest generation that reopens only what changed.

    Whoosh's own refresh() keeps a segment's old reader even when deletions were written for that
    segment since (and keeps segments that were merged away), so an updated document would be found
    twice and a removed one still found. Here an unchanged segment keeps its reader; a segment with
    new deletions keeps its term files but gets a fresh per-document reader, which is cheap.
    """
    from whoosh.reading import EmptyReader, MultiReader
    from whoosh.searching import Searcher

    info = ix._read_toc()
    if old is not None and old.reader().generation() == info.generation:
        return old
    previous = {}
    if old is not None:
        for reader, _ in old.reader().leaf_readers():
            if isinstance(reader, SegmentReader):
                previous[reader.segment().segment_id()] = reader
    readers = []
    for segment in info.segments:
        reader = previous.get(segment.segment_id())
        if reader is None:
            reader = _Reader(ix.storage, info.schema, segment, generation=info.generation)
        elif reader.segment().deleted_count() != segment.deleted_count():
            reader = copy.copy(reader)
            reader._segment = segment
            reader._perdoc = reader._codec.per_document_reader(reader._storage, segment)
            reader.__dict__.pop("deleted_docs_set", None)  # a cached set of the old deletions
        readers.append(reader)
    if not readers:
        combined = EmptyReader(info.schema)
    elif len(readers) == 1:
        combined = readers[0]
    else:
        combined = MultiReader(readers, generation=info.generation)
    return Searcher(combined, fromindex=ix)


def _searcher(app):
    """This process's searcher on the current index; IndexRebuilding if the index is damaged."""
    folder = ensure_index(app)
    _refuse_if_known_damaged(app, folder)
    try:
        return _open_searcher(app, folder)
    except Exception as error:
        _raise_if_damaged(app, folder, error)
        raise


def _open_searcher(app, folder: Path):
    key = str(_root(app))
    with _searchers_lock:
        cached = _searchers.get(key)
        if cached is None or cached[0] != folder:
            ix = _open(folder)
            searcher = _retrying(lambda: _refreshed(ix, None))
        else:
            ix = cached[1]
            searcher = _retrying(lambda: _refreshed(ix, cached[2]))
        _searchers[key] = (folder, ix, searcher)
        return searcher


def close_searchers() -> None:
    with _searchers_lock:
        for _, _, searcher in _searchers.values():
            searcher.close()
        _searchers.clear()


# Queries that never fail

CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def clean_query(text: str) -> str:
    """Cap the length before anything else, drop control characters, balance quotes and brackets,
    and refuse wildcard tricks (a lone *, leading wildcards) that make the engine scan everything."""
    text = unicodedata.normalize("NFKC", text or "")[:MAX_QUERY_CHARS * 2]
    text = CONTROL.sub(" ", text)[:MAX_QUERY_CHARS]
    text = re.sub(r"[?*]+(?=\w)", " ", text)  # no leading or inner wildcards
    text = re.sub(r"(?<!\w)[*?]+", " ", text)  # no lone * or ?
    text = re.sub(r"(\w+)[*?]+", lambda m: m.group(1) + ("*" if len(m.group(1)) >= 3 else ""), text)
    words = re.findall(r"\S+", text)
    words = [w[:60] for w in words[:MAX_TERMS]]
    text = " ".join(words)
    if text.count('"') % 2:
        text = text.replace('"', " ")
    depth, kept = 0, []
    for char in text:
        if char in "([{":
            depth += 1
            if depth > 3:
                continue
            kept.append("(")
            continue
        if char in ")]}":
            if depth == 0:
                continue
            depth -= 1
            if depth >= 3:
                continue
            kept.append(")")
            continue
        kept.append(char)
    text = "".join(kept) + ")" * min(depth, 3)
    text = re.sub(r"\b(NOT\s+){2,}", "NOT ", text)
    return text.strip()


def _parser(schema) -> qparser.QueryParser:
    parser = qparser.MultifieldParser(SEARCH_FIELDS, schema, group=qparser.AndGroup,
                                      fieldboosts={"title": 3.0, "topic": 1.5, "tag": 1.5, "organization": 1.5})
    # Wildcards and boosts are not for members: a wildcard can scan the whole index.
    parser.remove_plugin_class(qparser.WildcardPlugin)
    parser.remove_plugin_class(qparser.BoostPlugin)
    parser.add_plugin(qparser.PrefixPlugin())
    parser.add_plugin(qparser.FieldAliasPlugin(FIELD_ALIASES))
    return parser


_PARSERS: dict[int, qparser.QueryParser] = {}


def parse(text: str, schema):
    parser = _PARSERS.get(id(schema))
    if parser is None:
        parser = _PARSERS[id(schema)] = _parser(schema)
    try:
        parsed = parser.parse(text)
    except (Exception, RecursionError):  # the parser raises IndexError, ValueError, RecursionError...
        parsed = parser.parse(re.sub(r"[^\w\s]", " ", text))
    return _phrases_as_words(parsed, schema)


def _phrases_as_words(node, schema):
    """A phrase on a field that stores no positions, as all of its words.

    A comma splits a quoted phrase into tag terms ("budget,plan" is the tags budget and plan), and the
    tag field keeps no positions, so no engine can match it as a phrase (Whoosh raises QueryError):
    match the words instead."""
    if isinstance(node, query.Phrase):
        field = schema[node.fieldname] if node.fieldname in schema else None
        if field is None or not field.format or not field.format.supports("positions"):
            return query.And([query.Term(node.fieldname, word) for word in node.words], boost=node.boost)
        return node
    if node.is_leaf():
        return node
    return node.apply(lambda child: _phrases_as_words(child, schema))


@dataclass
class Hit:
    kind: str
    object_id: int
    score: float


@dataclass
class Results:
    hits: list[Hit] = field(default_factory=list)
    total: int = 0
    facets: dict[str, list[tuple[str, int]]] = field(default_factory=dict)
    suggestion: str | None = None
    message: str | None = None
    terms: set = field(default_factory=set)
    approximate: bool = False  # counting every match ran out of time: the total and counts are a lower bound


# Facet counts. Whoosh's own grouping un-inverts every facet field of the whole index on every query (300-550 ms
# at 20,000 practices); a segment never changes once written (a deletion only hides documents), so each
# segment's values are worked out once, kept with its reader, and a query only looks up its matches.

def facet_values(reader) -> list[tuple[tuple[str, str], ...]]:
    """For each document of one segment, its (facet, value) pairs."""
    cached = reader.__dict__.get("_cop_facet_values")
    if cached is None:
        values: list[list] = [[] for _ in range(reader.doc_count_all())]
        for name, fieldname in FACETS.items():
            for term in reader.lexicon(fieldname):
                pair = (name, term.decode() if isinstance(term, bytes) else str(term))
                for docnum in reader.postings(fieldname, term).all_ids():
                    values[docnum].append(pair)
        cached = reader.__dict__["_cop_facet_values"] = [tuple(v) for v in values]
    return cached


def count_matches(searcher, matching, deadline: float) -> tuple[int, dict[str, list[tuple[str, int]]], bool]:
    """Every live document `matching` finds, counted by facet value without scoring; stops at `deadline`
    (then the figures are what was counted by then, and the third value is False)."""
    counts: Counter = Counter()
    total, complete = 0, True
    for leaf, _ in searcher.subsearchers or [(searcher, 0)]:
        values = facet_values(leaf.reader())
        deleted = leaf.reader().deleted_docs_set  # postings keep them: see _Reader
        try:
            docnums = iter(matching.docs(leaf))
        except Exception:  # noqa: BLE001  a term missing from this segment, say
            continue
        if deleted:
            docnums = filterfalse(deleted.__contains__, docnums)
        while chunk := list(islice(docnums, 4096)):
            total += len(chunk)
            counts.update(chain.from_iterable(map(values.__getitem__, chunk)))
            if time.monotonic() > deadline:
                complete = False
                break
        if not complete:
            break
    return total, _by_facet(counts), complete


def _by_facet(counts) -> dict[str, list[tuple[str, int]]]:
    """{(facet, value): count} as each facet's values, the most common first."""
    by_facet: dict[str, list[tuple[str, int]]] = {name: [] for name in FACETS}
    for (name, value), number in counts.items():
        if value:
            by_facet[name].append((value, number))
    for pairs in by_facet.values():
        pairs.sort(key=lambda kv: (-kv[1], kv[0]))
    return by_facet


def search(app, text: str, *, kinds: list[str] | None = None, filters: dict[str, str] | None = None,
           day_from: int | None = None, day_to: int | None = None, sort: str = "relevance", page: int = 1,
           per_page: int = 10, allowed_uids=None) -> Results:
    """Run a member's query. Never raises: unusable input gives a message instead of results."""
    cleaned = clean_query(text)
    if not cleaned:
        return Results(message="Type a word or two to search for.") if text.strip() else Results()
    positive = re.sub(r"\bNOT\s+\S+|(?<!\S)-\S+|\b(AND|OR|NOT)\b|[()\"]", " ", cleaned).strip()
    if not positive:
        return Results(message="Add a word to look for: a search can't consist only of words to leave out.")
    searcher = _searcher(app)
    parsed = parse(cleaned, searcher.schema)
    if parsed is query.NullQuery:
        return Results(message="That search has no words we can look for. Try plain words or a \"phrase\".")
    conditions = []
    if kinds:
        conditions.append(query.Or([query.Term("kind", k) for k in kinds]))
    for name, value in (filters or {}).items():
        if value and name in FACETS:
            conditions.append(query.Term(FACETS[name], value))
    if day_from or day_to:
        conditions.append(query.NumericRange("day", day_from, day_to))
    restrict = query.And(conditions) if conditions else None
    page = max(1, min(page, 1000))
    try:
        matched = matching.run(searcher, parsed, restrict, facet_values, limit=page * per_page,
                               newest_first=sort == "newest")
    except Exception as error:  # noqa: BLE001  Whoosh's matchers answer whatever the arrays don't
        if not isinstance(error, matching.Unsupported):
            log.exception("Matching %r over posting arrays failed; using Whoosh's matchers", cleaned)
        try:
            hits, total, facet_counts, complete = _search_with_matchers(searcher, cleaned, parsed, restrict, sort,
                                                                        page, per_page)
        except Exception as error:  # a segment damaged past its directory fails only once it is read
            if (folder := current_dir(app)) is not None:
                _raise_if_damaged(app, folder, error)
            raise
    else:
        hits = []
        for docnum, score in matched.ranked[(page - 1) * per_page:]:
            stored = searcher.stored_fields(docnum)
            hits.append(Hit(stored["kind"], stored["obj_id"], score))
        total, facet_counts, complete = matched.total, _by_facet(matched.facet_counts), True
    terms = _words(parsed, searcher.schema)
    out = Results(hits=hits, total=total, facets=facet_counts, terms=terms, approximate=not complete)
    if out.total < 3:
        out.suggestion = _suggest(searcher, parsed, cleaned)
    return out


def _words(parsed, schema) -> set[tuple[str, str]]:
    """The query's (field, word) pairs, for highlighting. Numeric fields (a `day:` range) are left out:
    their terms are Whoosh's binary encoding of a number, not text."""
    return {(fieldname, value.decode() if isinstance(value, bytes) else value)
            for fieldname, value in parsed.all_terms()
            if fieldname in schema and not isinstance(schema[fieldname], NUMERIC)}


def _search_with_matchers(searcher, cleaned, parsed, restrict, sort, page, per_page):
    """Whoosh's own matchers, for query shapes `matching` does not evaluate (sloppy phrases, say)."""
    sortedby = sorting.FieldFacet("stamp", reverse=True) if sort == "newest" else None
    deadline = time.monotonic() + SEARCH_SECONDS
    # The page of hits alone: without facets Whoosh skips postings that cannot make the page.
    collector = TimeLimitCollector(searcher.collector(limit=page * per_page, sortedby=sortedby),
                                   timelimit=SEARCH_SECONDS, use_alarm=False)
    deleted = deleted_documents(searcher)
    if restrict is not None or deleted:
        # The filter wraps outermost: a time-limit wrapper would otherwise let unfiltered documents through.
        collector = FilterCollector(collector, allow=restrict, restrict=deleted or None)
    try:
        searcher.search_with_collector(parsed, collector)
    except TimeLimit:
        log.warning("Search for %r hit the time limit", cleaned)
    results = collector.results()
    hits = [Hit(hit["kind"], hit["obj_id"], hit.score or 0.0)
            for hit in results[(page - 1) * per_page:page * per_page]]
    # Then every match, unscored, for the total and the facet counts.
    wanted = query.And([parsed, restrict]) if restrict is not None else parsed
    total, facet_counts, complete = count_matches(searcher, wanted, deadline)
    if not complete:
        log.warning("Counting matches for %r hit the time limit", cleaned)
        total = max(total, results.estimated_length())
    return hits, total, facet_counts, complete


def _suggest(searcher, parsed, cleaned: str) -> str | None:
    """"Did you mean": each word whose stem the index doesn't know, replaced by the closest known word."""
    try:
        corrector = searcher.corrector("content")
        changed, words = False, []
        for word in re.findall(r"[^\s]+", cleaned):
            bare = word.strip('"()').lower()
            if bare.isalpha() and len(bare) >= 4 and word.upper() not in ("AND", "OR", "NOT"):
                stems = [token.text for token in STEM(bare)]
                if stems and not any(searcher.doc_frequency("content", stem) for stem in stems):
                    found = corrector.suggest(bare, limit=1, maxdist=2, prefix=1)
                    if found and found[0] != bare:
                        word, changed = word.lower().replace(bare, found[0]), True
            words.append(word)
        return " ".join(words) if changed else None
    except Exception:  # a suggestion is a nicety; never let it break a search
        return None


def suggest_titles(app, text: str, limit: int = 8) -> list[tuple[str, int, str]]:
    """Type-ahead: titles containing every word typed, the last one as a prefix."""
    words = re.findall(r"\w+", clean_query(text).lower())[:8]
    if not words or len(words[-1]) < 2 and len(words) == 1:
        return []
    searcher = _searcher(app)
    parts = [query.Term("title_words", w) for w in words[:-1]] + [query.Prefix("title_words", words[-1])]
    try:
        results = searcher.search(query.And(parts), limit=limit, terms=False,
                                  mask=deleted_documents(searcher) or None)
    except Exception:
        return []
    return [(hit["kind"], hit["obj_id"], hit["title"]) for hit in results]


_FRAGMENTER = highlight.ContextFragmenter(maxchars=220, surround=60)
_FORMATTER = highlight.HtmlFormatter(tagname="mark", between=" … ")


def snippet(text: str, terms: set, fieldname: str = "content") -> str:
    """Up to two passages of `text` with the query's words marked (HTML-escaped)."""
    words = {value for field_name, value in terms if field_name in (fieldname, "title", "topic", "organization")}
    if not words:
        return ""
    try:
        return highlight.highlight(_around_first_match(text[:20_000], words), words, STEM, _FRAGMENTER, _FORMATTER,
                                   top=2)
    except Exception:
        return ""


def _around_first_match(text: str, stems: set) -> str:
    """The part of `text` from just before the first word that starts with one of the stems: highlighting
    tokenizes and stems every word it is given, a millisecond for each long hit. A stem that is no prefix
    of its word ("studi" for "study") may be found later or not at all; then the whole text is used."""
    pattern = re.compile(r"\b(?:" + "|".join(re.escape(stem) for stem in sorted(stems, key=len, reverse=True))
                         + ")", re.IGNORECASE)
    found = pattern.search(text)
    if found is None:
        return text
    start = text.rfind(" ", 0, max(0, found.start() - 300)) + 1
    return text[start:start + SNIPPET_WINDOW]

