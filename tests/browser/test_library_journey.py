"""A member writes, previews, publishes, finds, edits and restores a practice; hostile Markdown runs nothing."""

import re

import pytest
from playwright.sync_api import expect

from tests.conftest import PASSWORD

pytestmark = pytest.mark.browser

BODY = """## How we staff it

Our coordinator works **half time** on the program.

- Intake in August
- Placements in September

| Role | Hours a week |
| --- | --- |
| Coordinator | 20 |
| Supervisor | 3 |

See the [state apprenticeship guide](https://apprenticeship.example/guide).
"""


def test_write_preview_publish_find_edit_and_restore(page, live_server, member, sign_in):
    sign_in(member.email, PASSWORD)
    page.get_by_role("link", name="Library").click()
    page.get_by_role("link", name="Share a practice").click()
    page.get_by_label("Title").fill("A half-time coordinator for twelve interns")
    page.get_by_label("Summary").fill("One coordinator at half time carries intake, placement and check-ins.")
    page.get_by_label("The practice").fill(BODY)
    page.get_by_role("group", name="Topics").get_by_label("Staffing").check()
    page.get_by_role("group", name="Program types").get_by_label("Internship").check()
    page.get_by_role("group", name="Student level").get_by_label("College").check()
    page.get_by_role("group", name="Industries").get_by_label("Financial Services").check()
    page.get_by_label("Tags").fill("coordinator, half-time")

    page.get_by_role("button", name="Preview").click()
    preview = page.get_by_role("region", name="Preview")
    expect(preview.get_by_role("heading", name="How we staff it")).to_be_visible()
    expect(preview.get_by_role("cell", name="Coordinator")).to_be_visible()
    expect(page.get_by_label("Title")).to_have_value("A half-time coordinator for twelve interns")

    page.get_by_role("button", name="Publish").click()
    expect(page.get_by_text("Your practice is published.")).to_be_visible()
    expect(page.get_by_role("heading", name="A half-time coordinator for twelve interns")).to_be_visible()
    link = page.get_by_role("link", name="state apprenticeship guide")
    expect(link).to_have_attribute("rel", "nofollow noopener noreferrer")
    practice_url = page.url

    page.goto(f"{live_server}/practices/")
    page.get_by_label("Topic", exact=True).select_option(label="Staffing")
    page.get_by_label("Program type").select_option(label="Internship")
    page.get_by_label("Student level").select_option(label="College")
    page.get_by_label("Industry").select_option(label="Financial Services")
    page.get_by_role("button", name="Apply").click()
    expect(page.get_by_role("link", name="A half-time coordinator for twelve interns")).to_be_visible()
    page.get_by_label("Program type").select_option(label="Apprenticeship")
    page.get_by_role("button", name="Apply").click()
    expect(page.get_by_text("No practice matches these filters yet.")).to_be_visible()

    page.goto(f"{live_server}/practices/topics/staffing")
    expect(page.get_by_role("link", name="A half-time coordinator for twelve interns")).to_be_visible()
    page.goto(f"{live_server}/orgs/{member.organization.slug}")
    expect(page.get_by_role("link", name="A half-time coordinator for twelve interns")).to_be_visible()

    page.goto(practice_url)
    page.get_by_role("link", name="Edit").click()
    page.get_by_label("The practice").fill(BODY.replace("**half time**", "**full time**"))
    page.get_by_label("What changed (optional)").fill("Coordinator went full time")
    page.get_by_role("button", name="Save changes").click()
    expect(page.get_by_text("full time", exact=True)).to_be_visible()

    page.get_by_role("link", name="History").click()
    page.get_by_role("button", name="Compare selected revisions").click()
    expect(page.locator("ins", has_text="full")).to_be_visible()
    page.get_by_role("button", name="Restore revision 1").click()
    expect(page.get_by_text("Revision 1 is restored as the current version.")).to_be_visible()
    expect(page.get_by_text("half time", exact=True)).to_be_visible()


HOSTILE = """## Innocent heading

<script>window.__pwned = 'script'; alert('script')</script>

<img src="/nope.png" onerror="window.__pwned = 'onerror'; alert('img')">

[Click for the guide](javascript:window.__pwned='link';alert('link'))

<iframe src="javascript:parent.__pwned='iframe'"></iframe>

<a href="#" onclick="window.__pwned='onclick'">a plain link</a>

<div style="position:fixed;top:0;left:0;width:100%;height:100%;background:red">overlay</div>
"""


def test_hostile_markdown_runs_nothing_in_a_real_browser(page, live_server, member, make_user, sign_in):
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    sign_in(member.email, PASSWORD)
    page.goto(f"{live_server}/practices/new")
    page.get_by_label("Title").fill("Hostile practice")
    page.get_by_label("Summary").fill("Tries every trick.")
    page.get_by_label("The practice").fill(HOSTILE)
    page.get_by_role("group", name="Topics").get_by_label("Policy and barriers").check()
    page.get_by_role("button", name="Preview").click()
    expect(page.get_by_role("heading", name="Innocent heading")).to_be_visible()
    page.get_by_role("button", name="Publish").click()
    expect(page.get_by_role("heading", name="Hostile practice")).to_be_visible()
    practice_url = page.url

    reader = make_user(name="Careful Reader")
    page.get_by_role("button", name="Sign out").click()
    sign_in(reader.email, PASSWORD)
    page.goto(practice_url)
    body = page.locator(".practice-body")
    expect(body.get_by_role("heading", name="Innocent heading")).to_be_visible()
    body.get_by_text("Click for the guide").click()
    body.get_by_text("a plain link").click()
    page.wait_for_timeout(300)
    assert page.evaluate("window.__pwned") is None
    assert dialogs == []
    assert body.locator("iframe, script, [onerror], [onclick], [style]").count() == 0
    overlay_position = page.evaluate("getComputedStyle(document.querySelector('.practice-body div') || document.body).position")
    assert overlay_position != "fixed"
    assert re.search(r"/practices/\d+", page.url)
