"""`flask mail receive`: one e-mail on standard input, as a mail server delivers it to a command."""

import sys

import click


def init_app(app):
    mail_cli = app.cli.commands["mail"]

    @mail_cli.command("receive")
    def receive_command():
        """Post the answer in the e-mail on standard input (Postfix: `| flask mail receive`). Exits 0 even
        when it refuses one: the sender gets our own bounce, not the mail server's."""
        from cop.inbound.services import MAX_BYTES, receive
        from cop.mail import flush_outbox

        raw = sys.stdin.buffer.read(MAX_BYTES + 1)
        outcome = receive(raw)
        flush_outbox()
        click.echo(outcome.reason)
