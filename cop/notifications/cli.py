"""`flask notify ...`: e-mail digests, from cron."""

import click


def init_app(app):
    @app.cli.group("notify")
    def notify_cli():
        """Notifications by e-mail."""

    @notify_cli.command("send-digests")
    def send_digests_command():
        """Send the daily digests that are due (safe to rerun)."""
        from cop.mail import deliver_pending
        from cop.notifications.services import digest_recipients, send_digests

        recipients = digest_recipients()
        with click.progressbar(length=len(recipients), label="Digests", show_pos=True) as bar:
            digests, carried = send_digests(progress=bar.update)
        deliver_pending()
        click.echo(f"Sent {digests} digest(s) carrying {carried} notification(s).")
