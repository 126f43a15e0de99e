"""API token rules: issuing (the secret shown once), finding the token a request carries, revoking, and
forgetting a departed member's tokens."""

import hashlib
import secrets
from datetime import timedelta

import sqlalchemy as sa
import sqlalchemy.orm as so

from cop.auth.models import MemberStatus, User
from cop.cache import versions
from cop.auth import viewer
from cop.extensions import HotRead, column_attributes, db, joins_session, loaded_instance, utcnow
from cop.api.models import ApiToken, TokenScope

SECRET_PREFIX = "cop_"
# How long a token may live, in days: the settings page offers these, the command takes any of them.
LIFETIMES = (7, 30, 90, 365)
MAX_SECRET_LENGTH = 200
# "Last used" is a day-to-day hint, not an audit log: written at most this often per token.
LAST_USED_GRANULARITY = timedelta(minutes=1)


class TokenError(ValueError):
    """A rule said no; the message is safe to show."""


def digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def issue_token(user: User, *, name: str, scope: TokenScope, days: int) -> tuple[ApiToken, str]:
    """A new token for an active member; returns it with the secret, which is never shown again."""
    if user.status is not MemberStatus.active:
        raise TokenError("Only active members hold API tokens.")
    name = (name or "").strip()
    if not name:
        raise TokenError("Give the token a name, e.g. the system that will use it.")
    if days not in LIFETIMES:
        raise TokenError(f"A token lasts {', '.join(map(str, LIFETIMES[:-1]))} or {LIFETIMES[-1]} days.")
    secret = SECRET_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(user_id=user.id, name=name[:80], scope=scope, secret_hash=digest(secret),
                     prefix=secret[:len(SECRET_PREFIX) + 6], created_at=utcnow(),
                     expires_at=utcnow() + timedelta(days=days))
    db.session.add(token)
    db.session.flush()
    return token, secret


def _token_statement() -> HotRead:
    # Built on first use: every API request runs it. The token, its member and the content version the
    # kept answers are keyed by, in one statement.
    if not _token_statements:
        tokens, users = ApiToken.__table__, User.__table__
        _token_statements.append(HotRead(
            sa.select(*(column.label(f"t_{column.name}") for column in tokens.c),
                      *(column.label(f"u_{column.name}") for column in users.c),
                      versions.version_column(users.c.id).label("content_version"))
            .join_from(tokens, users, users.c.id == tokens.c.user_id)
            .where(tokens.c.secret_hash == sa.bindparam("secret_hash"))))
    return _token_statements[0]


_token_statements: list[HotRead] = []


def find_token(secret: str, attach: bool = True) -> ApiToken | None:
    """The usable token with this secret, its member loaded; None for anything else, including the
    tokens of members who are suspended, pending, declined or deleted (they stop at once).

    With `attach=False` (the API's own lookup on every request, where a kept answer needs no session) the
    token stays out of the session and is never changed, and the member joins the session only if the
    request makes one (`extensions.joins_session`)."""
    if not secret or len(secret) > MAX_SECRET_LENGTH or not secret.startswith(SECRET_PREFIX):
        return None
    row = _token_statement().mapping({"secret_hash": digest(secret)})
    if row is None:
        return None
    token = loaded_instance(ApiToken, {key: row[f"t_{column}"] for key, column in column_attributes(ApiToken)},
                            attach=attach)
    if not token.is_usable or row["u_status"] is not MemberStatus.active:
        return None
    values = {key: row[f"u_{column}"] for key, column in column_attributes(User)}
    user = loaded_instance(User, values) if attach else joins_session(User, values)
    so.attributes.set_committed_value(token, "user", user)
    viewer.remember_extras({"content_version": row["content_version"]})
    return token


def revoke_token(token: ApiToken, by: User) -> None:
    if not token.can_revoke(by):
        raise TokenError("You can't revoke that token.")
    if token.revoked_at is None:
        token.revoked_at = utcnow()
        token.revoked_by_id = by.id


def tokens_of(user: User) -> list[ApiToken]:
    return db.session.scalars(sa.select(ApiToken).where(ApiToken.user_id == user.id)
                              .order_by(ApiToken.created_at.desc(), ApiToken.id.desc())).all()


def usable_tokens() -> list[ApiToken]:
    """Every token that still works, for the facilitators' overview (newest first)."""
    return db.session.scalars(
        sa.select(ApiToken).join(User, User.id == ApiToken.user_id)
        .where(ApiToken.revoked_at.is_(None), ApiToken.expires_at > utcnow(), User.status == MemberStatus.active)
        .options(so.joinedload(ApiToken.user).joinedload(User.organization))
        .order_by(ApiToken.created_at.desc(), ApiToken.id.desc())).all()


def forget_tokens(user: User) -> int:
    """A deleted account's tokens go with it (not merely revoked: they named what the person used)."""
    return db.session.execute(sa.delete(ApiToken).where(ApiToken.user_id == user.id)).rowcount


def is_due_for_last_used(token: ApiToken, now) -> bool:
    return token.last_used_at is None or now - token.last_used_at >= LAST_USED_GRANULARITY


def record_use(app, token_id: int, at) -> None:
    """Write "last used" after the response has gone out, on a connection of its own (most API requests
    are reads). A failure is logged and forgotten: it is a hint, never a reason for an error."""
    with app.app_context():
        try:
            with db.engine.begin() as connection:
                connection.execute(sa.update(ApiToken).where(ApiToken.id == token_id).values(last_used_at=at)
                                   .execution_options(**{versions.NEUTRAL: True}))
        except sa.exc.SQLAlchemyError:
            app.logger.exception("Recording when API token %s was used failed", token_id)
