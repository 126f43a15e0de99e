"""The bare baseline: one Flask view that reads 20 practices and renders them through a small template,
the least a library page over the same table can cost. Served with `gunicorn 'bench.baseline:create_app()'`."""

import os

import sqlalchemy as sa
from flask import Flask, render_template

from bench.data import normalize_url

practices = sa.table("practices", sa.column("id"), sa.column("title"), sa.column("summary"),
                     sa.column("published_at"), sa.column("status"), sa.column("deleted_at"))

NEWEST = (sa.select(practices.c.id, practices.c.title, practices.c.summary, practices.c.published_at)
          .where(practices.c.status == "published", practices.c.deleted_at.is_(None))
          .order_by(practices.c.published_at.desc(), practices.c.id.desc())
          .limit(20))


def create_app(database_url: str | None = None) -> Flask:
    """The same database as the app (DATABASE_URL), the same driver, and nothing else."""
    app = Flask(__name__)
    engine = sa.create_engine(normalize_url(database_url or os.environ["DATABASE_URL"]))

    @app.get("/")
    def index():
        with engine.connect() as conn:
            rows = conn.execute(NEWEST).all()
        return render_template("baseline.html", rows=rows)

    return app
