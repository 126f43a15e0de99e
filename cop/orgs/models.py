"""Organizations: the member companies, providers and partners that make up the network."""

import enum
import re
import unicodedata
from datetime import datetime

import sqlalchemy as sa
import sqlalchemy.orm as so

from cop.extensions import UTCDateTime, db, enum_column, utcnow


class OrgKind(enum.Enum):
    member_company = "member_company"
    training_provider = "training_provider"
    education_partner = "education_partner"
    community_organization = "community_organization"
    facilitator = "facilitator"
    sponsor = "sponsor"

    @property
    def label(self) -> str:
        return ORG_KIND_LABELS[self]


ORG_KIND_LABELS = {
    OrgKind.member_company: "Member company",
    OrgKind.training_provider: "Training provider",
    OrgKind.education_partner: "Education partner",
    OrgKind.community_organization: "Community organization",
    OrgKind.facilitator: "Facilitator",
    OrgKind.sponsor: "Sponsor",
}

# Subtypes refine a kind; the form offers only the ones that fit the chosen kind.
ORG_SUBTYPES = {
    "community_college": ("Community college", OrgKind.training_provider),
    "credential_provider": ("Credential provider", OrgKind.training_provider),
    "hybrid_college": ("Hybrid college", OrgKind.training_provider),
    "school": ("School", OrgKind.education_partner),
    "district": ("School district", OrgKind.education_partner),
}

INDUSTRIES = [
    "Advanced Manufacturing",
    "Construction and Skilled Trades",
    "Energy and Utilities",
    "Financial Services",
    "Healthcare",
    "Hospitality and Retail",
    "Information Technology",
    "Logistics and Transportation",
    "Public Sector",
    "Education",
    "Workforce Development",
    "Philanthropy",
    "Nonprofit",
]

SIZE_BANDS = ["1-49", "50-249", "250-999", "1000-4999", "5000+"]


def slugify(text: str) -> str:
    """A lowercase ASCII slug for URLs ("Crestline Fabrication" -> "crestline-fabrication")."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-") or "org"


class Organization(db.Model):
    __tablename__ = "organizations"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    name: so.Mapped[str] = so.mapped_column(sa.String(200), unique=True)
    slug: so.Mapped[str] = so.mapped_column(sa.String(200), unique=True)
    kind: so.Mapped[OrgKind] = so.mapped_column(enum_column(OrgKind), index=True)
    subtype: so.Mapped[str | None] = so.mapped_column(sa.String(40))
    industry: so.Mapped[str | None] = so.mapped_column(sa.String(80), index=True)
    region: so.Mapped[str] = so.mapped_column(sa.String(120), default="")
    size_band: so.Mapped[str | None] = so.mapped_column(sa.String(20))
    website: so.Mapped[str] = so.mapped_column(sa.String(300), default="")
    description: so.Mapped[str] = so.mapped_column(sa.Text, default="")
    created_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)
    # Set when a facilitator removed the organization: its name stays behind kept posts and past events.
    removed_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)

    people: so.WriteOnlyMapped["User"] = so.relationship(back_populates="organization")  # noqa: F821

    def __repr__(self) -> str:
        return f"<Organization {self.name!r}>"

    @property
    def is_removed(self) -> bool:
        return self.removed_at is not None

    @property
    def subtype_label(self) -> str:
        return ORG_SUBTYPES[self.subtype][0] if self.subtype in ORG_SUBTYPES else ""

    @property
    def kind_label(self) -> str:
        return self.subtype_label or self.kind.label


# Organizations still in the community, for every list and choice (a removed one is only a name behind old posts).
LISTED = Organization.removed_at.is_(None)
