"""A facilitator connects a company's identity provider, and one of its people signs in with it in Chromium:
the real OpenID Connect round trip (discovery, authorization code with PKCE, token, userinfo, JWKS) against
the test provider of tests/oidc_provider.py."""

import re

import pytest
from playwright.sync_api import expect

from tests.conftest import PASSWORD
from tests.oidc_provider import Provider

pytestmark = pytest.mark.browser


@pytest.fixture
def provider():
    running = Provider().start()
    yield running
    running.stop()


def test_a_facilitator_connects_the_provider_and_an_employee_signs_in_with_it(
        app, page, live_server, provider, facilitator, make_org, sign_in):
    app.config["COP_BASE_URL"] = live_server  # the provider sends the browser back to this address
    make_org("Crestline Fabrication")

    sign_in(facilitator.email, PASSWORD)
    page.goto(f"{live_server}/orgs/crestline-fabrication")
    page.get_by_role("link", name="Company sign-in").click()
    page.get_by_label("Issuer URL").fill(provider.issuer)
    page.get_by_label("Client ID").fill(provider.client_id)
    page.get_by_label("Client secret").fill(provider.client_secret)
    page.get_by_label("E-mail domains").fill("crestline.example")
    page.get_by_label("joins at once").check()
    page.get_by_role("button", name="Save and check the provider").click()
    expect(page.get_by_text("can now continue with Crestline Fabrication")).to_be_visible()
    expect(page.get_by_text(provider.client_secret)).to_have_count(0)
    page.get_by_role("button", name="Sign out").click()

    page.get_by_role("link", name="Sign in with your company account").click()
    page.get_by_label("Work e-mail").fill("pat.employee@crestline.example")
    page.get_by_role("button", name="Continue").click()
    page.get_by_role("link", name="Continue with Crestline Fabrication").click()
    expect(page.get_by_role("heading", name="Welcome back, Pat")).to_be_visible()
    expect(page).to_have_url(re.compile(re.escape(live_server)))
    assert {"/authorize", "/token", "/jwks", "/userinfo"} <= set(provider.requests)

    # A token signed by someone else is refused, with the reason on the sign-in page.
    page.get_by_role("button", name="Sign out").click()
    provider.misbehave = "tampered"
    page.goto(f"{live_server}/sso/")
    page.get_by_label("Work e-mail").fill("pat.employee@crestline.example")
    page.get_by_role("button", name="Continue").click()
    page.get_by_role("link", name="Continue with Crestline Fabrication").click()
    expect(page.get_by_text("signature does not match the provider's keys")).to_be_visible()
    expect(page).to_have_url(re.compile(r"/auth/signin$"))
