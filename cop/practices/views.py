"""Library pages: browse and filter, read, write and preview, revise, keep, attach, and feeds."""

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask import abort, current_app, flash, make_response, redirect, render_template, request, session, url_for
from flask_login import current_user
from markupsafe import Markup

from cop.auth import public
from cop.auth import services as membership
from cop.auth.feeds import feed_addresses_response
from cop.auth.models import User
from cop.cache import fragments
from cop.competencies.models import Competency
from cop.extensions import db, limit_reads, utcnow
from cop.forms import EmptyForm
from cop.links import external_url
from cop.orgs.models import Organization
from cop.practices import DETAIL_SECTIONS, bp, pages, services, viewcounts
from cop.practices.forms import AttachmentForm, LibraryFilterForm, PracticeForm, TopicForm
from cop.practices.models import RESTORE_WINDOW, Attachment, Bookmark, Practice, PracticeRevision, Topic
from cop.storage import send_stored
from cop.text import render_markdown, viewer_zone_name

PER_PAGE = 20
SEEN_IN_SESSION = 200


def get_practice_or_404(practice_id: int, for_edit: bool = False) -> Practice:
    """404 for what the viewer may not see, 403 for what they may see but not change."""
    practice = services.load_practice(practice_id)
    if practice is None or not practice.can_view(current_user):
        abort(404)
    if for_edit and not practice.can_edit(current_user):
        abort(403)
    return practice


def _topics():
    return db.session.scalars(sa.select(Topic).order_by(Topic.position, Topic.name)).all()


def _competencies():
    return db.session.scalars(sa.select(Competency).order_by(Competency.position, Competency.name)).all()


@bp.get("/")
@fragments.cached_page
def index():
    # Every signed-in member may browse the library (the sign-in gate has decided): nothing to check here.
    return fragments.page("Library", fragments.cached(_library_key(), _library_main))


def _library_key() -> tuple:
    """The library lists published practices, the same for every member: it varies by the filters and
    page asked for, and the viewer's time zone (dates)."""
    return ("library", viewer_zone_name(), fragments.query_args())


def _library_main() -> str:
    form = LibraryFilterForm(request.args)
    topics, competencies = _topics(), _competencies()
    # EXISTS per organization walks the organization_id index; an IN over all visible practices would
    # scan the whole table on every request.
    orgs = db.session.execute(
        sa.select(Organization.slug, Organization.name)
        .where(sa.exists(services.visible_practices().with_only_columns(Practice.id)
                         .where(Practice.organization_id == Organization.id)))
        .order_by(Organization.name)).all()
    form.topic.choices = [("", "Any topic")] + [(t.slug, t.name) for t in topics]
    form.competency.choices = [("", "Any competency")] + [(c.slug, c.name) for c in competencies]
    form.organization.choices = [("", "Any organization")] + [(slug, name) for slug, name in orgs]

    topic = next((t for t in topics if t.slug == form.topic.data), None)
    competency = next((c for c in competencies if c.slug == form.competency.data), None)
    organization = None
    if form.organization.data:
        organization = db.session.scalar(sa.select(Organization).where(Organization.slug == form.organization.data))
    valid = {name: value for name, value, choices in (
        ("industry", form.industry.data, form.industry.choices),
        ("program_type", form.program_type.data, form.program_type.choices),
        ("student_level", form.student_level.data, form.student_level.choices),
    ) if value in {c[0] for c in choices}}
    sort = form.sort.data if form.sort.data in services.SORTS else "newest"
    query = services.filter_practices(services.visible_practices(), topic=topic, competency=competency,
                                      organization=organization, tag=(form.tag.data or "").strip(), **valid)
    page = db.paginate(services.with_card_data(services.sort_practices(query, sort)), per_page=PER_PAGE,
                       error_out=False)
    filtered = any([topic, competency, organization, form.tag.data, *valid.values()])
    return render_template("practices/_index_main.html", form=form, page=page, topics=topics, filtered=filtered,
                           sort=sort)


@bp.get("/<int:practice_id>")
@fragments.cached_page
def detail(practice_id):
    state = pages.page_state(practice_id, current_user)
    if state is None or not state.can_view(current_user):
        abort(404)
    if state.is_published:
        # Members in the same state share one rendered page.
        main = fragments.cached(_practice_key(state), lambda: _detail_main(state))
    else:
        main = _detail_main(state)  # drafts and deleted practices: rare, and checked in full again
    count_view = False
    if state.is_published:
        seen = session.get("seen_practices", [])
        if services.counts_as_view(state, current_user, seen):
            session["seen_practices"] = (seen + [practice_id])[-SEEN_IN_SESSION:]
            count_view = True
    views = state.view_count
    response = make_response(fragments.page(state.title, main, views=f"{views} {'view' if views == 1 else 'views'}"))
    if count_view:
        # Written in batches after pages have gone out: a busy database delays the count, never the reader.
        viewcounts.count_view(practice_id, response)
    return response


def _practice_key(state: pages.PageState) -> tuple:
    """A published practice's page, for a viewer already allowed to see it: it varies by what the viewer
    may do with it (edit, as author, manager of its organization or facilitator), their marks and follows,
    the page asked for and their time zone."""
    return ("practice", state.id, viewer_zone_name(), fragments.query_args(), state.viewer_key(current_user))


def _detail_main(state: pages.PageState) -> str:
    practice = get_practice_or_404(state.id)
    sections = [section for make in DETAIL_SECTIONS if (section := make(practice, current_user))]
    return render_template("practices/_detail_main.html", practice=practice, marked=state.marked, saved=state.saved,
                           button_form=EmptyForm(), attachment_form=AttachmentForm(),
                           restore_days=RESTORE_WINDOW.days, sections=sections)


def _fill_choices(form: PracticeForm):
    form.topics.choices = [(t.id, t.name) for t in _topics()]
    form.competencies.choices = [(c.id, c.name) for c in _competencies()]


def _classification(form: PracticeForm) -> services.Classification:
    topics = {t.id: t for t in db.session.scalars(sa.select(Topic).where(Topic.id.in_(form.topics.data or [])))}
    competencies = {c.id: c for c in db.session.scalars(
        sa.select(Competency).where(Competency.id.in_(form.competencies.data or [])))}
    return services.Classification(
        topics=[topics[i] for i in form.topics.data or [] if i in topics],
        competencies=[competencies[i] for i in form.competencies.data or [] if i in competencies],
        tags=services.parse_tags(form.tags.data or ""),
        industries=form.industries.data or [], program_types=form.program_types.data or [],
        student_levels=form.student_levels.data or [])


@bp.route("/new", methods=["GET", "POST"])
def create():
    if current_user.organization is None:
        abort(403)
    form = PracticeForm()
    _fill_choices(form)
    preview = None
    if form.validate_on_submit():
        if form.preview.data:
            preview = Markup(render_markdown(form.body.data))
        else:
            practice = services.create_practice(current_user, title=form.title.data, summary=form.summary.data,
                                                body=form.body.data, classification=_classification(form),
                                                publish=bool(form.publish.data))
            db.session.commit()
            flash("Your practice is published." if practice.is_published
                  else "Draft saved. Only you, your organization's managers and facilitators can see it.", "success")
            return redirect(url_for("practices.detail", practice_id=practice.id))
    elif request.method == "POST" and form.preview.data and form.body.data:
        preview = Markup(render_markdown(form.body.data))
    return render_template("practices/form.html", form=form, practice=None, preview=preview)


@bp.route("/<int:practice_id>/edit", methods=["GET", "POST"])
def edit(practice_id):
    practice = get_practice_or_404(practice_id, for_edit=True)
    form = PracticeForm(obj=practice)
    _fill_choices(form)
    if request.method == "GET":
        form.topics.data = [t.id for t in practice.topics]
        form.competencies.data = [c.id for c in practice.competencies]
        form.tags.data = ", ".join(t.name for t in practice.tags)
        form.industries.data, form.program_types.data = practice.industries, practice.program_types
        form.student_levels.data = practice.student_levels
    preview = None
    if form.validate_on_submit():
        if form.preview.data:
            preview = Markup(render_markdown(form.body.data))
        else:
            publish = True if form.publish.data else (None if practice.is_published else False)
            services.update_practice(practice, current_user, title=form.title.data, summary=form.summary.data,
                                     body=form.body.data, classification=_classification(form), publish=publish,
                                     note=form.note.data or "")
            db.session.commit()
            flash("Your changes are saved.", "success")
            return redirect(url_for("practices.detail", practice_id=practice.id))
    elif request.method == "POST" and form.preview.data and form.body.data:
        preview = Markup(render_markdown(form.body.data))
    return render_template("practices/form.html", form=form, practice=practice, preview=preview)


def _button_action(practice_id: int, action, success: str, for_edit: bool = False):
    practice = get_practice_or_404(practice_id, for_edit=for_edit)
    if EmptyForm().validate_on_submit():
        try:
            action(practice)
        except services.LibraryError as error:
            flash(str(error), "error")
        else:
            db.session.commit()
            if success:
                flash(success, "success")
    return redirect(url_for("practices.detail", practice_id=practice.id))


@bp.post("/<int:practice_id>/publish")
def publish(practice_id):
    return _button_action(practice_id, services.publish_practice, "Your practice is published.", for_edit=True)


@bp.post("/<int:practice_id>/unpublish")
def unpublish(practice_id):
    if not current_user.is_facilitator:
        abort(403)
    return _button_action(practice_id, lambda p: services.unpublish_practice(p, by=current_user),
                          "The practice is back in draft; its author can still see and fix it.")


@bp.post("/<int:practice_id>/delete")
def delete(practice_id):
    practice = get_practice_or_404(practice_id, for_edit=True)
    if EmptyForm().validate_on_submit():
        services.delete_practice(practice, by=current_user)
        db.session.commit()
        flash(f"“{practice.title}” was deleted. A facilitator can restore it within {RESTORE_WINDOW.days} days.",
              "success")
        return redirect(url_for("practices.index"))
    return redirect(url_for("practices.detail", practice_id=practice.id))


@bp.post("/<int:practice_id>/restore")
def restore(practice_id):
    if not current_user.is_facilitator:
        abort(403)
    return _button_action(practice_id, lambda p: services.restore_practice(p, by=current_user),
                          "The practice is restored.")


@bp.post("/<int:practice_id>/helpful")
def helpful(practice_id):
    def toggle(practice):
        if not services.mark_helpful(practice, current_user):
            services.unmark_helpful(practice, current_user)

    return _button_action(practice_id, toggle, "")


@bp.post("/<int:practice_id>/save")
def save(practice_id):
    def toggle(practice):
        if services.save_practice(practice, current_user):
            flash("Saved to your list.", "success")
        else:
            services.unsave_practice(practice, current_user)
            flash("Removed from your saved list.", "info")

    return _button_action(practice_id, toggle, "")


@bp.get("/<int:practice_id>/history")
def history(practice_id):
    practice = get_practice_or_404(practice_id)
    revisions = db.session.scalars(
        practice.revisions.select().options(so.joinedload(PracticeRevision.editor))
        .order_by(PracticeRevision.number.desc())).all()
    return render_template("practices/history.html", practice=practice, revisions=revisions,
                           button_form=EmptyForm())


@bp.get("/<int:practice_id>/history/compare")
def compare(practice_id):
    practice = get_practice_or_404(practice_id)
    numbers = [request.args.get("from", type=int), request.args.get("to", type=int)]
    if None in numbers:
        abort(400)
    found = {r.number: r for r in db.session.scalars(
        practice.revisions.select().where(PracticeRevision.number.in_(numbers))
        .options(so.joinedload(PracticeRevision.editor)))}
    if any(n not in found for n in numbers):
        abort(404)
    old, new = sorted((found[n] for n in numbers), key=lambda r: r.number)
    return render_template("practices/compare.html", practice=practice, old=old, new=new,
                           lines=services.revision_diff(old, new), button_form=EmptyForm())


@bp.post("/<int:practice_id>/revisions/<int:number>/restore")
def restore_revision(practice_id, number):
    practice = get_practice_or_404(practice_id, for_edit=True)
    revision = db.first_or_404(practice.revisions.select().where(PracticeRevision.number == number))
    if EmptyForm().validate_on_submit():
        services.restore_revision(practice, revision, by=current_user)
        db.session.commit()
        flash(f"Revision {number} is restored as the current version.", "success")
    return redirect(url_for("practices.detail", practice_id=practice.id))


@bp.post("/<int:practice_id>/attachments")
def upload_attachment(practice_id):
    practice = get_practice_or_404(practice_id, for_edit=True)
    form = AttachmentForm()
    if form.validate_on_submit():
        upload = form.file.data
        try:
            attachment = services.add_attachment(practice, upload.stream, upload.filename or "", by=current_user)
        except services.LibraryError as error:
            flash(str(error), "error")
        else:
            db.session.commit()
            flash(f"{attachment.filename} is attached.", "success")
    else:
        for errors in form.errors.values():
            for error in errors:
                flash(error, "error")
    return redirect(url_for("practices.detail", practice_id=practice.id) + "#attachments")


def _attachment_or_404(practice_id: int, attachment_id: int, for_edit: bool = False) -> tuple[Practice, Attachment]:
    practice = get_practice_or_404(practice_id, for_edit=for_edit)
    attachment = next((a for a in practice.attachments if a.id == attachment_id), None)
    if attachment is None:
        abort(404)
    return practice, attachment


@bp.get("/<int:practice_id>/attachments/<int:attachment_id>")
def download_attachment(practice_id, attachment_id):
    _, attachment = _attachment_or_404(practice_id, attachment_id)
    return send_stored(attachment)


@bp.post("/<int:practice_id>/attachments/<int:attachment_id>/delete")
def delete_attachment(practice_id, attachment_id):
    practice, attachment = _attachment_or_404(practice_id, attachment_id, for_edit=True)
    if EmptyForm().validate_on_submit():
        services.remove_attachment(attachment)
        db.session.commit()
        flash(f"{attachment.filename} was removed.", "success")
    return redirect(url_for("practices.detail", practice_id=practice.id) + "#attachments")


@bp.get("/mine")
def mine():
    practices = db.session.scalars(services.with_card_data(
        sa.select(Practice).where(Practice.author_id == current_user.id, Practice.deleted_at.is_(None))
        .order_by(Practice.updated_at.desc()))).unique().all()
    return render_template("practices/mine.html", practices=practices)


@bp.get("/saved")
def saved():
    query = (services.visible_practices().join(Bookmark, Bookmark.practice_id == Practice.id)
             .where(Bookmark.user_id == current_user.id).order_by(Bookmark.created_at.desc()))
    page = db.paginate(services.with_card_data(query), per_page=PER_PAGE, error_out=False)
    return render_template("practices/saved.html", page=page)


@bp.get("/trash")
def trash():
    if not current_user.is_facilitator:
        abort(403)
    practices = db.session.scalars(services.with_card_data(
        sa.select(Practice).where(Practice.deleted_at > utcnow() - RESTORE_WINDOW)
        .order_by(Practice.deleted_at.desc()))).unique().all()
    return render_template("practices/trash.html", practices=practices, button_form=EmptyForm(),
                           restore_days=RESTORE_WINDOW.days)


# Topics

@bp.get("/topics/")
def topics():
    return render_template("practices/topics.html", topics=_topics())


def _topic_or_404(slug: str) -> Topic:
    return db.first_or_404(sa.select(Topic).where(Topic.slug == slug))


@bp.get("/topics/<slug>")
def topic(slug):
    topic = _topic_or_404(slug)
    form = LibraryFilterForm(request.args)
    sort = form.sort.data if form.sort.data in services.SORTS else "newest"
    query = services.sort_practices(services.filter_practices(services.visible_practices(), topic=topic), sort)
    page = db.paginate(services.with_card_data(query), per_page=PER_PAGE, error_out=False)
    return render_template("practices/topic.html", topic=topic, page=page, sort=sort)


def _save_topic(topic: Topic | None):
    if not current_user.is_facilitator:
        abort(403)
    form = TopicForm(obj=topic)
    if form.validate_on_submit():
        clash = db.session.scalar(sa.select(Topic).where(
            sa.or_(Topic.slug == form.slug.data, sa.func.lower(Topic.name) == form.name.data.strip().lower()),
            Topic.id != (topic.id if topic else -1)))
        if clash:
            form.name.errors.append("Another topic already has this name or address.")
        else:
            if topic is None:
                topic = Topic(position=len(_topics()))
                db.session.add(topic)
            form.populate_obj(topic)
            db.session.commit()
            flash(f"The topic “{topic.name}” is saved.", "success")
            return redirect(url_for("practices.topic", slug=topic.slug))
    return render_template("practices/topic_form.html", form=form, topic=topic)


@bp.route("/topics/new", methods=["GET", "POST"])
def create_topic():
    return _save_topic(None)


@bp.route("/topics/<slug>/edit", methods=["GET", "POST"])
def edit_topic(slug):
    return _save_topic(_topic_or_404(slug))


# Feeds: private, so a reader authenticates with the member's own secret token in the URL.

def _feed_user(token: str) -> User:
    user = membership.find_feed_owner(token)
    if user is None:
        abort(404)
    return user


def _atom(practices, title: str, self_url: str, alternate_url: str):
    updated = max((p.published_at for p in practices), default=utcnow())
    body = render_template("practices/feed.xml", practices=practices, title=title, self_url=self_url,
                           alternate_url=alternate_url, updated=updated)
    return current_app.response_class(body, mimetype="application/atom+xml")


@bp.get("/feed/<token>.atom")
@public
@limit_reads("feeds", member_setting="COP_FEED_LIMIT", address_setting="COP_FEED_ADDRESS_LIMIT")
def feed(token):
    _feed_user(token)
    practices = db.session.scalars(services.with_card_data(
        services.sort_practices(services.visible_practices(), "newest").limit(50), with_body=True)).unique().all()
    return _atom(practices, "New practices", external_url("practices.feed", token=token),
                 external_url("practices.index"))


@bp.get("/topics/<slug>/feed/<token>.atom")
@public
@limit_reads("feeds", member_setting="COP_FEED_LIMIT", address_setting="COP_FEED_ADDRESS_LIMIT")
def topic_feed(slug, token):
    _feed_user(token)
    topic = _topic_or_404(slug)
    practices = db.session.scalars(services.with_card_data(services.sort_practices(
        services.filter_practices(services.visible_practices(), topic=topic), "newest").limit(50),
        with_body=True)).unique().all()
    return _atom(practices, f"New practices: {topic.name}",
                 external_url("practices.topic_feed", slug=slug, token=token),
                 external_url("practices.topic", slug=slug))


@bp.route("/feeds", methods=["GET", "POST"])
def feeds():
    form = EmptyForm()
    if (renewed := feed_addresses_response(form, "practices.feeds")) is not None:
        return renewed
    return render_template("practices/feeds.html", topics=_topics(), form=form)
