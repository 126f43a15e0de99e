"""Creating and editing organizations."""

import sqlalchemy as sa

from cop.extensions import db
from cop.orgs.models import ORG_SUBTYPES, Organization, OrgKind, slugify


def unique_slug(name: str, exclude_id: int | None = None) -> str:
    base = slugify(name)[:180]
    slug, n = base, 2
    while True:
        query = sa.select(Organization.id).where(Organization.slug == slug)
        if exclude_id is not None:
            query = query.where(Organization.id != exclude_id)
        if db.session.scalar(query) is None:
            return slug
        slug, n = f"{base}-{n}", n + 1


def _fitting_subtype(kind: OrgKind, subtype: str | None) -> str | None:
    """A subtype is kept only if it belongs to the kind (a school is never a member company)."""
    return subtype if subtype in ORG_SUBTYPES and ORG_SUBTYPES[subtype][1] is kind else None


def create_organization(*, name: str, kind: OrgKind, subtype: str | None = None, industry: str | None = None,
                        region: str = "", size_band: str | None = None, website: str = "",
                        description: str = "") -> Organization:
    org = Organization(name=name.strip(), slug=unique_slug(name), kind=kind, subtype=_fitting_subtype(kind, subtype),
                       industry=industry or None, region=region.strip(), size_band=size_band or None,
                       website=website.strip(), description=description.strip())
    db.session.add(org)
    db.session.flush()
    return org


def update_organization(org: Organization, **fields) -> Organization:
    for name, value in fields.items():
        setattr(org, name, value.strip() if isinstance(value, str) else value)
    org.subtype = _fitting_subtype(org.kind, org.subtype)
    org.industry = org.industry or None
    org.size_band = org.size_band or None
    return org
