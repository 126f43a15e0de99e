"""Webhooks: facilitators and organization managers register HTTPS endpoints that receive signed event
payloads (Standard Webhooks), queued with the change and delivered after the commit with retries."""

import click
from flask import Blueprint, current_app

bp = Blueprint("webhooks", __name__)


def _deliver_after(app):
    from cop.extensions import db
    from cop.mail import flush_outbox
    from cop.webhooks.delivery import deliver_pending

    with app.app_context():
        try:
            deliver_pending()
            flush_outbox()
        except Exception:  # the deliveries stay queued; `flask webhooks deliver` or the next request retries
            app.logger.exception("Delivering webhooks failed")
            db.session.rollback()


def init_app(app):
    from cop.extensions import db
    from cop.mail import flush_outbox
    from cop.webhooks import changes  # noqa: F401  registers the session listeners once, at import
    from cop.webhooks.delivery import deliver_pending
    from cop.webhooks.models import EVENT_TYPES

    # For the API reference's Webhooks section (templates/webhooks/_reference.html).
    app.add_template_global(EVENT_TYPES, "webhook_events")

    @app.after_request
    def _deliver_after_request(response):
        # Sent once the response has gone out, so a slow receiver never holds up the member's page.
        if db.session.info.pop("webhooks_ready", False):
            target = current_app._get_current_object()
            response.call_on_close(lambda: _deliver_after(target))
        return response

    @app.cli.group("webhooks")
    def webhooks_cli():
        """Webhook deliveries."""

    @webhooks_cli.command("deliver")
    @click.option("--limit", default=1000, show_default=True, help="At most this many deliveries in one run.")
    def deliver_command(limit):
        """Send due webhook deliveries and retry failed ones (safe to run from cron)."""
        sent, missed = deliver_pending(limit=limit)
        flush_outbox()
        click.echo(f"Delivered {sent} webhook(s); {missed} not delivered (retried later, or withheld).")


from cop.webhooks import views  # noqa: E402,F401
