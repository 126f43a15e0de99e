"""What programs add to organization pages ("Programs") and practice pages ("The program it describes")."""

from cop.extensions import db
from cop.programs import services
from cop.programs.models import Program, program_practices


def organization_programs(org, viewer):
    """An organization's program profiles; shown to its managers even before there is one, to add it."""
    programs = services.programs_of(org.id)
    can_add = viewer.can_manage_org(org)
    if not programs and not can_add:
        return None
    return "programs/_org_section.html", {"org": org, "programs": programs, "can_add": can_add}


def practice_program(practice, viewer):
    """The program(s) a practice describes, linked by the program's organization."""
    programs = db.session.scalars(services.with_list_data(
        services.visible_programs(viewer).join(program_practices, program_practices.c.program_id == Program.id)
        .where(program_practices.c.practice_id == practice.id).order_by(Program.name))).unique().all()
    if not programs:
        return None
    return "programs/_practice_section.html", {"programs": programs}


def register():
    from cop.orgs import PAGE_SECTIONS
    from cop.practices import DETAIL_SECTIONS

    if organization_programs not in PAGE_SECTIONS:
        PAGE_SECTIONS.append(organization_programs)
    if practice_program not in DETAIL_SECTIONS:
        DETAIL_SECTIONS.append(practice_program)
