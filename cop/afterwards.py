"""Work a request leaves until its response has gone out: indexing what it changed (search), building the
data exports it asked for (privacy), sending the webhooks its changes queued (webhooks).

A feature registers a job under the flag its code sets on the session (`db.session.info[flag] = True`);
one after-request hook hands each flagged job to the response's close, so a slow index or receiver never
holds up the member's page. Each job's own queue (the search change log, the export queue, the delivery
table) keeps the work meanwhile, and a command does it from cron if this worker dies first.
"""

import logging
from collections.abc import Callable
from functools import partial

from flask import Flask, current_app

from cop.extensions import db, has_session

log = logging.getLogger(__name__)

# flag -> (job, what the log says if it fails)
_JOBS: dict[str, tuple[Callable[[Flask], None], str]] = {}


def register(flag: str, job: Callable[[Flask], None], failure: str) -> None:
    """Run `job(app)` after the response of any request whose session carries `flag`."""
    _JOBS[flag] = (job, failure)


def init_app(app) -> None:
    app.after_request(_hand_over)


def _hand_over(response):
    if not has_session():
        return response  # nothing flagged
    info = db.session.info
    for flag, (job, failure) in _JOBS.items():
        if info.pop(flag, False):
            response.call_on_close(partial(_run, current_app._get_current_object(), job, failure))
    return response


def _run(app: Flask, job: Callable[[Flask], None], failure: str) -> None:
    """In a context and session of its own; a failure is logged and left to the queue."""
    with app.app_context():
        try:
            job(app)
        except Exception:  # the queue still holds the work: the next request or the command does it
            log.exception(failure)
        finally:
            db.session.remove()
