"""Personal API tokens: a member's named, scoped, expiring keys for the JSON API."""

import enum
from datetime import datetime

import sqlalchemy as sa
import sqlalchemy.orm as so

from cop.extensions import UTCDateTime, db, enum_column, utcnow


class TokenScope(enum.Enum):
    read = "read"
    write = "write"

    @property
    def label(self) -> str:
        return {"read": "Read only", "write": "Read and write"}[self.value]


class ApiToken(db.Model):
    """A bearer token acting as its member, within its scope, until it expires or is revoked.

    Only a digest of the secret is stored: the member sees the secret once, when it is made.
    """

    __tablename__ = "api_tokens"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    user_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    name: so.Mapped[str] = so.mapped_column(sa.String(80))
    scope: so.Mapped[TokenScope] = so.mapped_column(enum_column(TokenScope), default=TokenScope.read)
    secret_hash: so.Mapped[str] = so.mapped_column(sa.String(64), unique=True)
    # The secret's first characters, shown in lists so a member can tell their tokens apart.
    prefix: so.Mapped[str] = so.mapped_column(sa.String(16))
    created_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)
    expires_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime)
    last_used_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)
    revoked_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)
    revoked_by_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))

    user: so.Mapped["User"] = so.relationship(foreign_keys=[user_id])  # noqa: F821

    def __repr__(self) -> str:
        return f"<ApiToken {self.id} {self.prefix} of user {self.user_id}>"

    @property
    def state(self) -> str:
        if self.revoked_at is not None:
            return "revoked"
        if self.expires_at <= utcnow():
            return "expired"
        return "active"

    @property
    def is_usable(self) -> bool:
        return self.state == "active"

    @property
    def can_write(self) -> bool:
        return self.scope is TokenScope.write

    def can_revoke(self, user) -> bool:
        """Its member revokes their own; facilitators revoke anyone's."""
        if not getattr(user, "is_active", False):
            return False
        return user.id == self.user_id or user.is_facilitator
