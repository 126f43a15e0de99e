"""Occupation demand against provider supply: for each occupation (SOC code) member companies' programs
target, how many employers target it and how many students and hires they plan, beside the training
providers and education partners that offer a pathway for it (a program of their own that targets it, or
a partnership in a program that does). Gaps (demand, no provider) and oversupply (more providers than
employers) are marked.

Facilitators see every figure. Sponsors see every occupation, and providers and education partners the
occupations they offer; for them, the employer figures of an occupation targeted by fewer than
MIN_ORGANIZATIONS employers are withheld, and only what programs share with the whole community counts."""

from dataclasses import dataclass, field

import sqlalchemy as sa

from cop.extensions import db
from cop.orgs.models import LISTED, Organization, OrgKind
from cop.programs.models import Facet, PrivateField, Program, ProgramFacet, ProgramPartner
from cop.programs.occupations import occupation_label
from cop.programs.services import MIN_ORGANIZATIONS

SUPPLIERS = (OrgKind.training_provider, OrgKind.education_partner)


def may_see_market_fit(user) -> bool:
    if not getattr(user, "is_active", False) or not getattr(user, "is_authenticated", False):
        return False
    if user.is_facilitator:
        return True
    organization = user.organization
    return organization is not None and organization.kind in (OrgKind.sponsor, *SUPPLIERS)


@dataclass
class Occupation:
    code: str
    label: str
    employers: int = 0
    students: int | None = 0
    hires: int | None = 0
    providers: list[tuple[str, str]] = field(default_factory=list)  # (name, slug)
    withheld: bool = False

    @property
    def status(self) -> str:
        if self.employers and not self.providers:
            return "gap"
        if len(self.providers) > self.employers:
            return "oversupply"
        return "matched"

    @property
    def status_label(self) -> str:
        return {"gap": "Gap: no provider", "oversupply": "More providers than employers",
                "matched": "Served"}[self.status]


def _shared(name: str):
    return ~sa.exists().where(PrivateField.program_id == Program.id, PrivateField.field == name)


def market_fit(viewer) -> list[Occupation]:
    """Every occupation with demand or supply, gaps first, then by the number of employers. Three
    statements: demand, supply, and nothing per occupation."""
    full = viewer.is_facilitator
    visible = [sa.true()] if full else [_shared("occupations")]
    occupation = ProgramFacet.value.label("code")

    def amount(column, sharing):
        return sa.func.sum(sa.case((sa.and_(_shared(sharing) if not full else sa.true(), column.is_not(None)),
                                    column)))

    demand = db.session.execute(
        sa.select(occupation, sa.func.count(sa.distinct(Program.organization_id)),
                  amount(Program.participants_per_year, "participants"), amount(Program.hires, "outcomes"))
        .join(Program, Program.id == ProgramFacet.program_id)
        .join(Organization, Organization.id == Program.organization_id)
        .where(ProgramFacet.facet == Facet.occupation, Organization.kind == OrgKind.member_company, *visible)
        .group_by(ProgramFacet.value)).all()
    own = (sa.select(ProgramFacet.value.label("code"), Program.organization_id.label("organization_id"))
           .join(Program, Program.id == ProgramFacet.program_id).where(ProgramFacet.facet == Facet.occupation, *visible))
    partnered = (sa.select(ProgramFacet.value.label("code"), ProgramPartner.organization_id.label("organization_id"))
                 .join(Program, Program.id == ProgramFacet.program_id)
                 .join(ProgramPartner, ProgramPartner.program_id == Program.id)
                 .where(ProgramFacet.facet == Facet.occupation, ProgramPartner.organization_id.is_not(None),
                        *visible, *([] if full else [_shared("partners")])))
    offers = sa.union(own, partnered).subquery("offers")
    supply = db.session.execute(
        sa.select(offers.c.code, Organization.name, Organization.slug, Organization.id)
        .join(Organization, Organization.id == offers.c.organization_id)
        .where(Organization.kind.in_(SUPPLIERS), LISTED).order_by(offers.c.code, Organization.name)).all()

    found: dict[str, Occupation] = {}
    for code, employers, students, hires in demand:
        found[code] = Occupation(code, occupation_label(code), employers, int(students or 0), int(hires or 0))
    for code, name, slug, _ in supply:
        found.setdefault(code, Occupation(code, occupation_label(code))).providers.append((name, slug))
    rows = list(found.values())
    if not full:
        organization = viewer.organization
        if organization is not None and organization.kind in SUPPLIERS:
            mine = {code for code, _, _, org_id in supply if org_id == organization.id}
            rows = [row for row in rows if row.code in mine]
        for row in rows:
            if 0 < row.employers < MIN_ORGANIZATIONS:
                row.withheld, row.students, row.hires = True, None, None
    order = {"gap": 0, "oversupply": 2, "matched": 1}
    return sorted(rows, key=lambda r: (order[r.status], -r.employers, r.label))
