"""Company sign-in with OpenID Connect, against a real provider running beside the tests (tests/oidc_provider.py):
discovery, the authorization code with PKCE, the token and userinfo endpoints and the JWKS, over HTTP. The
happy path end to end, and every kind of wrong token or identity refused with a clear message."""

import logging
import urllib.error
import urllib.request
from urllib.parse import urlsplit

import pytest
import sqlalchemy as sa

from cop.auth.models import MemberStatus, Role, User
from cop.extensions import db
from cop.orgs.models import Organization
from cop.sso import services
from cop.sso.models import ExternalIdentity, IdentityProvider
from tests.conftest import PASSWORD
from tests.oidc_provider import Provider


@pytest.fixture
def provider():
    running = Provider().start()
    yield running
    running.stop()


@pytest.fixture
def crestline(app, make_org, provider):
    """A member company whose people sign in with the test provider."""
    org = make_org("Crestline Fabrication")
    with app.app_context():
        services.save_provider(db.session.get(Organization, org.id), issuer=provider.issuer,
                               client_id=provider.client_id, client_secret=provider.client_secret,
                               domains=["crestline.example"], approve_new_people=True, password_signin=True)
        db.session.commit()
    return org


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def through_provider(url: str) -> str:
    """What the browser does at the provider: ask to authorize, and take the redirect back (a path here)."""
    opener = urllib.request.build_opener(_NoRedirect)
    try:
        opener.open(url, timeout=5)
    except urllib.error.HTTPError as answer:
        assert answer.code == 302, answer.code
        back = urlsplit(answer.headers["Location"])
        assert back.netloc == "cop.example"  # the app's redirect URI comes from COP_BASE_URL
        return f"{back.path}?{back.query}"
    raise AssertionError("the provider did not redirect back")


def sign_in_with_company(client, org_slug: str = "crestline-fabrication", email: str = "pat.employee@crestline.example"):
    started = client.get(f"/sso/{org_slug}/start", query_string={"email": email})
    assert started.status_code == 302, started.get_data(as_text=True)[:300]
    location = started.headers["Location"]
    assert "code_challenge=" in location and "code_challenge_method=S256" in location
    assert "nonce=" in location and "state=" in location
    return client.get(through_provider(location))


def flashed(client) -> str:
    return client.get("/auth/signin").get_data(as_text=True)


def test_first_company_sign_in_creates_the_account_in_the_organization_and_signs_in(app, client, crestline,
                                                                                    provider):
    response = sign_in_with_company(client)
    assert response.status_code == 302 and response.headers["Location"] == "/"
    home = client.get("/")
    assert home.status_code == 200 and "Pat Employee" in home.get_data(as_text=True)
    with app.app_context():
        user = db.session.scalar(sa.select(User).where(User.email == "pat.employee@crestline.example"))
        assert user.status is MemberStatus.active and user.organization_id == crestline.id
        assert user.role is Role.member
        identity = db.session.scalar(sa.select(ExternalIdentity))
        assert (identity.user_id, identity.subject) == (user.id, "employee-1001")
    assert provider.requests.count("/token") == 1 and "/jwks" in provider.requests and "/userinfo" in provider.requests
    # Signing out ends the CoP session.
    client.post_form("/auth/signout", page="/")
    assert client.get("/practices/").status_code == 302
    # The next sign-in finds the same account, even after the address changed at the company.
    provider.person["email"] = "pat.e@crestline.example"
    sign_in_with_company(client, email="pat.e@crestline.example")
    assert client.get("/practices/").status_code == 200
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(User.id)).where(User.organization_id == crestline.id)) == 1


def test_first_sign_in_waits_for_approval_when_the_organization_says_so(app, client, crestline, facilitator, outbox):
    with app.app_context():
        db.session.scalar(sa.select(IdentityProvider)).approve_new_people = False
        db.session.commit()
    response = sign_in_with_company(client)
    assert response.headers["Location"] == "/auth/signin"
    assert "waiting for a facilitator" in flashed(client)
    assert client.get("/practices/").status_code == 302
    with app.app_context():
        user = db.session.scalar(sa.select(User).where(User.email == "pat.employee@crestline.example"))
        assert user.status is MemberStatus.pending
    assert [m["Subject"] for m in outbox(facilitator.email)] == ["Request to join: Pat Employee"]


@pytest.mark.parametrize("wrong, message", [
    ("audience", "meant for another application (wrong audience)"),
    ("expired", "The sign-in has expired"),
    ("tampered", "its signature does not match the provider&#39;s keys"),
    ("issuer", "issued by a different identity provider"),
    ("nonce", "does not belong to this attempt (nonce)"),
])
def test_a_wrong_token_is_refused_with_a_clear_message(app, client, crestline, provider, wrong, message):
    provider.misbehave = wrong
    response = sign_in_with_company(client)
    assert response.headers["Location"] == "/auth/signin"
    assert message in flashed(client)
    assert client.get("/practices/").status_code == 302
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(User.id))) == 0


@pytest.mark.parametrize("person, message", [
    ({"email_verified": False}, "e-mail address is not verified"),
    ({"email": "pat@gmail.example"}, "(pat@gmail.example) is not at a domain of Crestline Fabrication"),
])
def test_an_unverified_or_foreign_address_is_refused(app, client, crestline, provider, person, message):
    provider.person.update(person)
    sign_in_with_company(client, email=provider.person["email"])
    assert message in flashed(client)
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(User.id))) == 0


def test_a_callback_without_its_attempt_is_refused(app, client, crestline, provider):
    started = client.get("/sso/crestline-fabrication/start")
    back = through_provider(started.headers["Location"])
    stranger = app.test_client()  # another browser: no attempt in its session
    assert stranger.get(back).headers["Location"] == "/auth/signin"
    assert "does not belong to this browser" in stranger.get("/auth/signin").get_data(as_text=True)
    forged = back.replace("state=", "state=x")
    assert client.get(forged).headers["Location"] == "/auth/signin"
    # The attempt was used up by the refusal: the real answer no longer works either.
    client.get(back)
    assert "does not belong to this browser" in flashed(client)


def test_someone_of_another_organization_cannot_take_the_address(app, client, crestline, provider, make_user):
    make_user(name="Pat Elsewhere", email="pat.employee@crestline.example")  # an account in another company
    sign_in_with_company(client)
    assert "belongs to an account at another organization" in flashed(client)


def test_password_sign_in_can_be_switched_off_for_the_organization(app, client, crestline, make_user, login):
    person = make_user(name="Pat Password", email="pat.pw@crestline.example", org=crestline)
    login(person)  # allowed while the organization keeps passwords
    client.post_form("/auth/signout", page="/")
    with app.app_context():
        db.session.scalar(sa.select(IdentityProvider)).password_signin = False
        db.session.commit()
    refused = client.post_form("/auth/signin", {"email": person.email, "password": PASSWORD})
    assert refused.status_code == 200
    html = refused.get_data(as_text=True)
    assert "signs in with its own account" in html
    assert 'href="/sso/crestline-fabrication/start?email=pat.pw@crestline.example">Continue with Crestline' in html
    assert client.get("/practices/").status_code == 302
    # Nor does a password-reset link, which would otherwise sign its owner in.
    with app.app_context():
        from cop.auth.services import password_reset_token

        token = password_reset_token(db.session.get(User, person.id))
    reset = client.get(f"/auth/reset/{token}")
    assert reset.headers["Location"] == "/auth/signin"
    assert "Continue with Crestline Fabrication" in flashed(client)
    assert client.get("/practices/").status_code == 302


def test_the_sign_in_page_offers_the_company_sign_in_for_its_domains_only(client, crestline):
    html = client.post_form("/auth/signin", {"email": "pat@crestline.example", "password": "not it"}).get_data(
        as_text=True)
    assert "Continue with Crestline Fabrication" in html
    html = client.post_form("/auth/signin", {"email": "pat@elsewhere.example", "password": "not it"}).get_data(
        as_text=True)
    assert "Continue with" not in html


def test_a_facilitator_connects_a_provider_and_the_secret_is_never_shown_or_logged(app, client, login, facilitator,
                                                                                 make_org, provider, member, caplog):
    org = make_org("Bluepine Software")
    login(facilitator)
    page = f"/sso/orgs/{org.slug}"
    caplog.set_level(logging.DEBUG)
    response = client.post_form(page, {"issuer": provider.issuer, "client_id": provider.client_id,
                                       "client_secret": provider.client_secret, "domains": "Bluepine.example, @bp.example",
                                       "new_people": "pending", "password_signin": "y"}, page=page)
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    html = client.get(page).get_data(as_text=True)
    assert provider.client_secret not in html and "…only" in html
    with app.app_context():
        saved = db.session.scalar(sa.select(IdentityProvider).where(IdentityProvider.organization_id == org.id))
        assert saved.domain_list == ["bluepine.example", "bp.example"] and saved.client_secret == provider.client_secret
    # Saving again without a secret keeps it; a wrong issuer is refused with a clear message.
    client.post_form(page, {"issuer": provider.issuer, "client_id": "changed", "domains": "bluepine.example",
                            "new_people": "approve"}, page=page)
    wrong = client.post_form(page, {"issuer": "http://127.0.0.1:9/nothing", "client_id": "x",
                                    "domains": "bluepine.example", "new_people": "approve"}, page=page)
    assert "could not be reached" in wrong.get_data(as_text=True)
    with app.app_context():
        saved = db.session.scalar(sa.select(IdentityProvider).where(IdentityProvider.organization_id == org.id))
        assert saved.client_id == "changed" and saved.client_secret == provider.client_secret
    # The Bluepine people find their sign-in by address.
    found = app.test_client().post_form("/sso/", {"email": "someone@bluepine.example"}, page="/sso/")
    assert "Continue with Bluepine Software" in found.get_data(as_text=True)
    assert provider.client_secret not in caplog.text
    client.post_form("/auth/signout", page="/")
    login(member)
    assert client.get(page).status_code == 403


def test_the_flows_never_log_the_secret_code_or_tokens(app, client, crestline, provider, caplog):
    caplog.set_level(logging.DEBUG)
    sign_in_with_company(client)
    provider.misbehave = "tampered"
    client.post_form("/auth/signout", page="/")
    sign_in_with_company(client)
    assert provider.client_secret not in caplog.text
    assert not any(token in caplog.text for token in provider.tokens)


def test_someone_without_a_password_confirms_with_the_company_before_deleting_the_account(app, client, crestline,
                                                                                          provider):
    with app.app_context():
        db.session.scalar(sa.select(IdentityProvider)).password_signin = False
        db.session.commit()
    sign_in_with_company(client)
    page = client.get("/privacy/delete").get_data(as_text=True)
    assert "Confirm with Crestline Fabrication" in page
    refused = client.post_form("/privacy/delete", {"posts": "keep", "password": ""}, page="/privacy/delete")
    assert refused.status_code == 200 and "Enter your password." in refused.get_data(as_text=True)

    started = client.get("/sso/crestline-fabrication/start", query_string={"confirm": "1", "next": "/privacy/delete"})
    assert "prompt=login" in started.headers["Location"]
    back = client.get(through_provider(started.headers["Location"]))
    assert back.headers["Location"] == "/privacy/delete"
    assert "no password is needed" in client.get("/privacy/delete").get_data(as_text=True)
    deleted = client.post_form("/privacy/delete", {"posts": "keep", "password": ""}, page="/privacy/delete")
    assert deleted.headers["Location"] == "/auth/signin"
    with app.app_context():
        assert db.session.scalar(sa.select(User.status).where(User.organization_id == crestline.id)) \
            is MemberStatus.deleted
        assert db.session.scalar(sa.select(sa.func.count(ExternalIdentity.id))) == 0


def test_confirming_with_someone_elses_company_account_counts_for_nothing(app, client, crestline, provider):
    sign_in_with_company(client)
    provider.person = {"sub": "employee-2002", "email": "sam.other@crestline.example", "email_verified": True,
                       "name": "Sam Other"}
    started = client.get("/sso/crestline-fabrication/start", query_string={"confirm": "1", "next": "/privacy/delete"})
    back = client.get(through_provider(started.headers["Location"]))
    assert "not the one you are signed in with" in client.get(back.headers["Location"], follow_redirects=True).get_data(
        as_text=True)
    with app.app_context():  # and confirming made nobody an account
        assert db.session.scalar(sa.select(sa.func.count(User.id))) == 1
    assert "no password is needed" not in client.get("/privacy/delete").get_data(as_text=True)
    # Only a path on this site is a place to come back to.
    started = client.get("/sso/crestline-fabrication/start",
                         query_string={"confirm": "1", "next": "https://evil.example/"})
    provider.person = {"sub": "employee-1001", "email": "pat.employee@crestline.example", "email_verified": True,
                       "name": "Pat Employee"}
    assert client.get(through_provider(started.headers["Location"])).headers["Location"] == "/"


def test_the_client_secret_is_sealed_at_rest_and_a_new_secret_key_asks_for_it_again(app, client, crestline, provider):
    with app.app_context():
        stored = db.session.execute(sa.text("SELECT client_secret FROM identity_providers")).scalar_one()
        assert stored.startswith("sealed:v1:") and provider.client_secret not in stored
    # The site's SECRET_KEY was rotated: the secret can't be read, and sign-in says what to do, not a 500.
    app.config["SECRET_KEY"] = "another-secret-key-of-at-least-32-bytes"
    with app.app_context():
        saved = db.session.scalar(sa.select(IdentityProvider))
        assert "enter it again" in saved.secret_hint
    landed = sign_in_with_company(client)
    assert landed.status_code == 302
    assert "client secret entered again by a facilitator" in flashed(client)
