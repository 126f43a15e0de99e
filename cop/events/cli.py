"""`flask events ...`: reminders for tomorrow's events (safe to run from cron as often as you like)."""

import click

from cop.extensions import db


def init_app(app):
    @app.cli.group("events")
    def events_cli():
        """Site visits, feedback sessions and other events."""

    @events_cli.command("send-reminders")
    @click.option("--hours", default=24, show_default=True, help="Remind about events starting within this many hours.")
    def send_reminders_command(hours):
        """E-mail confirmed attendees of events starting within a day, once each (idempotent)."""
        from datetime import timedelta

        from cop.events.services import send_reminders
        from cop.mail import flush_outbox

        sent = send_reminders(window=timedelta(hours=hours))
        db.session.commit()
        flush_outbox()
        click.echo(f"Sent {sent} reminder(s).")
