"""Webhooks: facilitators and organization managers register HTTPS endpoints that receive signed event
payloads (Standard Webhooks), queued with the change and delivered after the commit with retries."""

import click
from flask import Blueprint

bp = Blueprint("webhooks", __name__)


def _deliver_after_response(app):
    from cop.mail import flush_outbox
    from cop.webhooks.delivery import deliver_pending

    deliver_pending()
    flush_outbox()


def init_app(app):
    from cop import afterwards
    from cop.mail import flush_outbox
    from cop.webhooks import changes  # noqa: F401  registers the session listeners once, at import
    from cop.webhooks.delivery import deliver_pending
    from cop.webhooks.models import EVENT_TYPES

    # For the API reference's Webhooks section (templates/webhooks/_reference.html).
    app.add_template_global(EVENT_TYPES, "webhook_events")

    # Sent once the response has gone out, so a slow receiver never holds up the member's page; the deliveries
    # stay queued for `flask webhooks deliver` or the next request if this fails.
    afterwards.register("webhooks_ready", _deliver_after_response, "Delivering webhooks failed")

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
