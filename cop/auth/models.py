"""People and how they join: accounts, roles, membership status and invitations."""

import enum
import hashlib
import secrets
from datetime import datetime

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask_login import UserMixin

from cop.extensions import UTCDateTime, db, enum_column, utcnow


class Role(enum.Enum):
    member = "member"
    manager = "manager"
    facilitator = "facilitator"

    @property
    def label(self) -> str:
        return {"member": "Member", "manager": "Organization manager", "facilitator": "Facilitator"}[self.value]


class MemberStatus(enum.Enum):
    pending = "pending"
    active = "active"
    declined = "declined"
    suspended = "suspended"
    # The account was deleted: the row stays, emptied, so the posts kept point at "Former member".
    deleted = "deleted"


def new_session_token() -> str:
    return secrets.token_urlsafe(24)


def normalize_email(email: str) -> str:
    """E-mail addresses are compared and stored in one form, so case never makes a second account."""
    return (email or "").strip().lower()


def hash_token(token: str) -> str:
    """Only a digest of a secret link token is stored, so a database leak gives no usable links."""
    return hashlib.sha256(token.encode()).hexdigest()


class User(UserMixin, db.Model):
    __tablename__ = "users"
    # The directory lists active members by name; the status leads, so it also finds pending requests.
    __table_args__ = (sa.Index("ix_users_directory", "status", "name"),)

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    email: so.Mapped[str] = so.mapped_column(sa.String(254), unique=True)
    name: so.Mapped[str] = so.mapped_column(sa.String(120))
    title: so.Mapped[str] = so.mapped_column(sa.String(120), default="")
    bio: so.Mapped[str] = so.mapped_column(sa.Text, default="")
    timezone: so.Mapped[str] = so.mapped_column(sa.String(64), default="America/Chicago")
    password_hash: so.Mapped[str] = so.mapped_column(sa.String(255))
    organization_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("organizations.id"), index=True)
    role: so.Mapped[Role] = so.mapped_column(enum_column(Role), default=Role.member)
    status: so.Mapped[MemberStatus] = so.mapped_column(enum_column(MemberStatus), default=MemberStatus.pending)
    # Part of the login id: rotating it ends every session and remember-me cookie of this person.
    session_token: so.Mapped[str] = so.mapped_column(sa.String(64), default=new_session_token)
    # Secret for private feed URLs (Atom, calendar), which readers fetch without a session.
    feed_token: so.Mapped[str | None] = so.mapped_column(sa.String(64), unique=True)
    join_note: so.Mapped[str] = so.mapped_column(sa.Text, default="")
    requested_org_name: so.Mapped[str | None] = so.mapped_column(sa.String(200))
    requested_org_kind: so.Mapped[str | None] = so.mapped_column(sa.String(32))
    created_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)
    decided_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)
    decided_by_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("users.id"))

    organization: so.Mapped["Organization | None"] = so.relationship(back_populates="people")  # noqa: F821

    @so.validates("email")
    def _normalize_email(self, key, value):
        return normalize_email(value)

    def __repr__(self) -> str:
        return f"<User {self.email}>"

    def get_id(self) -> str:
        return f"{self.id}:{self.session_token}"

    @property
    def is_active(self) -> bool:
        return self.status is MemberStatus.active

    @property
    def is_facilitator(self) -> bool:
        return self.is_active and self.role is Role.facilitator

    def can_manage_org(self, org) -> bool:
        """Facilitators manage every organization; a manager manages their own."""
        if not self.is_active or org is None:
            return False
        return self.role is Role.facilitator or (self.role is Role.manager and self.organization_id == org.id)

    def can_invite(self, org, role: Role) -> bool:
        """Managers invite members and managers to their own organization; only facilitators make facilitators."""
        if role is Role.facilitator:
            return self.is_facilitator
        return self.can_manage_org(org)

    def can_delete_account(self, person) -> bool:
        """Everyone deletes their own account; an organization's manager offboards a colleague who left
        (never a facilitator); facilitators remove anyone. Nobody deletes an account already deleted."""
        if not self.is_active or person is None or person.status is MemberStatus.deleted:
            return False
        if person.id == self.id or self.role is Role.facilitator:
            return True
        return (self.role is Role.manager and person.organization_id == self.organization_id
                and person.role is not Role.facilitator)

    @property
    def initials(self) -> str:
        parts = [p for p in self.name.split() if p]
        return "".join(p[0] for p in parts[:2]).upper() or "?"


class Invitation(db.Model):
    """A pre-approved, expiring link to join one organization, bound to one e-mail address."""

    __tablename__ = "invitations"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    email: so.Mapped[str] = so.mapped_column(sa.String(254), index=True)
    organization_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("organizations.id"), index=True)
    role: so.Mapped[Role] = so.mapped_column(enum_column(Role), default=Role.member)
    token_hash: so.Mapped[str] = so.mapped_column(sa.String(64), unique=True)
    message: so.Mapped[str] = so.mapped_column(sa.Text, default="")
    invited_by_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("users.id"))
    created_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)
    expires_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime)
    accepted_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)
    accepted_user_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("users.id"))
    revoked_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)

    organization: so.Mapped["Organization"] = so.relationship()  # noqa: F821
    invited_by: so.Mapped[User | None] = so.relationship(foreign_keys=[invited_by_id])

    @so.validates("email")
    def _normalize_email(self, key, value):
        return normalize_email(value)

    @property
    def state(self) -> str:
        if self.accepted_at:
            return "accepted"
        if self.revoked_at:
            return "revoked"
        if self.expires_at <= utcnow():
            return "expired"
        return "open"

    @property
    def is_usable(self) -> bool:
        return self.state == "open"
