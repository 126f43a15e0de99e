"""The people directory's rule: only active members are listed, narrowed by its filters."""

import sqlalchemy as sa
import sqlalchemy.orm as so

from cop.auth.models import MemberStatus, Role, User
from cop.orgs.models import Organization, OrgKind


def directory(*, q: str = "", kind: str = "", role: str = ""):
    """Active members with an organization, by name, narrowed by the directory's filters (empty, or a kind or
    role that is not one: any). `q` matches a name, a job title or an organization's name."""
    query = (sa.select(User).join(User.organization).options(so.contains_eager(User.organization))
             .where(User.status == MemberStatus.active).order_by(User.name, User.id))
    if q.strip():
        needle = f"%{q.strip()}%"
        query = query.where(sa.or_(User.name.ilike(needle), User.title.ilike(needle), Organization.name.ilike(needle)))
    if kind in {k.value for k in OrgKind}:
        query = query.where(Organization.kind == OrgKind(kind))
    if role in {r.value for r in Role}:
        query = query.where(User.role == Role(role))
    return query
