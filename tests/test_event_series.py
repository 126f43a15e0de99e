"""Repeating events: the dates a rule gives (across daylight-saving changes and on the 5th weekday of a
month), a series made through the event form, RSVPs to one date or to all, calling off this and later
dates, and the calendar file that calendar apps read back to the same dates."""

import html
from datetime import date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import icalendar
import pytest
import sqlalchemy as sa
from dateutil import rrule

from cop.auth.models import User
from cop.events import services
from cop.events.models import Event, EventKind, EventSeries, RsvpStatus
from cop.events.recurrence import MAX_OCCURRENCES, Repeat, RepeatError, describe, occurrences
from cop.extensions import db, utcnow
from cop.mail import flush_outbox
from tests.conftest import mail_text

CHICAGO = ZoneInfo("America/Chicago")


def local_dates(frequency, first, until):
    rule = Repeat(frequency, until).rule(first)
    return [start.strftime("%Y-%m-%d %H:%M %Z") for start in occurrences(rule, first)]


@pytest.mark.parametrize("frequency, first, until, expected", [
    # The 2nd Tuesday at 2 pm, across the March change: still 2 pm, CST then CDT.
    ("monthly_weekday", datetime(2027, 1, 12, 14, tzinfo=CHICAGO), date(2027, 5, 31),
     ["2027-01-12 14:00 CST", "2027-02-09 14:00 CST", "2027-03-09 14:00 CST", "2027-04-13 14:00 CDT",
      "2027-05-11 14:00 CDT"]),
    # The 5th Tuesday: only the months that have one.
    ("monthly_weekday", datetime(2027, 3, 30, 9, tzinfo=CHICAGO), date(2027, 12, 31),
     ["2027-03-30 09:00 CDT", "2027-06-29 09:00 CDT", "2027-08-31 09:00 CDT", "2027-11-30 09:00 CST"]),
    # Weekly across the November change, the last day included.
    ("weekly", datetime(2027, 10, 26, 8, 30, tzinfo=CHICAGO), date(2027, 11, 16),
     ["2027-10-26 08:30 CDT", "2027-11-02 08:30 CDT", "2027-11-09 08:30 CST", "2027-11-16 08:30 CST"]),
    ("biweekly", datetime(2027, 1, 4, 17, tzinfo=CHICAGO), date(2027, 2, 14),
     ["2027-01-04 17:00 CST", "2027-01-18 17:00 CST", "2027-02-01 17:00 CST"]),
    # The 31st: only months that have one.
    ("monthly_date", datetime(2027, 1, 31, 12, tzinfo=CHICAGO), date(2027, 6, 30),
     ["2027-01-31 12:00 CST", "2027-03-31 12:00 CDT", "2027-05-31 12:00 CDT"]),
])
def test_a_rule_gives_the_dates_a_calendar_would(frequency, first, until, expected):
    assert local_dates(frequency, first, until) == expected


def test_the_rule_is_said_in_words():
    first = datetime(2027, 1, 12, 14, tzinfo=CHICAGO)
    rule = Repeat("monthly_weekday", date(2027, 6, 30)).rule(first)
    assert describe(rule, first) == "Every month on the 2nd Tuesday, until June 30, 2027"
    assert describe(Repeat("biweekly", date(2027, 3, 1)).rule(first), first).startswith("Every two weeks on Tuesday")


@pytest.mark.parametrize("frequency, until, message", [
    ("weekly", date(2027, 1, 12), "after the first"),
    ("weekly", date(2028, 6, 1), "at most a year"),
    ("daily", date(2027, 2, 1), "how often"),
])
def test_a_rule_that_cannot_be_is_refused_with_a_reason(frequency, until, message):
    with pytest.raises(RepeatError, match=message):
        Repeat(frequency, until).rule(datetime(2027, 1, 12, 14, tzinfo=CHICAGO))


def test_a_series_holds_at_most_its_limit_of_dates():
    first = datetime(2027, 1, 1, 9, tzinfo=CHICAGO)
    rule = "FREQ=WEEKLY;UNTIL=20301231T000000Z"
    assert len(occurrences(rule, first)) == MAX_OCCURRENCES + 1  # enough to tell the form it is too many


def _next_weekday(weekday: int, hour: int) -> datetime:
    """The next such weekday, at least two days ahead, at `hour` in Chicago."""
    day = (utcnow() + timedelta(days=2)).astimezone(CHICAGO).date()
    day += timedelta(days=(weekday - day.weekday()) % 7)
    return datetime(day.year, day.month, day.day, hour, tzinfo=CHICAGO)


def _create_series_through_the_form(client, first: datetime, until: date, **extra):
    data = {"kind": "roundtable", "title": "Apprenticeship roundtable", "summary": "Employers compare notes.",
            "starts_at": first.strftime("%Y-%m-%dT%H:%M"),
            "ends_at": (first + timedelta(hours=1, minutes=30)).strftime("%Y-%m-%dT%H:%M"),
            "timezone": "America/Chicago", "capacity": "2", "repeat": "weekly",
            "repeat_until": until.isoformat(), "venue": "Northbridge offices", "address": "1 Main St", **extra}
    return client.post_form("/events/new", data, page="/events/new")


@pytest.fixture
def series(app, client, login, facilitator):
    login(facilitator)
    first = _next_weekday(1, 14)
    response = _create_series_through_the_form(client, first, (first + timedelta(days=21)).date())
    assert response.status_code == 302, html.unescape(response.get_data(as_text=True))[:2000]
    client.post_form("/auth/signout", {}, page="/")
    with app.app_context():
        found = db.session.scalar(sa.select(EventSeries))
        return found.id, [e.id for e in services.series_dates(found)], first


def test_the_form_makes_a_date_for_each_week_on_the_local_clock(app, series):
    series_id, event_ids, first = series
    assert len(event_ids) == 4
    with app.app_context():
        dates = [db.session.get(Event, i) for i in event_ids]
        assert [e.starts_at.astimezone(CHICAGO).strftime("%A %H:%M") for e in dates] == ["Tuesday 14:00"] * 4
        assert all(e.ends_at - e.starts_at == timedelta(hours=1, minutes=30) for e in dates)
        assert [e.recurrence_id for e in dates] == [e.starts_at for e in dates]
        assert all(e.capacity == 2 and e.series_id == series_id for e in dates)


def test_the_form_refuses_a_series_without_a_last_date(app, client, login, facilitator):
    login(facilitator)
    response = _create_series_through_the_form(client, _next_weekday(1, 14), date(2000, 1, 1), repeat_until="")
    assert response.status_code == 200 and "Enter the last date of the series." in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(EventSeries.id))) == 0


def test_a_member_rsvps_to_every_date_and_gets_one_summary(app, client, login, make_user, series, outbox):
    series_id, event_ids, _ = series
    early, member = make_user(name="Early Bird"), make_user(name="Mia Member")
    with app.app_context():
        services.rsvp(db.session.get(Event, event_ids[2]), db.session.get(User, early.id))
        second = db.session.get(Event, event_ids[2])
        second.capacity = 1  # the third date is full
        db.session.commit()
        flush_outbox()
    login(member)
    page = html.unescape(client.get(f"/events/{event_ids[1]}").get_data(as_text=True))
    assert "A repeating event" in page and "Every week on Tuesday" in page
    response = client.post_form(f"/events/{event_ids[1]}/rsvp-series", {}, page=f"/events/{event_ids[1]}")
    assert response.status_code == 302
    with app.app_context():
        flush_outbox()
        statuses = [services.find_rsvp(db.session.get(Event, i), db.session.get(User, member.id)) for i in event_ids]
        assert statuses[0] is None  # an earlier date is left alone
        assert [r.status for r in statuses[1:]] == [RsvpStatus.going, RsvpStatus.waitlisted, RsvpStatus.going]
    mine = outbox(member.email)
    assert len(mine) == 1 and "waitlist" in mail_text(mine[0]) and mine[0]["Subject"].startswith("Your dates")
    # Again: nothing more to do, and no second e-mail.
    client.post_form(f"/events/{event_ids[1]}/rsvp-series", {}, page=f"/events/{event_ids[1]}")
    with app.app_context():
        flush_outbox()
    assert len(outbox(member.email)) == 1


def test_calling_off_this_and_later_dates_leaves_the_earlier_ones(app, client, login, facilitator, series):
    _, event_ids, _ = series
    login(facilitator)
    client.post_form(f"/events/{event_ids[2]}/cancel", {"reason": "Room closed", "following": "y"},
                     page=f"/events/{event_ids[2]}")
    with app.app_context():
        assert [db.session.get(Event, i).is_cancelled for i in event_ids] == [False, False, True, True]


def test_the_series_file_reads_back_to_the_same_dates(app, client, login, facilitator, make_user, series):
    series_id, event_ids, first = series
    with app.app_context():
        moved = db.session.get(Event, event_ids[1])
        services.update_event(moved, db.session.get(User, facilitator.id), starts_at=moved.starts_at + timedelta(hours=1),
                              ends_at=moved.ends_at + timedelta(hours=1))
        services.cancel_event(db.session.get(Event, event_ids[3]), db.session.get(User, facilitator.id))
        db.session.commit()
        expected = {db.session.get(Event, i).recurrence_id: db.session.get(Event, i).starts_at for i in event_ids[:3]}
    login(make_user())
    response = client.get(f"/events/series/{series_id}/calendar.ics")
    assert response.status_code == 200 and response.mimetype == "text/calendar"
    calendar = icalendar.Calendar.from_ical(response.get_data())
    vevents = calendar.walk("VEVENT")
    master = next(v for v in vevents if "RECURRENCE-ID" not in v)
    overrides = [v for v in vevents if "RECURRENCE-ID" in v]
    start = master.decoded("DTSTART")
    assert start.tzinfo is not None and start.astimezone(CHICAGO).strftime("%H:%M") == "14:00"
    rule = rrule.rrulestr(master["RRULE"].to_ical().decode(), dtstart=start)
    excluded = {d.astimezone(timezone.utc) for exdate in [master["EXDATE"]] for d in
                [x.dt for x in exdate.dts]}
    dates = [d.astimezone(timezone.utc) for d in rule if d.astimezone(timezone.utc) not in excluded]
    assert dates == sorted(expected)  # the rule's dates, less the one called off
    assert len(overrides) == 1
    override = overrides[0]
    assert override.decoded("RECURRENCE-ID").astimezone(timezone.utc) == sorted(expected)[1]
    assert override.decoded("DTSTART").astimezone(timezone.utc) == expected[sorted(expected)[1]]
    assert {str(v["UID"]) for v in vevents} == {str(master["UID"])}
    assert calendar.walk("VTIMEZONE"), "the file carries the zone's daylight-saving rules"


def test_a_date_that_does_not_repeat_has_no_series(app, client, login, make_user, facilitator):
    with app.app_context():
        starts = utcnow().replace(second=0, microsecond=0) + timedelta(days=3)
        event = services.create_event(db.session.get(User, facilitator.id), kind=EventKind.roundtable,
                                      title="A one-off", starts_at=starts, ends_at=starts + timedelta(hours=1),
                                      timezone="America/Chicago", capacity=5)
        db.session.commit()
        event_id = event.id
    login(make_user())
    assert "A repeating event" not in client.get(f"/events/{event_id}").get_data(as_text=True)
    assert client.post_form(f"/events/{event_id}/rsvp-series", {}, page=f"/events/{event_id}").status_code == 404
    assert client.get("/events/series/999999/calendar.ics").status_code == 404


def test_an_edit_for_this_and_later_dates_moves_them_on_the_local_clock(app, client, login, facilitator, series):
    _, event_ids, first = series
    login(facilitator)
    page = client.get(f"/events/{event_ids[1]}/edit")
    assert "This date and every later one" in html.unescape(page.get_data(as_text=True))
    with app.app_context():
        second = db.session.get(Event, event_ids[1])
        start = second.starts_at.astimezone(CHICAGO)
    data = {"title": "Apprenticeship roundtable, later hour", "summary": "Employers compare notes.",
            "starts_at": (start + timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"),
            "ends_at": (start + timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M"),
            "timezone": "America/Chicago", "capacity": "3", "venue": "Northbridge offices", "address": "1 Main St",
            "scope": "following"}
    response = client.post_form(f"/events/{event_ids[1]}/edit", data, page=f"/events/{event_ids[1]}/edit")
    assert response.status_code == 302, html.unescape(response.get_data(as_text=True))[:1500]
    with app.app_context():
        dates = [db.session.get(Event, i) for i in event_ids]
        assert [e.starts_at.astimezone(CHICAGO).strftime("%H:%M") for e in dates] == ["14:00", "15:00", "15:00", "15:00"]
        assert [e.title.endswith("later hour") for e in dates] == [False, True, True, True]
        assert [e.capacity for e in dates] == [2, 3, 3, 3]
        assert all(e.ends_at - e.starts_at == timedelta(hours=1) for e in dates[1:])
    # Only this date: the others stay as they are.
    third = {"starts_at": dates[2].starts_at.astimezone(CHICAGO).strftime("%Y-%m-%dT%H:%M"),
             "ends_at": dates[2].ends_at.astimezone(CHICAGO).strftime("%Y-%m-%dT%H:%M")}
    client.post_form(f"/events/{event_ids[2]}/edit", dict(data, title="Just this once", scope="this", **third),
                     page=f"/events/{event_ids[2]}/edit")
    with app.app_context():
        titles = [db.session.get(Event, i).title for i in event_ids]
        assert titles[2] == "Just this once" and titles[3].endswith("later hour")
