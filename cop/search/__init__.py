"""Search: one box for practices, discussions, events, organizations and people, on a Whoosh index
that the change log keeps in step with the database."""

import logging

import click
from flask import Blueprint, current_app

bp = Blueprint("search", __name__)
log = logging.getLogger(__name__)


def init_app(app):
    from cop import afterwards
    from cop.extensions import db
    from cop.search import changes  # noqa: F401  registers the session listeners once, at import
    from cop.search import engine

    # Index what a request committed once the answer has gone out; the change log keeps it safe meanwhile,
    # and any later writer or `flask search sync` catches up if this worker dies.
    afterwards.register("search_ready", _sync_after_response, "Search sync after commit failed")

    @app.cli.group("search")
    def search_cli():
        """The search index."""

    @search_cli.command("reindex")
    def reindex_command():
        """Rebuild the whole index from the database (searches keep working meanwhile)."""
        from cop.search.documents import KINDS

        total = sum(db.session.scalar(db.select(db.func.count()).select_from(kind.model)) for kind in KINDS.values())
        with click.progressbar(length=total, label="Indexing", show_pos=True) as bar:
            report = engine.rebuild(app, progress=lambda kind, n: bar.update(n))
        counts = ", ".join(f"{n} {kind}" for kind, n in report["documents"].items())
        click.echo(f"Indexed {counts} in {report['seconds']:.1f} s ({report['bytes'] / 1e6:.1f} MB); "
                   f"{report['caught_up']} change(s) made meanwhile applied.")

    @search_cli.command("purge-queries")
    @click.option("--days", type=click.IntRange(min=0), default=None,
                  help="Keep this many days (default: COP_SEARCH_QUERY_DAYS).")
    def purge_queries_command(days):
        """Remove the searches kept for the dashboard that are older than the retention (run daily)."""
        from cop.search.queries import purge_queries

        days = app.config["COP_SEARCH_QUERY_DAYS"] if days is None else days
        removed = purge_queries(days)
        db.session.commit()
        click.echo(f"Removed {removed} search(es) older than {days} days.")

    @search_cli.command("sync")
    def sync_command():
        """Apply changes the index has not seen yet (safe to run from cron, on every machine)."""
        refreshed, damage = engine.sync_or_repair(app)
        if damage == "behind":
            click.echo(f"The search index was far behind the change log; rebuilt it from the database: "
                       f"{refreshed} document(s).")
        elif damage:
            click.echo(f"The search index was damaged ({damage}); rebuilt it from the database: "
                       f"{refreshed} document(s).")
        else:
            click.echo(f"Refreshed {refreshed} document(s).")


    @search_cli.command("prune")
    @click.option("--days", type=click.IntRange(min=1), default=None,
                  help="Keep entries this many days at least (COP_SEARCH_LOG_DAYS, 30 by default).")
    def prune_command(days):
        """Drop change-log entries every index has applied or older than the retention (cron, on one machine)."""
        days = days or app.config["COP_SEARCH_LOG_DAYS"]
        report = engine.prune(days)
        db.session.commit()
        applied = "" if report["applied"] is None else f", all applied up to {report['applied']}"
        click.echo(f"Dropped {report['deleted']} change-log entr{'y' if report['deleted'] == 1 else 'ies'} "
                   f"({report['indexes']} index(es) heard from in {days} days{applied}).")
        for name, reported_at in report["silent"]:
            click.echo(f"Not heard from since {reported_at:%Y-%m-%d}, so not waited for: {name} "
                       f"(it rebuilds its index when it is back).")


def _sync_after_response(app):
    from cop.search import engine

    try:
        engine.sync(app, rebuild_inline=True)
    except (engine.IndexRebuilding, engine.CatchingUp):  # logged where found; a build is under way
        pass


def sync_now(app=None):
    """Bring the index up to date in this process (CLI commands and tests call this after committing)."""
    from cop.search import engine

    return engine.sync(app or current_app._get_current_object(), rebuild_inline=True)


from cop.search import views  # noqa: E402,F401
