"""The rules of private messages: who may write to whom, who reads what, and who is told."""

from dataclasses import dataclass
from datetime import datetime, timezone

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask import current_app, has_request_context, url_for

from cop import storage
from cop.auth.models import MemberStatus, Role, User
from cop.extensions import db, utcnow
from cop.messages.models import (Conversation, ConversationMember, Message, MessageAttachment, MessageBlock,
                                 MessageReport)
from cop.notifications import services as notifications
from cop.notifications.models import Notification
from cop.replies import reply_address
from cop.text import render_markdown

MAX_PEOPLE = 10  # in one conversation, the person who starts it included
BODY_MAX_LENGTH = 20_000
MAX_FILES = 5  # with one message; each within the attachment size limit of practices
notifications.EMAIL_KINDS.add("message")
_EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)


class MessageError(ValueError):
    pass


def _path(endpoint: str, **values) -> str:
    if has_request_context():
        return url_for(endpoint, **values)
    with current_app.test_request_context():
        return url_for(endpoint, **values)


def has_blocked(blocker_id: int, blocked_id: int) -> bool:
    return db.session.get(MessageBlock, (blocker_id, blocked_id)) is not None


def blocks_column(user_id_column):
    """Whether the member blocked anyone or anyone blocked them, as a column of their row (see
    `cop.auth.viewer`): most never did, and their pages then ask nothing more."""
    return sa.or_(sa.exists().where(MessageBlock.blocker_id == user_id_column),
                  sa.exists().where(MessageBlock.blocked_id == user_id_column))


def unreachable_ids(viewer) -> tuple[int, ...]:
    """The members `viewer` blocked or who blocked them, in order: nobody offers a way to write to them."""
    from cop.auth.viewer import extra

    known = extra("message_blocks")  # loaded with the member's row; None once a transaction ended
    if known is not None and not known:
        return ()
    blocked = sa.select(MessageBlock.blocked_id).where(MessageBlock.blocker_id == viewer.id)
    blockers = sa.select(MessageBlock.blocker_id).where(MessageBlock.blocked_id == viewer.id)
    return tuple(sorted(set(db.session.scalars(sa.union(blocked, blockers)))))


def refusal(sender, recipient) -> str:
    """Why `sender` may not start a conversation with `recipient`, or ""."""
    if recipient.id == sender.id:
        return "You can't send a message to yourself."
    if recipient.status is not MemberStatus.active:
        return f"{recipient.name} isn't an active member."
    if has_blocked(recipient.id, sender.id):
        return f"{recipient.name} doesn't take messages from you."
    if has_blocked(sender.id, recipient.id):
        return f"You blocked {recipient.name}: unblock them on their profile first."
    return ""


@dataclass(frozen=True)
class PostReference:
    """A post a conversation is started from: a practice, a thread's opening post or a reply."""
    key: str  # as in the link: "practice-12", "thread-7", "reply-33"
    label: str  # "the practice “Title”"
    path: str
    author_id: int


def post_reference(key: str | None) -> PostReference | None:
    """The post a "Message the author" link names, while every member may read it (a published practice, a
    thread or reply nobody hid or removed), so naming it tells nobody in the conversation anything new;
    None for anything else."""
    from cop.discussions.models import Reply, Thread
    from cop.practices.models import Practice

    kind, _, number = (key or "").partition("-")
    target_id = int(number) if number.isdigit() and len(number) <= 12 else None
    if target_id is None:
        return None
    if kind == "practice":
        practice = db.session.get(Practice, target_id)
        if practice is not None and practice.is_published:
            return PostReference(key, f"the practice “{practice.title}”",
                                 _path("practices.detail", practice_id=practice.id), practice.author_id)
    elif kind == "thread":
        thread = db.session.get(Thread, target_id)
        if thread is not None and not thread.is_hidden and thread.merged_into_id is None:
            return PostReference(key, f"the thread “{thread.title}”",
                                 _path("discussions.detail", thread_id=thread.id), thread.author_id)
    elif kind == "reply":
        reply = db.session.get(Reply, target_id)
        if reply is not None and reply.is_readable and not reply.thread.is_hidden:
            return PostReference(key, f"a reply in “{reply.thread.title}”",
                                 _path("discussions.reply_link", thread_id=reply.thread_id, reply_id=reply.id),
                                 reply.author_id)
    return None


def start_conversation(sender, recipients: list, subject: str, body: str, files=(),
                       about: PostReference | None = None) -> Conversation:
    """A new conversation between `sender` and `recipients` (2 to MAX_PEOPLE people), with its first
    message; `files` as for `add_message`; `about` the post it was started from."""
    recipients = list({person.id: person for person in recipients}.values())
    if not recipients:
        raise MessageError("Choose at least one person to write to.")
    if len(recipients) + 1 > MAX_PEOPLE:
        raise MessageError(f"A conversation has at most {MAX_PEOPLE} people, you included.")
    for person in recipients:
        if reason := refusal(sender, person):
            raise MessageError(reason)
    now = utcnow()
    conversation = Conversation(subject=subject.strip()[:200], started_by_id=sender.id, created_at=now,
                                last_message_at=now)
    if about is not None:
        conversation.about_title, conversation.about_path = about.label[:200], about.path[:200]
    conversation.members = [ConversationMember(user_id=sender.id, joined_at=now, last_read_at=now)] + [
        ConversationMember(user_id=person.id, joined_at=now) for person in recipients]
    db.session.add(conversation)
    db.session.flush()
    add_message(conversation, sender, body, files)
    return conversation


def member_of(conversation: Conversation, user) -> ConversationMember | None:
    """The person's place in the conversation while they are in it."""
    for member in conversation.members:
        if member.user_id == user.id and member.is_current:
            return member
    return None


def add_message(conversation: Conversation, author, body: str, files=(), by_email: bool = False) -> Message:
    """`author` writes in the conversation (on the site, or `by_email` as an answer to a notification), with
    up to MAX_FILES `files` as (stream, filename), checked and kept as practice attachments are; everyone else
    in it who has not muted it or blocked the author is told."""
    me = member_of(conversation, author)
    if me is None:
        raise MessageError("You are not in this conversation.")
    body = (body or "").strip()
    if not body:
        raise MessageError("Write a message first.")
    if len(body) > BODY_MAX_LENGTH:
        raise MessageError(f"A message holds up to {BODY_MAX_LENGTH:,} characters.")
    files = list(files)
    if len(files) > MAX_FILES:
        raise MessageError(f"A message carries up to {MAX_FILES} files.")
    now = utcnow()
    message = Message(conversation_id=conversation.id, author_id=author.id, body=body,
                      body_html=render_markdown(body), created_at=now, by_email=by_email)
    for stream, filename in files:
        try:
            upload = storage.store_upload(stream, filename)
        except storage.UploadError as error:
            raise MessageError(f"{filename or 'A file'}: {error}") from error
        message.attachments.append(MessageAttachment(filename=upload.filename, stored_name=upload.stored_name,
                                                     content_type=upload.content_type, size=upload.size,
                                                     created_at=now))
    db.session.add(message)
    conversation.last_message_at, conversation.last_message_by_id = now, author.id
    me.last_read_at = now
    db.session.flush()
    url = _path("messages.conversation", conversation_id=conversation.id) + f"#message-{message.id}"
    for member in conversation.members:
        if member.user_id == author.id or not member.is_current or member.muted:
            continue
        if has_blocked(member.user_id, author.id):
            continue
        notifications.notify(member.user, "message", f"{author.name} wrote in “{conversation.subject}”.", url,
                             actor=author, reply_to=reply_address(member.user_id, "conversation", conversation.id))
    return message


def leave(conversation: Conversation, user) -> None:
    me = member_of(conversation, user)
    if me is None:
        raise MessageError("You are not in this conversation.")
    me.left_at = utcnow()


def set_muted(conversation: Conversation, user, muted: bool) -> None:
    me = member_of(conversation, user)
    if me is None:
        raise MessageError("You are not in this conversation.")
    me.muted = muted


def mark_read(conversation: Conversation, user) -> None:
    me = member_of(conversation, user)
    if me is not None and (me.last_read_at is None or me.last_read_at < conversation.last_message_at):
        me.last_read_at = conversation.last_message_at
        notifications.mark_read_where(user, Notification.url.like(
            _path("messages.conversation", conversation_id=conversation.id) + "#%"))


def block(blocker, blocked) -> bool:
    if blocker.id == blocked.id:
        raise MessageError("You can't block yourself.")
    if has_blocked(blocker.id, blocked.id):
        return False
    db.session.add(MessageBlock(blocker_id=blocker.id, blocked_id=blocked.id, created_at=utcnow()))
    return True


def unblock(blocker, blocked) -> bool:
    record = db.session.get(MessageBlock, (blocker.id, blocked.id))
    if record is None:
        return False
    db.session.delete(record)
    return True


def report(message: Message, reporter, reason: str) -> MessageReport:
    if member_of(message.conversation, reporter) is None:
        raise MessageError("You are not in this conversation.")
    record = MessageReport(message_id=message.id, reporter_id=reporter.id, reason=(reason or "").strip()[:2000],
                           created_at=utcnow())
    db.session.add(record)
    db.session.flush()
    for facilitator in db.session.scalars(sa.select(User).where(User.role == Role.facilitator,
                                                              User.status == MemberStatus.active)):
        notifications.notify(facilitator, "message_report", "A private message was reported.",
                             _path("messages.reports"), actor=reporter)
    return record


def resolve(record: MessageReport, by) -> None:
    record.resolved_at, record.resolved_by_id = utcnow(), by.id


def conversations_for(user) -> list[tuple[Conversation, bool]]:
    """The conversations the person is in, newest first, each with whether it has news for them."""
    rows = db.session.execute(
        sa.select(Conversation, ConversationMember.last_read_at)
        .join(ConversationMember, ConversationMember.conversation_id == Conversation.id)
        .where(ConversationMember.user_id == user.id, ConversationMember.left_at.is_(None))
        .options(so.selectinload(Conversation.members).joinedload(ConversationMember.user))
        .order_by(Conversation.last_message_at.desc(), Conversation.id.desc())).all()
    return [(conversation, conversation.last_message_by_id != user.id
             and (read_at is None or conversation.last_message_at > read_at)) for conversation, read_at in rows]


def _unread_where(user_id):
    member = ConversationMember
    return sa.and_(member.user_id == user_id, member.left_at.is_(None),
                   Conversation.last_message_by_id != user_id,
                   sa.or_(member.last_read_at.is_(None), Conversation.last_message_at > member.last_read_at))


def unread_column(user_id_column):
    """How many conversations have news for the member, as a column of their row (see `cop.auth.viewer`)."""
    return (sa.select(sa.func.count(ConversationMember.conversation_id))
            .join(Conversation, Conversation.id == ConversationMember.conversation_id)
            .where(_unread_where(user_id_column)).scalar_subquery())


def unread_count(user) -> int:
    return db.session.scalar(
        sa.select(sa.func.count(ConversationMember.conversation_id))
        .join(Conversation, Conversation.id == ConversationMember.conversation_id)
        .where(_unread_where(user.id))) or 0


def find_people(emails: str) -> tuple[list, list[str]]:
    """The active members with these e-mail addresses (comma or line separated), and what was not found."""
    wanted = [part.strip().lower() for part in emails.replace("\n", ",").split(",") if part.strip()]
    found = {u.email.lower(): u for u in db.session.scalars(
        sa.select(User).where(sa.func.lower(User.email).in_(wanted), User.status == MemberStatus.active))} \
        if wanted else {}
    return list(found.values()), [email for email in wanted if email not in found]


def forget_person(person, *, keep_posts: bool) -> int:
    """A deleted account leaves every conversation and every block; its reports go. With `keep_posts`
    its messages stay (under "Former member", as the account is emptied), else they are removed.
    The files they sent go either way: they are the person's own documents. Returns how many messages were
    removed."""
    now = utcnow()
    sent = db.session.execute(sa.select(MessageAttachment.id, MessageAttachment.stored_name)
                              .join(Message, Message.id == MessageAttachment.message_id)
                              .where(Message.author_id == person.id)).all()
    for _, stored_name in sent:
        storage.remove_after_commit(stored_name)
    if sent:
        db.session.execute(sa.delete(MessageAttachment).where(MessageAttachment.id.in_([i for i, _ in sent])))
    db.session.execute(sa.update(ConversationMember).where(ConversationMember.user_id == person.id,
                                                           ConversationMember.left_at.is_(None))
                       .values(left_at=now), execution_options={"synchronize_session": False})
    db.session.execute(sa.delete(MessageBlock).where(sa.or_(MessageBlock.blocker_id == person.id,
                                                            MessageBlock.blocked_id == person.id)))
    db.session.execute(sa.delete(MessageReport).where(MessageReport.reporter_id == person.id))
    removed = 0
    if not keep_posts:
        ids = db.session.scalars(sa.select(Message.id).where(Message.author_id == person.id)).all()
        if ids:
            db.session.execute(sa.delete(MessageReport).where(MessageReport.message_id.in_(ids)))
            removed = db.session.execute(sa.delete(Message).where(Message.id.in_(ids))).rowcount
    return removed


def export_messages(user) -> tuple[list[dict], list[tuple[str, MessageAttachment]]]:
    """What the member wrote in private conversations, and the files they sent, as (name in the export,
    attachment); others' messages and files stay theirs, out of this export."""
    messages = db.session.scalars(
        sa.select(Message).where(Message.author_id == user.id)
        .options(so.joinedload(Message.conversation), so.selectinload(Message.attachments))
        .order_by(Message.id)).all()
    items, files = [], []
    for message in messages:
        attached = []
        for attachment in message.attachments:
            name = f"attachments/conversation-{message.conversation_id}/{attachment.id}-{attachment.filename}"
            attached.append(attachment.export_entry(name))
            files.append((name, attachment))
        items.append({"conversation_id": message.conversation_id, "subject": message.conversation.subject,
                      "written_at": message.created_at.isoformat(), "by_email": message.by_email, "body": message.body,
                      "attachments": attached})
    return items, files
