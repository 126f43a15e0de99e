"""The landing page for visitors and the community dashboard for members."""

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask import render_template
from flask_login import current_user

from cop.auth import public
from cop.auth.models import MemberStatus, User
from cop.cache import fragments
from cop.extensions import db
from cop.home import DASHBOARD_SECTIONS, bp
from cop.orgs.models import LISTED, Organization, OrgKind
from cop.text import viewer_zone_name


@bp.get("/")
@public
@fragments.cached_page
def index():
    if not current_user.is_authenticated:
        return render_template("home/welcome.html")
    # The member's own page (their events, their role's notices) that moves with the clock (what is upcoming).
    key = ("home", current_user.id, viewer_zone_name(), fragments.this_minute())
    return fragments.page("Home", fragments.cached(key, _dashboard_main))


def _dashboard_main() -> str:
    org_counts = dict(db.session.execute(
        sa.select(Organization.kind, sa.func.count(Organization.id)).where(LISTED).group_by(Organization.kind)
    ).all())
    people = db.session.scalar(sa.select(sa.func.count(User.id)).where(User.status == MemberStatus.active))
    newcomers = db.session.scalars(
        sa.select(User).options(so.joinedload(User.organization))
        .where(User.status == MemberStatus.active).order_by(User.decided_at.desc().nulls_last(), User.id.desc()).limit(6)
    ).all()
    sections = [section for make in DASHBOARD_SECTIONS if (section := make(current_user))]
    return render_template("home/_dashboard_main.html", org_counts=org_counts, people=people, newcomers=newcomers,
                           OrgKind=OrgKind, sections=sections)
