"""Every main page passes axe-core's WCAG 2.1 A/AA checks in a real browser (axe is vendored, MPL-2.0)."""

from pathlib import Path

import pytest

from tests.conftest import PASSWORD

pytestmark = pytest.mark.browser

AXE = (Path(__file__).parent / "vendor" / "axe.min.js").read_text()
RUN_AXE = """async () => {
  const result = await axe.run(document, {runOnly: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']});
  return result.violations.map(v => `${v.id}: ${v.help} (${v.nodes.length}) ${v.nodes.slice(0, 2).map(n => n.target.join(' ')).join(' | ')}`);
}"""


def violations(page):
    page.evaluate(AXE)
    return page.evaluate(RUN_AXE)


@pytest.fixture
def make_practice_for_axe(app, member):
    import sqlalchemy as sa

    from cop.extensions import db
    from cop.practices import services
    from cop.practices.models import Topic

    with app.app_context():
        author = db.session.merge(member)
        topics = db.session.scalars(sa.select(Topic).limit(2)).all()
        practice = services.create_practice(
            author, title="Accessible practice", summary="A summary.", publish=True,
            body="## Heading\n\n- a list\n\n| a | b |\n| --- | --- |\n| 1 | 2 |\n\n[link](https://example.org)",
            classification=services.Classification(topics=topics, industries=["Healthcare"]))
        db.session.commit()
        return practice.id


PUBLIC_PAGES = ["/", "/auth/signin", "/auth/join", "/auth/reset", "/sso/"]
MEMBER_PAGES = ["/", "/practices/", "/practices/PRACTICE", "/practices/PRACTICE/edit", "/practices/new",
                "/practices/topics/", "/practices/topics/staffing", "/practices/PRACTICE/history",
                "/competencies/", "/competencies/communication", "/members/", "/orgs/", "/members/ME",
                "/auth/settings", "/auth/settings/password", "/notifications/", "/search/?q=practice",
                "/orgs/ORG", "/orgs/ORG/invitations", "/members/requests", "/privacy/export", "/privacy/delete",
                "/sso/orgs/ORG", "/webhooks/"]


def test_public_pages_have_no_wcag_violations(page, live_server):
    for path in PUBLIC_PAGES:
        page.goto(f"{live_server}{path}")
        assert violations(page) == [], path


def test_member_pages_have_no_wcag_violations(page, live_server, facilitator, make_practice_for_axe, sign_in):
    sign_in(facilitator.email, PASSWORD)
    for path in MEMBER_PAGES:
        url = (path.replace("PRACTICE", str(make_practice_for_axe)).replace("ME", str(facilitator.id))
               .replace("ORG", facilitator.organization.slug))
        response = page.goto(f"{live_server}{url}")
        assert response.status < 400, url
        assert violations(page) == [], url


def test_a_private_conversation_is_accessible_and_fits_a_phone(app, page, live_server, make_user, sign_in):
    """Written from a profile in the browser, then read at 320 px by the person it was sent to."""
    sender, reader = make_user(name="Sena Sender"), make_user(name="Reid Reader")
    sign_in(sender.email, PASSWORD)
    page.goto(f"{live_server}/members/{reader.id}")
    assert violations(page) == [], "profile"
    page.get_by_role("link", name="Send Reid Reader a message").click()
    assert violations(page) == [], "new message"
    page.get_by_label("Subject").fill("Mentor stipends")
    page.get_by_label("Message").fill("Do you pay **mentors** a stipend?")
    page.get_by_role("button", name="Send").click()
    assert "Do you pay" in page.content() and violations(page) == [], "conversation"
    page.get_by_role("button", name="Sign out").click()
    page.set_viewport_size({"width": 320, "height": 700})
    sign_in(reader.email, PASSWORD)
    page.goto(f"{live_server}/messages/")
    assert violations(page) == [], "inbox"
    page.get_by_role("link", name="Unread: Mentor stipends").click()
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    assert violations(page) == [], "conversation on a phone"
