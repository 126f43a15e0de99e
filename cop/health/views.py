"""`GET /healthz`: JSON, 200 when this node can serve, 503 when its database or file store does not answer.

Cheap (one small query, one look at the index's position file, a store check at most every few seconds
per process), open to everyone, never rate-limited, and it names no host, bucket, path or setting. A search
index that is behind or catching up is reported but does not fail the check: the search page says so itself,
and taking every node out while all of them rebuild would take the whole site down.
"""

import threading
import time

import sqlalchemy as sa
from flask import current_app, jsonify

from cop import storage
from cop.auth import public
from cop.extensions import db
from cop.health import bp
from cop.search import engine
from cop.search.models import SearchChange

STORE_CHECK_SECONDS = 5.0

_store_checked: dict[int, tuple[float, bool]] = {}
_store_lock = threading.Lock()


@bp.get("")
@public
def ready():
    database_ok, latest = _database()
    store_ok = _store()
    report = {"database": "ok" if database_ok else "unreachable", "storage": "ok" if store_ok else "unreachable",
              "search": _search(latest) if database_ok else {"status": "unknown"}}
    report["status"] = "ok" if database_ok and store_ok else "unavailable"
    response = jsonify(report)
    response.status_code = 200 if report["status"] == "ok" else 503
    response.headers["Cache-Control"] = "no-store"
    return response


def _database() -> tuple[bool, int | None]:
    try:
        latest = db.session.scalar(sa.select(sa.func.max(SearchChange.id))) or 0
        db.session.rollback()
        return True, latest
    except sa.exc.SQLAlchemyError:
        current_app.logger.warning("Health check: the database does not answer")
        db.session.rollback()
        return False, None


def _store() -> bool:
    """Whether the file store answers, asked at most every STORE_CHECK_SECONDS per process."""
    target = storage.store()
    with _store_lock:
        checked = _store_checked.get(id(target))
        if checked is not None and time.monotonic() - checked[0] < STORE_CHECK_SECONDS:
            return checked[1]
    try:
        target.check()
        answered = True
    except storage.StorageError as error:
        current_app.logger.warning("Health check: the file store does not answer (%s)", error)
        answered = False
    with _store_lock:
        _store_checked[id(target)] = (time.monotonic(), answered)
    return answered


def _search(latest: int) -> dict:
    folder = engine.current_dir(current_app)
    if folder is None:
        return {"status": "not built", "lag": latest}
    # Entries past the index's position; ids it still waits for below it are mostly rolled-back writes.
    lag = max(0, latest - engine.position(folder))
    percent = engine.catch_up_percent(current_app)
    if percent is not None:
        return {"status": "catching up", "lag": lag, "percent": percent}
    return {"status": "current" if lag == 0 else "behind", "lag": lag}
