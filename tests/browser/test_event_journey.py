"""A member joins the waitlist of a full site visit, moves up when someone cancels, gets the e-mail with a
calendar file, and a provider reads the anonymous scorecard of their feedback session; a manager creates
a site visit through the form."""

import re
from datetime import timedelta
from pathlib import Path

import icalendar
import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from cop.auth.models import Role, User
from cop.events import services
from cop.events.models import Event, EventKind, Intent, QuestionKind
from cop.events.recurrence import Repeat
from cop.extensions import db, utcnow
from cop.mail import flush_outbox
from cop.orgs.models import Organization, OrgKind
from tests.conftest import PASSWORD

pytestmark = pytest.mark.browser

ZONE = "America/Chicago"


def _site_visit(app, host, by, *, capacity: int, title: str) -> int:
    with app.app_context():
        starts = utcnow().replace(second=0, microsecond=0) + timedelta(days=10)
        event = services.create_event(
            db.session.get(User, by.id), kind=EventKind.site_visit, title=title, starts_at=starts,
            ends_at=starts + timedelta(hours=3), timezone=ZONE, capacity=capacity,
            host_org=db.session.get(Organization, host.id), venue="Plant 2, north entrance",
            address="4100 Industrial Parkway\nNorth County", access_requirements="Closed-toe shoes and a photo ID.",
            acknowledgements="I will wear closed-toe safety shoes")
        db.session.commit()
        return event.id


def _rsvp(app, event_id: int, user) -> None:
    with app.app_context():
        services.rsvp(db.session.get(Event, event_id), db.session.get(User, user.id), acknowledged=True)
        db.session.commit()
        flush_outbox()


def test_waitlist_promotion_calendar_mail_and_anonymous_scorecard(page, live_server, app, sign_in, make_user, make_org,
                                                                   manager, outbox):
    title = "Inside a CNC youth apprenticeship"
    event_id = _site_visit(app, manager.organization, manager, capacity=1, title=title)
    holder = make_user(name="Hana Holder")
    member = make_user(name="Wes Waiting")
    _rsvp(app, event_id, holder)

    # The member finds the full visit and joins its waitlist
    sign_in(member.email, PASSWORD)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Events").click()
    page.get_by_role("link", name=title).click()
    expect(page.get_by_text("This event is full.")).to_be_visible()
    page.get_by_label("I will wear closed-toe safety shoes").check()
    page.get_by_role("button", name="Join the waitlist").click()
    expect(page.get_by_role("status").filter(has_text="number 1 on the waitlist")).to_be_visible()
    expect(page.get_by_role("button", name="Leave the waitlist")).to_be_visible()
    page.get_by_role("button", name="Sign out").click()

    # The holder cancels (the page asks first)
    sign_in(holder.email, PASSWORD)
    page.goto(f"{live_server}/events/{event_id}")
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Cancel my RSVP").click()
    expect(page.get_by_text("Your seat went to the next person on the waitlist.")).to_be_visible()
    page.get_by_role("button", name="Sign out").click()

    # The member was promoted: told in the app and by e-mail with a calendar file
    sign_in(member.email, PASSWORD)
    page.get_by_role("link", name=re.compile(r"Notifications\s+1")).click()
    page.get_by_role("button", name=re.compile("A seat opened up")).click()
    expect(page.get_by_role("heading", name=title)).to_be_visible()
    expect(page.get_by_text("You're going", exact=True)).to_be_visible()
    with page.expect_download() as download:
        page.get_by_role("link", name="Add to my calendar (.ics)").click()
    downloaded = icalendar.Calendar.from_ical(Path(download.value.path()).read_bytes())
    [mail] = [m for m in outbox(member.email) if m["Subject"] == f"You're in: {title}"]
    [attachment] = [part for part in mail.iter_attachments() if part.get_content_type() == "text/calendar"]
    assert attachment.get_filename() == "event.ics"
    calendar = icalendar.Calendar.from_ical(attachment.get_content())
    [entry] = calendar.events
    with app.app_context():
        event = db.session.get(Event, event_id)
        assert str(entry["UID"]) == event.uid == str(downloaded.events[0]["UID"])
        assert entry.start == event.starts_at and entry.start.tzinfo.key == ZONE
    assert str(entry["SUMMARY"]) == title and str(entry["STATUS"]) == "CONFIRMED"
    assert "Closed-toe shoes and a photo ID." in str(entry["DESCRIPTION"])
    page.get_by_role("button", name="Sign out").click()

    # A provider reads the anonymous scorecard of its feedback session
    college = make_org("Beacon Journey College", kind=OrgKind.training_provider, industry="Education")
    provider = make_user(name="Imani Provider", org=college, role=Role.manager)
    raters = [make_user(name=name) for name in ("Rita Rater", "Sam Scorer", "Tia Tallies")]
    with app.app_context():
        starts = utcnow() + timedelta(days=3)
        session = services.create_event(db.session.get(User, manager.id), kind=EventKind.feedback_session,
                                        title="Maintenance technician associate: feedback", starts_at=starts,
                                        ends_at=starts + timedelta(hours=2), timezone=ZONE, capacity=10,
                                        host_org=db.session.get(Organization, college.id), feedback_anonymous=True)
        db.session.commit()
        for rater in raters:
            services.rsvp(session, db.session.get(User, rater.id))
            db.session.commit()
        session.starts_at, session.ends_at = utcnow() - timedelta(days=2), utcnow() - timedelta(days=2, hours=-2)
        db.session.commit()
        ratings = [q for q in session.questions if q.kind is QuestionKind.rating]
        texts = [q for q in session.questions if q.kind is QuestionKind.text]
        for n, rater in enumerate(raters):
            services.submit_feedback(session, db.session.get(User, rater.id),
                                     scores={q.id: 3 + (n + i) % 3 for i, q in enumerate(ratings)},
                                     texts={texts[0].id: f"Open answer number {n + 1}"},
                                     intents={"would_host_interns": Intent.yes})
            db.session.commit()
        session_id = session.id
    sign_in(provider.email, PASSWORD)
    page.goto(f"{live_server}/events/{session_id}")
    page.get_by_role("link", name="Scorecard").click()
    expect(page.get_by_role("heading", name="Maintenance technician associate: feedback")).to_be_visible()
    expect(page.get_by_text("anonymous", exact=True)).to_be_visible()
    expect(page.get_by_role("img", name="Average score per question (out of 5)")).to_be_visible()
    table = page.get_by_role("table", name="Scores per question (1 = poor, 5 = excellent)")
    expect(table.get_by_role("row", name=re.compile("Fit with our talent needs"))).to_contain_text("4.0")
    expect(page.get_by_text("Open answer number 2")).to_be_visible()
    for rater in raters:
        expect(page.get_by_text(rater.name)).to_have_count(0)
    expect(page.get_by_role("heading", name=re.compile("Not yet responded"))).to_have_count(0)


def test_a_manager_creates_a_site_visit_in_local_time(page, live_server, app, sign_in, manager):
    sign_in(manager.email, PASSWORD)
    page.goto(f"{live_server}/events/")
    page.get_by_role("link", name="Create an event").click()
    page.get_by_label("Title").fill("Our welding bay")
    page.get_by_label("Starts").fill("2031-06-10T09:00")
    page.get_by_label("Ends").fill("2031-06-10T11:30")
    page.get_by_label("Time zone").select_option("America/Denver")
    page.get_by_label("Address").fill("12 Foundry Road")
    page.get_by_label("Capacity").fill("0")
    page.get_by_role("button", name="Publish the event").click()
    expect(page.get_by_text("Number must be between 1 and 10000.")).to_be_visible()
    expect(page.get_by_label("Title")).to_have_value("Our welding bay")
    page.get_by_label("Capacity").fill("8")
    page.get_by_label("Attendees confirm when they RSVP").fill("I will wear long sleeves")
    page.get_by_role("button", name="Publish the event").click()
    expect(page.get_by_text("The event is published.")).to_be_visible()
    expect(page.get_by_role("heading", name="Our welding bay")).to_be_visible()
    expect(page.get_by_text("Tue, Jun 10, 2031, 9:00 AM – 11:30 AM MDT")).to_be_visible()
    expect(page.get_by_text("Tue, Jun 10, 2031, 10:00 AM – 12:30 PM CDT in your time zone")).to_be_visible()
    with app.app_context():
        event = db.session.scalar(sa.select(Event).where(Event.title == "Our welding bay"))
        assert event.starts_at.isoformat() == "2031-06-10T15:00:00+00:00"
        assert event.host_org_id == manager.organization.id


AXE = (Path(__file__).parent / "vendor" / "axe.min.js").read_text()
RUN_AXE = """async () => {
  const result = await axe.run(document, {runOnly: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']});
  return result.violations.map(v => `${v.id}: ${v.help} ${v.nodes.slice(0, 2).map(n => n.target.join(' '))}`);
}"""


def test_event_pages_have_no_wcag_violations(page, live_server, app, sign_in, facilitator, manager, make_user,
                                            make_org):
    visit = _site_visit(app, manager.organization, manager, capacity=1, title="Accessible visit")
    attendee = make_user(name="Ada Attendee")
    _rsvp(app, visit, attendee)
    _rsvp(app, visit, make_user(name="Walt Waiting"))
    college = make_org("Axe College", kind=OrgKind.training_provider, industry="Education")
    with app.app_context():
        starts = utcnow() + timedelta(days=2)
        session = services.create_event(db.session.get(User, facilitator.id), kind=EventKind.feedback_session,
                                        title="Accessible session", starts_at=starts, timezone=ZONE, capacity=5,
                                        ends_at=starts + timedelta(hours=2),
                                        host_org=db.session.get(Organization, college.id))
        db.session.commit()
        services.rsvp(session, db.session.get(User, attendee.id))
        db.session.commit()
        session.starts_at, session.ends_at = utcnow() - timedelta(hours=3), utcnow() - timedelta(hours=1)
        db.session.commit()
        ratings = [q for q in session.questions if q.kind is QuestionKind.rating]
        services.submit_feedback(session, db.session.get(User, attendee.id), scores={q.id: 4 for q in ratings},
                                 texts={}, intents={"would_hire_graduates": Intent.maybe})
        db.session.commit()
        session_id = session.id
        series = services.create_series(
            db.session.get(User, facilitator.id), Repeat("weekly", (starts + timedelta(days=20)).date()),
            kind=EventKind.site_visit, title="Accessible weekly visit", starts_at=starts,
            ends_at=starts + timedelta(hours=1), timezone=ZONE, capacity=5,
            host_org=db.session.get(Organization, manager.organization.id), address="1 Main St",
            acknowledgements="I will wear safety shoes")
        db.session.commit()
        series_date = series.events[0].id
    sign_in(facilitator.email, PASSWORD)
    month = utcnow().strftime("%Y-%m")
    for path in ["/events/", "/events/past", "/events/mine", f"/events/calendar?month={month}", "/events/new",
                 "/events/subscribe", f"/events/{visit}", f"/events/{visit}/edit", f"/events/{visit}/attendees",
                 f"/events/{session_id}", f"/events/{session_id}/attendees", f"/events/{session_id}/questions",
                 f"/events/{session_id}/scorecard", f"/events/{session_id}/response", f"/events/{session_id}/recap",
                 f"/events/{series_date}"]:
        response = page.goto(f"{live_server}{path}")
        assert response.status < 400, path
        page.evaluate(AXE)
        assert page.evaluate(RUN_AXE) == [], path
    page.get_by_role("button", name="Sign out").click()
    sign_in(attendee.email, PASSWORD)
    for path in [f"/events/{visit}", f"/events/{session_id}", f"/events/{session_id}/feedback",
                 f"/events/{series_date}"]:
        page.goto(f"{live_server}{path}")
        page.evaluate(AXE)
        assert page.evaluate(RUN_AXE) == [], path
