"""What makes a shared discussion page one member's: unread and "New" marks, helpful buttons pressed, what
they follow, and the thread's state they are shown it in. The services hold the rules; this fills pages."""

import functools
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

import sqlalchemy as sa

from cop.cache.fragments import fill_planned, planned
from cop.discussions.models import Category, Follow, Reply, ReplyHelpfulMark, Thread, ThreadRead
from cop.discussions.services import points_into_thread, read_marks, site_path
from cop.extensions import HotRead
from cop.notifications.models import Notification
from cop.practices.models import Topic

_EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)


def micros(moment: datetime) -> int:
    """A time as whole microseconds since 1970, exactly (a float timestamp can be off by one)."""
    return (moment - _EPOCH) // timedelta(microseconds=1)


# A shared thread list carries a placeholder per row: <!--cop:unread:THREAD:LAST_ACTIVITY_US:class|badge-->.
_UNREAD_HTML = {"class": " unread", "badge": '<span class="badge-new">Unread</span>'}


def fill_unread_marks(html: str, user, **values) -> str:
    """Mark the rows this member has not read since their last activity (one statement for the page), and
    fill any other placeholders from `values`, from the list's plan (see `personalize_thread`)."""
    marks = _unread_marks(planned(html, _LIST_DEFAULTS))
    reads = {thread_id: micros(read_at) for thread_id, read_at in read_marks(user, {m[1] for m in marks}).items()}
    filled = {name: str(value) for name, value in values.items()}
    for name, thread_id, activity, part in marks:
        read_at = reads.get(thread_id)
        if read_at is None or activity > read_at:
            filled[name] = _UNREAD_HTML[part]
    return fill_planned(html, user.id, _LIST_DEFAULTS, filled)


_LIST_DEFAULTS = {"unread": ""}


def _unread_marks(plan) -> list[tuple[str, int, int, str]]:
    """Each `unread:THREAD:LAST_ACTIVITY_US:PART` placeholder with its fields, read once per plan."""
    marks = plan.memo.get("unread")
    if marks is None:
        marks = []
        for name in plan.names.get("unread", ()):
            _, thread_id, activity, part = name.split(":")
            marks.append((name, int(thread_id), int(activity), part))
        plan.memo["unread"] = marks
    return marks


@dataclass(frozen=True)
class ThreadState:
    """What a thread page needs per request; the rest can come from the cache."""
    id: int
    hidden: bool
    merged_into_id: int | None
    last_activity_at: datetime
    read_at: datetime | None
    following: bool
    unread_notifications: bool
    marked: frozenset = frozenset()

    def visible_to(self, user) -> bool:
        return Thread.visible_to(user, hidden=self.hidden)

    @property
    def unread(self) -> bool:
        return self.read_at is None or self.last_activity_at > self.read_at


@functools.cache  # built once: every thread view runs it
def _thread_state_statement() -> HotRead:
    t, user_id, thread_id = Thread.__table__.c, sa.bindparam("user_id"), sa.bindparam("thread_id")
    n = Notification.__table__.c
    read_at = (sa.select(ThreadRead.read_at)
               .where(ThreadRead.user_id == user_id, ThreadRead.thread_id == t.id).scalar_subquery())
    following = sa.exists().where(Follow.user_id == user_id, Follow.thread_id == t.id)
    noticed = sa.exists().where(n.user_id == user_id, n.read_at.is_(None),
                                points_into_thread(n.url, sa.bindparam("url"), sa.bindparam("replies_url"),
                                                    sa.bindparam("replies_url_length", type_=sa.Integer)))
    # The replies this member marked helpful, as "12,40": one statement for the page, not two.
    marked = (sa.select(sa.func.aggregate_strings(sa.cast(ReplyHelpfulMark.reply_id, sa.String), ","))
              .select_from(ReplyHelpfulMark).join(Reply, Reply.id == ReplyHelpfulMark.reply_id)
              .where(ReplyHelpfulMark.user_id == user_id, Reply.thread_id == thread_id).scalar_subquery())
    return HotRead(sa.select(t.hidden_at, t.merged_into_id, t.last_activity_at, read_at.label("read_at"),
                             following.label("following"), noticed.label("noticed"), marked.label("marked"))
                   .where(t.id == thread_id))


def thread_state(thread_id: int, user) -> ThreadState | None:
    """The thread's visibility and activity, and this member's read mark, follow, unread notifications about
    it and helpful marks in it: one statement."""
    url = site_path("discussions.detail", thread_id=thread_id)
    replies_url = f"{url}/replies/"
    row = _thread_state_statement().first({"user_id": user.id, "thread_id": thread_id, "url": url,
                                           "replies_url": replies_url, "replies_url_length": len(replies_url)})
    if row is None:
        return None
    hidden_at, merged_into_id, last_activity_at, read_at, following, noticed, marked = row
    marked = frozenset(int(reply_id) for reply_id in marked.split(",")) if marked else frozenset()
    return ThreadState(id=thread_id, hidden=hidden_at is not None, merged_into_id=merged_into_id,
                       last_activity_at=last_activity_at, read_at=read_at, following=bool(following),
                       unread_notifications=bool(noticed), marked=marked)


def thread_viewer_state(user) -> tuple:
    """What later features add to a thread page for this member (`THREAD_VIEWER_STATE`), as (name, value)
    pairs for the page's key and its templates."""
    from cop.discussions import THREAD_VIEWER_STATE

    return tuple((name, read(user)) for name, read in THREAD_VIEWER_STATE)


_NEW_BADGE = '<span class="badge-new">New</span>'
# What a placeholder of the thread page says unless this member's state says otherwise.
_THREAD_DEFAULTS = {"pressed": "false", "new": ""}


def personalize_thread(html: str, user, state: ThreadState) -> str:
    """A shared thread page for this member: their own buttons, their helpful marks, and "New" on what
    others wrote since they last read it.

    Only what differs from the defaults is worked out per request (the replies they marked, the ones new to
    them), from the page's plan: a walk over every placeholder was a large part of the page's cost."""
    values = {f"pressed:{reply_id}": "true" for reply_id in state.marked}
    if state.read_at:
        last_read = micros(state.read_at)
        for name, created, author in _new_marks(planned(html, _THREAD_DEFAULTS)):
            if created > last_read and author != user.id:
                values[name] = _NEW_BADGE
    return fill_planned(html, user.id, _THREAD_DEFAULTS, values)


def _new_marks(plan) -> list[tuple[str, int, int]]:
    """Each `new:REPLY:CREATED_MICROS:AUTHOR` placeholder with its time and author, read once per plan."""
    marks = plan.memo.get("new")
    if marks is None:
        marks = []
        for name in plan.names.get("new", ()):
            _, _, created, author = name.split(":")
            marks.append((name, int(created), int(author)))
        plan.memo["new"] = marks
    return marks


_FOLLOWS_CATEGORY = HotRead(sa.select(sa.exists().where(
    Follow.user_id == sa.bindparam("user_id"),
    Follow.category_id.in_(sa.select(Category.id).where(sa.or_(
        Category.fixed == sa.bindparam("slug"),
        Category.topic_id.in_(sa.select(Topic.id).where(Topic.slug == sa.bindparam("slug")))))))))
_FOLLOWS_PRACTICE = HotRead(sa.select(sa.exists().where(Follow.user_id == sa.bindparam("user_id"),
                                                        Follow.practice_id == sa.bindparam("practice_id"))))


def follow_state(user, *, category_slug: str | None = None, practice_id: int | None = None) -> bool | None:
    """Whether the member follows the category or practice a list is about (None for other lists)."""
    if category_slug is not None:
        return bool(_FOLLOWS_CATEGORY.first({"user_id": user.id, "slug": category_slug})[0])
    if practice_id:
        return bool(_FOLLOWS_PRACTICE.first({"user_id": user.id, "practice_id": practice_id})[0])
    return None
