"""What the library adds to organization pages, member profiles and competency pages."""

import sqlalchemy as sa
from flask import request

from cop.extensions import db
from cop.practices.forms import PracticeSortForm
from cop.practices.models import Bookmark, Practice
from cop.practices.services import SORTS, filter_practices, sort_practices, visible_practices, with_card_data

SECTION_LIMIT = 10
COMPETENCY_PAGE_SIZE = 20


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


def competency_practices(competency, viewer):
    """The practices that develop or assess a competency, sorted as the page asks, a page at a time."""
    form = PracticeSortForm(request.args)
    sort = form.sort.data if form.sort.data in SORTS else "newest"
    query = filter_practices(visible_practices(), competency=competency)
    page = db.paginate(with_card_data(sort_practices(query, sort)), per_page=COMPETENCY_PAGE_SIZE, error_out=False)
    return "practices/_competency_section.html", {"competency": competency, "page": page, "sort": sort,
                                                  "sorts": SORTS}


def register():
    from cop.competencies import PAGE_SECTIONS as COMPETENCY_SECTIONS
    from cop.home import DASHBOARD_SECTIONS
    from cop.members import PROFILE_SECTIONS
    from cop.orgs import PAGE_SECTIONS

    if latest_practices not in DASHBOARD_SECTIONS:
        DASHBOARD_SECTIONS.append(latest_practices)
    if organization_practices not in PAGE_SECTIONS:
        PAGE_SECTIONS.append(organization_practices)
    if saved_practices not in PROFILE_SECTIONS:
        PROFILE_SECTIONS.append(saved_practices)
    if competency_practices not in COMPETENCY_SECTIONS:
        COMPETENCY_SECTIONS.append(competency_practices)
