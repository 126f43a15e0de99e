"""Events by API: the lists and one event, RSVPs (make, cancel) and the caller's own RSVPs."""

import marshmallow as ma
import sqlalchemy as sa
import sqlalchemy.orm as so
from flask_smorest import abort

from cop.api import v1
from cop.api.access import caller, not_found
from cop.api.paging import PageArgs, page, page_schema, paginate
from cop.api.schemas import Named, UTCDateTime, enum_field, site_url
from cop.events import services as events
from cop.events.models import Event, EventKind, EventStatus, Rsvp, RsvpStatus
from cop.extensions import db

TAG = "Events"
ACTIVE = (RsvpStatus.going, RsvpStatus.waitlisted)


def _own_rsvp(event: Event) -> Rsvp | None:
    return events.find_rsvp(event, caller())


class RsvpOut(ma.Schema):
    event_id = ma.fields.Integer(required=True)
    status = enum_field(RsvpStatus, required=True)
    waitlist_position = ma.fields.Function(
        lambda record: events.waitlist_position(record) if record.status is RsvpStatus.waitlisted else None,
        required=True, allow_none=True, metadata={"type": "integer", "description": "1 for the first "
                                                                                              "person waiting."})
    created_at = UTCDateTime(required=True)
    updated_at = UTCDateTime(required=True)
    event_url = ma.fields.Function(site_url("events.detail", event_id="event_id"), required=True,
                                   metadata={"type": "string"})


class EventOut(ma.Schema):
    id = ma.fields.Integer(required=True)
    title = ma.fields.String(required=True)
    kind = enum_field(EventKind, required=True)
    status = enum_field(EventStatus, required=True)
    summary = ma.fields.String(required=True)
    description = ma.fields.String(required=True, metadata={"description": "Markdown, as written."})
    starts_at = UTCDateTime(required=True)
    ends_at = UTCDateTime(required=True)
    timezone = ma.fields.String(required=True, metadata={"description": "The event's own time zone (IANA)."})
    location = ma.fields.String(required=True)
    host_org = ma.fields.Nested(Named, required=True, allow_none=True)
    capacity = ma.fields.Integer(required=True)
    going_count = ma.fields.Integer(required=True)
    waitlist_count = ma.fields.Integer(required=True)
    seats_left = ma.fields.Integer(required=True)
    rsvp_deadline = UTCDateTime(required=True, allow_none=True)
    cancel_deadline = UTCDateTime(required=True, allow_none=True)
    rsvp_closed_reason = ma.fields.String(required=True, metadata={"description": "Why nobody can RSVP now; "
                                                                                  "empty while RSVPs are open."})
    acknowledgements = ma.fields.Function(lambda event: event.acknowledgement_list, required=True,
                                          metadata={"type": "array", "items": {"type": "string"},
                                                    "description": "Points to confirm (acknowledged: true) "
                                                                   "when you RSVP."})
    # As on the event page: the meeting link only for people going, hosts and facilitators.
    meeting_url = ma.fields.Function(
        lambda event: event.meeting_url if event.can_see_meeting_link(caller(), _own_rsvp(event)) else None,
        required=True, allow_none=True, metadata={"type": "string"})
    cancelled_at = UTCDateTime(required=True, allow_none=True)
    my_rsvp = ma.fields.Function(
        lambda event: RsvpOut().dump(record) if (record := _own_rsvp(event)) is not None else None,
        required=True, allow_none=True,
        metadata={"anyOf": [{"$ref": "#/components/schemas/RsvpOut"}, {"type": "null"}],
                  "description": "Your RSVP, if you have one."})
    url = ma.fields.Function(site_url("events.detail", event_id="id"), required=True, metadata={"type": "string"})


class EventArgs(PageArgs):
    when = ma.fields.String(load_default="upcoming", validate=ma.validate.OneOf(["upcoming", "past"]))
    kind = enum_field(EventKind)


class RsvpIn(ma.Schema):
    acknowledged = ma.fields.Boolean(load_default=False,
                                     metadata={"description": "You confirm each of the event's acknowledgements."})


class RsvpArgs(PageArgs):
    status = ma.fields.String(load_default="active", validate=ma.validate.OneOf(["active", "all"]),
                              metadata={"description": "active: going or waitlisted; all: cancelled ones too."})


def _event_or_404(event_id: int) -> Event:
    # Every approved member sees every event (the token's member is one: access.authenticate checked).
    event = db.session.scalar(sa.select(Event).where(Event.id == event_id).options(so.joinedload(Event.host_org)))
    if event is None:
        not_found("That event")
    return event


@v1.route("/events", tags=[TAG])
@v1.etag
@v1.arguments(EventArgs, location="query", unknown=ma.EXCLUDE)
@v1.response(200, page_schema(EventOut, "EventPage"))
def list_events(args):
    """Upcoming events (soonest first) or past ones (latest first), as the events pages list them."""
    query = events.upcoming_events() if args["when"] == "upcoming" else events.past_events()
    if args.get("kind"):
        query = query.where(Event.kind == args["kind"])
    return page(*paginate(query.options(so.joinedload(Event.host_org)), args))


@v1.route("/events/<int:event_id>", tags=[TAG])
@v1.etag
@v1.response(200, EventOut)
def get_event(event_id):
    """One event, with your RSVP if you have one."""
    return _event_or_404(event_id)


@v1.route("/events/<int:event_id>/rsvp", methods=["PUT"], tags=[TAG])
@v1.arguments(RsvpIn)
@v1.response(200, RsvpOut)
def rsvp(data, event_id):
    """RSVP: a seat if one is free (and your organization is under its cap), otherwise a place on the
    waitlist. A confirmation e-mail with a calendar file goes out as on the site."""
    event = _event_or_404(event_id)
    try:
        record = events.rsvp(event, caller(), acknowledged=data["acknowledged"])
    except events.EventError as error:
        db.session.rollback()
        abort(409, message=str(error))
    db.session.commit()
    return db.session.get(Rsvp, record.id)


@v1.route("/events/<int:event_id>/rsvp", methods=["DELETE"], tags=[TAG])
@v1.response(200, RsvpOut)
def cancel_rsvp(event_id):
    """Cancel your RSVP; a freed seat goes to the first person waiting, in the same step."""
    event = _event_or_404(event_id)
    try:
        events.cancel_rsvp(event, caller())
    except events.EventError as error:
        db.session.rollback()
        abort(409, message=str(error))
    db.session.commit()
    return db.session.scalar(sa.select(Rsvp).where(Rsvp.event_id == event_id, Rsvp.user_id == caller().id))


@v1.route("/rsvps", tags=[TAG])
@v1.etag
@v1.arguments(RsvpArgs, location="query", unknown=ma.EXCLUDE)
@v1.response(200, page_schema(RsvpOut, "RsvpPage"))
def my_rsvps(args):
    """Your RSVPs, the events soonest first."""
    query = (sa.select(Rsvp).join(Event, Event.id == Rsvp.event_id).where(Rsvp.user_id == caller().id)
             .order_by(Event.starts_at, Event.id))
    if args["status"] == "active":
        query = query.where(Rsvp.status.in_(ACTIVE))
    return page(*paginate(query, args))
