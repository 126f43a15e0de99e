"""WSGI entry point: `gunicorn wsgi:app`, and what `flask` finds by itself."""

import gc

from cop import create_app
from cop.body_deadline import BodyDeadline

app = create_app()
# gunicorn reads request bodies without a deadline; see cop/body_deadline.py.
app.wsgi_app = BodyDeadline(app.wsgi_app, max_bytes=app.config["MAX_CONTENT_LENGTH"])
# What start-up built (models, templates, routes) lives as long as the process: keep it out of the
# garbage collector's full passes, which otherwise walk it again and again under load.
gc.freeze()
