"""What messages add to other pages: "Send a message" and blocking on member profiles, "Message the author"
on practice pages, and, on thread pages, whom the viewer can't be offered to write to."""

import sqlalchemy as sa

from cop.auth.models import MemberStatus
from cop.messages.models import MessageBlock
from cop.messages.services import has_blocked, unreachable_ids


def message_person(person, viewer):
    if person.id == viewer.id or not getattr(viewer, "is_active", False):
        return None
    return "messages/_profile_section.html", {"person": person, "blocked": has_blocked(viewer.id, person.id)}


def message_practice_author(practice, viewer):
    """A published practice's author, to write to privately about it: not for the author, a former or
    suspended member, or a pair where either blocked the other (`blocked_with_practice_author` keys the
    cached page by that)."""
    author = practice.author
    if (not practice.is_published or author.id == viewer.id or not getattr(viewer, "is_active", False)
            or author.status is not MemberStatus.active
            or has_blocked(viewer.id, author.id) or has_blocked(author.id, viewer.id)):
        return None
    return "messages/_author_section.html", {"author": author, "about": f"practice-{practice.id}"}


def blocked_with_practice_author(practice_id, user_id):
    """Whether the member and the practice's author blocked each other, either way, as SQL."""
    from cop.practices.models import Practice

    # The practice again under another name, joined inside the EXISTS: a scalar subquery there would not be
    # correlated with the page's own practice (it is two levels up) and would read every practice.
    practice = Practice.__table__.alias("blocked_practice")
    blocks = MessageBlock.__table__
    return sa.exists().where(practice.c.id == practice_id, sa.or_(
        sa.and_(blocks.c.blocker_id == user_id, blocks.c.blocked_id == practice.c.author_id),
        sa.and_(blocks.c.blocked_id == user_id, blocks.c.blocker_id == practice.c.author_id)))


def register():
    from cop.auth.viewer import VIEWER_EXTRAS
    from cop.discussions import THREAD_VIEWER_STATE
    from cop.members import PROFILE_SECTIONS
    from cop.messages.services import blocks_column
    from cop.practices import DETAIL_SECTIONS, DETAIL_VIEWER_STATE

    for hooks, entry in ((PROFILE_SECTIONS, message_person), (DETAIL_SECTIONS, message_practice_author),
                         (DETAIL_VIEWER_STATE, ("message_blocked", blocked_with_practice_author)),
                         (THREAD_VIEWER_STATE, ("unreachable", unreachable_ids)),
                         (VIEWER_EXTRAS, ("message_blocks", blocks_column))):
        if entry not in hooks:
            hooks.append(entry)
