"""Event pages: lists and a month calendar, the event page with its RSVP, hosts' tools, calendar files
and the personal feed, feedback forms and scorecards, responses and recaps."""

import calendar as month_grid
import re
from collections import defaultdict
from datetime import date, datetime, time, timedelta

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user

from cop.auth import public
from cop.auth import services as membership
from cop.auth.feeds import feed_addresses_response
from cop.cache import fragments
from cop.events import bp, services
from cop.events.calendars import build_calendar, event_ics, series_ics
from cop.events.exports import attendees_csv, scorecard_csv
from cop.events.forms import (AttendanceForm, CancelEventForm, EventFilterForm, EventForm, MessageForm, QuestionsForm,
                              RecapForm, ReleaseForm, ResponseForm, feedback_form, rsvp_form)
from cop.events.models import INTENT_QUESTIONS, Event, EventKind, EventSeries, Intent, QuestionKind, Rsvp, RsvpStatus
from cop.events.recurrence import describe
from cop.events.scorecard import build_scorecard
from cop.events.services import AUDIENCES, CapacityError, EventError
from cop.extensions import db, limit_reads, utcnow
from cop.forms import EmptyForm, database_int
from cop.orgs.models import LISTED, Organization
from cop.text import viewer_zone_name, zone

PER_PAGE = 20
SERIES_DATES_SHOWN = 4
SERIES_FORM = "series"
ACTIVE = (RsvpStatus.going, RsvpStatus.waitlisted)


def get_event_or_404(event_id: int, manage: bool = False) -> Event:
    """404 for what the viewer may not see, 403 for what they may see but not run."""
    event = db.session.scalar(
        sa.select(Event).where(Event.id == event_id)
        .options(so.joinedload(Event.host_org), so.joinedload(Event.created_by), so.joinedload(Event.recap_practice)))
    if event is None or not getattr(current_user, "is_active", False):
        abort(404)
    if manage and not event.can_manage(current_user):
        abort(403)
    return event


def _feedback_event_or_404(event_id: int) -> Event:
    event = get_event_or_404(event_id)
    if not event.is_feedback_session:
        abort(404)
    return event


def my_rsvps(event_ids: list[int]) -> dict[int, Rsvp]:
    """The viewer's RSVPs for a page of events, in one query."""
    if not event_ids:
        return {}
    return {r.event_id: r for r in db.session.scalars(
        sa.select(Rsvp).where(Rsvp.user_id == current_user.id, Rsvp.event_id.in_(event_ids)))}


def _ics_response(text: str, filename: str):
    response = current_app.response_class(text, mimetype="text/calendar")
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.headers["Cache-Control"] = "private, no-store"
    return response


def _csv_response(text: str, filename: str):
    response = current_app.response_class(text, mimetype="text/csv")
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.headers["Cache-Control"] = "private, no-store"
    return response


# Lists

def _listing(query, tab: str):
    form = EventFilterForm(request.args)
    if form.kind.data in {k.value for k in EventKind}:
        query = query.where(Event.kind == EventKind(form.kind.data))
    page = db.paginate(query.options(so.joinedload(Event.host_org)), per_page=PER_PAGE, error_out=False)
    return render_template("events/index.html", page=page, form=form, tab=tab,
                           mine=my_rsvps([e.id for e in page.items]),
                           can_create=services.can_create_event(current_user))


@bp.get("/")
def index():
    return _listing(services.upcoming_events(), "upcoming")


@bp.get("/past")
def past():
    return _listing(services.past_events(), "past")


@bp.get("/mine")
def mine():
    """The events the member is going to or waiting for, and the ones they created."""
    now = utcnow()
    mine_filter = sa.or_(Event.id.in_(sa.select(Rsvp.event_id).where(Rsvp.user_id == current_user.id,
                                                                      Rsvp.status.in_(ACTIVE))),
                         Event.created_by_id == current_user.id)
    base = sa.select(Event).where(mine_filter).options(so.joinedload(Event.host_org))
    upcoming = db.session.scalars(base.where(Event.ends_at >= now).order_by(Event.starts_at).limit(200)).all()
    earlier = db.session.scalars(base.where(Event.ends_at < now).order_by(Event.starts_at.desc()).limit(50)).all()
    return render_template("events/mine.html", upcoming=upcoming, earlier=earlier, tab="mine",
                           mine=my_rsvps([e.id for e in upcoming + earlier]),
                           can_create=services.can_create_event(current_user))


@bp.get("/calendar")
@fragments.cached_page
def calendar():
    """A month grid in the viewer's time zone."""
    # Every signed-in member sees every event (the sign-in gate has decided). The page marks the viewer's
    # own RSVPs and offers "new event" by role, so it is the viewer's own; "today" moves it with the clock.
    key = ("calendar", current_user.id, viewer_zone_name(), fragments.query_args(), fragments.this_minute())
    title, main = fragments.cached_titled(key, _calendar_main)
    return fragments.page(title, main)


def _calendar_main() -> tuple[str, str]:
    tz_name = viewer_zone_name()
    local = zone(tz_name)
    today = utcnow().astimezone(local).date()
    match = re.fullmatch(r"(\d{4})-(\d{2})", request.args.get("month", ""))
    year, month = (int(match[1]), int(match[2])) if match and 1 <= int(match[2]) <= 12 else (today.year, today.month)
    if not 1900 < year < 3000:
        year, month = today.year, today.month
    weeks = month_grid.Calendar(firstweekday=6).monthdatescalendar(year, month)
    start = datetime.combine(weeks[0][0], time(0), local)
    end = datetime.combine(weeks[-1][-1] + timedelta(days=1), time(0), local)
    events = db.session.scalars(
        sa.select(Event).where(Event.starts_at < end, Event.ends_at > start)
        .options(so.joinedload(Event.host_org)).order_by(Event.starts_at, Event.id)).all()
    days = defaultdict(list)
    for event in events:
        first = event.starts_at.astimezone(local).date()
        last = (event.ends_at - timedelta(seconds=1)).astimezone(local).date()
        day = max(first, weeks[0][0])
        while day <= min(last, weeks[-1][-1]):
            days[day].append(event)
            day += timedelta(days=1)
    first_of_month = date(year, month, 1)
    previous = (first_of_month - timedelta(days=1)).strftime("%Y-%m")
    following = (first_of_month + timedelta(days=32)).strftime("%Y-%m")
    # The agenda (narrow screens) lists this month's days that have events, in order.
    agenda = [(day, days[day]) for day in sorted(days) if day.month == month]
    return f"{first_of_month.strftime('%B %Y')} · Events", render_template(
        "events/_calendar_main.html", weeks=weeks, days=days, agenda=agenda, month=first_of_month, today=today,
        previous=previous, following=following, tz_name=tz_name, local=local, tab="calendar",
        mine=my_rsvps([e.id for e in events]), can_create=services.can_create_event(current_user))


# One event

@bp.get("/<int:event_id>")
@fragments.cached_page
def detail(event_id):
    # Every signed-in member sees every event: what is left to decide is that this one exists.
    title = services.event_title(event_id)
    if title is None or not getattr(current_user, "is_active", False):
        abort(404)
    # The page is the viewer's own (their RSVP, their organization's seats, what they may run) and moves
    # with the clock (RSVPs and feedback open and close).
    key = ("event", event_id, current_user.id, viewer_zone_name(), fragments.this_minute())
    return fragments.page(title, fragments.cached(key, lambda: _detail_main(get_event_or_404(event_id))))


def _detail_main(event: Event) -> str:
    record = services.find_rsvp(event, current_user)
    position = services.waitlist_position(record) if record and record.status is RsvpStatus.waitlisted else None
    response = None
    if event.is_feedback_session and record is not None:
        response = services.find_response(event, current_user)
    return render_template(
        "events/_detail_main.html", event=event, rsvp=record, position=position, response=response,
        org_seats=services.organization_seats(event, current_user.organization_id),
        rsvp_form=rsvp_form(event), button_form=EmptyForm(), cancel_form=CancelEventForm(),
        can_manage=event.can_manage(current_user),
        show_link=event.can_see_meeting_link(current_user, record),
        feedback_refusal=services.feedback_refusal(event, current_user, record) if event.is_feedback_session else "",
        viewer_zone=viewer_zone_name(), series=_series_box(event),
        series_form=rsvp_form(event, prefix=SERIES_FORM) if event.series else None)


def _series_box(event: Event) -> dict | None:
    """What the page says about the series a date belongs to: its rule in words and its next dates."""
    if event.series is None:
        return None
    upcoming = services.series_dates(event.series, after=min(event.starts_at, utcnow()))[:SERIES_DATES_SHOWN]
    return {"id": event.series.id, "upcoming": upcoming,
            "description": describe(event.series.rule, event.series.first_local)}


@bp.post("/<int:event_id>/rsvp")
def rsvp(event_id):
    event = get_event_or_404(event_id)
    form = rsvp_form(event)
    if not form.validate_on_submit():
        flash("Please confirm each point under “Before you RSVP”.", "error")
        return redirect(url_for("events.detail", event_id=event.id))
    try:
        record = services.rsvp(event, current_user, acknowledged=True)
    except EventError as error:
        db.session.rollback()
        flash(str(error), "error")
    else:
        going = record.status is RsvpStatus.going
        position = None if going else services.waitlist_position(record)
        db.session.commit()
        if going:
            flash(f"You're going. A confirmation with a calendar file is on its way to {current_user.email}.",
                  "success")
        else:
            org_seats = services.organization_seats(event, current_user.organization_id)
            why = f"{org_seats.explanation(waiting=True)} " if org_seats and org_seats.taken else ""
            flash(f"You're number {position} on the waitlist. {why}If a seat opens up for you, it is yours and we "
                  "will tell you by e-mail and notification.", "info")
    return redirect(url_for("events.detail", event_id=event_id))


@bp.post("/<int:event_id>/cancel-rsvp")
def cancel_rsvp(event_id):
    event = get_event_or_404(event_id)
    if EmptyForm().validate_on_submit():
        try:
            promoted = services.cancel_rsvp(event, current_user)
        except EventError as error:
            db.session.rollback()
            flash(str(error), "error")
        else:
            db.session.commit()
            moved_up = " Your seat went to the next person on the waitlist." if promoted else ""
            flash("Your RSVP is cancelled." + moved_up, "success")
    return redirect(url_for("events.detail", event_id=event_id))


@bp.get("/<int:event_id>/calendar.ics")
def event_calendar(event_id):
    event = get_event_or_404(event_id)
    record = services.find_rsvp(event, current_user)
    return _ics_response(event_ics(event, show_link=event.can_see_meeting_link(current_user, record)),
                         f"event-{event.id}.ics")


@bp.post("/<int:event_id>/rsvp-series")
def rsvp_series(event_id):
    event = get_event_or_404(event_id)
    if event.series is None:
        abort(404)
    if not rsvp_form(event, prefix=SERIES_FORM).validate_on_submit():
        flash("Please confirm each point under “Before you RSVP to every date”.", "error")
        return redirect(url_for("events.detail", event_id=event.id))
    try:
        outcome = services.rsvp_series(event, current_user, acknowledged=True)
    except EventError as error:
        db.session.rollback()
        flash(str(error), "error")
    else:
        db.session.commit()
        going, waiting = len(outcome["going"]), len(outcome["waitlisted"])
        if going or waiting:
            flash(f"You're going on {going} {'date' if going == 1 else 'dates'}"
                  + (f" and on the waitlist for {waiting}" if waiting else "")
                  + f". A summary is on its way to {current_user.email}.", "success")
        else:
            flash("You already had an RSVP for every date still open.", "info")
    return redirect(url_for("events.detail", event_id=event_id))


@bp.get("/series/<int:series_id>/calendar.ics")
def series_calendar(series_id):
    if not getattr(current_user, "is_active", False):
        abort(404)
    series = db.session.get(EventSeries, series_id)
    if series is None:
        abort(404)
    events = services.series_dates(series)
    records = my_rsvps([e.id for e in events])
    return _ics_response(series_ics(series, events,
                                    can_see_link=lambda e: e.can_see_meeting_link(current_user, records.get(e.id))),
                         f"series-{series.id}.ics")


# Creating and editing

def _event_form(*, creating: bool, event: Event | None = None) -> EventForm:
    """The shared create/edit form: facilitators choose the host; a manager's site visit is at their company."""
    host_orgs = {}
    if current_user.is_facilitator:
        current_host = event.host_org_id if event else None
        host_orgs = {org.id: org for org in db.session.scalars(
            sa.select(Organization).where(sa.or_(LISTED, Organization.id == current_host)).order_by(Organization.name))}
    form = EventForm(obj=event, creating=creating, host_orgs=host_orgs, kind=event.kind if event else None)
    if current_user.is_facilitator:
        form.host_org.choices = [("", "— none —")] + [(org.id, f"{org.name} ({org.kind_label})")
                                                     for org in host_orgs.values()]
    else:
        del form.host_org
    if event is not None:
        del form.kind, form.repeat, form.repeat_until
        if event.series is None:
            del form.scope
    else:
        del form.scope
        if not current_user.is_facilitator:
            form.kind.choices = [(EventKind.site_visit.value, EventKind.site_visit.label)]
    return form


@bp.route("/new", methods=["GET", "POST"])
def create():
    if not services.can_create_event(current_user):
        abort(403)
    form = _event_form(creating=True)
    if request.method == "GET":
        form.timezone.data = current_user.timezone or current_app.config["COP_DEFAULT_TIMEZONE"]
        if request.args.get("kind") in {k.value for k in EventKind} and current_user.is_facilitator:
            form.kind.data = EventKind(request.args["kind"])
        # A suggested title, from "Plan a feedback session on this" on the market-fit report.
        form.title.data = form.title.data or request.args.get("title", "")[:200]
    if form.validate_on_submit():
        values = form.values()
        if not current_user.is_facilitator:
            values["host_org"] = current_user.organization
        if not services.can_create_event(current_user, form.kind.data, values.get("host_org")):
            abort(403)
        repeat = form.repetition()
        if repeat is None:
            event = services.create_event(current_user, kind=form.kind.data, **values)
            flash("The event is published. Members can RSVP now.", "success")
        else:
            series = services.create_series(current_user, repeat, kind=form.kind.data, **values)
            event = series.events[0]
            flash(f"The series is published: {len(series.events)} dates. Members can RSVP to one or all.", "success")
        db.session.commit()
        return redirect(url_for("events.detail", event_id=event.id))
    return render_template("events/form.html", form=form, event=None)


@bp.route("/<int:event_id>/edit", methods=["GET", "POST"])
def edit(event_id):
    event = get_event_or_404(event_id, manage=True)
    if event.is_cancelled:
        flash("A cancelled event can't be changed.", "error")
        return redirect(url_for("events.detail", event_id=event.id))
    form = _event_form(creating=False, event=event)
    if request.method == "GET":
        form.fill_from(event)
    if form.validate_on_submit():
        following = form.applies_to_following()
        try:
            update = services.update_following if following else services.update_event
            promoted = update(event, current_user, **form.values())
        except CapacityError as error:
            db.session.rollback()
            form.capacity.errors.append(str(error))
        except EventError as error:
            db.session.rollback()
            flash(str(error), "error")
        else:
            db.session.commit()
            moved = f"{len(promoted)} {'person' if len(promoted) == 1 else 'people'}"
            flash("Your changes are saved." + (f" {moved} moved up from the waitlist and were told." if promoted
                                               else ""), "success")
            return redirect(url_for("events.detail", event_id=event_id))
    return render_template("events/form.html", form=form, event=event)


@bp.post("/<int:event_id>/cancel")
def cancel_event(event_id):
    event = get_event_or_404(event_id, manage=True)
    form = CancelEventForm()
    if form.validate_on_submit():
        try:
            if event.series is not None and form.following.data:
                dates = services.cancel_following(event, current_user, form.reason.data or "")
                message = f"{dates} {'date is' if dates == 1 else 'dates are'} cancelled, and everyone going was told."
            else:
                told = services.cancel_event(event, current_user, form.reason.data or "")
                message = f"The event is cancelled. {told} {'person was' if told == 1 else 'people were'} told."
        except EventError as error:
            db.session.rollback()
            flash(str(error), "error")
        else:
            db.session.commit()
            flash(message, "success")
    return redirect(url_for("events.detail", event_id=event_id))


# Hosts' tools

def _all_rsvps(event: Event) -> list[Rsvp]:
    order = sa.case({RsvpStatus.going.value: 0, RsvpStatus.waitlisted.value: 1}, value=Rsvp.status, else_=2)
    return db.session.scalars(
        sa.select(Rsvp).where(Rsvp.event_id == event.id)
        .options(so.joinedload(Rsvp.user), so.joinedload(Rsvp.organization))
        .order_by(order, Rsvp.ticket)).all()


def _attendees_page(event: Event, message_form: MessageForm | None = None):
    records = _all_rsvps(event)
    going = [r for r in records if r.status is RsvpStatus.going]
    attendance = AttendanceForm()
    attendance.attended.choices = [(r.id, r.user.name) for r in going]
    attendance.attended.data = [r.id for r in going if r.attended]
    return render_template(
        "events/attendees.html", event=event, going=going,
        waitlisted=[r for r in records if r.status is RsvpStatus.waitlisted],
        cancelled=[r for r in records if r.status is RsvpStatus.cancelled],
        release_form=ReleaseForm(), message_form=message_form or MessageForm(), attendance_form=attendance)


@bp.get("/<int:event_id>/attendees")
def attendees(event_id):
    return _attendees_page(get_event_or_404(event_id, manage=True))


@bp.get("/<int:event_id>/attendees.csv")
def attendees_export(event_id):
    event = get_event_or_404(event_id, manage=True)
    status = request.args.get("status", "all")
    records = _all_rsvps(event)
    if status in {s.value for s in RsvpStatus}:
        records = [r for r in records if r.status.value == status]
    return _csv_response(attendees_csv(event, records), f"event-{event.id}-{status}.csv")


@bp.post("/<int:event_id>/rsvps/<int:rsvp_id>/release")
def release(event_id, rsvp_id):
    event = get_event_or_404(event_id, manage=True)
    form = ReleaseForm()
    if form.validate_on_submit():
        try:
            promoted = services.release_rsvp(event, rsvp_id, current_user, close_seat=bool(form.release_seat.data))
        except EventError as error:
            db.session.rollback()
            flash(str(error), "error")
        else:
            db.session.commit()
            flash("Released; the person was told." + (" The seat went to the next person on the waitlist."
                                                       if promoted else ""), "success")
    return redirect(url_for("events.attendees", event_id=event_id))


@bp.post("/<int:event_id>/message")
def message(event_id):
    event = get_event_or_404(event_id, manage=True)
    form = MessageForm()
    if not form.validate_on_submit():
        return _attendees_page(event, form), 422
    count = services.message_attendees(event, current_user, form.audience.data, form.subject.data, form.body.data)
    db.session.commit()
    flash(f"Sent to {count} {'person' if count == 1 else 'people'} ({AUDIENCES[form.audience.data].lower()}).",
          "success")
    return redirect(url_for("events.attendees", event_id=event_id))


@bp.post("/<int:event_id>/attendance")
def attendance(event_id):
    event = get_event_or_404(event_id, manage=True)
    form = AttendanceForm()
    going = [r for r in _all_rsvps(event) if r.status is RsvpStatus.going]
    form.attended.choices = [(r.id, r.user.name) for r in going]
    if form.validate_on_submit():
        try:
            count = services.record_attendance(event, set(form.attended.data or []))
        except EventError as error:
            db.session.rollback()
            flash(str(error), "error")
        else:
            db.session.commit()
            flash(f"Attendance saved: {count} of {len(going)} attended.", "success")
    return redirect(url_for("events.attendees", event_id=event_id))


# Calendar feed

@bp.route("/subscribe", methods=["GET", "POST"])
def subscribe():
    """The member's private calendar feed address, and renewing it."""
    form = EmptyForm()
    if (renewed := feed_addresses_response(form, "events.subscribe")) is not None:
        return renewed
    return render_template("events/subscribe.html", form=form, tab="mine")


@bp.get("/calendar/<token>.ics")
@public
@limit_reads("feeds", member_setting="COP_FEED_LIMIT", address_setting="COP_FEED_ADDRESS_LIMIT")
def feed(token):
    """The events a member is going to, for their calendar app, found by the secret token in the URL."""
    user = membership.find_feed_owner(token)
    if user is None:
        abort(404)
    events = db.session.scalars(
        sa.select(Event).join(Rsvp, Rsvp.event_id == Event.id)
        .where(Rsvp.user_id == user.id, Rsvp.status == RsvpStatus.going)
        .options(so.joinedload(Event.host_org)).order_by(Event.starts_at.desc()).limit(500)).all()
    text = build_calendar(events, can_see_link=lambda event: True,
                          name=f"{current_app.config['COP_COMMUNITY_NAME']}: my events")
    response = current_app.response_class(text, mimetype="text/calendar")
    response.headers["Cache-Control"] = "private, no-store"
    return response


# Feedback sessions

@bp.route("/<int:event_id>/questions", methods=["GET", "POST"])
def questions(event_id):
    event = _feedback_event_or_404(event_id)
    if not event.can_manage(current_user):
        abort(403)
    locked = services.response_count(event) > 0
    if request.method == "GET":
        rows = [{"prompt": q.prompt, "kind": q.kind.value} for q in event.questions]
        form = QuestionsForm(data={"questions": rows + [{"prompt": "", "kind": "rating"}] * 3})
    else:
        form = QuestionsForm()
    if form.validate_on_submit() and not locked:
        try:
            services.set_questions(event, form.rows())
        except EventError as error:
            db.session.rollback()
            flash(str(error), "error")
        else:
            db.session.commit()
            flash("The feedback form is saved.", "success")
            return redirect(url_for("events.detail", event_id=event.id))
    return render_template("events/questions.html", event=event, form=form, locked=locked)


@bp.route("/<int:event_id>/feedback", methods=["GET", "POST"])
def feedback(event_id):
    event = _feedback_event_or_404(event_id)
    record = services.find_rsvp(event, current_user)
    refusal = services.feedback_refusal(event, current_user, record)
    response = services.find_response(event, current_user)
    form = feedback_form(event, response)
    if refusal:
        if request.method == "POST":
            flash(refusal, "error")
            return redirect(url_for("events.detail", event_id=event.id))
        return render_template("events/feedback.html", event=event, form=None, refusal=refusal, response=response)
    if form.validate_on_submit():
        scores = {q.id: form[f"q_{q.id}"].data for q in event.questions if q.kind is QuestionKind.rating}
        texts = {q.id: form[f"q_{q.id}"].data for q in event.questions if q.kind is QuestionKind.text}
        intents = {name: Intent(form[name].data) if form[name].data else None for name, _ in INTENT_QUESTIONS}
        try:
            _, created = services.submit_feedback(event, current_user, scores=scores, texts=texts, intents=intents)
        except EventError as error:
            db.session.rollback()
            flash(str(error), "error")
            return redirect(url_for("events.detail", event_id=event.id))
        db.session.commit()
        flash(("Thank you: your feedback is in." if created else "Your changes are saved.") +
              " You can change it until feedback closes.", "success")
        return redirect(url_for("events.detail", event_id=event.id))
    return render_template("events/feedback.html", event=event, form=form, refusal="", response=response)


def _scorecard_event(event_id: int) -> Event:
    event = _feedback_event_or_404(event_id)
    if not event.can_see_scorecard(current_user):
        abort(403)
    return event


@bp.get("/<int:event_id>/scorecard")
def scorecard(event_id):
    event = _scorecard_event(event_id)
    card = build_scorecard(event, with_names=event.can_see_respondents(current_user))
    waiting = services.non_respondents(event) if current_user.is_facilitator else []
    return render_template("events/scorecard.html", event=event, card=card, waiting=waiting,
                           button_form=EmptyForm(), can_respond=event.can_manage(current_user))


@bp.get("/<int:event_id>/scorecard.csv")
def scorecard_export(event_id):
    event = _scorecard_event(event_id)
    card = build_scorecard(event, with_names=event.can_see_respondents(current_user))
    return _csv_response(scorecard_csv(card), f"event-{event.id}-feedback.csv")


@bp.post("/<int:event_id>/feedback/remind")
def remind_feedback(event_id):
    event = _feedback_event_or_404(event_id)
    if not current_user.is_facilitator:
        abort(403)
    if EmptyForm().validate_on_submit():
        try:
            count = services.remind_non_respondents(event, current_user)
        except EventError as error:
            db.session.rollback()
            flash(str(error), "error")
        else:
            db.session.commit()
            flash(f"Reminded {count} {'person' if count == 1 else 'people'}." if count
                  else "Nobody needed a reminder (everyone answered or was reminded in the last day).", "success")
    return redirect(url_for("events.scorecard", event_id=event_id))


@bp.route("/<int:event_id>/response", methods=["GET", "POST"])
def response(event_id):
    """The provider's "You said, we did"."""
    event = _feedback_event_or_404(event_id)
    if not event.can_manage(current_user):
        abort(403)
    form = ResponseForm(data={"response": event.response} if request.method == "GET" else None)
    if form.validate_on_submit():
        services.publish_response(event, current_user, form.response.data)
        db.session.commit()
        flash("Your response is published on the session's page.", "success")
        return redirect(url_for("events.detail", event_id=event.id) + "#you-said-we-did")
    return render_template("events/response.html", event=event, form=form)


# After the event

PRACTICE_REFERENCE = re.compile(r"(?:/practices/)?(\d+)/?$")


@bp.route("/<int:event_id>/recap", methods=["GET", "POST"])
def recap(event_id):
    from cop.practices.models import Practice

    event = get_event_or_404(event_id, manage=True)
    if not event.has_started:
        flash("A recap can be written once the event has taken place.", "error")
        return redirect(url_for("events.detail", event_id=event.id))
    data = None
    if request.method == "GET":
        data = {"recap": event.recap, "takeaways_url": event.takeaways_url,
                "practice": f"/practices/{event.recap_practice_id}" if event.recap_practice_id else ""}
    form = RecapForm(data=data)
    if request.method == "POST":
        valid = form.validate_on_submit()
        practice = None
        reference = (form.practice.data or "").strip()
        if reference and not form.practice.errors:
            match = PRACTICE_REFERENCE.search(reference.split("?")[0].split("#")[0])
            practice_id = database_int(match[1]) if match else None  # a number too big for an id finds nothing
            practice = db.session.get(Practice, practice_id) if practice_id else None
            if practice is None or not practice.is_published:
                form.practice.errors.append("No published practice has that address or number.")
                valid = False
        if valid:
            services.save_recap(event, current_user, recap=form.recap.data, practice=practice,
                                takeaways_url=form.takeaways_url.data or "")
            db.session.commit()
            flash("The recap is saved.", "success")
            return redirect(url_for("events.detail", event_id=event.id) + "#recap")
    return render_template("events/recap.html", event=event, form=form)


@bp.post("/<int:event_id>/takeaways")
def start_takeaways(event_id):
    event = get_event_or_404(event_id, manage=True)
    if EmptyForm().validate_on_submit():
        try:
            services.start_takeaways_thread(event, current_user)
        except services.EventError as error:
            flash(str(error), "error")
        else:
            db.session.commit()
            flash("The takeaways thread is open, and attendees have been told.", "success")
            return redirect(event.takeaways_url)
    return redirect(url_for("events.detail", event_id=event.id))
