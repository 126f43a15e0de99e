"""A member asks, a second member answers and is @mentioned back, the asker marks the answer; both see the
right notifications and e-mails. A facilitator hides a flagged reply and members no longer see it."""

import re

import pytest
from playwright.sync_api import expect

from tests.conftest import PASSWORD, mail_text

pytestmark = pytest.mark.browser

QUESTION = "Which business unit pays for transportation?"


def sign_out(page):
    page.get_by_role("button", name="Sign out").click()


def test_question_answer_mention_and_notifications(page, live_server, make_user, sign_in, outbox):
    asker = make_user(name="Ava Asker", email="ava@example.org")
    helper = make_user(name="Ben Builder", email="ben@example.org")

    sign_in(asker.email, PASSWORD)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Discussions").click()
    page.get_by_role("link", name="Start a thread").click()
    page.get_by_label("Title").fill(QUESTION)
    page.get_by_label("A question: I'm looking for an answer").check()
    page.get_by_label("Category").select_option(label="Budget and funding")
    page.get_by_label("Your post").fill("Our interns need **bus passes**. Does HR pay, or the plant?")
    page.get_by_role("button", name="Post").click()
    expect(page.get_by_text("Your question is posted.")).to_be_visible()
    expect(page.get_by_role("heading", name=QUESTION)).to_be_visible()
    expect(page.get_by_text("Not answered yet")).to_be_visible()
    sign_out(page)

    sign_in(helper.email, PASSWORD)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Discussions").click()
    expect(page.get_by_role("listitem").filter(has_text=QUESTION).get_by_text("Unread")).to_be_visible()
    page.get_by_role("link", name=QUESTION).click()
    page.get_by_label("Your reply").fill("The plant's operations budget pays for ours: it's cheaper than overtime.")
    page.get_by_role("button", name="Post reply").click()
    expect(page.get_by_text("Your reply is posted.")).to_be_visible()
    expect(page.get_by_text("cheaper than overtime")).to_be_visible()
    sign_out(page)

    sign_in(asker.email, PASSWORD)
    account = page.get_by_role("navigation", name="Account")
    expect(account.get_by_role("link", name=re.compile(r"Notifications\s*1 unread"))).to_be_visible()
    account.get_by_role("link", name=re.compile("Notifications")).click()
    page.get_by_role("button", name=f"Unread: Ben Builder answered your question “{QUESTION}”").click()
    expect(page.get_by_role("heading", name=QUESTION)).to_be_visible()
    expect(account.get_by_text("unread")).to_have_count(0)

    page.get_by_role("link", name="Reply to Ben Builder").click()
    expect(page.get_by_role("heading", name="Reply to Ben Builder")).to_be_visible()
    page.get_by_label("Your reply").fill("Thanks @Ben.Builder! Did you need a separate cost center?")
    page.get_by_role("button", name="Post reply").click()
    mention = page.get_by_role("link", name="@Ben.Builder")
    expect(mention).to_have_attribute("href", f"/members/{helper.id}")

    page.get_by_role("article", name="Reply by Ben Builder").get_by_role("button", name="Mark as answer").click()
    expect(page.get_by_text("Ben Builder's reply is marked as the answer.")).to_be_visible()
    expect(page.get_by_role("heading", name="✓ The answer, from Ben Builder")).to_be_visible()
    sign_out(page)

    sign_in(helper.email, PASSWORD)
    account.get_by_role("link", name=re.compile(r"Notifications\s*2 unread")).click()
    expect(page.get_by_role("button", name=f"Unread: Ava Asker mentioned you in “{QUESTION}”")).to_be_visible()
    expect(page.get_by_role("button", name=f"Unread: Ava Asker marked your reply as the answer to “{QUESTION}”")
           ).to_be_visible()
    page.get_by_role("button", name=re.compile("mentioned you")).click()
    expect(page.get_by_text("Did you need a separate cost center?")).to_be_visible()
    expect(page.locator(".reply.is-answer").get_by_text("cheaper than overtime")).to_be_visible()

    page.goto(f"{live_server}/discussions/?show=unanswered")
    expect(page.get_by_role("link", name=QUESTION)).to_have_count(0)

    asker_mail = [m["Subject"] for m in outbox(asker.email)]
    helper_mail = outbox(helper.email)
    assert asker_mail == [f"Ben Builder answered your question “{QUESTION}”"]
    assert [m["Subject"] for m in helper_mail] == [f"Ava Asker mentioned you in “{QUESTION}”",
                                                  f"Ava Asker marked your reply as the answer to “{QUESTION}”"]
    for message in helper_mail:
        assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
        assert "/notifications/unsubscribe/" in mail_text(message)


def test_flagged_reply_is_hidden_from_members(page, live_server, make_user, facilitator, sign_in):
    page.on("dialog", lambda dialog: dialog.accept())
    asker = make_user(name="Ava Asker", email="ava@example.org")
    spammer = make_user(name="Sly Seller", email="sly@example.org")
    sign_in(asker.email, PASSWORD)
    page.goto(f"{live_server}/discussions/new")
    page.get_by_label("Title").fill("Who runs your onboarding?")
    page.get_by_label("A discussion: I want to compare notes").check()
    page.get_by_label("Category").select_option(label="Staffing")
    page.get_by_label("Your post").fill("Curious how others split onboarding between HR and the floor.")
    page.get_by_role("button", name="Post").click()
    thread_url = page.url
    sign_out(page)

    sign_in(spammer.email, PASSWORD)
    page.goto(thread_url)
    page.get_by_label("Your reply").fill("Buy my onboarding course at cheap-courses.example!")
    page.get_by_role("button", name="Post reply").click()
    sign_out(page)

    sign_in(asker.email, PASSWORD)
    page.goto(thread_url)
    page.get_by_role("link", name="Flag reply by Sly Seller").click()
    page.get_by_label("Spam or advertising").check()
    page.get_by_role("button", name="Send to the facilitators").click()
    expect(page.get_by_text("Thank you. A facilitator will look at it.")).to_be_visible()
    sign_out(page)

    sign_in(facilitator.email, PASSWORD)
    page.goto(f"{live_server}/discussions/moderation")
    item = page.get_by_role("listitem").filter(has_text="cheap-courses.example")
    expect(item.get_by_text("Spam or advertising")).to_be_visible()
    item.get_by_role("button", name="Hide reply").click()
    expect(page.get_by_text("The reply is hidden from members.")).to_be_visible()
    expect(page.get_by_text("No open flags")).to_be_visible()
    page.get_by_role("link", name="Moderation log").click()
    expect(page.get_by_role("cell", name="Hide reply")).to_be_visible()
    sign_out(page)

    sign_in(asker.email, PASSWORD)
    page.goto(thread_url)
    expect(page.get_by_text("Curious how others split onboarding")).to_be_visible()
    expect(page.get_by_text("cheap-courses.example")).to_have_count(0)
    expect(page.get_by_role("heading", name="0 replies")).to_be_visible()
