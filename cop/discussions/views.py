"""Discussion pages: lists, a thread with its replies, writing and editing, following, answers and helpful
marks, flags, and the facilitators' moderation desk and audit log."""

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user
from markupsafe import Markup

from cop.auth import public
from cop.auth import services as membership
from cop.auth.models import User
from cop.cache import fragments
from cop.discussions import bp, pages, services
from cop.discussions.forms import (EditReplyForm, EditThreadForm, FlagForm, MergeForm, ModerationNoteForm, MoveForm,
                                   ReplyForm, ThreadForm)
from cop.discussions.models import Flag, FlagReason, ModerationLogEntry, PostRevision, Reply, Thread, ThreadKind
from cop.extensions import begin_write, db, limit_reads, post_limit, utcnow
from cop.forms import EmptyForm, database_int
from cop.links import external_url
from cop.notifications import services as notifications
from cop.practices.models import Practice, PracticeStatus
from cop.practices.pages import PageState, page_state
from cop.text import render_markdown, viewer_zone_name

PER_PAGE = 25
REPLIES_PER_PAGE = 50
TABS = {
    "latest": "Latest activity",
    "new": "New",
    "unanswered": "Unanswered",
    "mine": "My threads",
    "following": "Following",
}
def require_facilitator() -> None:
    if not current_user.is_facilitator:
        abort(403)


def _thread_query(thread_id: int):
    return (sa.select(Thread).where(Thread.id == thread_id)
            .options(so.joinedload(Thread.author).joinedload(User.organization),
                     so.joinedload(Thread.category).joinedload(services.Category.topic),
                     so.joinedload(Thread.practice).load_only(Practice.id, Practice.title, Practice.status,
                                                              Practice.deleted_at)))


def get_thread_or_404(thread_id: int, for_edit: bool = False) -> Thread:
    """404 for what the viewer may not see (hidden, merged away), 403 for what they may see but not change."""
    thread = db.session.scalar(_thread_query(thread_id))
    if thread is None or thread.merged_into_id or not thread.can_view(current_user):
        abort(404)
    if for_edit and not thread.can_edit(current_user):
        abort(403)
    return thread


def get_reply_or_404(thread: Thread, reply_id: int) -> Reply:
    reply = db.session.scalar(sa.select(Reply).where(Reply.id == reply_id, Reply.thread_id == thread.id)
                              .options(so.joinedload(Reply.author)))
    if reply is None or not reply.can_view(current_user):
        abort(404)
    return reply


def _back_to(thread: Thread):
    if request.args.get("back") == "queue" and current_user.is_facilitator:
        return redirect(url_for("discussions.moderation"))
    return redirect(url_for("discussions.detail", thread_id=thread.id))


# Lists

@bp.get("/")
@fragments.cached_page
def index():
    return _thread_list(None)


@bp.get("/c/<slug>")
@fragments.cached_page
def category(slug):
    return _thread_list(slug)


# Lists every member sees alike (bar their time zone and role) are rendered once per change; the tabs of
# a member's own threads are theirs alone. Unread marks are filled in per member either way.
PERSONAL_TABS = {"mine", "following"}


def _thread_list(slug: str | None):
    show = request.args.get("show", "latest")
    show = show if show in TABS else "latest"
    practice = _listed_practice_or_404()
    following = pages.follow_state(current_user, category_slug=slug,
                                      practice_id=practice.id if practice else None)

    def render() -> tuple[str, str]:
        return _render_thread_list(slug, show, practice, following)

    if show in PERSONAL_TABS:
        title, main = render()
    else:
        title, main = fragments.cached_titled(_thread_list_key(slug, practice, following), render)
    return fragments.page(title, pages.fill_unread_marks(main, current_user, feed=_feed_note()))


def _listed_practice_or_404() -> PageState | None:
    """The practice a list is filtered to (`?practice=`), if the viewer may see it: decided before any
    cached list is looked up, since the list is headed with its title. One statement, only when asked."""
    practice_id = request.args.get("practice", type=int)
    if not practice_id:
        return None
    practice = page_state(practice_id, current_user)
    if practice is None or not practice.can_view(current_user):
        abort(404)
    return practice


def _thread_list_key(slug: str | None, practice: PageState | None, following: bool | None) -> tuple:
    """A shared list, for a viewer already allowed to see it (and its practice): it varies by category,
    practice, tab and page (the query), the viewer's time zone, whether they are a facilitator (the
    moderation link) and whether they follow the category or practice."""
    return ("threads", slug, practice.id if practice else None, fragments.query_args(), viewer_zone_name(),
            current_user.is_facilitator, following)


def _feed_note() -> Markup:
    """The member's private feed address (a secret: never part of a shared page)."""
    if current_user.feed_token:
        return Markup('<a href="{}">New threads as a feed</a> (a private address: don\'t share it)').format(
            url_for("discussions.feed", token=current_user.feed_token))
    return Markup('<a href="{}">Get your private feed address</a> to follow new threads in a feed reader.').format(
        url_for("practices.feeds"))


def _render_thread_list(slug, show, listed: PageState | None, following) -> tuple[str, str]:
    categories = services.list_categories()
    category_info = None
    if slug is not None:
        category_info = services.find_category(slug, categories)
        if category_info is None:
            abort(404)
    query = services.visible_threads_for(current_user)
    if category_info is not None:
        query = query.where(Thread.category_id == category_info.id if category_info.id else sa.false())
    practice = db.session.get(Practice, listed.id) if listed is not None else None
    if practice is not None:
        query = query.where(Thread.practice_id == practice.id)
    query = services.list_threads(query, show, current_user)
    page = db.paginate(services.with_list_data(query), per_page=PER_PAGE, error_out=False)
    if category_info is not None:
        title = f"{category_info.name} · Discussions"
    elif practice is not None:
        title = f"Discussions of {practice.title}"
    else:
        title = "Discussions"
    return title, render_template("discussions/_index_main.html", page=page, show=show, tabs=TABS,
                                  categories=categories, category=category_info, practice=practice,
                                  following=following, button_form=EmptyForm())


# A thread

@bp.get("/<int:thread_id>")
@fragments.cached_page
def detail(thread_id):
    state = pages.thread_state(thread_id, current_user)
    if state is None or not state.visible_to(current_user):
        abort(404)
    if state.merged_into_id:
        return redirect(url_for("discussions.detail", thread_id=state.merged_into_id))
    marking = state.unread or state.unread_notifications
    if marking:
        # The first view after new activity writes: on SQLite a reading transaction that starts writing
        # fails when another writer got in first, so restart as a write.
        begin_write()
        if state.unread:
            services.mark_thread_read(db.session.get(Thread, thread_id), current_user)
        if state.unread_notifications:
            notifications.mark_read_where(current_user, services.thread_notifications_by_id(thread_id))
    extras = pages.thread_viewer_state(current_user)
    title, main = fragments.cached_titled(_thread_key(state, extras),
                                          lambda: _render_thread(thread_id, state.following, dict(extras)))
    html = fragments.page(title, pages.personalize_thread(main, current_user, state))
    if marking:
        db.session.commit()
    return html


def _thread_key(state: pages.ThreadState, extras: tuple) -> tuple:
    """A thread page, for a viewer already allowed to see it: the same for every member of a role (the
    moderation controls, replying to a locked thread) in a time zone, page and follow state, and what later
    features add per member (`extras`, see THREAD_VIEWER_STATE); their own controls, helpful marks and "New"
    badges are filled in per member."""
    return ("thread", state.id, fragments.query_args(), viewer_zone_name(), current_user.is_facilitator,
            state.following, extras)


def _render_thread(thread_id: int, following: bool, viewer_state: dict) -> tuple[str, str]:
    thread = db.session.scalar(_thread_query(thread_id))
    page = db.paginate(
        services.thread_replies_for(thread, current_user).options(
            so.joinedload(Reply.author).joinedload(User.organization),
            so.joinedload(Reply.parent).load_only(Reply.id, Reply.depth, Reply.author_id, Reply.deleted_at,
                                                  Reply.hidden_at).joinedload(Reply.author).load_only(User.id, User.name)),
        per_page=REPLIES_PER_PAGE, error_out=False)
    answer = None
    if thread.is_question and thread.is_answered:
        answer = db.session.scalar(sa.select(Reply).where(Reply.thread_id == thread.id, Reply.is_answer.is_(True),
                                                          Reply.hidden_at.is_(None), Reply.deleted_at.is_(None))
                                   .options(so.joinedload(Reply.author)))
    return thread.title, render_template("discussions/_detail_main.html", thread=thread, page=page, answer=answer,
                                         following=following, reply_form=ReplyForm(), button_form=EmptyForm(),
                                         viewer_state=viewer_state)


@bp.get("/<int:thread_id>/replies/<int:reply_id>")
def reply_link(thread_id, reply_id):
    """A lasting address for one reply (notifications and e-mails use it): the right page of its
    thread, even after the thread grew or was merged into another."""
    reply = db.session.get(Reply, reply_id)
    if reply is None or not reply.can_view(current_user):
        abort(404)
    before = db.session.scalar(sa.select(sa.func.count()).select_from(
        services.thread_replies_for(reply.thread, current_user).where(Reply.path < reply.path).subquery()))
    page = before // REPLIES_PER_PAGE + 1
    return redirect(url_for("discussions.detail", thread_id=reply.thread_id, page=page if page > 1 else None)
                    + f"#reply-{reply.id}")


def _category_choices(categories):
    return [("", "Choose a category…")] + [(c.slug, c.name) for c in categories]


@bp.route("/new", methods=["GET", "POST"])
@post_limit
def create():
    form = ThreadForm()
    form.category.choices = _category_choices(services.list_categories())
    practices = db.session.execute(
        sa.select(Practice.id, Practice.title)
        .where(Practice.status == PracticeStatus.published, Practice.deleted_at.is_(None))
        .order_by(Practice.title)).all()
    form.practice.choices = [("", "No particular practice")] + [(str(i), title) for i, title in practices]
    if request.method == "GET":
        form.practice.data = request.args.get("practice", "")
        form.category.data = request.args.get("category", "")
        if form.practice.data and not form.category.data:
            chosen = db.session.get(Practice, request.args.get("practice", type=int) or 0)
            if chosen is not None and chosen.topics:
                form.category.data = chosen.topics[0].slug
    preview = None
    if form.validate_on_submit():
        if form.preview.data:
            preview = Markup(services.render_post(form.body.data)[0])
        else:
            category = services.category_for(form.category.data)
            practice = db.session.get(Practice, int(form.practice.data)) if form.practice.data else None
            try:
                if category is None:
                    raise services.DiscussionError("Choose one of the categories.")
                thread = services.create_thread(current_user, title=form.title.data, body=form.body.data,
                                                kind=ThreadKind(form.kind.data), category=category,
                                                practice=practice)
            except services.DiscussionError as error:
                form.practice.errors.append(str(error))
            else:
                db.session.commit()
                flash("Your question is posted." if thread.is_question else "Your discussion is started.", "success")
                return redirect(url_for("discussions.detail", thread_id=thread.id))
    elif request.method == "POST" and form.preview.data and form.body.data:
        preview = Markup(render_markdown(form.body.data))
    return render_template("discussions/form.html", form=form, thread=None, preview=preview)


@bp.route("/<int:thread_id>/edit", methods=["GET", "POST"])
@post_limit
def edit(thread_id):
    thread = get_thread_or_404(thread_id, for_edit=True)
    form = EditThreadForm(obj=thread)
    preview = None
    if form.validate_on_submit():
        if form.preview.data:
            preview = Markup(services.render_post(form.body.data)[0])
        else:
            services.edit_thread(thread, current_user, title=form.title.data, body=form.body.data)
            db.session.commit()
            flash("Your changes are saved.", "success")
            return redirect(url_for("discussions.detail", thread_id=thread.id))
    return render_template("discussions/form.html", form=form, thread=thread, preview=preview)


def _quote(author_name: str, body: str) -> str:
    lines = [f"> {line}" if line.strip() else ">" for line in body.strip().splitlines()]
    return f"> **{author_name}** wrote:\n>\n" + "\n".join(lines) + "\n\n"


@bp.route("/<int:thread_id>/reply", methods=["GET", "POST"])
@post_limit
def reply(thread_id):
    thread = get_thread_or_404(thread_id)
    if not thread.can_reply(current_user):
        abort(403)
    form = ReplyForm()
    parent_id = form.parent_id.data if request.method == "POST" else request.args.get("to", "")
    parent = None
    if parent_id and str(parent_id).isdigit():
        parent = get_reply_or_404(thread, database_int(parent_id))
        if not parent.is_readable:
            abort(404)
    if request.method == "GET":
        form.parent_id.data = str(parent.id) if parent else ""
        if request.args.get("quote"):
            form.body.data = _quote(parent.author.name, parent.body) if parent else _quote(thread.author.name,
                                                                                             thread.body)
    if form.validate_on_submit():
        try:
            new = services.add_reply(thread, current_user, form.body.data, parent)
        except services.DiscussionError as error:
            form.body.errors.append(str(error))
        else:
            db.session.commit()
            flash("Your reply is posted.", "success")
            return redirect(services.reply_url(new))
    return render_template("discussions/reply.html", thread=thread, parent=parent, form=form)


@bp.route("/<int:thread_id>/replies/<int:reply_id>/edit", methods=["GET", "POST"])
@post_limit
def edit_reply(thread_id, reply_id):
    thread = get_thread_or_404(thread_id)
    reply = get_reply_or_404(thread, reply_id)
    if not reply.can_edit(current_user):
        abort(403)
    form = EditReplyForm(obj=reply)
    if form.validate_on_submit():
        services.edit_reply(reply, current_user, form.body.data)
        db.session.commit()
        flash("Your reply is updated.", "success")
        return redirect(services.reply_url(reply))
    return render_template("discussions/edit_reply.html", thread=thread, reply=reply, form=form)


@bp.post("/<int:thread_id>/replies/<int:reply_id>/delete")
def delete_reply(thread_id, reply_id):
    thread = get_thread_or_404(thread_id)
    reply = get_reply_or_404(thread, reply_id)
    if not reply.can_delete(current_user):
        abort(403)
    if EmptyForm().validate_on_submit():
        services.delete_reply(reply, current_user)
        db.session.commit()
        flash("Your reply is removed. A placeholder keeps the conversation readable.", "success")
    return redirect(services.reply_url(reply))


def _history(thread: Thread, reply: Reply | None):
    revisions = db.session.scalars(
        sa.select(PostRevision).where(PostRevision.thread_id == thread.id,
                                      PostRevision.reply_id == reply.id if reply else PostRevision.reply_id.is_(None))
        .options(so.joinedload(PostRevision.editor)).order_by(PostRevision.created_at.desc(), PostRevision.id.desc())
    ).all()
    return render_template("discussions/history.html", thread=thread, reply=reply, revisions=revisions,
                           render_markdown=render_markdown)


@bp.get("/<int:thread_id>/history")
def history(thread_id):
    return _history(get_thread_or_404(thread_id), None)


@bp.get("/<int:thread_id>/replies/<int:reply_id>/history")
def reply_history(thread_id, reply_id):
    thread = get_thread_or_404(thread_id)
    reply = get_reply_or_404(thread, reply_id)
    if not reply.is_readable and not current_user.is_facilitator:
        abort(404)
    return _history(thread, reply)


# Buttons: answers, helpful marks, following

@bp.post("/<int:thread_id>/replies/<int:reply_id>/answer")
def toggle_answer(thread_id, reply_id):
    thread = get_thread_or_404(thread_id)
    reply = get_reply_or_404(thread, reply_id)
    if not thread.can_mark_answer(current_user):
        abort(403)
    if EmptyForm().validate_on_submit():
        try:
            if reply.is_answer:
                services.unmark_answer(thread, current_user)
                message = "The answer mark is removed; the question shows as unanswered again."
            else:
                services.mark_answer(reply, current_user)
                message = f"{reply.author.name}'s reply is marked as the answer."
        except services.DiscussionError as error:
            flash(str(error), "error")
        else:
            db.session.commit()
            flash(message, "success")
    return redirect(services.reply_url(reply))


@bp.post("/<int:thread_id>/replies/<int:reply_id>/helpful")
def toggle_helpful(thread_id, reply_id):
    thread = get_thread_or_404(thread_id)
    reply = get_reply_or_404(thread, reply_id)
    if EmptyForm().validate_on_submit():
        try:
            if not services.mark_helpful(reply, current_user):
                services.unmark_helpful(reply, current_user)
        except services.DiscussionError as error:
            flash(str(error), "error")
        else:
            db.session.commit()
    return redirect(services.reply_url(reply))


def _toggle_follow(target: dict, on: str, off: str) -> None:
    if EmptyForm().validate_on_submit():
        if services.follow(current_user, **target):
            flash(on, "success")
        else:
            services.unfollow(current_user, **target)
            flash(off, "info")
        db.session.commit()


@bp.post("/<int:thread_id>/follow")
def follow_thread(thread_id):
    thread = get_thread_or_404(thread_id)
    _toggle_follow({"thread": thread}, "You follow this thread: you'll hear about new replies.",
                   "You no longer follow this thread.")
    return redirect(url_for("discussions.detail", thread_id=thread.id))


@bp.post("/c/<slug>/follow")
def follow_category(slug):
    if services.find_category(slug) is None:
        abort(404)
    category = services.category_for(slug)
    _toggle_follow({"category": category}, f"You follow {category.name}: you'll hear about new threads there.",
                   f"You no longer follow {category.name}.")
    return redirect(url_for("discussions.category", slug=slug))


@bp.post("/practice/<int:practice_id>/follow")
def follow_practice(practice_id):
    practice = db.session.get(Practice, practice_id)
    if practice is None or not practice.can_view(current_user) or not practice.is_published:
        abort(404)
    _toggle_follow({"practice": practice}, "You follow this practice's discussion: you'll hear about new threads.",
                   "You no longer follow this practice's discussion.")
    return redirect(url_for("practices.detail", practice_id=practice.id) + "#discussions")


# Flags

@bp.route("/<int:thread_id>/flag", methods=["GET", "POST"])
@post_limit
def flag(thread_id):
    thread = get_thread_or_404(thread_id)
    reply = get_reply_or_404(thread, request.args.get("reply", type=int)) if request.args.get("reply") else None
    form = FlagForm()
    if form.validate_on_submit():
        try:
            services.flag_post(thread, reply, current_user, FlagReason(form.reason.data), form.note.data or "")
        except services.DiscussionError as error:
            flash(str(error), "info")
        else:
            db.session.commit()
            flash("Thank you. A facilitator will look at it.", "success")
        return redirect(services.reply_url(reply) if reply else url_for("discussions.detail", thread_id=thread.id))
    return render_template("discussions/flag.html", thread=thread, reply=reply, form=form)


# Moderation (facilitators)

def _moderate(thread_id: int, action, success: str, reply_id: int | None = None, form=None):
    thread = db.session.scalar(_thread_query(thread_id))
    if thread is None or thread.merged_into_id or not thread.can_view(current_user):
        abort(404)
    require_facilitator()
    reply = get_reply_or_404(thread, reply_id) if reply_id else None
    form = form or ModerationNoteForm()
    if form.validate_on_submit():
        try:
            action(thread, reply, form)
        except services.DiscussionError as error:
            flash(str(error), "error")
        else:
            db.session.commit()
            flash(success, "success")
    else:
        for errors in form.errors.values():
            for error in errors:
                flash(error, "error")
    if reply is not None and request.args.get("back") != "queue":
        return redirect(url_for("discussions.detail", thread_id=thread.id) + f"#reply-{reply.id}")
    return _back_to(thread)


@bp.post("/<int:thread_id>/hide")
def hide_thread(thread_id):
    return _moderate(thread_id, lambda t, r, f: services.hide_thread(t, current_user, f.note.data or ""),
                     "The thread is hidden from members.")


@bp.post("/<int:thread_id>/restore")
def restore_thread(thread_id):
    return _moderate(thread_id, lambda t, r, f: services.restore_thread(t, current_user, f.note.data or ""),
                     "The thread is visible to members again.")


@bp.post("/<int:thread_id>/replies/<int:reply_id>/hide")
def hide_reply(thread_id, reply_id):
    return _moderate(thread_id, lambda t, r, f: services.hide_reply(r, current_user, f.note.data or ""),
                     "The reply is hidden from members.", reply_id=reply_id)


@bp.post("/<int:thread_id>/replies/<int:reply_id>/restore")
def restore_reply(thread_id, reply_id):
    return _moderate(thread_id, lambda t, r, f: services.restore_reply(r, current_user, f.note.data or ""),
                     "The reply is visible to members again.", reply_id=reply_id)


@bp.post("/<int:thread_id>/lock")
def toggle_lock(thread_id):
    return _moderate(thread_id, lambda t, r, f: services.set_locked(t, current_user, not t.is_locked),
                     "The thread's lock is changed.")


@bp.post("/<int:thread_id>/pin")
def toggle_pin(thread_id):
    return _moderate(thread_id, lambda t, r, f: services.set_pinned(t, current_user, not t.is_pinned),
                     "The thread's pin is changed.")


@bp.post("/<int:thread_id>/flags/dismiss")
def dismiss_flags(thread_id):
    reply_id = request.args.get("reply", type=int)
    return _moderate(thread_id, lambda t, r, f: services.dismiss_flags(t, r, current_user),
                     "The flags are dismissed.", reply_id=reply_id)


@bp.post("/<int:thread_id>/suspend/<int:user_id>")
def suspend_author(thread_id, user_id):
    person = db.get_or_404(User, user_id)
    return _moderate(thread_id, lambda t, r, f: services.suspend_author(person, current_user, t, f.note.data or ""),
                     f"{person.name} is suspended and signed out everywhere.")


def _moderation_forms(thread: Thread, categories):
    move_form = MoveForm(prefix="move")
    move_form.category.choices = _category_choices(categories)
    if request.method == "GET":
        move_form.category.data = thread.category.slug
    return move_form, MergeForm(prefix="merge")


@bp.get("/<int:thread_id>/moderate")
def moderate(thread_id):
    thread = get_thread_or_404(thread_id)
    require_facilitator()
    move_form, merge_form = _moderation_forms(thread, services.list_categories())
    return render_template("discussions/moderate.html", thread=thread, move_form=move_form, merge_form=merge_form,
                           note_form=ModerationNoteForm())


@bp.post("/<int:thread_id>/move")
def move(thread_id):
    thread = get_thread_or_404(thread_id)
    require_facilitator()
    move_form, merge_form = _moderation_forms(thread, services.list_categories())
    if move_form.validate_on_submit():
        services.move_thread(thread, services.category_for(move_form.category.data), current_user)
        db.session.commit()
        flash(f"The thread is moved to {thread.category.name}.", "success")
        return redirect(url_for("discussions.detail", thread_id=thread.id))
    return render_template("discussions/moderate.html", thread=thread, move_form=move_form, merge_form=merge_form,
                           note_form=ModerationNoteForm())


@bp.post("/<int:thread_id>/merge")
def merge(thread_id):
    thread = get_thread_or_404(thread_id)
    require_facilitator()
    move_form, merge_form = _moderation_forms(thread, services.list_categories())
    if merge_form.validate_on_submit():
        target = db.session.get(Thread, merge_form.target_id)
        if target is None or not target.can_view(current_user):
            merge_form.target.errors.append("There is no thread with that number.")
        else:
            try:
                services.merge_thread(thread, target, current_user)
            except services.DiscussionError as error:
                merge_form.target.errors.append(str(error))
            else:
                db.session.commit()
                flash(f"“{thread.title}” is merged into this thread.", "success")
                return redirect(url_for("discussions.detail", thread_id=target.id))
    return render_template("discussions/moderate.html", thread=thread, move_form=move_form, merge_form=merge_form,
                           note_form=ModerationNoteForm())


@bp.get("/moderation")
def moderation():
    """The queue: open flags grouped by post, and what is hidden now (to restore)."""
    require_facilitator()
    flags = db.session.scalars(
        sa.select(Flag).where(Flag.resolved_at.is_(None)).order_by(Flag.created_at)
        .options(so.joinedload(Flag.thread).joinedload(Thread.author), so.joinedload(Flag.reply).joinedload(Reply.author),
                 so.joinedload(Flag.reporter)).limit(500)).all()
    groups: dict[tuple, dict] = {}
    for item in flags:
        group = groups.setdefault((item.thread_id, item.reply_id),
                                  {"thread": item.thread, "reply": item.reply, "flags": []})
        group["flags"].append(item)
    hidden_threads = db.session.scalars(
        sa.select(Thread).where(Thread.hidden_at.is_not(None)).order_by(Thread.hidden_at.desc()).limit(50)
        .options(so.joinedload(Thread.author))).all()
    hidden_replies = db.session.scalars(
        sa.select(Reply).where(Reply.hidden_at.is_not(None)).order_by(Reply.hidden_at.desc()).limit(50)
        .options(so.joinedload(Reply.author), so.joinedload(Reply.thread))).all()
    return render_template("discussions/moderation.html", groups=list(groups.values()),
                           hidden_threads=hidden_threads, hidden_replies=hidden_replies,
                           note_form=ModerationNoteForm())


@bp.get("/moderation/log")
def moderation_log():
    require_facilitator()
    query = (sa.select(ModerationLogEntry).order_by(ModerationLogEntry.created_at.desc(), ModerationLogEntry.id.desc())
             .options(so.joinedload(ModerationLogEntry.actor), so.joinedload(ModerationLogEntry.thread),
                      so.joinedload(ModerationLogEntry.target_user)))
    page = db.paginate(query, per_page=50, error_out=False)
    return render_template("discussions/log.html", page=page)


# Feed: private, so a reader authenticates with the member's own secret token (from the library's feed page).

@bp.get("/feed/<token>.atom")
@public
@limit_reads("feeds", member_setting="COP_FEED_LIMIT", address_setting="COP_FEED_ADDRESS_LIMIT")
def feed(token):
    user = membership.find_feed_owner(token)
    if user is None:
        abort(404)
    threads = db.session.scalars(services.with_list_data(
        services.visible_threads_for(user).order_by(Thread.created_at.desc(), Thread.id.desc()).limit(50),
        with_body=True)).all()
    body = render_template("discussions/feed.xml", threads=threads,
                           updated=max((t.created_at for t in threads), default=utcnow()),
                           self_url=external_url("discussions.feed", token=token))
    return current_app.response_class(body, mimetype="application/atom+xml")
