"""WSGI entry point: `gunicorn wsgi:app`, and what `flask` finds by itself."""

from cop import create_app

app = create_app()
