"""`flask api create-token`: a token for an operator's integration, without the settings page."""

import click

from cop.api.models import TokenScope
from cop.api.services import LIFETIMES, TokenError, issue_token


def init_app(app):
    @app.cli.group("api")
    def api_cli():
        """The JSON API."""

    @api_cli.command("create-token")
    @click.argument("email")
    @click.option("--scope", type=click.Choice([scope.value for scope in TokenScope]), default="read",
                  show_default=True, help="read, or write (read and write).")
    @click.option("--name", default="Made with flask api create-token", show_default=True)
    @click.option("--days", type=click.Choice([str(days) for days in LIFETIMES]), default="90", show_default=True)
    def create_token(email, scope, name, days):
        """Make a personal API token for the member with this e-mail address and print its secret once."""
        from cop.auth.services import find_user_by_email
        from cop.extensions import db

        user = find_user_by_email(email)
        if user is None:
            raise click.ClickException(f"No account has the address {email}.")
        try:
            token, secret = issue_token(user, name=name, scope=TokenScope(scope), days=int(days))
        except TokenError as error:
            raise click.ClickException(str(error)) from error
        db.session.commit()
        click.echo(f"Token {token.prefix}… for {user.email} ({token.scope.label.lower()}), "
                   f"expires {token.expires_at:%Y-%m-%d}. Its secret, shown only now:")
        click.echo(secret)
