"""`flask privacy ...`: building the data exports members asked for, and clearing old ones, from cron."""

import logging

import click

log = logging.getLogger(__name__)


def init_app(app):
    from cop import afterwards
    from cop.extensions import db

    # An export asked for in a request is built once the answer has gone out; the queue keeps it meanwhile,
    # and `flask privacy build-exports` builds it if this worker dies first.
    afterwards.register("exports_queued", _build_after_response, "Building data exports after the request failed")

    @app.cli.group("privacy")
    def privacy_cli():
        """Members' data: exports."""

    @privacy_cli.command("build-exports")
    def build_exports_command():
        """Build the data exports members asked for and e-mail their links (safe to rerun)."""
        from cop.mail import deliver_pending
        from cop.privacy.services import build_pending_exports

        built = build_pending_exports(limit=10_000)
        deliver_pending()
        click.echo(f"Built {built} export(s).")

    @privacy_cli.command("expire-exports")
    def expire_exports_command():
        """Remove exports nobody downloaded before their link expired (safe to rerun)."""
        from cop.privacy.services import expire_exports

        expired = expire_exports()
        db.session.commit()
        click.echo(f"Removed {expired} expired export(s).")


def _build_after_response(app):
    from cop.mail import flush_outbox
    from cop.privacy.services import build_pending_exports

    build_pending_exports()
    flush_outbox()
