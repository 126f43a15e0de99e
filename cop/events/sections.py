"""What events add to the dashboard, organization pages and practice pages."""

import sqlalchemy as sa
import sqlalchemy.orm as so

from cop.events.models import Event, EventStatus, Rsvp, RsvpStatus
from cop.extensions import db, utcnow

SECTION_LIMIT = 5


def upcoming_for_member(viewer):
    """The member's next events, and what else is coming up in the community."""
    now = utcnow()
    mine = db.session.execute(
        sa.select(Event, Rsvp.status).join(Rsvp, Rsvp.event_id == Event.id)
        .where(Rsvp.user_id == viewer.id, Rsvp.status.in_([RsvpStatus.going, RsvpStatus.waitlisted]),
               Event.ends_at >= now)
        .options(so.joinedload(Event.host_org)).order_by(Event.starts_at).limit(SECTION_LIMIT)).all()
    taken = [event.id for event, _ in mine]
    coming = db.session.scalars(
        sa.select(Event).where(Event.ends_at >= now, Event.status == EventStatus.scheduled, Event.id.not_in(taken))
        .options(so.joinedload(Event.host_org)).order_by(Event.starts_at).limit(3)).all()
    return "events/_dashboard_section.html", {"mine": mine, "coming": coming}


def organization_events(org, viewer):
    """Events an organization hosts or whose offering is discussed: upcoming first, then a few past."""
    now = utcnow()
    base = sa.select(Event).where(Event.host_org_id == org.id)
    upcoming = db.session.scalars(base.where(Event.ends_at >= now).order_by(Event.starts_at).limit(SECTION_LIMIT)).all()
    past = db.session.scalars(base.where(Event.ends_at < now).order_by(Event.starts_at.desc()).limit(3)).all()
    if not upcoming and not past:
        return None
    return "events/_org_section.html", {"org": org, "upcoming": upcoming, "past": past}


def practice_visits(practice, viewer):
    """Site visits whose recap points at this practice."""
    events = db.session.scalars(sa.select(Event).where(Event.recap_practice_id == practice.id)
                                .order_by(Event.starts_at.desc()).limit(SECTION_LIMIT)).all()
    if not events:
        return None
    return "events/_practice_section.html", {"events": events}


def register():
    from cop.home import DASHBOARD_SECTIONS
    from cop.orgs import PAGE_SECTIONS
    from cop.practices import DETAIL_SECTIONS

    for hook, section in ((DASHBOARD_SECTIONS, upcoming_for_member), (PAGE_SECTIONS, organization_events),
                          (DETAIL_SECTIONS, practice_visits)):
        if section not in hook:
            hook.append(section)
