"""Discussions by API: threads (list as the discussion tabs list them, read, start), replies (list, post)
and marking the answer to a question."""

import marshmallow as ma
import sqlalchemy as sa
import sqlalchemy.orm as so
from flask_smorest import abort

from cop.api import v1
from cop.api.answers import cached_answer
from cop.api.access import caller, caller_as_read, not_found, post_limit
from cop.api.paging import PageArgs, page, page_schema, paginate
from cop.api.practices import practice_or_404
from cop.api.schemas import Line, Named, Person, Text, UTCDateTime, enum_field, site_url
from cop.auth.models import User
from cop.discussions import services as talk
from cop.discussions.forms import MAX_BODY
from cop.discussions.models import Reply, Thread, ThreadKind
from cop.extensions import db

TAG = "Discussions"
SHOWS = ("latest", "new", "unanswered", "mine", "following")


class ThreadCard(ma.Schema):
    id = ma.fields.Integer(required=True)
    title = ma.fields.String(required=True)
    kind = enum_field(ThreadKind, required=True)
    category = ma.fields.Nested(Named, required=True)
    practice = ma.fields.Function(
        lambda thread: {"id": thread.practice.id, "title": thread.practice.title}
        if thread.practice is not None and thread.practice.can_view(caller()) else None,
        required=True, allow_none=True,
        metadata={"type": "object", "properties": {"id": {"type": "integer"}, "title": {"type": "string"}},
                  "required": ["id", "title"],
                  "description": "The practice it discusses, if any (and if you may see it)."})
    author = ma.fields.Nested(Person, required=True)
    reply_count = ma.fields.Integer(required=True)
    created_at = UTCDateTime(required=True)
    last_activity_at = UTCDateTime(required=True)
    answered_at = UTCDateTime(required=True, allow_none=True)
    is_pinned = ma.fields.Boolean(required=True)
    is_locked = ma.fields.Boolean(required=True)
    url = ma.fields.Function(site_url("discussions.detail", thread_id="id"), required=True,
                             metadata={"type": "string"})


class ThreadDetail(ThreadCard):
    body = ma.fields.String(required=True, metadata={"description": "Markdown, as written."})
    body_html = ma.fields.String(required=True)
    edited_at = UTCDateTime(required=True, allow_none=True)
    can_reply = ma.fields.Function(lambda thread: thread.can_reply(caller()), required=True,
                                   metadata={"type": "boolean"})
    can_mark_answer = ma.fields.Function(lambda thread: thread.can_mark_answer(caller()), required=True,
                                         metadata={"type": "boolean"})


class ReplyOut(ma.Schema):
    id = ma.fields.Integer(required=True)
    thread_id = ma.fields.Integer(required=True)
    parent_id = ma.fields.Integer(required=True, allow_none=True)
    author = ma.fields.Nested(Person, required=True)
    # A reply its author removed keeps its place (others answered it) but not its words.
    body = ma.fields.Function(lambda reply: "" if reply.is_deleted else reply.body, required=True,
                              metadata={"type": "string"})
    body_html = ma.fields.Function(lambda reply: "" if reply.is_deleted else reply.body_html, required=True,
                                   metadata={"type": "string"})
    is_removed = ma.fields.Function(lambda reply: reply.is_deleted, required=True, metadata={"type": "boolean"})
    is_hidden = ma.fields.Function(lambda reply: reply.is_hidden, required=True,
                                   metadata={"type": "boolean", "description": "Hidden by a facilitator (only "
                                                                               "facilitators see these)."})
    is_answer = ma.fields.Boolean(required=True)
    helpful_count = ma.fields.Integer(required=True)
    created_at = UTCDateTime(required=True)
    edited_at = UTCDateTime(required=True, allow_none=True)


class ThreadArgs(PageArgs):
    show = ma.fields.String(load_default="latest", validate=ma.validate.OneOf(SHOWS),
                            metadata={"description": "The tab: latest activity (pinned first), new, unanswered "
                                                     "questions, mine, or following."})
    category = ma.fields.String(validate=ma.validate.Length(max=80), metadata={"description": "A category's slug."})
    practice = ma.fields.Integer(validate=ma.validate.Range(1, 2**31 - 1),
                                 metadata={"description": "Only threads about this practice."})


class ThreadIn(ma.Schema):
    title = Line(max_length=200, required=True)
    body = Text(max_length=MAX_BODY, required=True, metadata={"description": "Markdown; @Name.Surname mentions."})
    kind = enum_field(ThreadKind, load_default=ThreadKind.question)
    category = ma.fields.String(required=True, validate=ma.validate.Length(max=80),
                                metadata={"description": "general, introductions, or a library topic's slug."})
    practice = ma.fields.Integer(load_default=None, allow_none=True, validate=ma.validate.Range(1, 2**31 - 1),
                                 metadata={"description": "The id of a published practice it is about."})


class ReplyIn(ma.Schema):
    body = Text(max_length=MAX_BODY, required=True)
    parent_id = ma.fields.Integer(load_default=None, allow_none=True, validate=ma.validate.Range(1, 2**31 - 1),
                                  metadata={"description": "The reply this one answers; leave out to answer the "
                                                           "thread."})


class AnswerIn(ma.Schema):
    reply_id = ma.fields.Integer(required=True, validate=ma.validate.Range(1, 2**31 - 1))


def _thread_or_404(thread_id: int) -> Thread:
    thread = db.session.scalar(talk.with_list_data(sa.select(Thread).where(Thread.id == thread_id), with_body=True))
    if thread is None or thread.merged_into_id or not thread.can_view(caller()):
        not_found("That thread")
    return thread


def _reply_or_422(thread: Thread, reply_id: int | None, field: str) -> Reply | None:
    if reply_id is None:
        return None
    reply = db.session.scalar(sa.select(Reply).where(Reply.id == reply_id, Reply.thread_id == thread.id)
                              .options(so.joinedload(Reply.author)))
    if reply is None or not reply.can_view(caller()):
        abort(422, messages={"json": {field: ["No such reply in this thread."]}})
    return reply


@v1.route("/threads", tags=[TAG])
@v1.etag
@v1.arguments(ThreadArgs, location="query", unknown=ma.EXCLUDE)
@v1.response(200, page_schema(ThreadCard, "ThreadPage"))
def list_threads(args):
    """Threads as the discussion tabs list them, optionally in one category or about one practice."""
    user = caller()
    query = talk.visible_threads_for(user)
    if args.get("category"):
        category = talk.find_category(args["category"])
        if category is None:
            abort(422, messages={"query": {"category": ["No such category."]}})
        query = query.where(Thread.category_id == category.id if category.id else sa.false())
    if args.get("practice"):
        query = query.where(Thread.practice_id == practice_or_404(args["practice"]).id)
    return page(*paginate(talk.with_list_data(talk.list_threads(query, args["show"], user)), args))


def _decide_thread(thread_id: int) -> None:
    """Before a kept answer about the thread is looked up: 404 unless the caller may read it."""
    if not talk.is_thread_visible(thread_id, caller_as_read()):
        not_found("That thread")


@v1.route("/threads/<int:thread_id>", tags=[TAG])
@cached_answer(decide=_decide_thread)
@v1.etag
@v1.response(200, ThreadDetail)
def get_thread(thread_id):
    """One thread with its opening post."""
    return _thread_or_404(thread_id)


@v1.route("/threads", methods=["POST"], tags=[TAG])
@v1.arguments(ThreadIn)
@v1.response(201, ThreadDetail)
@post_limit
def create_thread(data):
    """Ask a question or start a discussion, as on the site: you follow it, and followers of its category
    or practice hear of it."""
    category = talk.category_for(data["category"])
    if category is None:
        abort(422, messages={"json": {"category": ["No such category."]}})
    practice = None
    if data.get("practice"):
        practice = practice_or_404(data["practice"], missing=lambda _what: abort(
            422, messages={"json": {"practice": ["No such practice, or not one you may see."]}}))
    try:
        thread = talk.create_thread(caller(), title=data["title"], body=data["body"], kind=data["kind"],
                                    category=category, practice=practice)
    except talk.DiscussionError as error:
        abort(422, messages={"json": {"practice": [str(error)]}})
    db.session.commit()
    return _thread_or_404(thread.id)


@v1.route("/threads/<int:thread_id>/replies", tags=[TAG])
@cached_answer(decide=_decide_thread)
@v1.etag
@v1.arguments(PageArgs, location="query", unknown=ma.EXCLUDE)
@v1.response(200, page_schema(ReplyOut, "ReplyPage"))
def list_replies(args, thread_id):
    """A thread's replies in threaded order, as its page shows them."""
    thread = _thread_or_404(thread_id)
    query = talk.thread_replies_for(thread, caller()).options(
        so.joinedload(Reply.author).load_only(User.id, User.name))
    return page(*paginate(query, args))


@v1.route("/threads/<int:thread_id>/replies", methods=["POST"], tags=[TAG])
@v1.arguments(ReplyIn)
@v1.response(201, ReplyOut)
@post_limit
def create_reply(data, thread_id):
    """Reply to the thread, or to one of its replies."""
    thread = _thread_or_404(thread_id)
    if not thread.can_reply(caller()):
        abort(403, message="This thread takes no replies from you (it is locked).")
    parent = _reply_or_422(thread, data.get("parent_id"), "parent_id")
    try:
        reply = talk.add_reply(thread, caller(), data["body"], parent)
    except talk.DiscussionError as error:
        abort(422, messages={"json": {"parent_id": [str(error)]}})
    db.session.commit()
    return db.session.get(Reply, reply.id)


@v1.route("/threads/<int:thread_id>/answer", methods=["PUT"], tags=[TAG])
@v1.arguments(AnswerIn)
@v1.response(200, ThreadDetail)
def mark_answer(data, thread_id):
    """Mark the reply that answered a question (its author or a facilitator); one answer per question."""
    thread = _thread_or_404(thread_id)
    if not thread.can_mark_answer(caller()):
        abort(403, message="Only the person who asked, or a facilitator, marks the answer to a question.")
    reply = _reply_or_422(thread, data["reply_id"], "reply_id")
    try:
        talk.mark_answer(reply, caller())
    except talk.DiscussionError as error:
        abort(422, messages={"json": {"reply_id": [str(error)]}})
    db.session.commit()
    return _thread_or_404(thread_id)


@v1.route("/threads/<int:thread_id>/answer", methods=["DELETE"], tags=[TAG])
@v1.response(204)
def unmark_answer(thread_id):
    """Take the answer mark away: the question shows as unanswered again."""
    thread = _thread_or_404(thread_id)
    if not thread.can_mark_answer(caller()):
        abort(403, message="Only the person who asked, or a facilitator, marks the answer to a question.")
    talk.unmark_answer(thread, caller())
    db.session.commit()
