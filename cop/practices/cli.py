"""`flask practices ...`: the standard taxonomy and clearing out the trash."""

import click

from cop.extensions import db


def init_app(app):
    @app.cli.group("practices")
    def practices_cli():
        """The practice library."""

    @practices_cli.command("seed-taxonomy")
    def seed_taxonomy():
        """Add the standard topics and competency framework (never overwrites edits)."""
        from cop.practices.taxonomy import ensure_taxonomy

        added = ensure_taxonomy()
        db.session.commit()
        click.echo(f"Added {added['topics']} topic(s) and {added['competencies']} competency(ies).")

    @practices_cli.command("purge-deleted")
    def purge_deleted_command():
        """Remove practices deleted more than 30 days ago (safe to run from cron)."""
        from cop.practices.services import purge_deleted

        count = purge_deleted()
        db.session.commit()
        click.echo(f"Purged {count} practice(s).")
