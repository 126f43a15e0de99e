"""`flask privacy ...`: building the data exports members asked for, and clearing old ones, from cron."""

import logging

import click

log = logging.getLogger(__name__)


def init_app(app):
    from cop.extensions import db

    @app.after_request
    def _build_after_request(response):
        # An export asked for in this request is built once the answer has gone out; the queue keeps it
        # meanwhile, and `flask privacy build-exports` builds it if this worker dies first.
        if db.session.info.pop("exports_queued", False):
            app_object = app
            response.call_on_close(lambda: _build_quietly(app_object))
        return response

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


def _build_quietly(app):
    from cop.extensions import db
    from cop.mail import flush_outbox
    from cop.privacy.services import build_pending_exports

    with app.app_context():
        try:
            build_pending_exports()
            flush_outbox()
        except Exception:  # the export stays queued; the next request or cron builds it
            log.exception("Building data exports after the request failed")
        finally:
            db.session.remove()
