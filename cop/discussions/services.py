"""Discussion rules: who sees what, threads and threaded replies, answers, helpful marks, @mentions,
follows and the notifications they cause, read marks, flags and moderation with its audit log.

Services flush but never commit: the view or command that calls them commits once.
"""

import re
import unicodedata
from dataclasses import dataclass

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask import current_app, has_request_context, url_for
from markupsafe import escape

from cop.auth.models import MemberStatus, Role, User
from cop.discussions.models import (FIXED_CATEGORIES, MAX_DEPTH, PATH_DIGITS, Category, Flag, FlagReason, Follow,
                                    ModerationAction, ModerationLogEntry, PostRevision, Reply, ReplyHelpfulMark,
                                    Thread, ThreadKind, ThreadRead)
from cop.extensions import HotRead, db, utcnow
from cop.notifications import services as notifications
from cop.notifications.models import Notification
from cop.practices.models import Practice, Topic
from cop.replies import reply_address
from cop.text import render_markdown

# The notification kinds discussions cause; all but "flag" may go out by e-mail.
KINDS = {
    "reply": "Replies to you",
    "answer": "Answers to your questions",
    "accepted": "Replies marked as the answer",
    "mention": "Mentions",
    "thread_reply": "Replies in threads you follow",
    "new_thread": "New threads in what you follow",
    "flag": "Flagged posts (facilitators)",
}
notifications.EMAIL_KINDS.update(kind for kind in KINDS if kind != "flag")


class DiscussionError(ValueError):
    """A rule said no; the message is safe to show."""


def _add_once(obj) -> bool:
    """Insert a row guarded by a unique constraint; False when a concurrent request inserted it first
    (a double click, two tabs), instead of failing the whole request."""
    try:
        with db.session.begin_nested():
            db.session.add(obj)
    except sa.exc.IntegrityError:
        return False
    return True


# Categories

@dataclass
class CategoryInfo:
    """A category as lists show it, whether or not its row exists yet."""

    slug: str
    name: str
    description: str
    thread_count: int = 0
    id: int | None = None
    topic_id: int | None = None


def list_categories() -> list[CategoryInfo]:
    """General, then every library topic in its order, then Introductions; two statements."""
    fixed = {c.fixed: c for c in db.session.scalars(sa.select(Category).where(Category.fixed.is_not(None)))}
    rows = db.session.execute(
        sa.select(Topic.id, Topic.slug, Topic.name, Topic.question, Category.id, Category.thread_count)
        .outerjoin(Category, Category.topic_id == Topic.id).order_by(Topic.position, Topic.name)).all()

    def fixed_info(slug):
        row = fixed.get(slug)
        name, description = FIXED_CATEGORIES[slug]
        return CategoryInfo(slug, name, description, row.thread_count if row else 0, row.id if row else None)

    topics = [CategoryInfo(slug, name, question, count or 0, category_id, topic_id)
              for topic_id, slug, name, question, category_id, count in rows]
    return [fixed_info("general")] + topics + [fixed_info("introductions")]


def find_category(slug: str, categories: list[CategoryInfo] | None = None) -> CategoryInfo | None:
    return next((c for c in categories or list_categories() if c.slug == slug), None)


def category_for(slug: str) -> Category | None:
    """The category row for a slug, created the first time something needs it; None for an unknown slug."""
    if slug in FIXED_CATEGORIES:
        where, values = Category.fixed == slug, {"fixed": slug}
    else:
        topic_id = db.session.scalar(sa.select(Topic.id).where(Topic.slug == slug))
        if topic_id is None:
            return None
        where, values = Category.topic_id == topic_id, {"topic_id": topic_id}
    category = db.session.scalar(sa.select(Category).where(where))
    if category is None:
        _add_once(Category(thread_count=0, **values))
        category = db.session.scalar(sa.select(Category).where(where))
    return category


# Who sees what. Search, feeds and every list ask these, so a hidden post can't leak through one of them.

_THREAD_VISIBILITY = HotRead(sa.select(Thread.__table__.c.hidden_at, Thread.__table__.c.merged_into_id)
                             .where(Thread.__table__.c.id == sa.bindparam("thread_id")))


def is_thread_visible(thread_id: int, user) -> bool:
    """Whether `user` may read the thread with this id where it is (not merged into another), without loading
    it: the decision a cached answer about the thread is served after."""
    row = _THREAD_VISIBILITY.first({"thread_id": thread_id})
    return row is not None and row[1] is None and Thread.visible_to(user, hidden=row[0] is not None)


def visible_threads_for(user):
    """Threads `user` may find in lists, feeds and search results: not hidden by a facilitator and not
    merged into another thread. Facilitators get the same lists; hidden threads reach them through the
    moderation queue and their own pages."""
    query = sa.select(Thread).where(Thread.hidden_at.is_(None), Thread.merged_into_id.is_(None))
    if not getattr(user, "is_active", False):
        query = query.where(sa.false())
    return query


def visible_replies_for(user, include_removed: bool = False):
    """Replies `user` may read in lists and search: in a visible thread, not hidden, and (unless
    include_removed) not removed by their author."""
    query = (sa.select(Reply).join(Thread, Thread.id == Reply.thread_id)
             .where(Thread.hidden_at.is_(None), Thread.merged_into_id.is_(None), Reply.hidden_at.is_(None)))
    if not include_removed:
        query = query.where(Reply.deleted_at.is_(None))
    if not getattr(user, "is_active", False):
        query = query.where(sa.false())
    return query


def thread_replies_for(thread: Thread, user):
    """A thread's replies as `user` sees them on its page, in threaded order: removed ones stay as
    placeholders; hidden ones only facilitators see."""
    query = sa.select(Reply).where(Reply.thread_id == thread.id).order_by(Reply.path)
    if not user.is_facilitator:
        query = query.where(Reply.hidden_at.is_(None))
    return query


def list_threads(query, show: str, user):
    """A thread list narrowed and ordered as its tab says: "latest" (pinned first, then by last activity),
    "new", "unanswered" (questions without an answer), "mine" and "following" (the user's own)."""
    if show == "new":
        return query.order_by(Thread.created_at.desc(), Thread.id.desc())
    if show == "unanswered":
        return query.where(Thread.kind == ThreadKind.question, Thread.answered_at.is_(None)).order_by(
            Thread.created_at.desc(), Thread.id.desc())
    if show == "mine":
        return query.where(Thread.author_id == user.id).order_by(Thread.last_activity_at.desc(), Thread.id.desc())
    if show == "following":
        followed = sa.select(Follow.thread_id).where(Follow.user_id == user.id, Follow.thread_id.is_not(None))
        return query.where(Thread.id.in_(followed)).order_by(Thread.last_activity_at.desc(), Thread.id.desc())
    return query.order_by(Thread.is_pinned.desc(), Thread.last_activity_at.desc(), Thread.id.desc())


def with_list_data(query, with_body: bool = False):
    """Load what a thread row shows in a fixed number of statements, whatever the page size (the posts'
    text only when asked: lists never show it)."""
    query = query.options(
        so.joinedload(Thread.author).load_only(User.id, User.name),
        so.joinedload(Thread.last_poster).load_only(User.id, User.name),
        so.joinedload(Thread.category).joinedload(Category.topic),
        so.joinedload(Thread.practice).load_only(Practice.id, Practice.title, Practice.status, Practice.deleted_at))
    return query if with_body else query.options(so.defer(Thread.body), so.defer(Thread.body_html))


# @mentions. A member's handle is their name as it appears on their profile, accents and apostrophes
# dropped, words joined by dots: "Kevin O'Malley" is @Kevin.OMalley, "Héctor Villalobos" @Hector.Villalobos.
# Matching ignores case, and hyphens or underscores may stand for the dots.

MENTION = re.compile(r"(?<![\w@/.])@([A-Za-z0-9]+(?:['’._-][A-Za-z0-9]+)*)")
_TAG = re.compile(r"(<[^>]+>)")
_NO_MENTION_TAGS = {"a", "code", "pre"}
_LINKED_MENTION = re.compile(r'<a class="mention" href="/members/(\d+)"')


def handle_for(name: str) -> str:
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    ascii_name = re.sub(r"['’]", "", ascii_name)
    return ".".join(re.findall(r"[A-Za-z0-9]+", ascii_name))


def _handle_key(handle: str) -> str:
    return ".".join(part for part in re.split(r"[._-]", re.sub(r"['’]", "", handle)) if part).lower()


def _segments(html: str):
    """(text, mentionable) pieces of sanitized HTML; text inside links and code is left alone."""
    inside = 0
    for piece in _TAG.split(html):
        if piece.startswith("<"):
            match = re.match(r"<(/?)([a-zA-Z0-9]+)", piece)
            if match and match.group(2).lower() in _NO_MENTION_TAGS:
                inside += -1 if match.group(1) else 1
                inside = max(inside, 0)
            yield piece, False
        else:
            yield piece, inside == 0


def _members_by_handle(keys: set[str]) -> dict[str, User]:
    """Active members whose handle is one of `keys`; a handle two members share links to neither."""
    if not keys:
        return {}
    found: dict[str, list[User]] = {}
    for user in db.session.scalars(sa.select(User).where(User.status == MemberStatus.active)):
        key = _handle_key(handle_for(user.name))
        if key in keys:
            found.setdefault(key, []).append(user)
    return {key: users[0] for key, users in found.items() if len(users) == 1}


def render_post(body: str) -> tuple[str, list[User]]:
    """Markdown to sanitized HTML with each @mention of a member linked to their profile; returns the
    HTML and the members mentioned, in order of first mention."""
    html = render_markdown(body)
    pieces = list(_segments(html))
    keys = {_handle_key(m.group(1)) for text, ok in pieces if ok for m in MENTION.finditer(text)}
    members = _members_by_handle(keys)
    mentioned: dict[int, User] = {}

    def link(match):
        user = members.get(_handle_key(match.group(1)))
        if user is None:
            return match.group(0)
        mentioned.setdefault(user.id, user)
        return f'<a class="mention" href="/members/{user.id}">@{escape(match.group(1))}</a>'

    out = "".join(MENTION.sub(link, text) if ok else text for text, ok in pieces)
    return out, list(mentioned.values())


def mentioned_ids(body_html: str) -> set[int]:
    """Who a stored post already mentions (its linked handles), so an edit only notifies newcomers."""
    return {int(i) for i in _LINKED_MENTION.findall(body_html or "")}


# Counters kept on rows

def refresh_thread_stats(thread: Thread) -> None:
    """Recount readable replies and find the latest, after something disappeared or moved."""
    db.session.flush()
    readable = sa.and_(Reply.thread_id == thread.id, Reply.deleted_at.is_(None), Reply.hidden_at.is_(None))
    count, last_at = db.session.execute(sa.select(sa.func.count(Reply.id), sa.func.max(Reply.created_at))
                                        .where(readable)).one()
    last_poster = db.session.scalar(sa.select(Reply.author_id).where(readable)
                                    .order_by(Reply.created_at.desc(), Reply.id.desc()).limit(1))
    thread.reply_count = count
    thread.last_activity_at = last_at or thread.created_at
    thread.last_poster_id = last_poster


def _visible_thread_condition():
    return sa.and_(Thread.hidden_at.is_(None), Thread.merged_into_id.is_(None))


def refresh_counts(category_ids=(), practice_ids=()) -> None:
    """Recount visible threads per category and per practice (Practice.discussion_count feeds the
    library's "most discussed" sort)."""
    db.session.flush()
    for category_id in {i for i in category_ids if i}:
        count = (sa.select(sa.func.count(Thread.id))
                 .where(Thread.category_id == category_id, _visible_thread_condition()).scalar_subquery())
        db.session.execute(sa.update(Category).where(Category.id == category_id).values(thread_count=count),
                           execution_options={"synchronize_session": False})
    for practice_id in {i for i in practice_ids if i}:
        count = (sa.select(sa.func.count(Thread.id))
                 .where(Thread.practice_id == practice_id, _visible_thread_condition()).scalar_subquery())
        db.session.execute(sa.update(Practice).where(Practice.id == practice_id).values(discussion_count=count),
                           execution_options={"synchronize_session": False})
    for obj in list(db.session.identity_map.values()):
        if isinstance(obj, Category) and obj.id in category_ids or isinstance(obj, Practice) and obj.id in practice_ids:
            db.session.expire(obj, ["thread_count"] if isinstance(obj, Category) else ["discussion_count"])


# Threads and replies

def site_path(endpoint: str, **values) -> str:
    """A path on the site, also from CLI commands and tests, where there is no request."""
    if has_request_context():
        return url_for(endpoint, **values)
    with current_app.test_request_context():
        return url_for(endpoint, **values)


def thread_url(thread: Thread) -> str:
    return site_path("discussions.detail", thread_id=thread.id)


def reply_url(reply: Reply) -> str:
    """The lasting address of one reply: it finds the right page, even after a merge."""
    return site_path("discussions.reply_link", thread_id=reply.thread_id, reply_id=reply.id)


def _segment(reply_id: int) -> str:
    return f"{reply_id:0{PATH_DIGITS}d}"


def place_reply(reply: Reply, parent: Reply | None) -> None:
    """Set where a reply shows: under its parent, or beside it once the parent is at MAX_DEPTH."""
    if parent is None:
        reply.depth, reply.path = 0, _segment(reply.id)
    elif parent.depth < MAX_DEPTH:
        reply.depth, reply.path = parent.depth + 1, f"{parent.path}.{_segment(reply.id)}"
    else:
        reply.depth, reply.path = MAX_DEPTH, f"{parent.path.rsplit('.', 1)[0]}.{_segment(reply.id)}"


def mark_thread_read(thread: Thread, user, at=None) -> None:
    """Record that `user` has read `thread` up to now (one upsert, safe when two tabs race)."""
    at = at or utcnow()
    dialect = db.session.get_bind().dialect.name
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    statement = insert(ThreadRead).values(user_id=user.id, thread_id=thread.id, read_at=at)
    db.session.execute(statement.on_conflict_do_update(index_elements=["user_id", "thread_id"],
                                                       set_={"read_at": statement.excluded.read_at}))


_READ_MARKS = HotRead(sa.select(ThreadRead.__table__.c.thread_id, ThreadRead.__table__.c.read_at)
                      .where(ThreadRead.__table__.c.user_id == sa.bindparam("user_id"),
                             ThreadRead.__table__.c.thread_id.in_(sa.bindparam("thread_ids", expanding=True))))


def read_marks(user, thread_ids) -> dict[int, object]:
    """When `user` last read each of these threads (missing: never). Every list view asks: one prepared
    statement on the connection."""
    if not thread_ids:
        return {}
    return dict(_READ_MARKS.rows({"user_id": user.id, "thread_ids": sorted(thread_ids)}))


def is_unread(thread: Thread, read_at) -> bool:
    return read_at is None or thread.last_activity_at > read_at


def _active_members(query):
    return db.session.scalars(query.where(User.status == MemberStatus.active)).unique().all()


def create_thread(author, *, title: str, body: str, kind: ThreadKind, category: Category,
                  practice: Practice | None = None) -> Thread:
    """A new question or discussion; its author follows it, and followers of its category or practice,
    and members it @mentions, hear about it."""
    if practice is not None and not practice.is_published:
        raise DiscussionError("Only published practices can be discussed.")
    now = utcnow()
    html, mentioned = render_post(body)
    thread = Thread(title=title.strip(), body=body, body_html=html, kind=kind, category=category, practice=practice,
                    author=author, created_at=now, last_activity_at=now, reply_count=0, is_pinned=False,
                    is_locked=False)
    db.session.add(thread)
    db.session.flush()
    follow(author, thread=thread)
    mark_thread_read(thread, author, now)
    refresh_counts([category.id], [practice.id] if practice else [])
    _notify_new_thread(thread, mentioned)
    return thread


def _notify_new_thread(thread: Thread, mentioned: list[User]) -> None:
    url = thread_url(thread)
    told = {thread.author_id}
    for user in mentioned:
        if user.id not in told and thread.can_view(user):
            notifications.notify(user, "mention", f"{thread.author.name} mentioned you in “{thread.title}”", url,
                                 actor=thread.author)
            told.add(user.id)
    kind = thread.kind.label.lower()
    reasons = [(Follow.practice_id == thread.practice_id, f"the discussion of “{thread.practice.title}”")] \
        if thread.practice_id else []
    reasons.append((Follow.category_id == thread.category_id, thread.category.name))
    for condition, where in reasons:
        for user in _active_members(sa.select(User).join(Follow, Follow.user_id == User.id).where(condition)
                                    .order_by(User.id)):
            if user.id not in told and thread.can_view(user):
                notifications.notify(user, "new_thread", f"New {kind} in {where}: “{thread.title}” "
                                     f"by {thread.author.name}", url, actor=thread.author)
                told.add(user.id)


def edit_thread(thread: Thread, editor, *, title: str, body: str) -> PostRevision | None:
    """Save an edit of the opening post, keeping what it said before; newly @mentioned members hear of it."""
    if not thread.can_edit(editor):
        raise DiscussionError("You can't edit this thread.")
    title = title.strip()
    if (title, body) == (thread.title, thread.body):
        return None
    revision = PostRevision(thread_id=thread.id, reply_id=None, title=thread.title, body=thread.body,
                            editor_id=editor.id, written_at=thread.edited_at or thread.created_at, created_at=utcnow())
    db.session.add(revision)
    before = mentioned_ids(thread.body_html)
    html, mentioned = render_post(body)
    thread.title, thread.body, thread.body_html, thread.edited_at = title, body, html, utcnow()
    for user in mentioned:
        if user.id not in before and thread.can_view(user):
            notifications.notify(user, "mention", f"{editor.name} mentioned you in “{thread.title}”",
                                 thread_url(thread), actor=editor)
    return revision


def add_reply(thread: Thread, author, body: str, parent: Reply | None = None) -> Reply:
    """A reply to the thread or to one of its replies. The author follows the thread; the people it
    answers, mentions or interests hear about it, each once."""
    if not thread.can_reply(author):
        raise DiscussionError("This thread is locked: it takes no new replies." if thread.is_locked
                              else "You can't reply here.")
    if parent is not None and (parent.thread_id != thread.id or not parent.is_readable):
        raise DiscussionError("That reply is no longer there to answer.")
    now = utcnow()
    html, mentioned = render_post(body)
    reply = Reply(thread_id=thread.id, parent_id=parent.id if parent else None, author=author, body=body,
                  body_html=html, created_at=now, helpful_count=0, is_answer=False, path="", depth=0)
    db.session.add(reply)
    db.session.flush()
    place_reply(reply, parent)
    thread.reply_count = Thread.reply_count + 1
    thread.last_activity_at = now
    thread.last_poster_id = author.id
    follow(author, thread=thread)
    mark_thread_read(thread, author, now)
    _notify_reply(thread, reply, parent, mentioned)
    return reply


def _notify_reply(thread: Thread, reply: Reply, parent: Reply | None, mentioned: list[User]) -> None:
    """Each person hears once, for the reason that matters most to them."""
    actor, url, title = reply.author, reply_url(reply), thread.title
    told = {actor.id}

    def tell(user, kind, text):
        if user is not None and user.id not in told and user.is_active and thread.can_view(user):
            notifications.notify(user, kind, text, url, actor=actor,
                                 reply_to=None if thread.is_locked else reply_address(user.id, "thread", thread.id))
            told.add(user.id)

    for user in mentioned:
        tell(user, "mention", f"{actor.name} mentioned you in “{title}”")
    if parent is not None:
        tell(parent.author, "reply", f"{actor.name} replied to you in “{title}”")
    if thread.is_question:
        tell(thread.author, "answer", f"{actor.name} answered your question “{title}”")
    else:
        tell(thread.author, "reply", f"{actor.name} replied to your thread “{title}”")
    for user in _active_members(sa.select(User).join(Follow, Follow.user_id == User.id)
                                .where(Follow.thread_id == thread.id).order_by(User.id)):
        tell(user, "thread_reply", f"{actor.name} replied in “{title}”, which you follow")


def edit_reply(reply: Reply, editor, body: str) -> PostRevision | None:
    """Save an edit, keeping the earlier words; the reply shows as edited and newly @mentioned members hear of it."""
    if not reply.can_edit(editor):
        raise DiscussionError("You can't edit this reply.")
    if body == reply.body:
        return None
    revision = PostRevision(thread_id=reply.thread_id, reply_id=reply.id, body=reply.body, editor_id=editor.id,
                            written_at=reply.edited_at or reply.created_at, created_at=utcnow())
    db.session.add(revision)
    before = mentioned_ids(reply.body_html)
    html, mentioned = render_post(body)
    reply.body, reply.body_html, reply.edited_at = body, html, utcnow()
    for user in mentioned:
        if user.id not in before and user.id != editor.id and reply.thread.can_view(user):
            notifications.notify(user, "mention", f"{editor.name} mentioned you in “{reply.thread.title}”",
                                 reply_url(reply), actor=editor)
    return revision


def delete_reply(reply: Reply, by) -> None:
    """The author removes a reply; a placeholder stays so the replies to it still make sense."""
    if not reply.can_delete(by):
        raise DiscussionError("You can't remove this reply.")
    reply.deleted_at = utcnow()
    _drop_answer(reply)
    refresh_thread_stats(reply.thread)
    notifications.withdraw(Notification.url == reply_url(reply))


def _drop_answer(reply: Reply) -> None:
    if reply.is_answer:
        reply.is_answer = False
        reply.thread.answered_at = None


def mark_answer(reply: Reply, by) -> None:
    """The question's author or a facilitator marks the reply that answered it (one per question)."""
    thread = reply.thread
    if not thread.can_mark_answer(by):
        raise DiscussionError("Only the person who asked, or a facilitator, marks the answer.")
    if not reply.is_readable:
        raise DiscussionError("A removed or hidden reply can't be the answer.")
    if reply.is_answer:
        return
    db.session.execute(sa.update(Reply).where(Reply.thread_id == thread.id, Reply.is_answer.is_(True))
                       .values(is_answer=False), execution_options={"synchronize_session": "fetch"})
    reply.is_answer = True
    thread.answered_at = utcnow()
    url = reply_url(reply)
    notifications.notify(reply.author, "accepted", f"{by.name} marked your reply as the answer to “{thread.title}”",
                         url, actor=by)
    if by.id != thread.author_id and reply.author_id != thread.author_id:
        notifications.notify(thread.author, "accepted", f"{by.name} marked {reply.author.name}'s reply as the answer "
                             f"to your question “{thread.title}”", url, actor=by)


def unmark_answer(thread: Thread, by) -> None:
    if not thread.can_mark_answer(by):
        raise DiscussionError("Only the person who asked, or a facilitator, marks the answer.")
    db.session.execute(sa.update(Reply).where(Reply.thread_id == thread.id, Reply.is_answer.is_(True))
                       .values(is_answer=False), execution_options={"synchronize_session": "fetch"})
    thread.answered_at = None


def mark_helpful(reply: Reply, user) -> bool:
    """One mark per member, counted on the reply; nobody marks their own."""
    if user.id == reply.author_id:
        raise DiscussionError("You can't mark your own reply as helpful.")
    if not reply.is_readable:
        raise DiscussionError("That reply is no longer there.")
    if db.session.get(ReplyHelpfulMark, (reply.id, user.id)):
        return False
    if not _add_once(ReplyHelpfulMark(reply_id=reply.id, user_id=user.id, created_at=utcnow())):
        return False
    reply.helpful_count = Reply.helpful_count + 1
    return True


def unmark_helpful(reply: Reply, user) -> bool:
    mark = db.session.get(ReplyHelpfulMark, (reply.id, user.id))
    if mark is None:
        return False
    db.session.delete(mark)
    reply.helpful_count = Reply.helpful_count - 1
    return True


# Following

def _follow_target(thread=None, category=None, practice=None):
    targets = [(Follow.thread_id, thread), (Follow.category_id, category), (Follow.practice_id, practice)]
    chosen = [(column, obj) for column, obj in targets if obj is not None]
    if len(chosen) != 1:
        raise ValueError("follow exactly one thread, category or practice")
    return chosen[0]


def is_following(user, *, thread=None, category=None, practice=None) -> bool:
    column, obj = _follow_target(thread, category, practice)
    return db.session.scalar(sa.select(Follow.id).where(Follow.user_id == user.id, column == obj.id)) is not None


def follow(user, *, thread=None, category=None, practice=None) -> bool:
    """Follow a thread (new replies), a category or a practice's discussion (new threads)."""
    column, obj = _follow_target(thread, category, practice)
    if is_following(user, thread=thread, category=category, practice=practice):
        return False
    return _add_once(Follow(user_id=user.id, created_at=utcnow(), **{column.key: obj.id}))


def unfollow(user, *, thread=None, category=None, practice=None) -> bool:
    column, obj = _follow_target(thread, category, practice)
    result = db.session.execute(sa.delete(Follow).where(Follow.user_id == user.id, column == obj.id))
    return bool(result.rowcount)


# Flags and moderation

def flag_post(thread: Thread, reply: Reply | None, reporter, reason: FlagReason, note: str = "") -> Flag:
    """A member asks facilitators to look at a post; each facilitator gets an in-app notice."""
    if reply is not None and reply.thread_id != thread.id:
        raise DiscussionError("That reply is not in this thread.")
    reply_id = reply.id if reply else None
    already = db.session.scalar(sa.select(Flag.id).where(
        Flag.thread_id == thread.id, Flag.reporter_id == reporter.id, Flag.resolved_at.is_(None),
        Flag.reply_id == reply_id if reply_id else Flag.reply_id.is_(None)))
    if already:
        raise DiscussionError("You already flagged this post; a facilitator will look at it.")
    flag = Flag(thread_id=thread.id, reply_id=reply_id, reporter_id=reporter.id, reason=reason,
                note=note.strip()[:1000], created_at=utcnow())
    db.session.add(flag)
    db.session.flush()
    what = f"a reply by {reply.author.name}" if reply else f"the thread “{thread.title}”"
    for facilitator in _active_members(sa.select(User).where(User.role == Role.facilitator).order_by(User.id)):
        notifications.notify(facilitator, "flag", f"{reporter.name} flagged {what}: {reason.label}",
                             site_path("discussions.moderation"), actor=reporter)
    return flag


def _require_facilitator(user) -> None:
    if not user.is_facilitator:
        raise DiscussionError("Only facilitators moderate discussions.")


def log_action(action: ModerationAction, by, *, thread=None, reply=None, target_user=None,
               detail: str = "") -> ModerationLogEntry:
    entry = ModerationLogEntry(action=action, actor_id=by.id, thread_id=thread.id if thread else None,
                               reply_id=reply.id if reply else None,
                               target_user_id=target_user.id if target_user else None,
                               detail=detail[:1000], created_at=utcnow())
    db.session.add(entry)
    return entry


def _resolve_flags(by, thread: Thread, reply: Reply | None = None, whole_thread: bool = False) -> int:
    query = sa.update(Flag).where(Flag.thread_id == thread.id, Flag.resolved_at.is_(None))
    if not whole_thread:
        query = query.where(Flag.reply_id == reply.id if reply else Flag.reply_id.is_(None))
    result = db.session.execute(query.values(resolved_at=utcnow(), resolved_by_id=by.id),
                                execution_options={"synchronize_session": False})
    return result.rowcount


def thread_notifications(thread: Thread):
    """The condition matching notifications that point at a thread or one of its replies."""
    return thread_notifications_by_id(thread.id)


def thread_notifications_by_id(thread_id: int):
    base = site_path("discussions.detail", thread_id=thread_id)
    replies = f"{base}/replies/"
    return points_into_thread(Notification.url, base, replies, len(replies))


def points_into_thread(url, thread_url, replies_url, replies_url_length):
    """`url` is the thread's own address or one under its replies'. A prefix compared with substr, not LIKE:
    SQLite re-prepares a statement on every run when a LIKE pattern is a parameter (on the thread page that
    cost more than the rest of its SQL), and substr is exact about case and wildcards as LIKE is not."""
    return sa.or_(url == thread_url, sa.func.substr(url, 1, replies_url_length) == replies_url)


def hide_thread(thread: Thread, by, note: str = "") -> None:
    """Hide a thread from members everywhere; its open flags are resolved and pending notices withdrawn."""
    _require_facilitator(by)
    if thread.is_hidden:
        return
    thread.hidden_at, thread.hidden_by_id = utcnow(), by.id
    _resolve_flags(by, thread, whole_thread=True)
    notifications.withdraw(thread_notifications(thread))
    refresh_counts([thread.category_id], [thread.practice_id])
    log_action(ModerationAction.hide, by, thread=thread, target_user=thread.author, detail=note)


def restore_thread(thread: Thread, by, note: str = "") -> None:
    _require_facilitator(by)
    if not thread.is_hidden:
        return
    thread.hidden_at = thread.hidden_by_id = None
    refresh_counts([thread.category_id], [thread.practice_id])
    log_action(ModerationAction.restore, by, thread=thread, target_user=thread.author, detail=note)


def hide_reply(reply: Reply, by, note: str = "") -> None:
    _require_facilitator(by)
    if reply.is_hidden:
        return
    reply.hidden_at, reply.hidden_by_id = utcnow(), by.id
    detail = note
    if reply.is_answer:
        _drop_answer(reply)
        detail = (note + " " if note else "") + "(It was the accepted answer; the mark is removed.)"
    refresh_thread_stats(reply.thread)
    _resolve_flags(by, reply.thread, reply)
    notifications.withdraw(Notification.url == reply_url(reply))
    log_action(ModerationAction.hide, by, thread=reply.thread, reply=reply, target_user=reply.author, detail=detail)


def restore_reply(reply: Reply, by, note: str = "") -> None:
    _require_facilitator(by)
    if not reply.is_hidden:
        return
    reply.hidden_at = reply.hidden_by_id = None
    refresh_thread_stats(reply.thread)
    log_action(ModerationAction.restore, by, thread=reply.thread, reply=reply, target_user=reply.author, detail=note)


def set_locked(thread: Thread, by, locked: bool) -> None:
    """A locked thread takes no new replies or edits from members."""
    _require_facilitator(by)
    if thread.is_locked != locked:
        thread.is_locked = locked
        log_action(ModerationAction.lock if locked else ModerationAction.unlock, by, thread=thread)


def set_pinned(thread: Thread, by, pinned: bool) -> None:
    """A pinned thread stays at the top of the latest list and its category."""
    _require_facilitator(by)
    if thread.is_pinned != pinned:
        thread.is_pinned = pinned
        log_action(ModerationAction.pin if pinned else ModerationAction.unpin, by, thread=thread)


def dismiss_flags(thread: Thread, reply: Reply | None, by) -> int:
    """Close a post's open flags without acting on it."""
    _require_facilitator(by)
    count = _resolve_flags(by, thread, reply)
    if count:
        log_action(ModerationAction.dismiss_flags, by, thread=thread, reply=reply,
                   target_user=reply.author if reply else thread.author, detail=f"{count} flag(s)")
    return count


def move_thread(thread: Thread, category: Category, by) -> None:
    _require_facilitator(by)
    if category.id == thread.category_id:
        return
    old = thread.category
    thread.category = category
    refresh_counts([old.id, category.id])
    log_action(ModerationAction.move, by, thread=thread, detail=f"From {old.name} to {category.name}")


def merge_thread(source: Thread, target: Thread, by) -> Reply:
    """Fold `source` into `target`: its opening post becomes a reply there, its replies follow in their
    threaded order, and its followers, flags and history move along. `source` then redirects to
    `target`. Returns the reply made from the opening post."""
    _require_facilitator(by)
    if source.id == target.id:
        raise DiscussionError("A thread can't be merged into itself.")
    if target.merged_into_id or target.is_hidden or source.merged_into_id:
        raise DiscussionError("Merge into a visible thread that hasn't itself been merged.")
    opening = Reply(thread_id=target.id, parent_id=None, author_id=source.author_id,
                    body=f"*Merged from “{source.title}”*\n\n{source.body}", created_at=source.created_at,
                    edited_at=source.edited_at, helpful_count=0, is_answer=False, path="", depth=0)
    opening.body_html, _ = render_post(opening.body)
    db.session.add(opening)
    db.session.flush()
    place_reply(opening, None)
    moved = db.session.scalars(sa.select(Reply).where(Reply.thread_id == source.id).order_by(Reply.path)).all()
    by_id = {reply.id: reply for reply in moved}
    keep_answer = target.is_question and not target.is_answered
    for reply in moved:
        reply.thread_id = target.id
        parent = by_id.get(reply.parent_id, opening)
        reply.parent_id = parent.id  # what answered the old opening post now answers the reply made from it
        place_reply(reply, parent)
        if reply.is_answer and not keep_answer:
            reply.is_answer = False
    if keep_answer and source.answered_at and any(r.is_answer for r in moved):
        target.answered_at = source.answered_at
    db.session.execute(sa.update(PostRevision).where(PostRevision.thread_id == source.id,
                                                     PostRevision.reply_id.is_(None))
                       .values(reply_id=opening.id), execution_options={"synchronize_session": False})
    db.session.execute(sa.update(Flag).where(Flag.thread_id == source.id, Flag.reply_id.is_(None))
                       .values(reply_id=opening.id), execution_options={"synchronize_session": False})
    for model in (PostRevision, Flag):
        db.session.execute(sa.update(model).where(model.thread_id == source.id).values(thread_id=target.id),
                           execution_options={"synchronize_session": False})
    following_target = set(db.session.scalars(sa.select(Follow.user_id).where(Follow.thread_id == target.id)))
    for user_id in db.session.scalars(sa.select(Follow.user_id).where(Follow.thread_id == source.id)).all():
        if user_id not in following_target:
            db.session.add(Follow(user_id=user_id, thread_id=target.id, created_at=utcnow()))
    db.session.execute(sa.delete(Follow).where(Follow.thread_id == source.id))
    db.session.execute(sa.delete(ThreadRead).where(ThreadRead.thread_id == source.id))
    source.merged_into_id = target.id
    source.reply_count = 0
    refresh_thread_stats(target)
    refresh_counts([source.category_id, target.category_id], [source.practice_id, target.practice_id])
    log_action(ModerationAction.merge, by, thread=target, target_user=source.author,
               detail=f"Merged “{source.title}” (#{source.id}) into “{target.title}” (#{target.id})")
    return opening


def suspend_author(user, by, thread: Thread | None = None, note: str = "") -> None:
    """Suspend a member from a post they wrote (signing them out everywhere), and log it."""
    from cop.auth.services import MembershipError, suspend_member

    _require_facilitator(by)
    try:
        suspend_member(user, by=by)
    except MembershipError as error:
        raise DiscussionError(str(error)) from error
    log_action(ModerationAction.suspend, by, thread=thread, target_user=user, detail=note)


# A person leaving the community

REMOVED_OPENING_POST = "<p><em>The opening post was removed by its author.</em></p>"


def remove_posts_of(user) -> tuple[int, int]:
    """A departing person's threads and replies go with them. A thread nobody else took part in is deleted
    outright; one with others' replies keeps those, under an emptied opening post. Their replies become the
    "removed" placeholder, so the answers to them still make sense. Earlier versions of their posts go too.
    Returns (threads, replies) removed."""
    threads = db.session.scalars(sa.select(Thread).where(Thread.author_id == user.id)).all()
    category_ids, practice_ids, touched = set(), set(), set()
    for thread in threads:
        category_ids.add(thread.category_id)
        practice_ids.add(thread.practice_id)
        others = db.session.scalar(sa.select(sa.func.count(Reply.id)).where(
            Reply.thread_id == thread.id, Reply.author_id != user.id))
        merged_in = db.session.scalar(sa.select(sa.func.count(Thread.id)).where(Thread.merged_into_id == thread.id))
        notifications.withdraw(thread_notifications(thread))
        if not others and not merged_in:
            db.session.delete(thread)
            continue
        thread.title = "Removed by its author"
        thread.body, thread.body_html = "", REMOVED_OPENING_POST
        db.session.execute(sa.delete(PostRevision).where(PostRevision.thread_id == thread.id,
                                                         PostRevision.reply_id.is_(None)))
    db.session.flush()
    replies = db.session.scalars(sa.select(Reply).where(Reply.author_id == user.id)
                                 .options(so.joinedload(Reply.thread))).all()
    for reply in replies:
        notifications.withdraw(Notification.url == reply_url(reply))
        reply.deleted_at = reply.deleted_at or utcnow()
        reply.body = reply.body_html = ""
        _drop_answer(reply)
        touched.add(reply.thread)
    if replies:
        db.session.execute(sa.delete(PostRevision).where(
            PostRevision.reply_id.in_(sa.select(Reply.id).where(Reply.author_id == user.id))))
    for thread in touched:
        refresh_thread_stats(thread)
    refresh_counts(category_ids, practice_ids)
    return len(threads), len(replies)


def forget_person(user) -> None:
    """What only mattered to a departing person ends (follows, read marks, helpful marks, with the counts
    they fed, the notes on their flags), their name leaves the moderation log's notes, and others'
    @mentions of them become plain words that name nobody."""
    marked = sa.select(ReplyHelpfulMark.reply_id).where(ReplyHelpfulMark.user_id == user.id)
    db.session.execute(sa.update(Reply).where(Reply.id.in_(marked)).values(helpful_count=Reply.helpful_count - 1),
                       execution_options={"synchronize_session": False})
    for model in (ReplyHelpfulMark, Follow, ThreadRead):
        db.session.execute(sa.delete(model).where(model.user_id == user.id))
    # Moderators keep why a post was flagged (the reason) and what they did; the person's own words and
    # their name in the log's notes go.
    db.session.execute(sa.update(Flag).where(Flag.reporter_id == user.id).values(note=""),
                       execution_options={"synchronize_session": False})
    if len(user.name) >= 4:  # a very short name would match inside ordinary words
        db.session.execute(sa.update(ModerationLogEntry).where(ModerationLogEntry.target_user_id == user.id)
                           .values(detail=sa.func.replace(ModerationLogEntry.detail, user.name, "Former member")),
                           execution_options={"synchronize_session": False})
    key = _handle_key(handle_for(user.name))
    linked = re.compile(rf'<a class="mention" href="/members/{user.id}">@[^<]*</a>')
    needle = f'href="/members/{user.id}"'

    def unnamed(text: str) -> str:
        return MENTION.sub(lambda m: "a former member" if _handle_key(m.group(1)) == key else m.group(0), text)

    for model in (Thread, Reply):
        for post in db.session.scalars(sa.select(model).where(model.body_html.contains(needle, autoescape=True))):
            post.body_html = linked.sub("a former member", post.body_html)
            post.body = unnamed(post.body)


def log_departure(person, by, detail: str) -> ModerationLogEntry:
    """The one record a moderator keeps of an account's deletion: who asked, when, and what happened to
    the posts; the person appears only as the anonymous account left behind."""
    return log_action(ModerationAction.erase, by, target_user=person, detail=detail)
