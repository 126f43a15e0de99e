"""A member publishes a practice and finds it at once from the header's search box."""

import pytest
from playwright.sync_api import expect

from tests.conftest import PASSWORD

pytestmark = pytest.mark.browser


def test_find_a_just_published_practice_by_a_body_word(page, live_server, member, sign_in):
    sign_in(member.email, PASSWORD)
    page.goto(f"{live_server}/practices/new")
    page.get_by_label("Title").fill("Emergency fund for apprentices")
    page.get_by_label("Summary").fill("A small fund that keeps apprentices from dropping out over one bill.")
    page.get_by_label("The practice").fill("We keep a **microgrant** pool of $5,000 a year for car repairs and rent gaps.")
    page.get_by_role("group", name="Topics").get_by_label("Wrap-around supports and retention").check()
    page.get_by_role("button", name="Publish").click()
    expect(page.get_by_text("Your practice is published.")).to_be_visible()

    search_box = page.get_by_label("Search the community", exact=True)
    search_box.fill("microgrant")
    search_box.press("Enter")
    result = page.get_by_role("link", name="Emergency fund for apprentices")
    expect(result).to_be_visible()
    expect(page.locator(".snippet mark", has_text="microgrant")).to_be_visible()
    expect(page.get_by_label("Search for")).to_have_value("microgrant")
    result.click()
    expect(page.get_by_role("heading", name="Emergency fund for apprentices")).to_be_visible()
