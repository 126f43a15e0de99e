"""Events: RSVPs and the waitlist, capacity and deadlines, hosts' tools, calendars, reminders,
feedback sessions with their scorecards, recaps, permissions and the demo content."""

import csv
import html
import io
import re
from datetime import datetime, timedelta, timezone

import icalendar
import pytest
import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from cop.auth.models import Role, User
from cop.events import services
from cop.events.models import (Event, EventKind, EventStatus, FeedbackQuestion, FeedbackResponse, Intent, QuestionKind,
                               Rsvp, RsvpStatus)
from cop.events.services import CapacityError, EventError
from cop.extensions import db, utcnow
from cop.mail import OutboxMessage, flush_outbox
from cop.notifications.models import Notification
from cop.orgs.models import Organization, OrgKind
from tests.conftest import made_in, mail_text

ZONE = "America/Chicago"
SECRET_LINK = "https://meet.example/secret-room-4471"


@pytest.fixture
def make_event(app, facilitator, make_org):
    def make_event(title="Plant tour at Halvorsen", kind=EventKind.site_visit, capacity=10, by=None, host=None,
                   starts_in=timedelta(days=7), hours=2, **fields):
        fields.setdefault("address", "4100 Industrial Parkway\nNorth County")
        if host is None and kind is EventKind.site_visit:
            host = make_org()
        with made_in(app) as finish:
            creator = db.session.get(User, (by or facilitator).id)
            host_org = db.session.get(Organization, host.id) if host is not None else None
            starts = utcnow().replace(second=0, microsecond=0) + starts_in
            event = services.create_event(creator, kind=kind, title=title, starts_at=starts,
                                          ends_at=starts + timedelta(hours=hours), timezone=ZONE, capacity=capacity,
                                          host_org=host_org, **fields)
            db.session.commit()
            return finish(event)

    return make_event


@pytest.fixture
def provider(make_org):
    return make_org("Beacon Test College", kind=OrgKind.training_provider, industry="Education",
                    subtype="hybrid_college")


@pytest.fixture
def provider_manager(make_user, provider):
    return make_user(name="Ivy Provider", org=provider, role=Role.manager)


def fresh(obj):
    """The row again, in the current app context's session."""
    return db.session.get(type(obj), obj.id)


def join(app, event, user, acknowledged=True) -> RsvpStatus:
    """An RSVP made the way a request makes it: its own unit of work, committed."""
    with app.app_context():
        record = services.rsvp(fresh(event), fresh(user), acknowledged=acknowledged)
        db.session.commit()
        flush_outbox()
        return record.status


def move(app, event, starts_in: timedelta, hours: int = 2, **fields) -> None:
    with app.app_context():
        row = fresh(event)
        row.starts_at = utcnow() + starts_in
        row.ends_at = row.starts_at + timedelta(hours=hours)
        for name, value in fields.items():
            setattr(row, name, value)
        db.session.commit()


def signed_in(app, login, user):
    client = app.test_client()
    login(user, client=client)
    return client


def status_of(app, event, user) -> RsvpStatus | None:
    with app.app_context():
        return db.session.scalar(sa.select(Rsvp.status).where(Rsvp.event_id == event.id, Rsvp.user_id == user.id))


def calendars_in(message) -> list:
    return [icalendar.Calendar.from_ical(part.get_content()) for part in message.iter_attachments()
            if part.get_content_type() == "text/calendar"]


def errors(response) -> list[str]:
    found = re.findall(r'<p class="error"[^>]*>(.*?)</p>', response.get_data(as_text=True), re.S)
    return [html.unescape(e) for e in found]


def flashes(response) -> str:
    return html.unescape(" ".join(re.findall(r'class="flash [^"]*"[^>]*>(.*?)</div>', response.get_data(as_text=True),
                                             re.S)))


# The rules: seats, the queue, promotion

def test_rsvps_fill_the_seats_then_queue_in_first_come_order(ctx, make_event, make_user):
    event = fresh(make_event(capacity=2))
    people = [fresh(make_user()) for _ in range(4)]
    statuses = []
    for person in people:
        statuses.append(services.rsvp(event, person).status)
        db.session.commit()
    assert statuses == [RsvpStatus.going, RsvpStatus.going, RsvpStatus.waitlisted, RsvpStatus.waitlisted]
    assert (event.going_count, event.waitlist_count, event.seats_left, event.is_full) == (2, 2, 0, True)
    assert [services.waitlist_position(services.find_rsvp(event, p)) for p in people[2:]] == [1, 2]


def test_a_second_rsvp_is_refused_and_the_database_refuses_it_too(ctx, make_event, member):
    event, person = fresh(make_event()), fresh(member)
    services.rsvp(event, person)
    db.session.commit()
    with pytest.raises(EventError, match="already going"):
        services.rsvp(event, person)
    db.session.rollback()
    db.session.add(Rsvp(event_id=event.id, user_id=person.id, status=RsvpStatus.waitlisted, ticket=99))
    with pytest.raises(IntegrityError):
        db.session.flush()
    db.session.rollback()
    assert db.session.scalar(sa.select(sa.func.count(Rsvp.id)).where(Rsvp.event_id == event.id)) == 1


def test_cancelling_promotes_the_first_waitlisted_exactly_once(ctx, make_event, make_user):
    event = fresh(make_event(capacity=1))
    first, second, third = (fresh(make_user()) for _ in range(3))
    for person in (first, second, third):
        services.rsvp(event, person)
        db.session.commit()
    promoted = services.cancel_rsvp(event, first)
    db.session.commit()
    assert [r.user_id for r in promoted] == [second.id]
    assert services.find_rsvp(event, second).status is RsvpStatus.going
    assert services.find_rsvp(event, third).status is RsvpStatus.waitlisted
    assert (event.going_count, event.waitlist_count) == (1, 1)
    assert services.promote_from_waitlist(event) == []  # nothing free: nobody is promoted twice
    db.session.commit()
    with pytest.raises(EventError, match="no RSVP"):
        services.cancel_rsvp(event, first)
    db.session.rollback()
    told = db.session.scalars(sa.select(Notification).where(Notification.kind == "waitlist_promoted")).all()
    assert [n.user_id for n in told] == [second.id]
    mail = db.session.scalars(sa.select(OutboxMessage).where(OutboxMessage.subject.startswith("You're in"))).all()
    assert [m.to for m in mail] == [second.email]
    assert mail[0].extra["attachments"][0]["mimetype"] == "text/calendar"


def test_promotion_skips_people_whose_organization_holds_its_cap(ctx, make_event, make_user, make_org):
    acme, beta = make_org("Acme Works"), make_org("Beta Bank")
    event = fresh(make_event(capacity=3, per_org_cap=2))
    a1, a2, a3 = (fresh(make_user(org=acme)) for _ in range(3))
    b1, b2 = (fresh(make_user(org=beta)) for _ in range(2))
    statuses = {}
    for person in (a1, a2, a3, b1, b2):
        statuses[person.id] = services.rsvp(event, person).status
        db.session.commit()
    # a3 waits although a seat is free (Acme holds its two); that seat goes to Beta's b1
    assert [statuses[p.id] for p in (a1, a2, a3, b1, b2)] == [
        RsvpStatus.going, RsvpStatus.going, RsvpStatus.waitlisted, RsvpStatus.going, RsvpStatus.waitlisted]
    promoted = services.cancel_rsvp(event, b1)  # a3 is first in line but Acme is at its cap: b2 moves up
    db.session.commit()
    assert [r.user_id for r in promoted] == [b2.id]
    promoted = services.cancel_rsvp(event, a1)  # now Acme is under its cap: a3 moves up
    db.session.commit()
    assert [r.user_id for r in promoted] == [a3.id]
    assert (event.going_count, event.waitlist_count) == (3, 0)


def test_organization_seats_name_the_colleagues_holding_the_cap(ctx, make_event, make_user, make_org):
    acme, beta = make_org("Acme Works"), make_org("Beta Bank")
    event = fresh(make_event(capacity=14, per_org_cap=2))
    ana, ben, cy = (fresh(make_user(name=name, org=acme)) for name in ("Ana Ruiz", "Ben Ode", "Cy Lam"))
    assert services.organization_seats(event, acme.id).taken is False
    for person in (ana, ben):
        services.rsvp(event, person)
        db.session.commit()
    seats = services.organization_seats(event, acme.id)
    assert seats.taken and [r.user_id for r in seats.holders] == [ana.id, ben.id]
    assert seats.explanation(waiting=False) == (
        "Your organization's 2 seats are taken by Ana Ruiz and Ben Ode. You can join the waitlist: if one of "
        "them cancels or the organizer makes room, you move up.")
    assert services.organization_seats(event, beta.id).holders == []
    assert services.organization_seats(event, None) is None
    assert services.organization_seats(fresh(make_event(capacity=5)), acme.id) is None
    assert services.rsvp(event, cy).status is RsvpStatus.waitlisted and event.seats_left == 12


def test_a_member_whose_organization_used_its_seats_is_told_before_and_after(app, client, login, make_event,
                                                                             make_user, make_org):
    acme, beta = make_org("Acme Works"), make_org("Beta Bank")
    event = make_event(capacity=14, per_org_cap=2)
    ana, ben = make_user(name="Ana Ruiz", org=acme), make_user(name="Ben Ode", org=acme)
    for person in (ana, ben):
        join(app, event, person)
    cy, outsider = make_user(name="Cy Lam", org=acme), make_user(name="Di Vo", org=beta)
    page = f"/events/{event.id}"

    login(outsider)
    other = html.unescape(client.get(page).get_data(as_text=True))
    assert "RSVP: I’m going" in other and "Ana Ruiz" not in other and "(yours: 0 of 2 taken)" in other
    client.post_form("/auth/signout", {}, page=page)

    login(cy)
    before = html.unescape(client.get(page).get_data(as_text=True))
    assert "Your organization's 2 seats are taken by Ana Ruiz and Ben Ode. You can join the waitlist" in before
    assert "(yours: 2 of 2 taken)" in before and "12 seats left for other organizations." in before
    assert ">Join the waitlist</button>" in before and "RSVP: I’m going" not in before
    response = client.post_form(f"{page}/rsvp", {"ack_0": "y"}, page=page, follow_redirects=True)
    assert status_of(app, event, cy) is RsvpStatus.waitlisted
    assert "You're number 1 on the waitlist. Your organization's 2 seats are taken by Ana Ruiz and Ben Ode. " \
           "If one of them cancels or the organizer makes room, you move up." in flashes(response)
    after = html.unescape(response.get_data(as_text=True))
    assert "You're number 1 on the waitlist" in after
    assert '<p class="seat-cap">Your organization\'s 2 seats are taken by Ana Ruiz and Ben Ode. If one' in after


def test_raising_the_capacity_promotes_in_queue_order(ctx, make_event, make_user):
    event = fresh(make_event(capacity=1))
    people = [fresh(make_user()) for _ in range(4)]
    for person in people:
        services.rsvp(event, person)
        db.session.commit()
    promoted = services.set_capacity(event, 3)
    db.session.commit()
    assert [r.user_id for r in promoted] == [people[1].id, people[2].id]
    assert services.find_rsvp(event, people[3]).status is RsvpStatus.waitlisted
    assert event.sequence == 1


def test_the_capacity_cannot_drop_below_the_people_confirmed(ctx, make_event, make_user, facilitator):
    event = fresh(make_event(capacity=3))
    for _ in range(3):
        services.rsvp(event, fresh(make_user()))
        db.session.commit()
    with pytest.raises(CapacityError, match="3 people are confirmed"):
        services.set_capacity(event, 2)
    db.session.rollback()
    with pytest.raises(CapacityError):
        services.update_event(event, fresh(facilitator), capacity=2, title="Smaller")
    db.session.rollback()
    event = fresh(event)
    assert (event.capacity, event.going_count, event.title) == (3, 3, "Plant tour at Halvorsen")
    assert services.set_capacity(event, 3) == []


def test_releasing_a_seat_and_removing_it_shrinks_the_event_without_promoting(ctx, make_event, make_user, facilitator):
    event = fresh(make_event(capacity=2))
    a, b, c = (fresh(make_user()) for _ in range(3))
    for person in (a, b, c):
        services.rsvp(event, person)
        db.session.commit()
    host = fresh(facilitator)
    assert services.release_rsvp(event, services.find_rsvp(event, a).id, host, close_seat=True) == []
    db.session.commit()
    assert (event.capacity, event.going_count, event.waitlist_count) == (1, 1, 1)
    promoted = services.release_rsvp(event, services.find_rsvp(event, b).id, host)
    db.session.commit()
    assert [r.user_id for r in promoted] == [c.id]
    released = db.session.scalars(sa.select(Notification.user_id).where(Notification.kind == "event_released")).all()
    assert sorted(released) == sorted([a.id, b.id])
    assert services.find_rsvp(event, a).released_by_id == host.id
    [mail] = db.session.scalars(sa.select(OutboxMessage).where(OutboxMessage.to == a.email,
                                                              OutboxMessage.subject.startswith("Your RSVP was released")))
    assert "STATUS:CANCELLED" in mail.extra["attachments"][0]["content"]


def test_deadlines_and_the_start_close_rsvps_and_cancellations(ctx, make_event, make_user):
    late = fresh(make_event(rsvp_deadline=utcnow() - timedelta(hours=1)))
    with pytest.raises(EventError, match="RSVP deadline has passed"):
        services.rsvp(late, fresh(make_user()))
    db.session.rollback()

    event = fresh(make_event(capacity=1))
    holder, waiting = fresh(make_user()), fresh(make_user())
    for person in (holder, waiting):
        services.rsvp(event, person)
        db.session.commit()
    event.cancel_deadline = utcnow() - timedelta(minutes=5)
    db.session.commit()
    with pytest.raises(EventError, match="cancellation deadline has passed"):
        services.cancel_rsvp(event, holder)
    db.session.rollback()
    services.cancel_rsvp(fresh(event), fresh(waiting))  # leaving the waitlist is always possible
    db.session.commit()

    started = fresh(make_event(starts_in=timedelta(minutes=-30)))
    with pytest.raises(EventError, match="already started"):
        services.rsvp(started, fresh(make_user()))
    db.session.rollback()


def test_acknowledgements_must_be_confirmed(ctx, make_event, member):
    event = fresh(make_event(acknowledgements="I will wear safety shoes\nI will bring photo ID"))
    assert event.acknowledgement_list == ["I will wear safety shoes", "I will bring photo ID"]
    with pytest.raises(EventError, match="confirm"):
        services.rsvp(event, fresh(member))
    db.session.rollback()
    record = services.rsvp(fresh(event), fresh(member), acknowledged=True)
    db.session.commit()
    assert record.acknowledged_at is not None


def test_coming_back_after_cancelling_joins_the_end_of_the_queue(ctx, make_event, make_user):
    event = fresh(make_event(capacity=1))
    a, b = fresh(make_user()), fresh(make_user())
    services.rsvp(event, a)
    db.session.commit()
    services.cancel_rsvp(event, a)
    db.session.commit()
    services.rsvp(event, b)
    db.session.commit()
    assert services.rsvp(event, a).status is RsvpStatus.waitlisted  # the same row, a new ticket
    db.session.commit()
    assert services.find_rsvp(event, a).ticket == 3


# Pages: RSVP, waitlist, promotion, calendars

def test_a_member_rsvps_on_the_page_and_gets_a_calendar_file(app, client, login, member, make_event, outbox):
    event = make_event(acknowledgements="I will wear closed-toe shoes")
    login(member)
    page = f"/events/{event.id}"
    assert "I will wear closed-toe shoes" in client.get(page).get_data(as_text=True)
    response = client.post_form(f"{page}/rsvp", {}, page=page, follow_redirects=True)
    assert "confirm each point" in flashes(response) and status_of(app, event, member) is None
    response = client.post_form(f"{page}/rsvp", {"ack_0": "y"}, page=page, follow_redirects=True)
    assert "You're going" in flashes(response)
    assert "Cancel my RSVP" in response.get_data(as_text=True)
    [message] = outbox(member.email)
    assert message["Subject"] == f"You're going: {event.title}"
    assert "Before you come" not in mail_text(message) and "4100 Industrial Parkway" in mail_text(message)
    [calendar] = calendars_in(message)
    [component] = calendar.events
    assert str(component["UID"]) == event.uid and str(component["SUMMARY"]) == event.title
    assert component.start.tzinfo.key == ZONE and component.start == event.starts_at


def test_full_site_visit_waitlist_then_promotion_by_mail(app, login, member, make_user, make_event, outbox):
    event = make_event(capacity=1)
    holder = make_user(name="Hal Holder")
    join(app, event, holder)
    page = f"/events/{event.id}"
    waiting = signed_in(app, login, member)
    response = waiting.post_form(f"{page}/rsvp", {}, page=page, follow_redirects=True)
    assert "number 1 on the waitlist" in flashes(response)
    assert "Leave the waitlist" in response.get_data(as_text=True)
    assert [m["Subject"] for m in outbox(member.email)] == [f"You're on the waitlist: {event.title}"]

    leaving = signed_in(app, login, holder)
    response = leaving.post_form(f"{page}/cancel-rsvp", {}, page=page, follow_redirects=True)
    assert "Your seat went to the next person on the waitlist" in flashes(response)
    assert status_of(app, event, member) is RsvpStatus.going
    promoted = [m for m in outbox(member.email) if m["Subject"].startswith("You're in")]
    assert len(promoted) == 1 and "a seat opened up and it is yours" in mail_text(promoted[0])
    assert str(calendars_in(promoted[0])[0].events[0]["UID"]) == event.uid
    withdrawn = [m for m in outbox(holder.email) if m["Subject"].startswith("RSVP cancelled")]
    assert str(calendars_in(withdrawn[0])[0].events[0]["STATUS"]) == "CANCELLED"
    assert "A seat opened up" in waiting.get("/notifications/").get_data(as_text=True)
    assert "You're going" in waiting.get(page).get_data(as_text=True)


def test_the_meeting_link_is_only_for_confirmed_people_and_hosts(app, login, member, make_user, make_event,
                                                                 facilitator, outbox):
    event = make_event(kind=EventKind.virtual, capacity=1, meeting_url=SECRET_LINK, address="")
    holder = make_user()
    join(app, event, holder)
    join(app, event, member)
    page, ics = f"/events/{event.id}", f"/events/{event.id}/calendar.ics"
    waiting = signed_in(app, login, member)
    assert SECRET_LINK not in waiting.get(page).get_data(as_text=True)
    assert SECRET_LINK not in waiting.get(ics).get_data(as_text=True)
    assert all(SECRET_LINK not in mail_text(m) and not calendars_in(m) for m in outbox(member.email))
    going = signed_in(app, login, holder)
    assert SECRET_LINK in going.get(page).get_data(as_text=True)
    assert SECRET_LINK in icalendar.Calendar.from_ical(going.get(ics).data).events[0]["DESCRIPTION"]
    [confirmation] = outbox(holder.email)
    assert SECRET_LINK in mail_text(confirmation)
    assert SECRET_LINK in str(calendars_in(confirmation)[0].events[0]["LOCATION"])
    assert SECRET_LINK in signed_in(app, login, facilitator).get(page).get_data(as_text=True)


def test_event_ics_keeps_its_uid_and_raises_sequence_on_updates_and_cancellation(app, login, facilitator, member,
                                                                                make_event, outbox):
    event = make_event(title="Plant tour")
    join(app, event, member)
    host = signed_in(app, login, facilitator)
    ics = f"/events/{event.id}/calendar.ics"

    def component():
        response = host.get(ics)
        assert response.mimetype == "text/calendar"
        calendar = icalendar.Calendar.from_ical(response.data)
        assert str(calendar["VERSION"]) == "2.0" and calendar["PRODID"]
        assert [tz.tz_name for tz in calendar.timezones] == [ZONE]
        return calendar.events[0]

    first = component()
    assert (str(first["UID"]), int(first["SEQUENCE"]), str(first["STATUS"])) == (event.uid, 0, "CONFIRMED")
    edit = f"/events/{event.id}/edit"
    form = host.get(edit).get_data(as_text=True)
    starts = re.search(r'name="starts_at"[^>]*value="([^"]+)"', form)[1]
    later = (datetime.fromisoformat(starts) + timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M")
    ends = (datetime.fromisoformat(starts) + timedelta(hours=3)).strftime("%Y-%m-%dT%H:%M")
    response = host.post_form(edit, {"title": "Plant tour, moved", "starts_at": later, "ends_at": ends,
                                     "timezone": ZONE, "capacity": "10", "address": "4100 Industrial Parkway",
                                     "host_org": str(event.host_org_id), "feedback_anonymous": "y"}, page=edit)
    assert response.status_code == 302, errors(response)
    second = component()
    assert (str(second["UID"]), int(second["SEQUENCE"]), str(second["SUMMARY"])) == (event.uid, 1, "Plant tour, moved")
    assert second.start == first.start + timedelta(hours=1)
    changed = [m for m in outbox(member.email) if m["Subject"].startswith("Changed:")]
    assert int(calendars_in(changed[0])[0].events[0]["SEQUENCE"]) == 1

    response = host.post_form(f"/events/{event.id}/cancel", {"reason": "The plant is closed for an audit."},
                              page=f"/events/{event.id}")
    assert response.status_code == 302
    third = component()
    assert (str(third["UID"]), int(third["SEQUENCE"]), str(third["STATUS"])) == (event.uid, 2, "CANCELLED")
    cancelled = [m for m in outbox(member.email) if m["Subject"].startswith("Cancelled:")]
    assert "closed for an audit" in mail_text(cancelled[0])
    assert str(calendars_in(cancelled[0])[0].events[0]["STATUS"]) == "CANCELLED"


def test_personal_calendar_feed_lists_the_events_a_member_goes_to(app, client, login, member, make_user, make_event):
    going = make_event(title="Going one")
    waiting = make_event(title="Waiting one", capacity=1)
    called_off = make_event(title="Called off")
    join(app, waiting, make_user())
    for event in (going, waiting, called_off):
        join(app, event, member)
    with app.app_context():
        services.cancel_event(fresh(called_off), None, "Snow")
        db.session.commit()
    login(member)
    page = client.get("/events/subscribe").get_data(as_text=True)
    url = re.search(r'value="(http[^"]+/events/calendar/[^"]+\.ics)"', page)[1]
    path = url.removeprefix(app.config["COP_BASE_URL"])
    anonymous = app.test_client()
    response = anonymous.get(path)
    assert response.status_code == 200 and response.mimetype == "text/calendar"
    calendar = icalendar.Calendar.from_ical(response.data)
    found = {str(e["SUMMARY"]): str(e["STATUS"]) for e in calendar.events}
    assert found == {"Going one": "CONFIRMED", "Called off": "CANCELLED"}
    assert anonymous.get(path.replace(".ics", "x.ics")).status_code == 404
    client.post_form("/events/subscribe", {}, page="/events/subscribe")
    assert anonymous.get(path).status_code == 404


def test_reminders_go_once_to_confirmed_people_a_day_ahead(app, runner, make_event, make_user, outbox):
    soon = make_event(title="Tomorrow's tour", capacity=1, starts_in=timedelta(hours=20),
                      access_requirements="Steel-toe boots and a photo ID.",
                      acknowledgements="I will wear steel-toe boots")
    later = make_event(title="Next week's tour", starts_in=timedelta(days=3))
    going, waiting, other = make_user(), make_user(), make_user()
    join(app, soon, going)
    join(app, soon, waiting)
    join(app, later, other)
    first = runner.invoke(args=["events", "send-reminders"])
    assert first.exit_code == 0 and "Sent 1 reminder(s)." in first.output
    assert "Sent 0 reminder(s)." in runner.invoke(args=["events", "send-reminders"]).output
    [reminder] = [m for m in outbox(going.email) if m["Subject"].startswith("Reminder:")]
    text = mail_text(reminder)
    assert "Steel-toe boots and a photo ID." in text and "4100 Industrial Parkway" in text
    with app.app_context():
        assert "Tomorrow's tour" in text and fresh(soon).when() in text
    assert calendars_in(reminder)
    assert not [m for m in outbox(waiting.email) if m["Subject"].startswith("Reminder:")]
    assert not [m for m in outbox(other.email) if m["Subject"].startswith("Reminder:")]
    with app.app_context():  # moving the event re-arms its reminders
        services.update_event(fresh(soon), None, starts_at=utcnow() + timedelta(hours=22),
                              ends_at=utcnow() + timedelta(hours=24))
        db.session.commit()
    assert "Sent 1 reminder(s)." in runner.invoke(args=["events", "send-reminders"]).output


# Creating and editing

def test_facilitator_creates_a_session_with_local_times_stored_in_utc(app, client, login, facilitator, provider):
    login(facilitator)
    data = {"kind": "feedback_session", "title": "Maintenance tech associate: feedback", "host_org": str(provider.id),
            "starts_at": "2030-07-01T09:00", "ends_at": "2030-07-01T11:00", "timezone": "America/New_York",
            "capacity": "12", "per_org_cap": "2", "venue": "Room 204", "address": "900 Harbor Avenue",
            "feedback_anonymous": "y"}
    response = client.post_form("/events/new", data, page="/events/new")
    assert response.status_code == 302
    with app.app_context():
        event = db.session.scalar(sa.select(Event))
        assert event.starts_at == datetime(2030, 7, 1, 13, 0, tzinfo=timezone.utc)
        assert event.timezone == "America/New_York" and event.host_org_id == provider.id
        assert len(event.questions) == 7 and event.feedback_anonymous
    page = html.unescape(client.get(response.headers["Location"]).get_data(as_text=True))
    assert "9:00 AM – 11:00 AM EDT" in page
    assert "8:00 AM – 10:00 AM CDT" in page  # the facilitator's own zone, America/Chicago


def test_manager_creates_site_visits_only_at_their_own_company(app, login, manager, member, provider_manager):
    client = signed_in(app, login, manager)
    page = client.get("/events/new").get_data(as_text=True)
    assert 'name="host_org"' not in page and "Provider feedback session" not in page
    data = {"kind": "site_visit", "title": "Our line", "starts_at": "2031-05-05T09:00", "ends_at": "2031-05-05T11:00",
            "timezone": ZONE, "capacity": "8", "address": "1 Shop Road"}
    assert client.post_form("/events/new", data, page="/events/new").status_code == 302
    response = client.post_form("/events/new", dict(data, kind="roundtable", title="A roundtable"), page="/events/new")
    assert response.status_code == 200 and "Not a valid choice" in response.get_data(as_text=True)
    with app.app_context():
        [event] = db.session.scalars(sa.select(Event)).all()
        assert event.host_org_id == manager.organization.id and event.kind is EventKind.site_visit
    assert signed_in(app, login, member).get("/events/new").status_code == 403
    assert signed_in(app, login, provider_manager).get("/events/new").status_code == 403


def test_form_errors_keep_what_was_typed(client, login, facilitator):
    login(facilitator)
    data = {"kind": "site_visit", "title": "Typed title stays", "starts_at": "2031-03-09T02:30",
            "ends_at": "2031-03-09T01:00", "timezone": ZONE, "capacity": "0", "rsvp_deadline": "2031-03-10T09:00"}
    page = html.unescape(client.post_form("/events/new", data, page="/events/new").get_data(as_text=True))
    assert 'value="Typed title stays"' in page
    assert "doesn't exist in America/Chicago" in page  # 2:30 AM on the spring-forward night
    assert "A site visit is hosted by a member company." in page and "Enter the address" in page
    assert "Number must be between 1 and 10000." in page
    data.update(starts_at="2031-03-12T09:00", ends_at="2031-03-12T08:00", rsvp_deadline="2031-03-13T09:00",
                meeting_url="javascript://example.org/%0Aalert(1)")
    page = client.post_form("/events/new", data, page="/events/new").get_data(as_text=True)
    assert "The end must be after the start." in page and "The RSVP deadline must be before the start." in page
    assert "Enter a web address starting with https://" in page
    data.update(starts_at="2020-03-12T09:00", ends_at="2020-03-12T10:00")
    assert "The start must be in the future." in client.post_form("/events/new", data, page="/events/new").get_data(
        as_text=True)


def test_editing_the_capacity_down_is_refused_and_up_promotes(app, login, facilitator, make_user, make_event):
    event = make_event(capacity=2)
    people = [make_user() for _ in range(3)]
    for person in people:
        join(app, event, person)
    client = signed_in(app, login, facilitator)
    edit = f"/events/{event.id}/edit"
    form = client.get(edit).get_data(as_text=True)
    values = {name: re.search(rf'name="{name}"[^>]*value="([^"]*)"', form)[1]
              for name in ("title", "starts_at", "ends_at")}
    values.update(timezone=ZONE, address="4100 Industrial Parkway", capacity="1", host_org=str(event.host_org_id))
    response = client.post_form(edit, values, page=edit)
    assert response.status_code == 200 and "2 people are confirmed" in response.get_data(as_text=True)
    response = client.post_form(edit, dict(values, capacity="3"), page=edit, follow_redirects=True)
    assert "1 person moved up from the waitlist" in flashes(response)
    assert status_of(app, event, people[2]) is RsvpStatus.going


# Hosts' tools

def test_hosts_see_the_lists_export_them_message_people_and_take_attendance(app, login, manager, make_user,
                                                                           make_event, outbox):
    event = make_event(capacity=1, host=manager.organization, by=manager)
    tricky = make_user(name="=HYPERLINK(\"http://evil.example\")")
    waiting = make_user(name="Wendy Waiting")
    join(app, event, tricky)
    join(app, event, waiting)
    client = signed_in(app, login, manager)
    page = client.get(f"/events/{event.id}/attendees").get_data(as_text=True)
    assert "Wendy Waiting" in page and "Going (1)" in page and "Waitlist (1)" in page
    exported = client.get(f"/events/{event.id}/attendees.csv?status=going").get_data(as_text=True)
    rows = list(csv.reader(io.StringIO(exported)))
    assert rows[0][:3] == ["Status", "Waitlist position", "Name"] and rows[1][2].startswith("'=HYPERLINK")
    rows = list(csv.reader(io.StringIO(client.get(f"/events/{event.id}/attendees.csv?status=waitlisted")
                                       .get_data(as_text=True))))
    assert [(r[0], r[1], r[2]) for r in rows[1:]] == [("waitlisted", "1", "Wendy Waiting")]

    response = client.post_form(f"/events/{event.id}/message", {"audience": "waitlisted", "subject": "Parking",
                                                                "body": "Use lot C."},
                                page=f"/events/{event.id}/attendees", follow_redirects=True)
    assert "Sent to 1 person" in flashes(response)
    assert [m for m in outbox(waiting.email) if "Parking" in m["Subject"] and "Use lot C." in mail_text(m)]
    assert not [m for m in outbox(tricky.email) if "Parking" in m["Subject"]]
    blank_subject = {"audience": "going", "subject": "", "body": "Kept text"}
    response = client.post_form(f"/events/{event.id}/message", blank_subject, page=f"/events/{event.id}/attendees")
    assert response.status_code == 422 and "Kept text" in response.get_data(as_text=True)

    move(app, event, timedelta(hours=-3))
    with app.app_context():
        record = db.session.scalar(sa.select(Rsvp).where(Rsvp.user_id == tricky.id))
    response = client.post_form(f"/events/{event.id}/attendance", {"attended": str(record.id)},
                                page=f"/events/{event.id}/attendees", follow_redirects=True)
    assert "Attendance saved: 1 of 1 attended." in flashes(response)
    with app.app_context():
        assert fresh(record).attended is True


def test_cancelling_an_event_tells_everyone(app, login, facilitator, make_user, make_event, outbox):
    event = make_event(capacity=1)
    going, waiting = make_user(), make_user()
    join(app, event, going)
    join(app, event, waiting)
    client = signed_in(app, login, facilitator)
    response = client.post_form(f"/events/{event.id}/cancel", {"reason": "Storm warning."},
                                page=f"/events/{event.id}", follow_redirects=True)
    assert "2 people were told" in flashes(response) and "This event was cancelled" in response.get_data(as_text=True)
    for person, with_calendar in ((going, True), (waiting, False)):
        [message] = [m for m in outbox(person.email) if m["Subject"].startswith("Cancelled:")]
        assert "Storm warning." in mail_text(message) and bool(calendars_in(message)) is with_calendar
    with app.app_context():
        assert fresh(event).status is EventStatus.cancelled
        assert db.session.scalar(sa.select(sa.func.count()).where(Notification.kind == "event_cancelled")) == 2
    latecomer = make_user()
    response = signed_in(app, login, latecomer).post_form(f"/events/{event.id}/rsvp", {}, page=f"/events/{event.id}",
                                                          follow_redirects=True)
    assert "This event was cancelled." in flashes(response) and status_of(app, event, latecomer) is None


def test_members_cannot_run_events_they_do_not_host(app, client, login, member, make_event):
    event = make_event()
    login(member)
    page = f"/events/{event.id}"
    for path in ("edit", "attendees", "attendees.csv", "recap"):
        assert client.get(f"{page}/{path}").status_code == 403, path
    for path in ("cancel", "message", "attendance", "rsvps/1/release"):
        assert client.post_form(f"{page}/{path}", {}, page=page).status_code == 403, path
    assert client.get("/events/999999").status_code == 404
    assert client.get(f"{page}/scorecard").status_code == 404  # not a feedback session
    assert client.get(f"{page}/feedback").status_code == 404


def test_forms_need_the_csrf_token(app, client, login, member, make_event):
    event = make_event()
    login(member)
    assert client.post(f"/events/{event.id}/rsvp", data={}).status_code == 400
    assert status_of(app, event, member) is None


# Feedback sessions

@pytest.fixture
def session_event(app, make_event, provider, make_user, facilitator):
    """A feedback session that took place an hour ago, with three attendees from member companies."""
    event = make_event(title="Hybrid maintenance associate", kind=EventKind.feedback_session, host=provider,
                       feedback_anonymous=True)
    attendees = [make_user(name=name) for name in ("Ada Attendee", "Ben Attendee", "Cy Quiet")]
    for person in attendees:
        join(app, event, person)
    move(app, event, timedelta(hours=-3))
    return event, attendees


def answer(client, event, scores, text="", intents=("yes", "maybe", "no")):
    with client.application.app_context():
        questions = db.session.scalars(sa.select(FeedbackQuestion).where(FeedbackQuestion.event_id == event.id)
                                       .order_by(FeedbackQuestion.position)).all()
    data = {}
    ratings = iter(scores)
    for question in questions:
        if question.kind is QuestionKind.rating:
            data[f"q_{question.id}"] = str(next(ratings))
        else:
            data[f"q_{question.id}"] = text
    data.update(zip(("would_host_interns", "would_hire_graduates", "would_codesign"), intents))
    return client.post_form(f"/events/{event.id}/feedback", data, page=f"/events/{event.id}/feedback",
                            follow_redirects=True)


def test_attendees_give_feedback_once_and_edit_it_until_it_closes(app, login, session_event, member, provider_manager):
    event, (ada, *_) = session_event
    client = signed_in(app, login, ada)
    assert "Give feedback" in client.get(f"/events/{event.id}").get_data(as_text=True)
    assert "Thank you: your feedback is in." in flashes(answer(client, event, [5, 4, 3, 4, 2], "More PLC work"))
    assert "Your changes are saved." in flashes(answer(client, event, [4, 4, 3, 4, 2], "More hydraulics"))
    with app.app_context():
        [response] = db.session.scalars(sa.select(FeedbackResponse)).all()
        texts = [a.text for a in response.answers if a.text]
        assert texts == ["More hydraulics"] * 2 and response.would_host_interns is Intent.yes
        assert sorted(a.score for a in response.answers if a.score) == [2, 3, 4, 4, 4]
    move(app, event, timedelta(days=-20))  # feedback closed two weeks after the end
    page = client.get(f"/events/{event.id}/feedback").get_data(as_text=True)
    assert "Feedback for this session has closed." in page
    assert "closed" in flashes(answer(client, event, [1, 1, 1, 1, 1], "Too late"))
    for outsider, reason in ((member, "Only people who attended"), (provider_manager, "People from the provider")):
        page = signed_in(app, login, outsider).get(f"/events/{event.id}/feedback").get_data(as_text=True)
        assert reason in page


def test_the_scorecard_is_anonymous_for_the_provider_and_named_for_facilitators(app, login, session_event, member,
                                                                               provider_manager, facilitator):
    event, (ada, ben, quiet) = session_event
    answer(signed_in(app, login, ada), event, [5, 4, 3, 4, 2], "Add CNC maintenance")
    answer(signed_in(app, login, ben), event, [3, 4, 5, 2, 2], "Evening classes please", ("no", "yes", "maybe"))
    provider_view = signed_in(app, login, provider_manager)
    page = provider_view.get(f"/events/{event.id}/scorecard").get_data(as_text=True)
    assert "Add CNC maintenance" in page and "Evening classes please" in page
    assert "Ada Attendee" not in page and "Ben Attendee" not in page and "Cy Quiet" not in page
    assert 'role="img"' in page and "<title id=\"chart-averages-title\">" in page
    assert re.search(r"<th scope=\"row\">Fit with our talent needs</th><td>2</td><td>4.0</td>", page)
    exported = provider_view.get(f"/events/{event.id}/scorecard.csv").get_data(as_text=True)
    assert "Ada Attendee" not in exported and "Add CNC maintenance" in exported
    assert list(csv.reader(io.StringIO(exported)))[0][0] == "Response"

    facilitator_view = signed_in(app, login, facilitator)
    page = facilitator_view.get(f"/events/{event.id}/scorecard").get_data(as_text=True)
    assert "Ada Attendee" in page and "Not yet responded (1)" in page and "Cy Quiet" in page
    assert "Ada Attendee" in facilitator_view.get(f"/events/{event.id}/scorecard.csv").get_data(as_text=True)
    assert signed_in(app, login, member).get(f"/events/{event.id}/scorecard").status_code == 403
    assert signed_in(app, login, ada).get(f"/events/{event.id}/scorecard").status_code == 403

    with app.app_context():
        fresh(event).feedback_anonymous = False
        db.session.commit()
    assert "Ada Attendee" in provider_view.get(f"/events/{event.id}/scorecard").get_data(as_text=True)


def test_facilitators_remind_those_who_have_not_answered(app, login, session_event, facilitator, outbox):
    event, (ada, ben, quiet) = session_event
    answer(signed_in(app, login, ada), event, [5, 4, 3, 4, 2])
    client = signed_in(app, login, facilitator)
    scorecard = f"/events/{event.id}/scorecard"
    response = client.post_form(f"/events/{event.id}/feedback/remind", {}, page=scorecard, follow_redirects=True)
    assert "Reminded 2 people." in flashes(response)
    assert [m["Subject"] for m in outbox(quiet.email) if "feedback" in m["Subject"]]
    assert not [m for m in outbox(ada.email) if "Your feedback, please" in m["Subject"]]
    response = client.post_form(f"/events/{event.id}/feedback/remind", {}, page=scorecard, follow_redirects=True)
    assert "Nobody needed a reminder" in flashes(response)
    provider_client = signed_in(app, login, ada)
    assert provider_client.post_form(f"/events/{event.id}/feedback/remind", {}, page=f"/events/{event.id}"
                                     ).status_code == 403


def test_questions_change_until_answers_arrive(app, login, session_event, provider_manager):
    event, (ada, *_) = session_event
    client = signed_in(app, login, provider_manager)
    url = f"/events/{event.id}/questions"
    data = {"questions-0-prompt": "Fit with our plants", "questions-0-kind": "rating",
            "questions-1-prompt": "", "questions-1-kind": "rating",
            "questions-2-prompt": "What is missing?", "questions-2-kind": "text"}
    assert client.post_form(url, data, page=url).status_code == 302
    with app.app_context():
        assert [(q.prompt, q.kind) for q in fresh(event).questions] == [
            ("Fit with our plants", QuestionKind.rating), ("What is missing?", QuestionKind.text)]
    answer(signed_in(app, login, ada), event, [4], "Nothing")
    page = client.post_form(url, dict(data, **{"questions-0-prompt": "Changed"}), page=url).get_data(as_text=True)
    assert "the questions stay as they are" in page
    with app.app_context():
        assert fresh(event).questions[0].prompt == "Fit with our plants"


def test_question_prompts_are_cleaned_like_every_form(app, login, session_event, provider_manager):
    event, _ = session_event
    client = signed_in(app, login, provider_manager)
    url = f"/events/{event.id}/questions"
    data = {"questions-0-prompt": "Fit\x00 with\r\nour \u202eplants\u202c", "questions-0-kind": "rating",
            "questions-1-prompt": "\u200b \ufeff", "questions-1-kind": "text"}
    assert client.post_form(url, data, page=url).status_code == 302
    with app.app_context():
        assert [(q.prompt, q.kind) for q in fresh(event).questions] == [
            ("Fit withour plants", QuestionKind.rating)]


def test_the_provider_publishes_you_said_we_did(app, login, session_event, provider_manager, member):
    event, (ada, *_) = session_event
    answer(signed_in(app, login, ada), event, [4, 4, 4, 4, 4], "Good")
    client = signed_in(app, login, provider_manager)
    url = f"/events/{event.id}/response"
    response = client.post_form(url, {"response": "**You said** cost. **We did**: per-competency pricing."}, page=url,
                                follow_redirects=True)
    page = response.get_data(as_text=True)
    assert "You said, we did" in page and "<strong>We did</strong>: per-competency pricing." in page
    with app.app_context():
        told = db.session.scalars(sa.select(Notification.user_id).where(Notification.kind == "feedback_response")).all()
        assert told == [ada.id]
    assert "per-competency pricing" in signed_in(app, login, member).get(f"/events/{event.id}").get_data(as_text=True)
    assert signed_in(app, login, member).get(url).status_code == 403


# After the visit

def test_a_site_visit_gets_a_recap_linked_to_a_practice(app, login, manager, make_event):
    from cop.practices import services as library
    from cop.practices.models import Topic

    event = make_event(host=manager.organization, by=manager)
    with app.app_context():
        author = fresh(manager)
        topics = db.session.scalars(sa.select(Topic).limit(1)).all()
        practice = library.create_practice(author, title="Our task board", summary="S.", body="B.", publish=True,
                                           classification=library.Classification(topics=topics))
        db.session.commit()
        practice_id = practice.id
    client = signed_in(app, login, manager)
    url = f"/events/{event.id}/recap"
    assert "once the event has taken place" in flashes(client.get(url, follow_redirects=True))
    move(app, event, timedelta(days=-2))
    response = client.post_form(url, {"recap": "We saw **the board**.", "practice": "/practices/999999",
                                      "takeaways_url": "javascript:alert(1)"}, page=url)
    page = response.get_data(as_text=True)
    assert "No published practice has that address" in page and "Enter a link on this site" in page
    assert "We saw **the board**." in page
    response = client.post_form(url, {"recap": "We saw **the board**.", "practice": f"/practices/{practice_id}",
                                      "takeaways_url": "/discussions/7"}, page=url, follow_redirects=True)
    page = response.get_data(as_text=True)
    assert "<strong>the board</strong>" in page and "Our task board" in page and 'href="/discussions/7"' in page
    assert "Seen on a site visit" in client.get(f"/practices/{practice_id}").get_data(as_text=True)



def test_a_recap_practice_number_too_big_for_an_id_finds_nothing(app, login, manager, make_event):
    event = make_event(host=manager.organization, by=manager)
    move(app, event, timedelta(days=-2))
    client = signed_in(app, login, manager)
    url = f"/events/{event.id}/recap"
    for reference in ["9" * 30, f"/practices/{2**63}", f"/practices/{2**31}"]:
        response = client.post_form(url, {"recap": "We saw it.", "practice": reference}, page=url)
        assert response.status_code == 200, reference
        assert "No published practice has that address" in response.get_data(as_text=True)

# Lists, calendar, sections, query counts

def test_lists_and_calendar_show_events_with_the_viewers_status(app, client, login, member, make_event):
    upcoming = make_event(title="Upcoming visit")
    past = make_event(title="Earlier visit")
    move(app, past, timedelta(days=-10))
    join(app, upcoming, member)
    login(member)
    index = client.get("/events/").get_data(as_text=True)
    assert "Upcoming visit" in index and "Earlier visit" not in index and "You're going" in index
    assert "Earlier visit" in client.get("/events/past").get_data(as_text=True)
    assert "Upcoming visit" in client.get("/events/mine").get_data(as_text=True)
    assert "Upcoming visit" not in client.get("/events/?kind=virtual").get_data(as_text=True)
    with app.app_context():
        local = fresh(upcoming).local_starts_at
    month = client.get(f"/events/calendar?month={local:%Y-%m}").get_data(as_text=True)
    assert "Upcoming visit" in month and "(going)" in month and f"{local:%B %Y}" in month
    dashboard = client.get("/").get_data(as_text=True)
    assert "Your events" in dashboard and "Upcoming visit" in dashboard


def test_list_pages_run_a_constant_number_of_statements(app, client, login, member, make_user, make_event,
                                                        make_org, count_queries):
    login(member)
    host = make_org("Hosting Co")

    def add(n):
        for i in range(n):
            event = make_event(title=f"Visit {i}", host=host)
            join(app, event, member)
            join(app, event, make_user())
            past = make_event(title=f"Old visit {i}", host=host)
            move(app, past, timedelta(days=-3))

    def statements(path):
        with count_queries() as tally:
            assert client.get(path).status_code == 200
        return tally.count

    paths = ["/events/", "/events/past", "/events/mine", "/events/calendar", "/", f"/orgs/{host.slug}"]
    add(1)
    few = [statements(path) for path in paths]
    add(6)
    assert [statements(path) for path in paths] == few


def test_event_pages_run_a_constant_number_of_statements(app, login, facilitator, make_user, make_event, provider,
                                                         count_queries):
    client = signed_in(app, login, facilitator)
    small = make_event(title="Small", capacity=1, per_org_cap=1)  # a cap adds one read, whatever the size
    big = make_event(title="Big", capacity=3, acknowledgements="One\nTwo\nThree", per_org_cap=2)
    join(app, small, make_user())
    for _ in range(8):
        join(app, big, make_user())
    small_session = make_event(title="Small session", kind=EventKind.feedback_session, host=provider)
    big_session = make_event(title="Big session", kind=EventKind.feedback_session, host=provider)
    people = [make_user() for _ in range(6)]
    join(app, small_session, people[0])
    for person in people:
        join(app, big_session, person)
    move(app, small_session, timedelta(hours=-3))
    move(app, big_session, timedelta(hours=-3))
    answer(signed_in(app, login, people[0]), small_session, [3, 3, 3, 3, 3], "ok")
    for person in people:
        answer(signed_in(app, login, person), big_session, [4, 5, 3, 2, 1], "fine")

    def statements(path):
        with count_queries() as tally:
            assert client.get(path).status_code == 200
        return tally.count

    app.config["COP_FRAGMENT_CACHE"] = False  # every page rendered in full: the count a cache miss costs
    for suffix in ("", "/attendees", "/attendees.csv", "/calendar.ics"):
        assert statements(f"/events/{small.id}{suffix}") == statements(f"/events/{big.id}{suffix}"), suffix
    for suffix in ("", "/scorecard", "/scorecard.csv", "/attendees"):
        small_count = statements(f"/events/{small_session.id}{suffix}")
        assert small_count == statements(f"/events/{big_session.id}{suffix}"), suffix


# Demo content

def test_demo_events_load_once_through_the_rules(app, runner):
    from cop.demo.logins import DEMO_PASSWORD

    first = runner.invoke(args=["seed-demo"])
    assert first.exit_code == 0, first.output
    with app.app_context():
        seeded = db.session.scalar(sa.select(sa.func.count(Event.id)))
        assert f"{seeded} events" in first.output
        events = {e.title: e for e in db.session.scalars(sa.select(Event))}
        full = [e for e in events.values() if e.kind is EventKind.site_visit and e.is_full and e.waitlist_count]
        assert full and not full[0].has_started
        assert any(e.kind is EventKind.site_visit and e.has_ended and e.recap_practice_id for e in events.values())
        halvorsen = [e for e in events.values() if e.host_org and e.host_org.name == "Halvorsen Precision Machining"]
        assert halvorsen and halvorsen[0].kind is EventKind.site_visit and not halvorsen[0].has_started
        [beacon] = [e for e in events.values() if e.host_org and e.host_org.name == "Beacon Hybrid College"]
        assert beacon.has_ended and beacon.feedback_anonymous and beacon.response_published_at
        assert services.response_count(beacon) >= 5
        beacon_id = beacon.id
    second = runner.invoke(args=["seed-demo"])
    assert "0 events, 0 RSVPs, 0 feedback responses" in second.output
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(Event.id))) == seeded
    provider = app.test_client()
    provider.post_form("/auth/signin", {"email": "imani.douglas@beaconcollege.example", "password": DEMO_PASSWORD})
    page = provider.get(f"/events/{beacon_id}/scorecard").get_data(as_text=True)
    assert "Average score per question" in page and "Karen Lindqvist" not in page


def test_a_past_site_visit_opens_a_takeaways_thread_and_tells_attendees(app, login, manager, member, make_event):
    from cop.discussions.models import Thread
    from cop.notifications.models import Notification

    event = make_event(host=manager.organization, by=manager)
    with app.app_context():
        services.rsvp(db.session.get(Event, event.id), fresh(member))
        db.session.commit()
    client = signed_in(app, login, manager)
    refused = client.post_form(f"/events/{event.id}/takeaways", page=f"/events/{event.id}", follow_redirects=True)
    assert "once the event has taken place" in refused.get_data(as_text=True)
    move(app, event, timedelta(days=-1))
    response = client.post_form(f"/events/{event.id}/takeaways", page=f"/events/{event.id}")
    assert response.status_code == 302 and response.headers["Location"].startswith("/discussions/")
    with app.app_context():
        thread = db.session.scalar(sa.select(Thread).where(Thread.title == f"Takeaways: {event.title}"))
        assert thread is not None and db.session.get(Event, event.id).takeaways_url.endswith(f"/{thread.id}")
        kinds = db.session.scalars(sa.select(Notification.kind).where(Notification.user_id == member.id)).all()
        assert "event_takeaways" in kinds
    again = client.post_form(f"/events/{event.id}/takeaways", page=f"/events/{event.id}", follow_redirects=True)
    assert "already links" in again.get_data(as_text=True)
    outsider = signed_in(app, login, member)
    assert outsider.post_form(f"/events/{event.id}/takeaways", page="/").status_code == 403
