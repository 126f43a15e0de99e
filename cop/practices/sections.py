"""What the library adds to organization pages and member profiles."""

import sqlalchemy as sa

from cop.extensions import db
from cop.practices.models import Bookmark, Practice
from cop.practices.services import visible_practices, with_card_data

SECTION_LIMIT = 10


def organization_practices(org, viewer):
    practices = db.session.scalars(with_card_data(
        visible_practices().where(Practice.organization_id == org.id)
        .order_by(Practice.published_at.desc()).limit(SECTION_LIMIT))).unique().all()
    total = db.session.scalar(sa.select(sa.func.count()).select_from(
        visible_practices().where(Practice.organization_id == org.id).subquery()))
    return "practices/_org_section.html", {"org": org, "practices": practices, "total": total}


def saved_practices(person, viewer):
    """A member's saved list is theirs alone."""
    if person.id != viewer.id:
        return None
    practices = db.session.scalars(with_card_data(
        visible_practices().join(Bookmark, Bookmark.practice_id == Practice.id)
        .where(Bookmark.user_id == person.id).order_by(Bookmark.created_at.desc()).limit(SECTION_LIMIT))).unique().all()
    return "practices/_saved_section.html", {"practices": practices}


def latest_practices(viewer):
    practices = db.session.scalars(with_card_data(
        visible_practices().order_by(Practice.published_at.desc()).limit(5))).unique().all()
    return "practices/_dashboard_section.html", {"practices": practices}


def register():
    from cop.home import DASHBOARD_SECTIONS
    from cop.members import PROFILE_SECTIONS
    from cop.orgs import PAGE_SECTIONS

    if latest_practices not in DASHBOARD_SECTIONS:
        DASHBOARD_SECTIONS.append(latest_practices)
    if organization_practices not in PAGE_SECTIONS:
        PAGE_SECTIONS.append(organization_practices)
    if saved_practices not in PROFILE_SECTIONS:
        PROFILE_SECTIONS.append(saved_practices)
