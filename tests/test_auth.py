"""Signing in and out, sessions that end everywhere, password reset, rate limits, private by default."""

import re

import pytest
import sqlalchemy as sa

from cop.auth.models import MemberStatus, User
from cop.extensions import db
from tests.conftest import PASSWORD, mail_text


def test_visitors_see_only_the_welcome_and_are_sent_to_sign_in(client, member):
    assert "Request to join" in client.get("/").get_data(as_text=True)
    for path in ["/members/", "/orgs/", f"/members/{member.id}", "/auth/settings"]:
        response = client.get(path)
        assert response.status_code == 302
        assert response.headers["Location"].startswith("/auth/signin?next=")


def test_member_signs_in_with_any_case_of_email_and_sees_the_community(client, member):
    response = client.post_form("/auth/signin", {"email": member.email.upper(), "password": PASSWORD})
    assert response.status_code == 302 and response.headers["Location"] == "/"
    page = client.get("/").get_data(as_text=True)
    assert "Welcome back, Maria" in page
    assert client.get("/members/").status_code == 200


def test_wrong_password_and_unknown_email_get_the_same_answer(client, member):
    wrong = client.post_form("/auth/signin", {"email": member.email, "password": "not the password"})
    unknown = client.post_form("/auth/signin", {"email": "nobody@example.org", "password": "not the password"})
    assert wrong.status_code == unknown.status_code == 200
    message = "That e-mail and password don&#39;t match an account."
    assert message in wrong.get_data(as_text=True) and message in unknown.get_data(as_text=True)


@pytest.mark.parametrize("status, words", [
    (MemberStatus.pending, "waiting for a facilitator"),
    (MemberStatus.declined, "was not approved"),
    (MemberStatus.suspended, "suspended"),
])
def test_accounts_that_are_not_active_cannot_sign_in(client, make_user, status, words):
    user = make_user(status=status)
    response = client.post_form("/auth/signin", {"email": user.email, "password": PASSWORD})
    assert response.status_code == 200
    assert words in response.get_data(as_text=True)
    assert client.get("/members/").status_code == 302


@pytest.mark.parametrize("target, expected", [
    ("/orgs/", "/orgs/"),
    ("https://evil.example/steal", "/"),
    ("//evil.example", "/"),
    ("/\\evil.example", "/"),
    ("javascript:alert(1)", "/"),
])
def test_next_only_redirects_within_the_site(client, member, target, expected):
    response = client.post_form(f"/auth/signin?next={target}", {"email": member.email, "password": PASSWORD})
    assert response.headers["Location"] == expected


def _remember_cookie(client):
    cookie = client.get_cookie("remember_token")
    assert cookie is not None
    return cookie.value


def test_signing_out_ends_every_session_and_refuses_a_replayed_remember_cookie(app, member, login):
    laptop, phone = app.test_client(), app.test_client()
    login(member, remember=True, client=laptop)
    login(member, client=phone)
    stolen = _remember_cookie(laptop)

    laptop.post_form("/auth/signout", page="/")
    assert phone.get("/members/").status_code == 302, "the other device's session must end too"

    replay = app.test_client()
    replay.set_cookie("remember_token", stolen)
    assert replay.get("/members/").status_code == 302


def test_changing_password_signs_out_other_devices_but_keeps_this_one(app, member, login):
    here, there = app.test_client(), app.test_client()
    login(member, client=here)
    login(member, remember=True, client=there)
    old_cookie = _remember_cookie(there)
    response = here.post_form("/auth/settings/password", {
        "current_password": PASSWORD, "password": "a brand new passphrase", "confirm": "a brand new passphrase",
    }, page="/auth/settings/password")
    assert response.status_code == 302
    assert here.get("/members/").status_code == 200
    assert there.get("/members/").status_code == 302
    replay = app.test_client()
    replay.set_cookie("remember_token", old_cookie)
    assert replay.get("/members/").status_code == 302
    fresh = app.test_client()
    assert fresh.post_form("/auth/signin", {"email": member.email, "password": "a brand new passphrase"}).status_code == 302


def test_change_password_with_wrong_current_password_keeps_everything(client, member, login):
    login(member)
    response = client.post_form("/auth/settings/password", {
        "current_password": "wrong", "password": "a brand new passphrase", "confirm": "a brand new passphrase",
    }, page="/auth/settings/password")
    assert response.status_code == 200
    assert "current password is not right" in response.get_data(as_text=True)
    assert client.get("/members/").status_code == 200


def test_suspension_ends_the_members_sessions(app, client, member, facilitator, login):
    victim = app.test_client()
    login(member, remember=True, client=victim)
    login(facilitator)
    response = client.post_form(f"/members/{member.id}/suspend", page=f"/members/{member.id}")
    assert response.status_code == 302
    assert victim.get("/members/").status_code == 302
    assert victim.post_form("/auth/signin", {"email": member.email, "password": PASSWORD}).status_code == 200


def test_password_reset_by_emailed_link_works_once(app, client, member, outbox):
    response = client.post_form("/auth/reset", {"email": member.email.title()})
    assert "Check your e-mail" in response.get_data(as_text=True)
    [message] = outbox(member.email)
    link = re.search(r"https://cop\.example(/auth/reset/\S+)", mail_text(message)).group(1)
    form_page = client.get(link)
    assert form_page.status_code == 200
    done = client.post_form(link, {"password": "new password here", "confirm": "new password here"}, page=link)
    assert done.status_code == 302 and done.headers["Location"] == "/"
    assert client.get("/members/").status_code == 200, "completing a reset signs its owner in"
    fresh = app.test_client()
    assert fresh.post_form("/auth/signin", {"email": member.email, "password": "new password here"}).status_code == 302
    again = app.test_client().get(link)
    assert again.status_code == 302 and again.headers["Location"] == "/auth/reset"


def test_password_reset_does_not_reveal_unknown_addresses(client, member, outbox):
    known = client.post_form("/auth/reset", {"email": member.email}).get_data(as_text=True)
    unknown = client.post_form("/auth/reset", {"email": "stranger@example.org"}).get_data(as_text=True)
    assert known.replace(member.email, "X") == unknown.replace("stranger@example.org", "X")
    assert len(outbox()) == 1


def test_sign_in_attempts_are_rate_limited(app, client, member):
    app.config["COP_SIGNIN_LIMIT"] = "3 per minute"
    for _ in range(3):
        assert client.post_form("/auth/signin", {"email": member.email, "password": "wrong"}).status_code == 200
    blocked = client.post_form("/auth/signin", {"email": member.email, "password": PASSWORD})
    assert blocked.status_code == 429
    assert "Too many attempts" in blocked.get_data(as_text=True)


def test_password_reset_requests_are_rate_limited(app, client):
    app.config["COP_RESET_LIMIT"] = "2 per minute"
    codes = [client.post_form("/auth/reset", {"email": "a@example.org"}).status_code for _ in range(3)]
    assert codes == [200, 200, 429]


def test_forms_without_a_csrf_token_are_refused_and_change_nothing(app, client, member):
    response = client.post("/auth/signin", data={"email": member.email, "password": PASSWORD})
    assert response.status_code == 400
    assert "nothing was saved" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(User, member.id).session_token == member.session_token


def test_security_headers_and_cookie_flags(client, member):
    response = client.get("/auth/signin")
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Frame-Options"] == "DENY"
    signed_in = client.post_form("/auth/signin", {"email": member.email, "password": PASSWORD, "remember": "y"})
    cookies = signed_in.headers.getlist("Set-Cookie")
    for cookie in cookies:
        assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_profile_settings_save_and_show_on_the_profile(client, member, login):
    login(member)
    response = client.post_form("/auth/settings", {
        "name": "Maria Member-Lopez", "title": "Apprenticeship Coordinator",
        "bio": "I run our CNC youth apprenticeship.", "timezone": "America/Denver",
    }, page="/auth/settings")
    assert response.status_code == 302
    page = client.get(f"/members/{member.id}").get_data(as_text=True)
    assert "Maria Member-Lopez" in page and "Apprenticeship Coordinator" in page


def test_bad_settings_show_errors_and_keep_what_was_typed(client, member, login):
    login(member)
    response = client.post_form("/auth/settings", {"name": "", "title": "Kept title", "timezone": "Mars/Olympus"},
                                page="/auth/settings")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Kept title" in page and "Please fix" in page


def test_emails_are_unique_whatever_their_case(app, ctx, make_user):
    make_user(email="Casey@Example.org")
    with pytest.raises(sa.exc.IntegrityError):
        make_user(email="casey@example.ORG")
    db.session.rollback()
    assert db.session.scalar(sa.select(sa.func.count(User.id)).where(User.email == "casey@example.org")) == 1


# Guessing: limits per account, successes that never count, equal timing, common passwords

def _sign_in_from(client, address: str, email: str, password: str):
    return client.post_form("/auth/signin", {"email": email, "password": password},
                            environ_base={"REMOTE_ADDR": address})


def test_wrong_passwords_for_one_account_are_limited_whatever_address_they_come_from(app, client, member):
    app.config.update(COP_SIGNIN_LIMIT="100 per minute", COP_SIGNIN_ACCOUNT_LIMIT="3 per minute")
    for n in range(3):
        assert _sign_in_from(client, f"10.0.0.{n}", member.email, "wrong guess").status_code == 200
    locked = _sign_in_from(client, "10.0.0.99", member.email.upper(), PASSWORD)
    assert locked.status_code == 429 and "Too many attempts" in locked.get_data(as_text=True)
    assert client.get("/members/").status_code == 302
    # An address nobody has gets exactly the same answers, so the limit reveals nothing.
    codes = [_sign_in_from(client, f"10.1.0.{n}", "nobody@example.org", "wrong guess").status_code for n in range(4)]
    assert codes == [200, 200, 200, 429]
    # Other accounts are not affected.
    other = app.test_client()
    assert other.post_form("/auth/signin", {"email": "someone@example.org", "password": "x"}).status_code == 200


def test_successful_sign_ins_never_count_against_the_limits(app, member, make_user, login):
    app.config.update(COP_SIGNIN_LIMIT="3 per minute", COP_SIGNIN_ACCOUNT_LIMIT="3 per minute")
    people = [member] + [make_user() for _ in range(4)]
    for person in people + people:  # trying the demo as each role in turn, all from one address
        browser = app.test_client()
        assert _sign_in_from(browser, "10.2.0.1", person.email, PASSWORD).status_code == 302
    for _ in range(3):
        assert _sign_in_from(app.test_client(), "10.2.0.1", member.email, "wrong guess").status_code == 200
    assert _sign_in_from(app.test_client(), "10.2.0.1", member.email, PASSWORD).status_code == 429


def test_the_owner_of_a_locked_account_gets_in_with_a_reset_link(app, client, member, outbox):
    app.config.update(COP_SIGNIN_LIMIT="100 per minute", COP_SIGNIN_ACCOUNT_LIMIT="2 per minute")
    for n in range(3):
        _sign_in_from(app.test_client(), f"10.3.0.{n}", member.email, "wrong guess")
    assert _sign_in_from(client, "10.3.1.1", member.email, PASSWORD).status_code == 429
    client.post_form("/auth/reset", {"email": member.email})
    [message] = outbox(member.email)
    link = re.search(r"https://cop\.example(/auth/reset/\S+)", mail_text(message)).group(1)
    done = client.post_form(link, {"password": "a fresh passphrase", "confirm": "a fresh passphrase"}, page=link)
    assert done.status_code == 302
    assert client.get("/members/").status_code == 200


def test_joining_hashes_the_password_for_a_taken_address_too(app, client, member, make_org, monkeypatch):
    from werkzeug import security

    from cop.auth import services

    hashed = []

    def counting_hash(password, *args, **kwargs):
        hashed.append(password)
        return security.generate_password_hash(password, *args, **kwargs)

    monkeypatch.setattr(services, "generate_password_hash", counting_hash)
    org = make_org()
    data = {"name": "Someone", "organization": str(org.id), "new_org_kind": "member_company",
            "password": "a joining passphrase", "confirm": "a joining passphrase"}
    client.post_form("/auth/join", dict(data, email=member.email), page="/auth/join")
    assert hashed == ["a joining passphrase"], "the taken address must cost the same hashing as a new one"
    client.post_form("/auth/join", dict(data, email="free@example.org"), page="/auth/join")
    assert hashed == ["a joining passphrase"] * 2


COMMON = ["password1234", "1234567890", "QWERTYUIOP", "Password2024!"]


@pytest.mark.parametrize("password", COMMON)
def test_common_passwords_are_refused_when_changing_or_resetting(app, client, member, login, outbox, password):
    login(member)
    changed = client.post_form("/auth/settings/password", {
        "current_password": PASSWORD, "password": password, "confirm": password}, page="/auth/settings/password")
    assert changed.status_code == 200 and "one of the most common" in changed.get_data(as_text=True)

    anonymous = app.test_client()
    anonymous.post_form("/auth/reset", {"email": member.email})
    [message] = outbox(member.email)
    link = re.search(r"https://cop\.example(/auth/reset/\S+)", mail_text(message)).group(1)
    reset = anonymous.post_form(link, {"password": password, "confirm": password}, page=link)
    assert reset.status_code == 200 and "one of the most common" in reset.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(User, member.id).session_token == member.session_token, "nothing changed"


@pytest.mark.parametrize("password", COMMON)
def test_common_passwords_are_refused_when_joining_or_accepting_an_invitation(app, client, manager, login,
                                                                              outbox, make_org, password):
    org = make_org()
    joined = client.post_form("/auth/join", {
        "name": "Jo", "email": "jo@example.org", "organization": str(org.id), "new_org_kind": "member_company",
        "password": password, "confirm": password}, page="/auth/join")
    assert joined.status_code == 200 and "one of the most common" in joined.get_data(as_text=True)

    login(manager)
    slug = manager.organization.slug
    client.post_form(f"/orgs/{slug}/invitations", {"email": "teammate@example.org", "role": "member"},
                     page=f"/orgs/{slug}/invitations")
    [message] = outbox("teammate@example.org")
    link = re.search(r"https://cop\.example(/auth/invitations/\S+)", mail_text(message)).group(1)
    guest = app.test_client()
    accepted = guest.post_form(link, {"email": "teammate@example.org", "name": "Tam", "password": password,
                                      "confirm": password}, page=link)
    assert accepted.status_code == 200 and "one of the most common" in accepted.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(User.id)).where(
            User.email.in_(["jo@example.org", "teammate@example.org"]))) == 0
