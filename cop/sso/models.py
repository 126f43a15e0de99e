"""Single sign-on: an organization's OpenID Connect identity provider, and who signed in through it."""

from datetime import datetime

import sqlalchemy as sa
import sqlalchemy.orm as so

from cop import sealing
from cop.extensions import UTCDateTime, db, utcnow


class IdentityProvider(db.Model):
    """The company's own sign-in (an OpenID Connect provider) for the people at its e-mail domains."""

    __tablename__ = "identity_providers"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    organization_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("organizations.id", ondelete="CASCADE"),
                                                       unique=True)
    issuer: so.Mapped[str] = so.mapped_column(sa.String(300))
    client_id: so.Mapped[str] = so.mapped_column(sa.String(300))
    # Needed in clear to call the provider's token endpoint, so sealed (cop.sealing) rather than hashed; never
    # logged, shown only by its last characters. Read and set through `client_secret`.
    sealed_client_secret: so.Mapped[str] = so.mapped_column("client_secret", sa.String(1000))
    # Lowercase domains, comma-separated ("crestline.example,crestline-fab.example").
    domains: so.Mapped[str] = so.mapped_column(sa.String(1000))
    # Whether the first sign-in makes an approved account, or a request a facilitator approves.
    approve_new_people: so.Mapped[bool] = so.mapped_column(default=False)
    # Whether people of this organization may still sign in with a password.
    password_signin: so.Mapped[bool] = so.mapped_column(default=True)
    created_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)
    updated_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)

    organization: so.Mapped["Organization"] = so.relationship()  # noqa: F821

    @property
    def client_secret(self) -> str:
        """The secret in clear; raises sealing.UnsealError if SECRET_KEY changed since it was saved."""
        return sealing.unseal(self.sealed_client_secret)

    @client_secret.setter
    def client_secret(self, value: str) -> None:
        self.sealed_client_secret = sealing.seal(value)

    @property
    def domain_list(self) -> list[str]:
        return [d for d in (part.strip().lower() for part in self.domains.split(",")) if d]

    @property
    def secret_hint(self) -> str:
        """Enough of the secret to recognise it, never enough to use it."""
        try:
            secret = self.client_secret
        except sealing.UnsealError:
            return "(unreadable since SECRET_KEY changed: enter it again)"
        return "…" + secret[-4:] if len(secret) > 8 else "(set)"


class ExternalIdentity(db.Model):
    """One person as a provider knows them (its `sub`), so a changed e-mail address finds the same account."""

    __tablename__ = "external_identities"
    __table_args__ = (sa.UniqueConstraint("provider_id", "subject", name="uq_external_identities_provider_subject"),)

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    provider_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("identity_providers.id", ondelete="CASCADE"))
    user_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    subject: so.Mapped[str] = so.mapped_column(sa.String(255))
    created_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)
    last_signin_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)
