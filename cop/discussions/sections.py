"""What discussions add to practice pages ("Discuss this practice"), the dashboard and member profiles."""

import sqlalchemy as sa

from cop.discussions import services
from cop.discussions.models import Follow, Thread
from cop.extensions import db

SECTION_LIMIT = 5


def practice_discussions(practice, viewer):
    """Threads about a published practice, with a way to start one and to follow new ones."""
    if not practice.is_published:
        return None
    threads = db.session.scalars(services.with_list_data(
        services.visible_threads_for(viewer).where(Thread.practice_id == practice.id)
        .order_by(Thread.last_activity_at.desc(), Thread.id.desc()).limit(SECTION_LIMIT))).all()
    return "discussions/_practice_section.html", {
        "practice": practice, "threads": threads, "total": practice.discussion_count,
        "following": services.is_following(viewer, practice=practice)}


def latest_discussions(viewer):
    threads = db.session.scalars(services.with_list_data(
        services.visible_threads_for(viewer).order_by(Thread.last_activity_at.desc(), Thread.id.desc())
        .limit(SECTION_LIMIT))).all()
    return "discussions/_dashboard_section.html", {"threads": threads}


def member_threads(person, viewer):
    """A member's handle for @mentions and the threads they started."""
    threads = db.session.scalars(services.with_list_data(
        services.visible_threads_for(viewer).where(Thread.author_id == person.id)
        .order_by(Thread.created_at.desc(), Thread.id.desc()).limit(SECTION_LIMIT))).all()
    return "discussions/_profile_section.html", {"person": person, "threads": threads,
                                                 "handle": services.handle_for(person.name)}


def following_practice(practice_id, user_id):
    """Whether the member follows a practice's discussion: the section's follow button shows it."""
    return sa.exists().where(Follow.practice_id == practice_id, Follow.user_id == user_id)


def log_member_decision(decision: str, by, person, note: str) -> None:
    """A facilitator's decision about a person goes into the moderation log beside the posts' moderation."""
    from cop.discussions.models import ModerationAction
    from cop.discussions.services import log_action

    log_action(ModerationAction(decision), by, target_user=person, detail=note)


def register():
    from cop.home import DASHBOARD_SECTIONS
    from cop.members import DECISION_LISTENERS, PROFILE_SECTIONS
    from cop.practices import DETAIL_SECTIONS, DETAIL_VIEWER_STATE

    if ("following_discussion", following_practice) not in DETAIL_VIEWER_STATE:
        DETAIL_VIEWER_STATE.append(("following_discussion", following_practice))

    for hooks, section in ((DETAIL_SECTIONS, practice_discussions), (DASHBOARD_SECTIONS, latest_discussions),
                           (PROFILE_SECTIONS, member_threads), (DECISION_LISTENERS, log_member_decision)):
        if section not in hooks:
            hooks.append(section)
