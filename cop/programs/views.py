"""Program pages: peers like us with their aggregates, a profile, editing, the side-by-side comparison
(page, print and CSV), and asking the organizations behind some programs a question."""

import sqlalchemy as sa
from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from cop.cache import fragments
from cop.discussions import services as discussions
from cop.extensions import db, post_limit, utcnow
from cop.forms import EmptyForm
from cop.messages.services import MAX_PEOPLE
from cop.orgs.models import LISTED, Organization, OrgKind
from cop.competencies.models import Competency
from cop.practices.models import Practice, PracticeStatus
from cop.programs import bp, services
from cop.programs.charts import bar_chart
from cop.programs.forms import AskForm, PeerFilterForm, ProgramForm
from cop.programs.models import SHARABLE_FIELDS, Program, ProgramStage
from cop.programs.occupations import by_sector, occupation_label

# Side by side stays readable, on a phone too, up to six programs.
MIN_COMPARE, MAX_COMPARE = 2, 6


@bp.context_processor
def _vocabularies():
    from cop.programs import models

    return {name: getattr(models, name) for name in (
        "WAGE_BANDS", "STAFFING_MODELS", "MENTOR_SOURCES", "BUDGET_OWNERS", "FUNDING_SOURCES", "SUPPORTS")}


def get_program_or_404(program_id: int, for_edit: bool = False) -> Program:
    """404 for what the viewer may not see, 403 for what they may see but not change."""
    program = services.load_program(program_id, current_user)
    if program is None:
        abort(404)
    if for_edit and not program.can_edit(current_user):
        abort(403)
    return program


def _selection(community_only: bool = False) -> tuple[list[Program], services.PeerFilter | None]:
    """The programs a compare, export or question is about: `ids` picked by hand, or else the peer filters."""
    if "ids" in request.args:
        ids = request.args.getlist("ids", type=int)
        programs = services.programs_by_ids(ids, current_user)
        if len(programs) != len(set(ids)):
            abort(404)
        return programs, None
    filters = services.PeerFilter.from_args(request.args)
    found = services.find_programs(filters, current_user, community_only=community_only)
    return services.programs_by_ids([p.id for p in found], current_user), filters


@bp.get("/")
def index():
    form = PeerFilterForm(request.args)
    form.occupation.choices = [("", "Any occupation")] + [
        (code, occupation_label(code)) for code in services.occupations_in_use(current_user)]
    filters = services.PeerFilter.from_args(request.args)
    if filters.occupation and filters.occupation not in dict(form.occupation.choices):
        form.occupation.choices.append((filters.occupation, occupation_label(filters.occupation)))
    programs = services.find_programs(filters, current_user)
    own = services.programs_of(current_user.organization_id)
    aggregates = services.build_aggregates(programs, current_user, own)
    organizations = {p.organization_id for p in programs}
    own_org = current_user.organization
    like_us = {k: v for k, v in (("industry", own_org.industry), ("size_band", own_org.size_band))
               if v} if own_org else {}
    return render_template("programs/index.html", form=form, filters=filters, programs=programs, own=own,
                           own_ids={p.id for p in own}, aggregates=aggregates,
                           charts={a.key: bar_chart(a) for a in aggregates if not a.withheld},
                           organization_count=len(organizations), like_us=like_us,
                           askable=0 if filters.is_empty else len(
                               {p.organization_id for p in services.peer_audience(programs, current_user)}),
                           min_organizations=services.MIN_ORGANIZATIONS)


@bp.get("/<int:program_id>")
def detail(program_id):
    program = get_program_or_404(program_id)
    # "Compare with yours" offers the viewer's own program of the same type first.
    own = sorted((p for p in services.programs_of(current_user.organization_id) if p.id != program.id),
                 key=lambda p: p.program_type != program.program_type)
    practices = [p for p in program.practices if p.can_view(current_user)]
    return render_template("programs/detail.html", program=program, own=own, practices=practices,
                           questions=services.questions_about(program, current_user),
                           occupation_label=occupation_label, sharable=SHARABLE_FIELDS, button_form=EmptyForm())


def _fill_choices(form: ProgramForm, organization: Organization) -> None:
    partners = db.session.execute(
        sa.select(Organization.id, Organization.name)
        .where(Organization.id != organization.id, Organization.kind != OrgKind.member_company, LISTED)
        .order_by(Organization.name)).all()
    form.partner_orgs.choices = [(i, name) for i, name in partners]
    form.competencies.choices = [(c.id, c.name) for c in db.session.scalars(
        sa.select(Competency).order_by(Competency.position, Competency.name))]
    form.practices.choices = [(p.id, p.title) for p in db.session.scalars(
        sa.select(Practice).where(Practice.organization_id == organization.id, Practice.deleted_at.is_(None),
                                  Practice.status == PracticeStatus.published).order_by(Practice.title))]


def _data(form: ProgramForm) -> services.ProgramData:
    def chosen(model, ids):
        found = {obj.id: obj for obj in db.session.scalars(sa.select(model).where(model.id.in_(ids or [])))}
        return [found[i] for i in ids or [] if i in found]

    return services.ProgramData(
        name=form.name.data, program_type=form.program_type.data, student_level=form.student_level.data,
        stage=ProgramStage(form.stage.data), summary=form.summary.data or "",
        participants_per_year=form.participants_per_year.data, duration_weeks=form.duration_weeks.data,
        schedule=form.schedule.data or "", is_paid={"paid": True, "unpaid": False}.get(form.pay.data),
        wage_band=form.wage_band.data or None, occupations=form.occupations.data or [],
        staffing_model=form.staffing_model.data or None,
        coordinator_fte=None if form.coordinator_fte.data is None else float(form.coordinator_fte.data),
        students_per_supervisor=form.students_per_supervisor.data, mentor_source=form.mentor_source.data or None,
        budget_owner=form.budget_owner.data or None, funding_sources=form.funding_sources.data or [],
        partner_organizations=chosen(Organization, form.partner_orgs.data),
        other_partners=form.other_partner_names, supports=form.supports.data or [],
        competencies=chosen(Competency, form.competencies.data), outcomes_year=form.outcomes_year.data,
        completions=form.completions.data, offers_made=form.offers_made.data, hires=form.hires.data,
        lessons=form.lessons.data or "", practices=chosen(Practice, form.practices.data),
        private_fields=form.private_fields)


def _occupation_groups(form: ProgramForm):
    """The occupation checkboxes grouped by sector, for one fieldset per sector."""
    boxes = {box.data: box for box in form.occupations}
    return [(sector, [boxes[o.code] for o in group if o.code in boxes]) for sector, group in by_sector()]


def _render_form(form, organization, program):
    return render_template("programs/form.html", form=form, organization=organization, program=program,
                           occupation_groups=_occupation_groups(form), sharable=SHARABLE_FIELDS)


@bp.route("/new", methods=["GET", "POST"])
def create():
    slug = request.args.get("org")
    organization = (db.first_or_404(sa.select(Organization).where(Organization.slug == slug, LISTED)) if slug
                    else current_user.organization)
    if organization is None or not current_user.can_manage_org(organization):
        abort(403)
    form = ProgramForm(organization_id=organization.id)
    _fill_choices(form, organization)
    if form.validate_on_submit():
        try:
            program = services.create_program(organization, current_user, _data(form))
        except services.ProgramError as error:
            form.name.errors.append(str(error))
        else:
            db.session.commit()
            flash(f"“{program.name}” is in the program profiles.", "success")
            return redirect(url_for("programs.detail", program_id=program.id))
    return _render_form(form, organization, None)


@bp.route("/<int:program_id>/edit", methods=["GET", "POST"])
def edit(program_id):
    program = get_program_or_404(program_id, for_edit=True)
    form = ProgramForm(obj=program, organization_id=program.organization_id, program=program)
    _fill_choices(form, program.organization)
    if request.method == "GET":
        form.pay.data = {True: "paid", False: "unpaid"}.get(program.is_paid, "")
        form.stage.data = program.stage.value
        form.occupations.data, form.funding_sources.data = program.occupations, program.funding_sources
        form.supports.data = program.supports
        form.partner_orgs.data = [p.organization_id for p in program.partners if p.organization_id]
        form.other_partners.data = "\n".join(p.name for p in program.partners if not p.organization_id)
        form.competencies.data = [c.id for c in program.competencies]
        form.practices.data = [p.id for p in program.practices]
        for name in SHARABLE_FIELDS:
            form[f"private_{name}"].data = name in program.private_fields
    if form.validate_on_submit():
        try:
            services.update_program(program, current_user, _data(form))
        except services.ProgramError as error:
            form.name.errors.append(str(error))
        else:
            db.session.commit()
            flash("The program profile is saved.", "success")
            return redirect(url_for("programs.detail", program_id=program.id))
    return _render_form(form, program.organization, program)


@bp.post("/<int:program_id>/delete")
def delete(program_id):
    program = get_program_or_404(program_id, for_edit=True)
    if EmptyForm().validate_on_submit():
        services.delete_program(program, current_user)
        db.session.commit()
        flash(f"“{program.name}” was removed from the program profiles.", "success")
        return redirect(url_for("orgs.detail", slug=program.organization.slug))
    return redirect(url_for("programs.detail", program_id=program.id))


@bp.get("/compare")
@fragments.cached_page
def compare():
    """Two to six programs side by side. Otherwise a page to choose them, starting from peers like the
    viewer's organization (or the filters' matches); the ticked choice stays in the URL."""
    if "ids" in request.args:
        ids = set(request.args.getlist("ids", type=int))
        if services.visible_program_ids(ids, current_user) != ids:
            abort(404)
    # What the viewer may see is decided; the page also marks their own organization's programs and lists
    # their peers, so it is the viewer's own.
    key = ("compare", current_user.id, fragments.query_args())
    title, main = fragments.cached_titled(key, lambda: _compare_main(*_selection()))
    return fragments.page(title, main)


def _compare_main(programs: list[Program], filters) -> tuple[str, str]:
    chosen = "ids" in request.args
    if chosen and MIN_COMPARE <= len(programs) <= MAX_COMPARE:
        own_ids = {p.id for p in programs if p.organization_id == current_user.organization_id}
        return "Compare programs", render_template(
            "programs/_compare_main.html", programs=programs, own_ids=own_ids,
            rows=services.comparison(programs, current_user), ids=[p.id for p in programs])
    if chosen:
        problem = (f"You ticked {len(programs)}. " if programs else "") + (
            "Choose at least two programs to compare side by side." if len(programs) < MIN_COMPARE else
            f"Choose at most {MAX_COMPARE} programs: more than that will not fit side by side.")
        candidates = services.peers_like_us(current_user)
    elif filters is not None and not filters.is_empty:
        problem, candidates = "", programs
    else:
        problem, candidates = "", services.peers_like_us(current_user)
    own = services.programs_of(current_user.organization_id)
    listed = {p.id for p in own}
    # What was ticked stays listed (and ticked) even where it is not a peer.
    extra = [p for p in programs if p.id not in listed] if chosen else []
    listed |= {p.id for p in extra}
    peers = [p for p in candidates if p.id not in listed]
    return "Choose programs to compare", render_template(
        "programs/_compare_choose_main.html", own=own, chosen_extra=extra, peers=peers,
        ticked={p.id for p in programs} if chosen else set(), problem=problem,
        filters=filters if filters is not None and not filters.is_empty else None,
        minimum=MIN_COMPARE, maximum=MAX_COMPARE)


@bp.get("/compare/print")
def compare_print():
    programs, _ = _selection()
    if not programs:
        abort(404)
    return render_template("programs/print.html", programs=programs,
                           rows=services.comparison(programs, current_user), printed_at=utcnow())


@bp.get("/compare.csv")
def compare_csv():
    programs, _ = _selection()
    body = services.comparison_csv(programs, current_user)
    return Response("\ufeff" + body, mimetype="text/csv", headers={
        "Content-Disposition": f"attachment; filename=program-comparison-{utcnow():%Y-%m-%d}.csv",
        "Cache-Control": "private, no-store"})


def _ask_in_public(form: AskForm, programs, audience: str):
    """A question thread in Discussions; None (with the form's errors) when refused."""
    category = discussions.category_for(form.category.data)
    try:
        if category is None:
            raise services.ProgramError("Choose one of the categories.")
        question = services.ask_peers(current_user, programs, title=form.title.data, body=form.body.data,
                                      category=category, audience=audience)
    except (services.ProgramError, discussions.DiscussionError) as error:
        db.session.rollback()
        form.category.errors.append(str(error))
        return None
    db.session.commit()
    count = question.organization_count
    flash(f"Your question is posted and {count} {'organization has' if count == 1 else 'organizations have'} "
          "been notified.", "success")
    return redirect(url_for("discussions.detail", thread_id=question.thread_id))


def _ask_privately(form: AskForm, programs, audience: str):
    """A private conversation with one person at each organization; None (with the form's errors) when
    refused."""
    try:
        conversation, unreached = services.ask_peers_privately(current_user, programs, title=form.title.data,
                                                               body=form.body.data, audience=audience)
    except services.ProgramError as error:
        db.session.rollback()
        form.send_as.errors.append(str(error))
        return None
    db.session.commit()
    people = ", ".join(m.user.name for m in conversation.members if m.user_id != current_user.id)
    missed = f" Nobody at {', '.join(org.name for org in unreached)} could take it." if unreached else ""
    flash(f"Your question is sent privately to {people}.{missed}", "success")
    return redirect(url_for("messages.conversation", conversation_id=conversation.id))


@bp.route("/ask", methods=["GET", "POST"])
@post_limit
def ask():
    # The audience is worked out again on every request from community-shared values only: the thread is
    # read by every member, so it must never name a program for a value only facilitators may see.
    programs, filters = _selection(community_only=True)
    if filters is not None and filters.is_empty:
        # A question to every organization at once is a general discussion, not a question to peers.
        flash("Choose at least one filter first, so your question reaches the peers it is meant for.", "info")
        return redirect(url_for("programs.index"))
    audience = services.peer_audience(programs, current_user)
    if not audience:
        flash("No other organization's program is in this selection, so there is nobody to ask yet.", "info")
        return redirect(url_for("programs.index", **(filters.as_args() if filters else {})))
    form = AskForm()
    categories = discussions.list_categories()
    form.category.choices = [("", "Choose a category…")] + [(c.slug, c.name) for c in categories]
    if request.method == "GET":
        topic = services.AGGREGATE_TOPICS.get(request.args.get("about", ""), "program-structure")
        form.category.data = topic if any(c.slug == topic for c in categories) else ""
    if form.validate_on_submit():
        ask_as = _ask_privately if form.send_as.data == "message" else _ask_in_public
        sent = ask_as(form, programs, filters.describe() if filters else "")
        if sent is not None:
            return sent
    organizations = list({p.organization_id: p.organization for p in audience}.values())
    recipients, unreached = services.private_recipients(current_user, programs)
    return render_template("programs/ask.html", form=form, audience=audience, organizations=organizations,
                           filters=filters, action=request.full_path.rstrip("?"), recipients=recipients,
                           unreached=unreached, most=MAX_PEOPLE - 1)
