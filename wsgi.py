"""WSGI entry point: `gunicorn wsgi:app`, and what `flask` finds by itself."""

import gc

from cop import create_app

app = create_app()
# What start-up built (models, templates, routes) lives as long as the process: keep it out of the
# garbage collector's full passes, which otherwise walk it again and again under load.
gc.freeze()
