"""iCalendar (RFC 5545) files: one per event, and each member's secret feed of the events they go to.

The UID never changes and SEQUENCE grows with every edit, so calendar apps update the entry they
already have; a cancelled event keeps its UID and says STATUS:CANCELLED. The meeting link of a
virtual event goes only into files made for someone allowed to see it.
"""

from datetime import timedelta

import icalendar

from cop.extensions import utcnow
from cop.links import external_url
from cop.text import zone

PRODID = "-//CoP//Events//EN"


def _description(event, show_link: bool, page_url: str) -> str:
    parts = [event.summary]
    if event.what_you_will_see:
        parts.append(f"What you will see: {event.what_you_will_see}")
    if event.access_requirements:
        parts.append(f"Before you come: {event.access_requirements}")
    if event.is_virtual:
        parts.append(f"Join: {event.meeting_url}" if show_link
                     else "The meeting link is on the event page once your seat is confirmed.")
    if event.is_cancelled:
        parts.insert(0, "CANCELLED" + (f": {event.cancel_reason}" if event.cancel_reason else ""))
    parts.append(page_url)
    return "\n\n".join(part.strip() for part in parts if part and part.strip())


def event_component(event, show_link: bool, withdrawn: bool = False) -> icalendar.Event:
    """The VEVENT for one event, times in the event's own zone. `withdrawn` marks one person's copy
    cancelled (they gave up their seat) so their calendar drops it."""
    local = zone(event.timezone)
    page_url = external_url("events.detail", event_id=event.id)
    component = icalendar.Event()
    component.add("uid", event.uid)
    component.add("sequence", event.sequence)
    component.add("dtstamp", utcnow())
    component.add("created", event.created_at)
    component.add("last-modified", event.updated_at)
    component.add("dtstart", event.starts_at.astimezone(local))
    component.add("dtend", event.ends_at.astimezone(local))
    component.add("summary", event.title)
    component.add("description", _description(event, show_link, page_url))
    component.add("location", event.meeting_url if (event.is_virtual and show_link) else event.location)
    component.add("url", page_url)
    component.add("status", "CANCELLED" if event.is_cancelled or withdrawn else "CONFIRMED")
    component.add("categories", [event.kind.label])
    return component


def build_calendar(events, *, can_see_link, name: str | None = None, withdrawn: bool = False) -> str:
    """A VCALENDAR with a VEVENT per event and the VTIMEZONEs they use; `can_see_link(event)` says
    whether the person the file is for may see that event's meeting link."""
    calendar = icalendar.Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    if name:
        calendar.add("x-wr-calname", name)
    events = list(events)
    for event in events:
        calendar.add_component(event_component(event, bool(can_see_link(event)), withdrawn))
    if events:
        first = min(e.starts_at for e in events) - timedelta(days=400)
        last = max(e.ends_at for e in events) + timedelta(days=400)
        calendar.add_missing_timezones(first_date=first.date(), last_date=last.date())
    return calendar.to_ical().decode()


def series_ics(series, events, *, can_see_link) -> str:
    """A repeating event as calendar apps keep one: the rule on the first date (RRULE), the dates called off
    (EXDATE), and each date that differs from the rule's pattern as its own VEVENT (RECURRENCE-ID)."""
    events = sorted(events, key=lambda e: e.recurrence_id)
    first = events[0]
    local = zone(series.timezone)
    duration = first.ends_at - first.starts_at
    calendar = icalendar.Calendar()
    for name, value in (("prodid", PRODID), ("version", "2.0"), ("calscale", "GREGORIAN"), ("method", "PUBLISH"),
                        ("x-wr-calname", first.title)):
        calendar.add(name, value)
    master = _as_series_date(event_component(first, bool(can_see_link(first))), series)
    del master["dtstart"], master["dtend"], master["status"]
    master.add("dtstart", first.recurrence_id.astimezone(local))
    master.add("dtend", (first.recurrence_id + duration).astimezone(local))
    master.add("status", "CONFIRMED")
    master.add("rrule", icalendar.vRecur.from_ical(series.rule))
    cancelled = [e.recurrence_id.astimezone(local) for e in events if e.is_cancelled]
    if cancelled:
        master.add("exdate", cancelled)
    calendar.add_component(master)
    for event in events:
        moved = event.starts_at != event.recurrence_id or event.ends_at - event.starts_at != duration
        changed = (event.title, event.location) != (first.title, first.location)
        if not event.is_cancelled and (moved or changed):
            component = _as_series_date(event_component(event, bool(can_see_link(event))), series)
            component.add("recurrence-id", event.recurrence_id.astimezone(local))
            calendar.add_component(component)
    calendar.add_missing_timezones(first_date=(first.starts_at - timedelta(days=400)).date(),
                                   last_date=(events[-1].ends_at + timedelta(days=400)).date())
    return calendar.to_ical().decode()


def _as_series_date(component: icalendar.Event, series) -> icalendar.Event:
    del component["uid"], component["sequence"]
    component.add("uid", series.uid)
    component.add("sequence", series.sequence)
    return component


def event_ics(event, show_link: bool, withdrawn: bool = False) -> str:
    return build_calendar([event], can_see_link=lambda _: show_link, withdrawn=withdrawn)


def ics_attachment(event, show_link: bool, withdrawn: bool = False) -> dict:
    """An .ics for send_mail(attachments=[...])."""
    return {"filename": "event.ics", "mimetype": "text/calendar", "content": event_ics(event, show_link, withdrawn)}
