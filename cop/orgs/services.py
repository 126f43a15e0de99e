"""Creating and editing organizations."""

import sqlalchemy as sa

from cop.auth import services as membership
from cop.auth.models import MemberStatus, User
from cop.extensions import db, utcnow
from cop.orgs.models import LISTED, ORG_KIND_LABELS, ORG_SUBTYPES, Organization, OrgKind, slugify


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


def directory(*, q: str = "", kind: str = "", industry: str = "", size_band: str = "", region: str = ""):
    """The organization directory: listed organizations by name, narrowed by its filters (empty: any; a kind
    that is not one matches any, as the page's form ignores it)."""
    query = sa.select(Organization).where(LISTED).order_by(Organization.name, Organization.id)
    if q.strip():
        query = query.where(Organization.name.ilike(f"%{q.strip()}%"))
    if kind in {k.value for k in OrgKind}:
        query = query.where(Organization.kind == OrgKind(kind))
    if industry:
        query = query.where(Organization.industry == industry)
    if size_band:
        query = query.where(Organization.size_band == size_band)
    if region:
        query = query.where(Organization.region == region)
    return query


def active_member_counts(org_ids: list[int]) -> dict[int, int]:
    """Active people per organization, for a page of organizations in one query."""
    if not org_ids:
        return {}
    rows = db.session.execute(
        sa.select(User.organization_id, sa.func.count(User.id))
        .where(User.status == MemberStatus.active, User.organization_id.in_(org_ids))
        .group_by(User.organization_id)
    ).all()
    return dict(rows)


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


def mark_removed(org: Organization) -> None:
    """Take an organization out of every list; its people are deleted separately (cop.privacy)."""
    org.removed_at = org.removed_at or utcnow()
    db.session.flush()


def joinable_organization_choices() -> list[tuple[str, str]]:
    """The organizations a newcomer may say they belong to on the join page (not the facilitator's)."""
    rows = db.session.execute(sa.select(Organization.id, Organization.name)
                              .where(Organization.kind != OrgKind.facilitator, LISTED)
                              .order_by(Organization.name)).all()
    return [(str(org_id), name) for org_id, name in rows]


def new_organization_kind_choices() -> list[tuple[str, str]]:
    """What an organization named on the join page may be; the usual one, a member company, first."""
    return [(kind.value, label) for kind, label in ORG_KIND_LABELS.items() if kind is not OrgKind.facilitator]


def approve_applicant(user: User, by: User) -> User:
    """Approve a request to join. An applicant who named an organization that is not listed is placed in the
    one of that name, or in a new one made for them, then activated."""
    if user.organization_id is None and user.status is MemberStatus.pending:
        name = (user.requested_org_name or "").strip()
        org = db.session.scalar(sa.select(Organization).where(sa.func.lower(Organization.name) == name.lower()))
        if org is not None and org.is_removed:
            org.removed_at = None  # a company that left and comes back is listed again
        user.organization = org or create_organization(
            name=name, kind=OrgKind(user.requested_org_kind or OrgKind.member_company.value))
    return membership.approve_request(user, by=by)
