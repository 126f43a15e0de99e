"""How CoP is served: `gunicorn -c python:cop.serving`, as `make run`, `make serve` and the tests start it.

A module, not gunicorn.conf.py: gunicorn would load that by itself from the working directory and
turn every other gunicorn started here (the benchmarks' sync-worker servers) into this one.

Threads, not sync workers: a sync worker is held by one slow client until `timeout`, so four clients
dribbling a request body stop two workers' worth of site. A gthread worker's other threads keep
answering, and cop/body_deadline.py drops a body that does not arrive in time (gunicorn itself puts no
deadline on reading a body). Behind nginx, which buffers whole requests, none of this is reached.
"""

import os

# `make run PORT=8080`; a -b on the command line (see the README) takes precedence.
bind = f"127.0.0.1:{os.environ.get('PORT', '5000')}"
worker_class = "gthread"
workers = 2
threads = 16
# A worker whose main loop stops answering is restarted after this many seconds; in gthread it does not
# bound a request (the loop keeps running while a thread waits).
timeout = 30
graceful_timeout = 20
# An idle kept-alive connection is closed after this many seconds.
keepalive = 5
# Request line and headers: gunicorn's defaults, written down so they are not a surprise.
limit_request_line = 4094
limit_request_fields = 100
limit_request_field_size = 8190
wsgi_app = "wsgi:app"


def post_worker_init(worker):
    """Each worker starts bringing this node's search index up to date in the background as it starts, so a
    new node, or one that was down, catches up before searches need it (and until then says so)."""
    from cop.search import engine

    engine.start_catching_up(worker.wsgi)
