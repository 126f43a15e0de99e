"""A newcomer asks to join, a facilitator approves, and the new member signs in and sees the community."""

import re

import pytest
from playwright.sync_api import expect

from tests.conftest import PASSWORD

pytestmark = pytest.mark.browser


def test_request_to_join_approval_and_first_sign_in(page, live_server, facilitator, make_org, sign_in, outbox):
    make_org("Crestline Fabrication", industry="Advanced Manufacturing")

    page.goto(live_server)
    page.get_by_role("link", name="Request to join").first.click()
    page.get_by_label("Your name").fill("Priya Raman")
    page.get_by_label("Work e-mail").fill("priya.raman@crestline.example")
    page.get_by_label("Your organization").select_option(label="Crestline Fabrication")
    page.get_by_label("What brings you to the community?").fill("I am starting a welding youth apprenticeship.")
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_label("Repeat the password").fill(PASSWORD)
    page.get_by_role("button", name="Send my request").click()
    expect(page.get_by_role("heading", name="Thanks, your request is on its way")).to_be_visible()

    # Not approved yet: signing in explains why, and community pages stay closed.
    sign_in("priya.raman@crestline.example", PASSWORD)
    expect(page.get_by_text("waiting for a facilitator")).to_be_visible()
    page.goto(f"{live_server}/members/")
    expect(page).to_have_url(re.compile(r"/auth/signin"))

    sign_in(facilitator.email, PASSWORD)
    page.get_by_role("link", name=re.compile("Requests")).first.click()
    expect(page.get_by_text("I am starting a welding youth apprenticeship.")).to_be_visible()
    page.get_by_role("button", name="Approve Priya Raman").click()
    expect(page.get_by_text("Priya Raman is now a member.")).to_be_visible()
    page.get_by_role("button", name="Sign out").click()

    assert any("Welcome" in m["Subject"] for m in outbox("priya.raman@crestline.example"))
    sign_in("priya.raman@crestline.example", PASSWORD)
    expect(page.get_by_role("heading", name="Welcome back, Priya")).to_be_visible()
    page.get_by_role("link", name="Members").click()
    expect(page.get_by_role("main").get_by_role("link", name="Priya Raman")).to_be_visible()
    page.get_by_role("link", name="Organizations").click()
    page.get_by_role("link", name="Crestline Fabrication").click()
    expect(page.get_by_role("heading", name="Crestline Fabrication")).to_be_visible()
    expect(page.get_by_role("main").get_by_role("link", name="Priya Raman")).to_be_visible()


def test_pages_work_with_keyboard_and_have_a_skip_link(page, live_server, member, sign_in):
    sign_in(member.email, PASSWORD)
    expect(page.get_by_role("heading", name="Welcome back, Maria")).to_be_visible()
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Skip to main content")
    expect(skip).to_be_focused()
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile("#main$"))
