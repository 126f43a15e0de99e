"""Shared by the API tests: tokens for a member, and requests that carry them."""

from cop.api import services as tokens
from cop.api.models import TokenScope
from cop.auth.models import User
from cop.extensions import db


def token_for(app, user, scope: str = "write", days: int = 90) -> str:
    """A new personal API token's secret for `user`."""
    with app.app_context():
        person = db.session.get(User, user.id)
        _, secret = tokens.issue_token(person, name="Test integration", scope=TokenScope(scope), days=days)
        db.session.commit()
        return secret


def bearer(secret: str) -> dict:
    return {"Authorization": f"Bearer {secret}"}
