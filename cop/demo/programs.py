"""Demo program profiles: one or more for every member company, varied in staffing, budget, occupations,
partners and supports so the aggregates say something; read from cop/demo/data/programs.yaml and loaded
through the programs services."""

import click
import sqlalchemy as sa

from cop.demo import read_data
from cop.extensions import db

# Partners named there that are organizations in the demo network link to them; the rest stay names.
PROGRAMS = read_data("programs")


def seed_programs() -> dict[str, int]:
    """Each demo program once, saved by its organization's manager; programs already there are left alone."""
    from cop.auth.models import MemberStatus, Role, User
    from cop.orgs.models import Organization
    from cop.competencies.models import Competency
    from cop.practices.models import Practice
    from cop.programs import services
    from cop.programs.models import Program, ProgramStage

    created = {"program profiles": 0}
    orgs = {o.name: o for o in db.session.scalars(sa.select(Organization))}
    have = {tuple(row) for row in db.session.execute(sa.select(Program.organization_id, Program.name))}
    managers = {}
    for user in db.session.scalars(sa.select(User).where(User.status == MemberStatus.active,
                                                         User.role.in_([Role.manager, Role.facilitator]))
                                   .order_by(User.id)):
        managers.setdefault(user.organization_id if user.role is Role.manager else "facilitator", user)
    competencies = {c.slug: c for c in db.session.scalars(sa.select(Competency))}
    practices = {(p.organization_id, p.title): p for p in db.session.scalars(
        sa.select(Practice).where(Practice.deleted_at.is_(None)))}
    with click.progressbar(PROGRAMS, label="Programs     ", show_pos=True) as bar:
        for data in bar:
            org = orgs.get(data["org"])
            if org is None or (org.id, data["name"]) in have:
                continue
            by = managers.get(org.id) or managers.get("facilitator")
            if by is None:
                continue
            outcomes = data.get("outcomes", {})
            services.create_program(org, by, services.ProgramData(
                name=data["name"], program_type=data["type"], student_level=data["level"],
                stage=ProgramStage(data["stage"]), summary=data.get("summary", ""),
                participants_per_year=data.get("participants"), duration_weeks=data.get("weeks"),
                schedule=data.get("schedule", ""), is_paid=data.get("paid"), wage_band=data.get("wage"),
                occupations=data.get("occupations", []), staffing_model=data.get("staffing"),
                coordinator_fte=data.get("fte"), students_per_supervisor=data.get("ratio"),
                mentor_source=data.get("mentors"), budget_owner=data.get("budget"),
                funding_sources=data.get("funding", []),
                partner_organizations=[orgs[name] for name in data.get("partners", []) if name in orgs],
                other_partners=[name for name in data.get("partners", []) if name not in orgs],
                supports=data.get("supports", []),
                competencies=[competencies[s] for s in data.get("competencies", []) if s in competencies],
                outcomes_year=outcomes.get("year"), completions=outcomes.get("completions"),
                offers_made=outcomes.get("offers"), hires=outcomes.get("hires"),
                lessons=data.get("lessons", ""),
                practices=[practices[(org.id, t)] for t in data.get("practices", []) if (org.id, t) in practices],
                private_fields=set(data.get("private", []))))
            created["program profiles"] += 1
    db.session.flush()
    return created
