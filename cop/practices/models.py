"""The practice library: practices, their classification (topics, competencies, tags, facets), revisions,
feedback and attachments."""

import enum
from datetime import datetime, timedelta

import sqlalchemy as sa
import sqlalchemy.orm as so

from cop.auth.models import Role
from cop.competencies.models import Competency
from cop.extensions import UTCDateTime, db, enum_column, utcnow
from cop.storage import StoredFileColumns

RESTORE_WINDOW = timedelta(days=30)


class PracticeStatus(enum.Enum):
    draft = "draft"
    published = "published"


class Facet(enum.Enum):
    """Fixed-vocabulary classifications, stored one row per value in practice_facets."""

    industry = "industry"
    program_type = "program_type"
    student_level = "student_level"


PROGRAM_TYPES = {
    "internship": "Internship",
    "apprenticeship": "Apprenticeship",
    "pre-apprenticeship": "Pre-apprenticeship",
    "job-shadow": "Job shadow",
    "summer-youth-employment": "Summer youth employment",
    "capstone-project": "Capstone / project",
}
STUDENT_LEVELS = {"high-school": "High school", "college": "College", "adult": "Adult"}

practice_topics = sa.Table(
    "practice_topics", db.metadata,
    sa.Column("practice_id", sa.ForeignKey("practices.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("topic_id", sa.ForeignKey("topics.id", ondelete="CASCADE"), primary_key=True),
    # A topic's practices straight from the index (the library's topic filter and the topic pages).
    sa.Index("ix_practice_topics_topic", "topic_id", "practice_id"),
)
practice_competencies = sa.Table(
    "practice_competencies", db.metadata,
    sa.Column("practice_id", sa.ForeignKey("practices.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("competency_id", sa.ForeignKey("competencies.id", ondelete="CASCADE"), primary_key=True),
    sa.Index("ix_practice_competencies_competency", "competency_id", "practice_id"),
)
practice_tags = sa.Table(
    "practice_tags", db.metadata,
    sa.Column("practice_id", sa.ForeignKey("practices.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("tag_id", sa.ForeignKey("tags.id", ondelete="CASCADE"), primary_key=True, index=True),
)


class Topic(db.Model):
    __tablename__ = "topics"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    slug: so.Mapped[str] = so.mapped_column(sa.String(80), unique=True)
    name: so.Mapped[str] = so.mapped_column(sa.String(120), unique=True)
    question: so.Mapped[str] = so.mapped_column(sa.String(300), default="")
    description: so.Mapped[str] = so.mapped_column(sa.Text, default="")
    position: so.Mapped[int] = so.mapped_column(default=0)
    # Published, not deleted practices in this topic; kept by the services, shown on topic lists.
    practice_count: so.Mapped[int] = so.mapped_column(default=0)


class Tag(db.Model):
    __tablename__ = "tags"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    name: so.Mapped[str] = so.mapped_column(sa.String(60), unique=True)


class PracticeFacet(db.Model):
    __tablename__ = "practice_facets"
    __table_args__ = (sa.Index("ix_practice_facets_lookup", "facet", "value", "practice_id"),)

    practice_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("practices.id", ondelete="CASCADE"), primary_key=True)
    facet: so.Mapped[Facet] = so.mapped_column(enum_column(Facet), primary_key=True)
    value: so.Mapped[str] = so.mapped_column(sa.String(80), primary_key=True)


# The library lists practices that are not deleted, newest (or most helpful, most discussed) first, with the
# id as the tie-break. These indexes hold exactly those rows, in exactly that order, so a page of a list is
# read from the top of an index with no sort. The status is the leading column rather than part of the
# condition: the query compares it with a bound parameter, which neither PostgreSQL (in a generic plan) nor
# SQLite can match against a partial index's condition, while `deleted_at IS NULL` they can.
NOT_DELETED = sa.text("deleted_at IS NULL")


def _listing_index(name: str, *columns: str) -> sa.Index:
    return sa.Index(name, *columns, postgresql_where=NOT_DELETED, sqlite_where=NOT_DELETED)


def may_view_practice(user, *, status: "PracticeStatus", deleted: bool, author_id: int | None,
                      organization_id: int | None) -> bool:
    """Published practices are for approved members; drafts for their author, their organization's
    manager and facilitators; deleted ones only for facilitators (who may restore them). Asked of a loaded
    practice and of a page's state alike, so the rule is written once."""
    if not getattr(user, "is_active", False) or not user.is_authenticated:
        return False
    if deleted:
        return user.is_facilitator
    if status is PracticeStatus.published:
        return True
    return user.id == author_id or user.is_facilitator or (
        user.role is Role.manager and user.organization_id == organization_id)


class Practice(db.Model):
    __tablename__ = "practices"
    __table_args__ = (
        _listing_index("ix_practices_newest", "status", "published_at", "id"),
        _listing_index("ix_practices_most_helpful", "status", "helpful_count", "published_at", "id"),
        _listing_index("ix_practices_most_discussed", "status", "discussion_count", "published_at", "id"),
        _listing_index("ix_practices_organization_newest", "organization_id", "status", "published_at", "id"),
    )

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    status: so.Mapped[PracticeStatus] = so.mapped_column(enum_column(PracticeStatus), default=PracticeStatus.draft)
    organization_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("organizations.id"), index=True)
    author_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("users.id"), index=True)
    created_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)
    updated_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)
    published_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)
    helpful_count: so.Mapped[int] = so.mapped_column(default=0, index=True)
    view_count: so.Mapped[int] = so.mapped_column(default=0)
    discussion_count: so.Mapped[int] = so.mapped_column(default=0, index=True)
    revision_count: so.Mapped[int] = so.mapped_column(default=0)
    deleted_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)
    deleted_by_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("users.id"))
    # The long texts come last so that, on SQLite, list queries never read their overflow pages.
    title: so.Mapped[str] = so.mapped_column(sa.String(200))
    summary: so.Mapped[str] = so.mapped_column(sa.Text, default="")
    body: so.Mapped[str] = so.mapped_column(sa.Text, default="")
    # Sanitized HTML made once on save, so a page view never renders Markdown.
    body_html: so.Mapped[str] = so.mapped_column(sa.Text, default="")

    organization: so.Mapped["Organization"] = so.relationship()  # noqa: F821
    author: so.Mapped["User"] = so.relationship(foreign_keys=[author_id])  # noqa: F821
    topics: so.Mapped[list[Topic]] = so.relationship(secondary=practice_topics, order_by=Topic.position)
    competencies: so.Mapped[list[Competency]] = so.relationship(secondary=practice_competencies,
                                                                order_by=Competency.position)
    tags: so.Mapped[list[Tag]] = so.relationship(secondary=practice_tags, order_by=Tag.name)
    facets: so.Mapped[list[PracticeFacet]] = so.relationship(cascade="all, delete-orphan",
                                                             order_by=(PracticeFacet.facet, PracticeFacet.value))
    revisions: so.WriteOnlyMapped["PracticeRevision"] = so.relationship(
        back_populates="practice", cascade="all, delete-orphan", passive_deletes=True)
    attachments: so.Mapped[list["Attachment"]] = so.relationship(
        back_populates="practice", cascade="all, delete-orphan", order_by="Attachment.created_at")

    def __repr__(self) -> str:
        return f"<Practice {self.id} {self.title!r}>"

    def facet_values(self, facet: Facet) -> list[str]:
        return [f.value for f in self.facets if f.facet is facet]

    @property
    def industries(self) -> list[str]:
        return self.facet_values(Facet.industry)

    @property
    def program_types(self) -> list[str]:
        return self.facet_values(Facet.program_type)

    @property
    def student_levels(self) -> list[str]:
        return self.facet_values(Facet.student_level)

    @property
    def is_published(self) -> bool:
        return self.status is PracticeStatus.published and self.deleted_at is None

    @property
    def is_deleted(self) -> bool:
        return self.deleted_at is not None

    def can_view(self, user) -> bool:
        return may_view_practice(user, status=self.status, deleted=self.is_deleted, author_id=self.author_id,
                                 organization_id=self.organization_id)

    def can_edit(self, user) -> bool:
        """The author, their organization's managers and facilitators edit."""
        if not getattr(user, "is_active", False) or self.is_deleted:
            return False
        return user.id == self.author_id or user.can_manage_org(self.organization)

    def can_delete(self, user) -> bool:
        return self.can_edit(user)

    def can_restore(self, user) -> bool:
        return bool(self.is_deleted and user.is_facilitator and self.deleted_at > utcnow() - RESTORE_WINDOW)


class PracticeRevision(db.Model):
    """A snapshot of a practice after each save: who, when, what it said."""

    __tablename__ = "practice_revisions"
    __table_args__ = (sa.UniqueConstraint("practice_id", "number", name="uq_practice_revisions_practice_number"),)

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    practice_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("practices.id", ondelete="CASCADE"), index=True)
    number: so.Mapped[int]
    title: so.Mapped[str] = so.mapped_column(sa.String(200))
    summary: so.Mapped[str] = so.mapped_column(sa.Text, default="")
    body: so.Mapped[str] = so.mapped_column(sa.Text, default="")
    note: so.Mapped[str] = so.mapped_column(sa.String(300), default="")
    editor_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("users.id"))
    created_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)

    practice: so.Mapped[Practice] = so.relationship(back_populates="revisions")
    editor: so.Mapped["User | None"] = so.relationship()  # noqa: F821


class HelpfulMark(db.Model):
    __tablename__ = "helpful_marks"

    practice_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("practices.id", ondelete="CASCADE"), primary_key=True)
    user_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True,
                                               index=True)
    created_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)


class Bookmark(db.Model):
    __tablename__ = "bookmarks"

    practice_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("practices.id", ondelete="CASCADE"), primary_key=True)
    user_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True,
                                               index=True)
    created_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)

    practice: so.Mapped[Practice] = so.relationship()


class Attachment(StoredFileColumns, db.Model):
    """A toolkit document, kept under a generated name in the store (cop/storage.py)."""

    __tablename__ = "attachments"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    practice_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("practices.id", ondelete="CASCADE"), index=True)
    uploaded_by_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("users.id"))
    created_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)

    practice: so.Mapped[Practice] = so.relationship(back_populates="attachments")
