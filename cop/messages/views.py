"""Private message pages: the inbox, a conversation and its files, writing, leaving, muting, blocking and
reports.

A conversation is found only through its members: anyone else gets 404, as for a page that isn't there."""

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from cop.auth.models import MemberStatus, User
from cop.extensions import db, post_limit
from cop.forms import EmptyForm, database_int
from cop.messages import bp, services
from cop.messages.forms import MessageForm, NewConversationForm, ReportForm
from cop.messages.models import Conversation, ConversationMember, Message, MessageAttachment, MessageReport
from cop.messages.services import MessageError
from cop.storage import send_stored


def conversation_or_404(conversation_id: int) -> Conversation:
    conversation = db.session.scalar(
        sa.select(Conversation).where(Conversation.id == conversation_id)
        .options(so.selectinload(Conversation.members).joinedload(ConversationMember.user)))
    if conversation is None or services.member_of(conversation, current_user) is None:
        abort(404)
    return conversation


def _person_or_404(user_id: int) -> User:
    person = db.session.get(User, user_id)
    if person is None or person.status is not MemberStatus.active:
        abort(404)
    return person


@bp.get("/")
def inbox():
    return render_template("messages/inbox.html", conversations=services.conversations_for(current_user))


@bp.route("/new", methods=["GET", "POST"])
@post_limit
def new():
    ids = [i for i in (database_int(v) for v in request.args.getlist("to")) if i is not None]
    chosen = [person for person in (db.session.get(User, i) for i in ids[:services.MAX_PEOPLE]) if person]
    form = NewConversationForm()
    if request.method == "GET":
        form.about.data = request.args.get("about", "")[:40]
    about = services.post_reference(form.about.data)
    if about is not None and request.method == "GET" and not form.subject.data:
        form.subject.data = f"About {about.label}"[:200]
    problem = ""
    if form.validate_on_submit():
        others, unknown = services.find_people(form.others.data or "")
        if unknown:
            form.others.errors.append("No active member has the address " + ", ".join(unknown) + ".")
        else:
            try:
                conversation = services.start_conversation(current_user, chosen + others, form.subject.data,
                                                           form.body.data, form.uploads(), about=about)
            except MessageError as error:
                db.session.rollback()
                problem = str(error)
            else:
                db.session.commit()
                flash("Your message is sent.", "success")
                return redirect(url_for("messages.conversation", conversation_id=conversation.id))
    elif request.method == "GET":
        problem = next((reason for person in chosen if (reason := services.refusal(current_user, person))), "")
    return render_template("messages/new.html", form=form, chosen=chosen, problem=problem, about=about,
                           maximum=services.MAX_PEOPLE)


def _conversation_page(found: Conversation, form: MessageForm, status: int = 200):
    me = services.member_of(found, current_user)
    messages = db.session.scalars(sa.select(Message).where(Message.conversation_id == found.id)
                                  .options(so.joinedload(Message.author), so.selectinload(Message.attachments))
                                  .order_by(Message.id)).all()
    unread_after = me.last_read_at
    services.mark_read(found, current_user)
    db.session.commit()
    return render_template("messages/conversation.html", conversation=found, messages=messages, me=me,
                           unread_after=unread_after, form=form, report_form=ReportForm(),
                           button_form=EmptyForm()), status


@bp.get("/<int:conversation_id>")
def conversation(conversation_id):
    return _conversation_page(conversation_or_404(conversation_id), MessageForm())


@bp.post("/<int:conversation_id>/reply")
@post_limit
def reply(conversation_id):
    found = conversation_or_404(conversation_id)
    form = MessageForm()
    if form.validate_on_submit():
        try:
            message = services.add_message(found, current_user, form.body.data, form.uploads())
        except MessageError as error:
            db.session.rollback()
            form.files.errors.append(str(error))
        else:
            db.session.commit()
            return redirect(url_for("messages.conversation", conversation_id=found.id) + f"#message-{message.id}")
    # What they wrote stays in the form, with what was wrong (files are chosen again).
    return _conversation_page(conversation_or_404(conversation_id), form, 400)


@bp.get("/<int:conversation_id>/files/<int:file_id>")
def attachment(conversation_id, file_id):
    """A file sent in the conversation, for its current members only (anyone else: 404, as for the
    conversation itself)."""
    found = conversation_or_404(conversation_id)
    sent = db.session.scalar(sa.select(MessageAttachment).join(Message, Message.id == MessageAttachment.message_id)
                             .where(MessageAttachment.id == file_id, Message.conversation_id == found.id))
    if sent is None:
        abort(404)
    return send_stored(sent)


@bp.post("/<int:conversation_id>/leave")
def leave(conversation_id):
    found = conversation_or_404(conversation_id)
    if EmptyForm().validate_on_submit():
        services.leave(found, current_user)
        db.session.commit()
        flash(f"You left “{found.subject}”. Its messages no longer reach you.", "success")
    return redirect(url_for("messages.inbox"))


@bp.post("/<int:conversation_id>/mute")
def mute(conversation_id):
    found = conversation_or_404(conversation_id)
    if EmptyForm().validate_on_submit():
        muted = not services.member_of(found, current_user).muted
        services.set_muted(found, current_user, muted)
        db.session.commit()
        flash("Muted: new messages here no longer notify you." if muted else "Notifications are back on.", "success")
    return redirect(url_for("messages.conversation", conversation_id=found.id))


@bp.post("/<int:conversation_id>/messages/<int:message_id>/report")
@post_limit
def report(conversation_id, message_id):
    found = conversation_or_404(conversation_id)
    message = db.session.get(Message, message_id)
    if message is None or message.conversation_id != found.id:
        abort(404)
    form = ReportForm()
    if form.validate_on_submit():
        services.report(message, current_user, form.reason.data or "")
        db.session.commit()
        flash("Thank you. The facilitators will read that message, and only that one.", "success")
    return redirect(url_for("messages.conversation", conversation_id=found.id))


@bp.post("/people/<int:user_id>/block")
def block(user_id):
    person = _person_or_404(user_id)
    if EmptyForm().validate_on_submit():
        try:
            services.block(current_user, person)
        except MessageError as error:
            flash(str(error), "error")
        else:
            db.session.commit()
            flash(f"{person.name} can no longer start a conversation with you, and their messages no longer "
                  "notify you.", "success")
    return redirect(url_for("members.profile", user_id=person.id))


@bp.post("/people/<int:user_id>/unblock")
def unblock(user_id):
    person = _person_or_404(user_id)
    if EmptyForm().validate_on_submit():
        services.unblock(current_user, person)
        db.session.commit()
        flash(f"{person.name} can write to you again.", "success")
    return redirect(url_for("members.profile", user_id=person.id))


@bp.get("/reports")
def reports():
    if not current_user.is_facilitator:
        abort(403)
    open_reports = db.session.scalars(
        sa.select(MessageReport).where(MessageReport.resolved_at.is_(None))
        .options(so.joinedload(MessageReport.message).joinedload(Message.author),
                 so.joinedload(MessageReport.reporter))
        .order_by(MessageReport.created_at)).all()
    return render_template("messages/reports.html", reports=open_reports, button_form=EmptyForm())


@bp.post("/reports/<int:report_id>/resolve")
def resolve(report_id):
    if not current_user.is_facilitator:
        abort(403)
    record = db.session.get(MessageReport, report_id)
    if record is None:
        abort(404)
    if EmptyForm().validate_on_submit():
        services.resolve(record, current_user)
        db.session.commit()
        flash("The report is closed.", "success")
    return redirect(url_for("messages.reports"))
