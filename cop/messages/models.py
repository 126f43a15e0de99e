"""Conversations, who is in them, their messages and files, blocks and reports."""

from datetime import datetime

import sqlalchemy as sa
import sqlalchemy.orm as so

from cop.extensions import UTCDateTime, db, utcnow
from cop.storage import StoredFileColumns


class Conversation(db.Model):
    __tablename__ = "conversations"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    subject: so.Mapped[str] = so.mapped_column(sa.String(200))
    started_by_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("users.id"))
    created_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)
    last_message_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)
    last_message_by_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("users.id"))
    # The post it was started from ("Message the author"), as it was titled then; a path on the site.
    about_title: so.Mapped[str | None] = so.mapped_column(sa.String(200))
    about_path: so.Mapped[str | None] = so.mapped_column(sa.String(200))

    members: so.Mapped[list["ConversationMember"]] = so.relationship(
        back_populates="conversation", cascade="all, delete-orphan", order_by="ConversationMember.joined_at")
    messages: so.Mapped[list["Message"]] = so.relationship(
        back_populates="conversation", cascade="all, delete-orphan", order_by="Message.id")


class ConversationMember(db.Model):
    __tablename__ = "conversation_members"
    __table_args__ = (sa.Index("ix_conversation_members_user", "user_id", "left_at"),)

    conversation_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("conversations.id", ondelete="CASCADE"),
                                                       primary_key=True)
    user_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("users.id"), primary_key=True)
    joined_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)
    left_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)
    last_read_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)
    muted: so.Mapped[bool] = so.mapped_column(default=False)

    conversation: so.Mapped[Conversation] = so.relationship(back_populates="members")
    user: so.Mapped["User"] = so.relationship()  # noqa: F821

    @property
    def is_current(self) -> bool:
        return self.left_at is None


class Message(db.Model):
    __tablename__ = "messages"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    conversation_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("conversations.id", ondelete="CASCADE"),
                                                       index=True)
    author_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("users.id"))
    body: so.Mapped[str] = so.mapped_column(sa.Text)
    body_html: so.Mapped[str] = so.mapped_column(sa.Text)
    created_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)
    # Written as an answer to a notification e-mail (cop.inbound), not on the site.
    by_email: so.Mapped[bool] = so.mapped_column(default=False, server_default=sa.false())

    conversation: so.Mapped[Conversation] = so.relationship(back_populates="messages")
    author: so.Mapped["User"] = so.relationship()  # noqa: F821
    attachments: so.Mapped[list["MessageAttachment"]] = so.relationship(
        back_populates="message", cascade="all, delete-orphan", order_by="MessageAttachment.id")


class MessageAttachment(StoredFileColumns, db.Model):
    """A file sent with a message, kept under a generated name in the store (cop/storage.py): the
    conversation's current members download it, nobody else."""

    __tablename__ = "message_attachments"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    message_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("messages.id", ondelete="CASCADE"), index=True)
    created_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)

    message: so.Mapped[Message] = so.relationship(back_populates="attachments")


class MessageBlock(db.Model):
    """`blocker` gets no new conversation from `blocked`, and no notification of their messages."""

    __tablename__ = "message_blocks"

    blocker_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("users.id"), primary_key=True)
    # Indexed on its own too: "who blocked me" is asked as often as "whom did I block".
    blocked_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("users.id"), primary_key=True, index=True)
    created_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)


class MessageReport(db.Model):
    """A message a member showed the facilitators: they read that message, never the rest."""

    __tablename__ = "message_reports"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    message_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("messages.id", ondelete="CASCADE"), index=True)
    reporter_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("users.id"))
    reason: so.Mapped[str] = so.mapped_column(sa.Text, default="")
    created_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)
    resolved_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)
    resolved_by_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("users.id"))

    message: so.Mapped[Message] = so.relationship()
    reporter: so.Mapped["User"] = so.relationship(foreign_keys=[reporter_id])  # noqa: F821
