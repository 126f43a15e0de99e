"""Small screens: no page scrolls sideways from 320 to 1440 px, the phone header stays compact with a
working Menu disclosure, and the month calendar becomes an agenda on a phone."""

import re
from datetime import timedelta

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from cop.demo.logins import DEMO_PASSWORD, demo_email
from cop.extensions import db
from tests.conftest import PASSWORD

pytestmark = pytest.mark.browser

WIDTHS = (320, 390, 768, 1280, 1440)
DEMO_FACILITATOR, DEMO_MEMBER = demo_email("facilitator"), demo_email("member")


@pytest.fixture
def demo(app, runner):
    """The demo community: real names, long titles and all 32 program profiles."""
    result = runner.invoke(args=["seed-demo"])
    assert result.exit_code == 0, result.output
    from cop.discussions.models import Thread
    from cop.events.models import Event
    from cop.orgs.models import Organization
    from cop.practices.models import Practice, PracticeStatus
    from cop.programs.models import Program

    with app.app_context():
        practice = db.session.scalar(sa.select(Practice.id).where(Practice.status == PracticeStatus.published)
                                     .order_by(sa.func.length(Practice.title).desc()).limit(1))
        thread = db.session.scalar(sa.select(Thread.id).order_by(Thread.reply_count.desc()).limit(1))
        event = db.session.scalar(sa.select(Event.id).where(Event.per_org_cap.is_not(None)).limit(1))
        org = db.session.scalar(sa.select(Organization.slug).order_by(sa.func.length(Organization.name).desc()))
        programs = db.session.scalars(sa.select(Program.id).order_by(Program.id).limit(3)).all()
        series_date = db.session.scalar(sa.select(Event.id).where(Event.series_id.is_not(None)).limit(1))
    compare = "&".join(f"ids={i}" for i in programs)
    return ["/", "/practices/", f"/practices/{practice}", "/discussions/", f"/discussions/{thread}", "/events/",
            f"/events/{event}", "/events/calendar", "/programs/", f"/programs/{programs[0]}",
            f"/programs/compare?{compare}", "/programs/compare", "/members/", "/orgs/", f"/orgs/{org}",
            "/search/?q=mentor", "/notifications/", "/auth/settings", "/messages/",
            f"/events/{series_date}", "/privacy/export", "/privacy/delete", "/sso/"]


def test_no_main_page_scrolls_sideways(page, live_server, demo, sign_in):
    wide = []
    for email in (DEMO_MEMBER, DEMO_FACILITATOR):
        page.set_viewport_size({"width": 1280, "height": 800})
        sign_in(email, DEMO_PASSWORD)
        for width in WIDTHS:
            page.set_viewport_size({"width": width, "height": 800})
            for path in demo:
                response = page.goto(f"{live_server}{path}")
                assert response.status < 400, path
                scroll, inner = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
                if scroll > inner:
                    wide.append(f"{email} {width}px {path}: {scroll}px")
        page.get_by_role("button", name="Sign out").click()
    assert wide == []


def test_phone_header_is_compact_and_its_menu_works(page, live_server, member, sign_in):
    sign_in(member.email, PASSWORD)
    page.set_viewport_size({"width": 390, "height": 800})
    page.goto(f"{live_server}/")
    header = page.locator("header.site-header")
    assert header.bounding_box()["height"] <= 80
    main_nav = page.get_by_role("navigation", name="Main")
    expect(main_nav).to_be_hidden()
    page.locator("summary", has_text="Menu").click()
    expect(main_nav).to_be_visible()
    expect(page.get_by_label("Search the community")).to_be_visible()
    main_nav.get_by_role("link", name="Events").click()
    expect(page.get_by_role("heading", name="Events", exact=True)).to_be_visible()
    expect(main_nav).to_be_hidden()
    page.locator("summary", has_text="Menu").click()
    page.get_by_role("link", name="Settings").click()
    expect(page).to_have_url(re.compile(r"/auth/settings$"))

    # On a wide screen the same navigation shows in the header row, without a Menu button.
    page.set_viewport_size({"width": 1280, "height": 800})
    page.goto(f"{live_server}/")
    expect(page.get_by_role("navigation", name="Main").get_by_role("link", name="Library")).to_be_visible()
    expect(page.locator("summary", has_text="Menu")).to_be_hidden()
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()


def test_month_calendar_is_an_agenda_on_a_phone(app, page, live_server, member, sign_in):
    from cop.events import services
    from cop.events.models import EventKind
    from cop.extensions import utcnow
    from cop.text import zone

    starts = utcnow() + timedelta(hours=2)
    with app.app_context():
        services.create_event(None, kind=EventKind.roundtable, title="Evening roundtable on mentors",
                              starts_at=starts, ends_at=starts + timedelta(hours=1), timezone="America/Chicago",
                              capacity=10)
        db.session.commit()
    month = f"{starts.astimezone(zone(member.timezone)):%Y-%m}"
    sign_in(member.email, PASSWORD)
    page.set_viewport_size({"width": 390, "height": 800})
    page.goto(f"{live_server}/events/calendar?month={month}")
    agenda = page.get_by_role("region", name=re.compile(r"\d{4}"))
    expect(agenda).to_be_visible()
    expect(agenda.get_by_role("link", name=re.compile("Evening roundtable on mentors"))).to_be_visible()
    expect(page.get_by_role("table")).to_be_hidden()
    assert page.evaluate("getComputedStyle(document.querySelector('.month-wrap')).display") == "none"
    agenda.get_by_role("link", name=re.compile("Evening roundtable on mentors")).click()
    expect(page.get_by_role("heading", name="Evening roundtable on mentors")).to_be_visible()

    page.set_viewport_size({"width": 1280, "height": 800})
    page.goto(f"{live_server}/events/calendar?month={month}")
    expect(page.get_by_role("table")).to_be_visible()
    expect(page.get_by_role("table").get_by_role("link", name=re.compile("Evening roundtable"))).to_be_visible()
    assert page.evaluate("getComputedStyle(document.querySelector('.month-agenda')).display") == "none"
