"""What a practice page shows one member, read in one statement before anything comes from the cache: the
practice's state (who may see and edit it), its counters, and the member's marks, saves and follows."""

from dataclasses import dataclass

import sqlalchemy as sa

from cop.auth.models import Role
from cop.extensions import HotRead
from cop.practices.models import Bookmark, HelpfulMark, Practice, PracticeStatus, may_view_practice


@dataclass(frozen=True)
class PageState:
    """What a practice page needs to know per request; the rest of the page can come from the cache."""
    id: int
    title: str
    status: PracticeStatus
    deleted: bool
    author_id: int
    organization_id: int
    view_count: int
    marked: bool
    saved: bool
    extra: tuple = ()

    @property
    def is_published(self) -> bool:
        return self.status is PracticeStatus.published and not self.deleted

    def can_view(self, user) -> bool:
        """`Practice.can_view`, without loading the practice."""
        return may_view_practice(user, status=self.status, deleted=self.deleted, author_id=self.author_id,
                                 organization_id=self.organization_id)

    def can_edit(self, user) -> bool:
        """The same rule as `Practice.can_edit`, without loading the practice."""
        if not user.is_active or self.deleted:
            return False
        return user.id == self.author_id or user.role is Role.facilitator or (
            user.role is Role.manager and user.organization_id == self.organization_id)

    def viewer_key(self, user) -> tuple:
        """Everything the cached page shows differently from one member to another."""
        return (self.can_edit(user), user.is_facilitator, user.id == self.author_id, self.marked, self.saved,
                *self.extra)


def page_state(practice_id: int, user) -> PageState | None:
    """One statement: the practice's status and counters and this member's marks, saves and any state
    `DETAIL_VIEWER_STATE` adds."""
    row = _page_state_statement().first({"practice_id": practice_id, "user_id": user.id})
    if row is None:
        return None
    title, status, deleted_at, author_id, organization_id, view_count, marked, saved = row[:8]
    return PageState(id=practice_id, title=title, status=PracticeStatus(status), deleted=deleted_at is not None,
                     author_id=author_id, organization_id=organization_id, view_count=view_count,
                     marked=bool(marked), saved=bool(saved), extra=tuple(bool(v) for v in row[8:]))


_page_state_cache: dict[int, HotRead] = {}


def _page_state_statement() -> HotRead:
    # Built once (per set of hooks) and run on the connection: this runs on every practice page view.
    from cop.practices import DETAIL_VIEWER_STATE

    statement = _page_state_cache.get(len(DETAIL_VIEWER_STATE))
    if statement is None:
        p, user_id = Practice.__table__.c, sa.bindparam("user_id")
        marked = sa.exists().where(HelpfulMark.practice_id == p.id, HelpfulMark.user_id == user_id)
        saved = sa.exists().where(Bookmark.practice_id == p.id, Bookmark.user_id == user_id)
        extra = [make(p.id, user_id).label(name) for name, make in DETAIL_VIEWER_STATE]
        statement = _page_state_cache[len(DETAIL_VIEWER_STATE)] = HotRead(
            sa.select(p.title, p.status, p.deleted_at, p.author_id, p.organization_id, p.view_count,
                      marked.label("marked"), saved.label("saved"), *extra)
            .where(p.id == sa.bindparam("practice_id")))
    return statement
