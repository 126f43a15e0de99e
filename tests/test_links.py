"""Every link that leaves the site (reset, invitation, notification e-mails, calendar files, feeds) starts
with COP_BASE_URL, whatever Host header the request that caused it carried."""

import re
from datetime import timedelta

import feedparser
import icalendar
import pytest
import sqlalchemy as sa

from cop.discussions.models import ThreadKind
from cop.extensions import db, utcnow
from tests.conftest import FormClient, made_in, mail_text

BASE = "https://cop.example"  # TestConfig's COP_BASE_URL
FORGED = "evil.example"
LINK = re.compile(r"https?://[^\s\"<>]+")


class ForgedHostClient(FormClient):
    """A client whose every request names another host, as `curl -H 'Host: evil.example'` would."""

    def open(self, *args, **kwargs):
        kwargs.setdefault("base_url", f"http://{FORGED}")
        return super().open(*args, **kwargs)


@pytest.fixture
def forged(app):
    app.test_client_class = ForgedHostClient
    client = app.test_client()
    app.test_client_class = FormClient
    return client


def links_in(text: str) -> list[str]:
    found = LINK.findall(text)
    assert found, "expected links in: " + text[:300]
    return found


def assert_all_on_the_site(links):
    for link in links:
        assert link.startswith(BASE + "/"), link


def test_a_reset_link_asked_for_under_a_forged_host_points_at_the_site(app, forged, member, outbox):
    assert app.config["COP_BASE_URL"] == BASE
    response = forged.post_form("/auth/reset", {"email": member.email})
    assert response.status_code == 200
    [message] = outbox(member.email)
    [link] = [link for link in links_in(mail_text(message)) if "/auth/reset/" in link]
    assert link.startswith(f"{BASE}/auth/reset/")
    assert FORGED not in mail_text(message)


def test_an_invitation_sent_under_a_forged_host_points_at_the_site(app, forged, manager, login, outbox):
    login(manager, client=forged)
    slug = manager.organization.slug
    response = forged.post_form(f"/orgs/{slug}/invitations", {"email": "teammate@example.org", "role": "member",
                                                              "message": "Join us!"}, page=f"/orgs/{slug}/invitations")
    assert response.status_code == 302
    [message] = outbox("teammate@example.org")
    links = links_in(mail_text(message))
    assert any(link.startswith(f"{BASE}/auth/invitations/") for link in links)
    assert_all_on_the_site(links)


def test_a_notification_email_caused_under_a_forged_host_points_at_the_site(app, forged, member, make_user,
                                                                            login, outbox):
    from cop.discussions import services as discussions

    with made_in(app) as finish:
        author = db.session.merge(member)
        thread = discussions.create_thread(author, title="Who pays for bus passes?", body="Ours are costly.",
                                           kind=ThreadKind.question,
                                           category=discussions.category_for("budget-and-funding"))
        db.session.commit()
        thread = finish(thread)
    helper = make_user(name="Hana Helper")
    login(helper, client=forged)
    path = f"/discussions/{thread.id}"
    assert forged.post_form(f"{path}/reply", {"body": "HR pays."}, page=path).status_code == 302
    [message] = outbox(member.email)
    links = links_in(mail_text(message))
    assert any(link.startswith(f"{BASE}/discussions/{thread.id}") for link in links)
    assert_all_on_the_site(links)
    assert_all_on_the_site([message["List-Unsubscribe"].strip("<>")])


def test_calendar_files_and_the_rsvp_mail_point_at_the_site(app, forged, facilitator, member, login, outbox):
    from cop.events import services as events
    from cop.events.models import EventKind

    with made_in(app) as finish:
        starts = utcnow().replace(second=0, microsecond=0) + timedelta(days=7)
        event = events.create_event(db.session.merge(facilitator), kind=EventKind.feedback_session,
                                    title="Provider feedback", starts_at=starts, ends_at=starts + timedelta(hours=1),
                                    timezone="America/Chicago", capacity=5, address="Room 4")
        db.session.commit()
        event = finish(event)
    login(member, client=forged)
    page = f"/events/{event.id}"
    assert forged.post_form(f"{page}/rsvp", {}, page=page).status_code == 302
    [message] = outbox(member.email)
    assert_all_on_the_site(links_in(mail_text(message)))
    attached = [part.get_content() for part in message.iter_attachments()]
    downloaded = forged.get(f"{page}/calendar.ics").get_data(as_text=True)
    feed_page = forged.get("/events/subscribe").get_data(as_text=True)
    [feed_url] = re.findall(r'value="([^"]+\.ics)"', feed_page)
    assert feed_url.startswith(f"{BASE}/events/calendar/")
    feed = forged.get(feed_url.removeprefix(BASE)).get_data(as_text=True)
    for text in [*attached, downloaded, feed]:
        if isinstance(text, bytes):
            text = text.decode()
        [component] = icalendar.Calendar.from_ical(text).events
        assert str(component["URL"]) == f"{BASE}/events/{event.id}"
        assert FORGED not in text


def test_atom_feeds_read_under_a_forged_host_link_to_the_site(app, forged, member, login):
    from cop.discussions import services as discussions
    from cop.practices import services as library
    from cop.practices.models import Topic

    with made_in(app):
        author = db.session.merge(member)
        topics = db.session.scalars(sa.select(Topic).where(Topic.slug == "staffing")).all()
        library.create_practice(author, title="Staffing the coordinator role", summary="One coordinator.",
                                body="Why.", publish=True, classification=library.Classification(topics=topics))
        discussions.create_thread(author, title="Who pays for bus passes?", body="Ours are costly.",
                                  kind=ThreadKind.question,
                                  category=discussions.category_for("budget-and-funding"))
        db.session.commit()
    login(member, client=forged)
    page = forged.get("/practices/feeds").get_data(as_text=True)
    practice_feed = next(url for url in re.findall(r'value="([^"]+\.atom)"', page) if "/practices/feed/" in url)
    assert practice_feed.startswith(f"{BASE}/practices/feed/")
    token = practice_feed.rsplit("/", 1)[-1].removesuffix(".atom")
    anonymous = app.test_client()
    anonymous.__class__ = ForgedHostClient
    for path in [f"/practices/feed/{token}.atom", f"/practices/topics/staffing/feed/{token}.atom",
                 f"/discussions/feed/{token}.atom"]:
        body = anonymous.get(path).get_data(as_text=True)
        parsed = feedparser.parse(body)
        assert not parsed.bozo and parsed.entries, path
        links = [link["href"] for link in parsed.feed.links] + [entry.link for entry in parsed.entries]
        links += [entry.id for entry in parsed.entries] + [parsed.feed.id]
        assert_all_on_the_site(links)
        assert FORGED not in body, path
