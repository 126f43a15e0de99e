"""`flask mail receive`: one e-mail on standard input, as a mail server delivers it to a command; `flask mail
poll`: the e-mails waiting in the IMAP mailbox COP_INBOUND_IMAP_URL names, through the same code."""

import sys
import time

import click


def init_app(app):
    mail_cli = app.cli.commands["mail"]

    @mail_cli.command("receive")
    def receive_command():
        """Post the answer in the e-mail on standard input (Postfix: `| flask mail receive`). Exits 0 even
        when it refuses one: the sender gets our own bounce, not the mail server's."""
        from cop.inbound.services import MAX_BYTES, take

        raw = sys.stdin.buffer.read(MAX_BYTES + 1)
        click.echo(take(raw).reason)

    @mail_cli.command("poll")
    @click.option("--forever", is_flag=True, help="Keep polling, a pass every --interval seconds.")
    @click.option("--interval", type=click.IntRange(5, 3600), default=60, show_default=True,
                  help="Seconds between passes with --forever.")
    def poll_command(forever, interval):
        """Take in the unseen e-mails of the IMAP mailbox COP_INBOUND_IMAP_URL names (one pass), as `flask
        mail receive` does, then delete them (or move them: ?move_to=Folder). Safe to run on two machines."""
        from cop.extensions import db
        from cop.inbound.mailbox import MailboxError, poll_once, settings_from_url
        from cop.inbound.services import MAX_BYTES, take

        url = app.config.get("COP_INBOUND_IMAP_URL")
        if not url:
            raise click.ClickException("Set COP_INBOUND_IMAP_URL (imaps://user:password@host/INBOX) to poll a mailbox.")
        try:
            settings = settings_from_url(url)
        except MailboxError as error:
            raise click.ClickException(str(error)) from None
        while True:
            try:
                report = poll_once(settings, take, MAX_BYTES + 1)
            except MailboxError as error:
                if not forever:
                    raise click.ClickException(str(error)) from None
                click.echo(f"Error: {error}", err=True)  # the next pass tries again
            else:
                if report.counts or not forever:
                    click.echo(f"{settings.describe()}: {report.summary()}")
                if report.counts["failed"] and not forever:
                    raise SystemExit(1)
            finally:
                db.session.remove()  # each pass reads the database afresh
            if not forever:
                return
            time.sleep(interval)
