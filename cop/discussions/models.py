"""Discussions: categories, threads, replies, their history, follows, read marks, flags and the
moderation log."""

import enum
from datetime import datetime

import sqlalchemy as sa
import sqlalchemy.orm as so

from cop.extensions import UTCDateTime, db, enum_column, utcnow

# Replies nest this deep (0 = a reply to the thread); deeper replies are shown at this depth with a
# "replying to" link, so a long back-and-forth never walks off the right edge of a phone.
MAX_DEPTH = 3
PATH_DIGITS = 10


# Categories that are not library topics: slug -> (name, description), in the order lists show them.
FIXED_CATEGORIES = {
    "general": ("General", "Anything about work-based learning that doesn't fit one topic."),
    "introductions": ("Introductions", "Say hello: who you are, what your organization runs, and what you hope to learn."),
}


class ThreadKind(enum.Enum):
    discussion = "discussion"
    question = "question"

    @property
    def label(self) -> str:
        return {"discussion": "Discussion", "question": "Question"}[self.value]


class FlagReason(enum.Enum):
    spam = "spam"
    off_topic = "off_topic"
    disrespectful = "disrespectful"
    private_information = "private_information"
    other = "other"

    @property
    def label(self) -> str:
        return FLAG_REASON_LABELS[self]


FLAG_REASON_LABELS = {
    FlagReason.spam: "Spam or advertising",
    FlagReason.off_topic: "Off topic for this community",
    FlagReason.disrespectful: "Disrespectful or hostile",
    FlagReason.private_information: "Shares private information (a student's, a colleague's)",
    FlagReason.other: "Something else",
}


class ModerationAction(enum.Enum):
    hide = "hide"
    restore = "restore"
    lock = "lock"
    unlock = "unlock"
    pin = "pin"
    unpin = "unpin"
    move = "move"
    merge = "merge"
    suspend = "suspend"
    dismiss_flags = "dismiss_flags"
    # Decisions about people made from their profile or the join requests, kept in the same log.
    reinstate = "reinstate"
    approve = "approve"
    decline = "decline"
    # An account deleted by its owner, their organization's manager or a facilitator.
    erase = "erase"

    @property
    def label(self) -> str:
        return {"dismiss_flags": "Dismissed flags", "approve": "Approved join request",
                "decline": "Declined join request", "erase": "Deleted account"}.get(self.value, self.value.capitalize())


class Category(db.Model):
    """Where a thread lives: one of the library's topics, or General, or Introductions.

    A row exists once something needs it (a thread, a follow); lists are drawn from the topics and the
    fixed categories, so a topic a facilitator adds is a category at once.
    """

    __tablename__ = "discussion_categories"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    # "general" or "introductions" for the fixed categories; NULL for a topic's category.
    fixed: so.Mapped[str | None] = so.mapped_column(sa.String(40), unique=True)
    topic_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("topics.id", ondelete="CASCADE"), unique=True)
    # Visible threads here; kept by the services so category lists never count per view.
    thread_count: so.Mapped[int] = so.mapped_column(default=0)

    topic: so.Mapped["Topic | None"] = so.relationship()  # noqa: F821

    @property
    def slug(self) -> str:
        return self.topic.slug if self.topic is not None else self.fixed

    @property
    def name(self) -> str:
        return self.topic.name if self.topic is not None else FIXED_CATEGORIES[self.fixed][0]


# Lists show threads that are neither hidden nor merged away, in the lists' own order with the id as the
# tie-break: these indexes hold only those rows, in that order, so a page is read without a sort.
LISTED = sa.text("hidden_at IS NULL AND merged_into_id IS NULL")
UNANSWERED = sa.text("hidden_at IS NULL AND merged_into_id IS NULL AND answered_at IS NULL")


def _listing_index(name: str, *columns: str, where=LISTED) -> sa.Index:
    return sa.Index(name, *columns, postgresql_where=where, sqlite_where=where)


class Thread(db.Model):
    __tablename__ = "threads"
    __table_args__ = (
        _listing_index("ix_threads_latest", "is_pinned", "last_activity_at", "id"),
        _listing_index("ix_threads_activity", "last_activity_at", "id"),  # pins aside: home's latest
        _listing_index("ix_threads_newest", "created_at", "id"),
        _listing_index("ix_threads_category_latest", "category_id", "is_pinned", "last_activity_at", "id"),
        _listing_index("ix_threads_category_newest", "category_id", "created_at", "id"),
        # The kind is compared with a bound parameter, so it leads rather than joining the condition.
        _listing_index("ix_threads_unanswered", "kind", "created_at", "id", where=UNANSWERED),
        _listing_index("ix_threads_author_latest", "author_id", "last_activity_at", "id"),
    )

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    title: so.Mapped[str] = so.mapped_column(sa.String(200))
    body: so.Mapped[str] = so.mapped_column(sa.Text, default="")
    # Sanitized HTML with linked @mentions, made once on save.
    body_html: so.Mapped[str] = so.mapped_column(sa.Text, default="")
    kind: so.Mapped[ThreadKind] = so.mapped_column(enum_column(ThreadKind), default=ThreadKind.discussion)
    category_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("discussion_categories.id"), index=True)
    practice_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("practices.id", ondelete="SET NULL"),
                                                          index=True)
    author_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("users.id"), index=True)
    created_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)
    edited_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)
    # Stored so lists never count or look up per row: replies members can read, and the latest of them.
    reply_count: so.Mapped[int] = so.mapped_column(default=0)
    last_activity_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)
    last_poster_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("users.id"))
    answered_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)
    is_pinned: so.Mapped[bool] = so.mapped_column(default=False)
    is_locked: so.Mapped[bool] = so.mapped_column(default=False)
    hidden_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)
    hidden_by_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("users.id"))
    merged_into_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("threads.id"))

    category: so.Mapped[Category] = so.relationship()
    practice: so.Mapped["Practice | None"] = so.relationship()  # noqa: F821
    author: so.Mapped["User"] = so.relationship(foreign_keys=[author_id])  # noqa: F821
    last_poster: so.Mapped["User | None"] = so.relationship(foreign_keys=[last_poster_id])  # noqa: F821

    def __repr__(self) -> str:
        return f"<Thread {self.id} {self.title!r}>"

    @property
    def is_question(self) -> bool:
        return self.kind is ThreadKind.question

    @property
    def is_answered(self) -> bool:
        return self.answered_at is not None

    @property
    def is_hidden(self) -> bool:
        return self.hidden_at is not None

    def can_view(self, user) -> bool:
        return Thread.visible_to(user, hidden=self.is_hidden)

    @staticmethod
    def visible_to(user, *, hidden: bool) -> bool:
        """Approved members read every thread a facilitator has not hidden; facilitators read those too (the
        rule for a thread that is not loaded, knowing only whether it is hidden)."""
        if not getattr(user, "is_authenticated", False) or not user.is_active:
            return False
        return not hidden or user.is_facilitator

    def can_reply(self, user) -> bool:
        if not self.can_view(user) or self.is_hidden:
            return False
        return not self.is_locked or user.is_facilitator

    def can_edit(self, user) -> bool:
        """Authors edit their own opening post while the thread is open and visible."""
        return self.can_view(user) and user.id == self.author_id and not self.is_locked and not self.is_hidden

    def can_mark_answer(self, user) -> bool:
        """The question's author or a facilitator says which reply answered it."""
        return (self.is_question and self.can_view(user) and not self.is_hidden
                and (user.id == self.author_id or user.is_facilitator))


class Reply(db.Model):
    __tablename__ = "replies"
    __table_args__ = (sa.Index("ix_replies_thread_path", "thread_id", "path"),)

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    thread_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("threads.id", ondelete="CASCADE"))
    # The reply this one answers (NULL: the thread itself).
    parent_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("replies.id", ondelete="SET NULL"),
                                                        index=True)
    # Display position: ids of the shown ancestors, zero-padded, so ORDER BY path is the threaded order.
    path: so.Mapped[str] = so.mapped_column(sa.String(200), default="")
    depth: so.Mapped[int] = so.mapped_column(default=0)
    author_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("users.id"), index=True)
    body: so.Mapped[str] = so.mapped_column(sa.Text, default="")
    body_html: so.Mapped[str] = so.mapped_column(sa.Text, default="")
    created_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)
    edited_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)
    # Removed by its author: a placeholder keeps the conversation readable.
    deleted_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)
    # Hidden by a facilitator: members never see it.
    hidden_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)
    hidden_by_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("users.id"))
    is_answer: so.Mapped[bool] = so.mapped_column(default=False)
    helpful_count: so.Mapped[int] = so.mapped_column(default=0)

    thread: so.Mapped[Thread] = so.relationship()
    parent: so.Mapped["Reply | None"] = so.relationship(remote_side=[id])
    author: so.Mapped["User"] = so.relationship(foreign_keys=[author_id])  # noqa: F821

    def __repr__(self) -> str:
        return f"<Reply {self.id} in thread {self.thread_id}>"

    @property
    def is_deleted(self) -> bool:
        return self.deleted_at is not None

    @property
    def is_hidden(self) -> bool:
        return self.hidden_at is not None

    @property
    def is_readable(self) -> bool:
        """Neither removed by its author nor hidden: its words may be shown and counted."""
        return not self.is_deleted and not self.is_hidden

    @property
    def is_flattened(self) -> bool:
        """Shown beside its parent rather than under it, because the thread is already at MAX_DEPTH."""
        return self.parent_id is not None and self.depth == MAX_DEPTH and self.parent is not None \
            and self.parent.depth == MAX_DEPTH

    def can_view(self, user) -> bool:
        if not self.thread.can_view(user):
            return False
        return not self.is_hidden or user.is_facilitator

    def can_edit(self, user) -> bool:
        return (self.can_view(user) and user.id == self.author_id and self.is_readable
                and not self.thread.is_locked and not self.thread.is_hidden)

    def can_delete(self, user) -> bool:
        return self.can_view(user) and user.id == self.author_id and self.is_readable


class PostRevision(db.Model):
    """What a post said before an edit (the opening post when reply_id is NULL)."""

    __tablename__ = "post_revisions"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    thread_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("threads.id", ondelete="CASCADE"), index=True)
    reply_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("replies.id", ondelete="CASCADE"), index=True)
    title: so.Mapped[str] = so.mapped_column(sa.String(200), default="")
    body: so.Mapped[str] = so.mapped_column(sa.Text, default="")
    editor_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("users.id"))
    # When the words below were written (the post's creation, or its previous edit).
    written_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)
    created_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)

    editor: so.Mapped["User | None"] = so.relationship()  # noqa: F821


class ReplyHelpfulMark(db.Model):
    __tablename__ = "reply_helpful_marks"

    reply_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("replies.id", ondelete="CASCADE"), primary_key=True)
    user_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True,
                                               index=True)
    created_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)


class Follow(db.Model):
    """A member follows one thing: a thread, a category, or the discussion of a practice."""

    __tablename__ = "discussion_follows"
    __table_args__ = (
        sa.UniqueConstraint("user_id", "thread_id", name="uq_discussion_follows_user_thread"),
        sa.UniqueConstraint("user_id", "category_id", name="uq_discussion_follows_user_category"),
        sa.UniqueConstraint("user_id", "practice_id", name="uq_discussion_follows_user_practice"),
        sa.CheckConstraint(
            "(CASE WHEN thread_id IS NULL THEN 0 ELSE 1 END) + (CASE WHEN category_id IS NULL THEN 0 ELSE 1 END)"
            " + (CASE WHEN practice_id IS NULL THEN 0 ELSE 1 END) = 1", name="one_target"),
    )

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    user_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"))
    thread_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("threads.id", ondelete="CASCADE"), index=True)
    category_id: so.Mapped[int | None] = so.mapped_column(
        sa.ForeignKey("discussion_categories.id", ondelete="CASCADE"), index=True)
    practice_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("practices.id", ondelete="CASCADE"),
                                                          index=True)
    created_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)


class ThreadRead(db.Model):
    """When a member last read a thread: newer activity makes it unread for them."""

    __tablename__ = "thread_reads"

    user_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    thread_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("threads.id", ondelete="CASCADE"), primary_key=True,
                                                 index=True)
    read_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)


class Flag(db.Model):
    """A member's report that a post breaks the community's norms, until a facilitator resolves it."""

    __tablename__ = "discussion_flags"
    __table_args__ = (sa.Index("ix_discussion_flags_open", "resolved_at", "created_at"),)

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    thread_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("threads.id", ondelete="CASCADE"), index=True)
    reply_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("replies.id", ondelete="CASCADE"), index=True)
    reporter_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    reason: so.Mapped[FlagReason] = so.mapped_column(enum_column(FlagReason))
    note: so.Mapped[str] = so.mapped_column(sa.String(1000), default="")
    created_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)
    resolved_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)
    resolved_by_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("users.id"))

    thread: so.Mapped[Thread] = so.relationship()
    reply: so.Mapped[Reply | None] = so.relationship()
    reporter: so.Mapped["User"] = so.relationship(foreign_keys=[reporter_id])  # noqa: F821


class ModerationLogEntry(db.Model):
    """One facilitator action, kept for every facilitator to read."""

    __tablename__ = "moderation_log"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    action: so.Mapped[ModerationAction] = so.mapped_column(enum_column(ModerationAction))
    actor_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"), index=True)
    thread_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("threads.id", ondelete="SET NULL"), index=True)
    reply_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("replies.id", ondelete="SET NULL"))
    target_user_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    detail: so.Mapped[str] = so.mapped_column(sa.String(1000), default="")
    created_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow, index=True)

    actor: so.Mapped["User | None"] = so.relationship(foreign_keys=[actor_id])  # noqa: F821
    thread: so.Mapped[Thread | None] = so.relationship()
    target_user: so.Mapped["User | None"] = so.relationship(foreign_keys=[target_user_id])  # noqa: F821
