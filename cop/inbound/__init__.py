"""Reply by e-mail: a member answers a notification e-mail about a thread reply or a private message, and
the answer is posted there as them. The mail server hands each message to `flask mail receive`, or `flask mail
poll` reads them from a mailbox over IMAP."""


def init_app(app):
    from cop.inbound import cli

    cli.init_app(app)
