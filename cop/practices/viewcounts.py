"""View counts, gathered in the worker and written in batches.

A first view used to cost a write transaction of its own; on a busy library that is one serialized write
per page view. Views now collect in memory and go out together, at most every `COP_VIEW_FLUSH_SECONDS`
(after a response has been sent, and when the worker exits). A worker killed outright loses at most
those seconds of views: a counter, not content.
"""

import atexit
import threading
import time
import weakref
from collections import Counter

import sqlalchemy as sa
from flask import current_app

from cop.cache import versions
from cop.extensions import begin_write, db


class ViewCounter:
    def __init__(self, app, interval: float):
        self.app = app
        self.interval = interval
        self.pending: Counter[int] = Counter()
        self.last_flush = time.monotonic()
        self._lock = threading.Lock()

    def add(self, practice_id: int) -> None:
        with self._lock:
            self.pending[practice_id] += 1

    def due(self) -> bool:
        return bool(self.pending) and time.monotonic() - self.last_flush >= self.interval

    def flush(self) -> int:
        """Write what has gathered, in one transaction; on failure keep it for the next try."""
        with self._lock:
            batch, self.pending = self.pending, Counter()
            self.last_flush = time.monotonic()
        if not batch:
            return 0
        with self.app.app_context():
            try:
                begin_write()
                write_views(batch)
                db.session.commit()
            except Exception:  # a late view count must never surface as an error
                current_app.logger.exception("Writing %s view counts failed; kept for the next try", len(batch))
                db.session.rollback()
                with self._lock:
                    self.pending.update(batch)
                return 0
        return sum(batch.values())


def write_views(batch: dict[int, int]) -> None:
    from cop.practices.models import Practice

    table = Practice.__table__
    # A count shows late on a cached page; it must not retire every cached page in the community.
    db.session.execute(
        sa.update(table).where(table.c.id == sa.bindparam("practice_id"))
        .values(view_count=table.c.view_count + sa.bindparam("views"))
        .execution_options(**{versions.NEUTRAL: True}),
        [{"practice_id": pid, "views": n} for pid, n in sorted(batch.items())])


_counters: "weakref.WeakSet[ViewCounter]" = weakref.WeakSet()


@atexit.register
def _flush_at_exit() -> None:
    for counter in list(_counters):
        if counter.pending:
            counter.flush()


def init_app(app) -> None:
    counter = ViewCounter(app, app.config.get("COP_VIEW_FLUSH_SECONDS", 2.0))
    app.extensions["cop_view_counter"] = counter
    _counters.add(counter)


def count_view(practice_id: int, response) -> None:
    """Count a view; once the response has gone out, write the batch if it is due."""
    counter: ViewCounter = current_app.extensions["cop_view_counter"]
    counter.add(practice_id)
    if counter.due():
        response.call_on_close(counter.flush)
