"""A form posted from another site is refused even with a valid CSRF token: its Origin (or, without
one, its Referer) must be the configured site or the host the request was sent to."""

import pytest

from cop.auth.models import User
from cop.extensions import db

NEW_NAME = "Renamed By Someone Else"


def _profile_post(client, headers):
    token = client.csrf_token("/auth/settings")
    return client.post("/auth/settings", headers=headers, data={
        "csrf_token": token, "name": NEW_NAME, "title": "", "bio": "", "timezone": "America/Chicago"})


def _name(app, member):
    with app.app_context():
        return db.session.get(User, member.id).name


@pytest.mark.parametrize("headers", [
    {"Origin": "https://evil.example"},
    {"Origin": "null"},
    {"Origin": "http://localhost.evil.example"},
    {"Origin": "https://cop.example.evil.example"},
    {"Referer": "https://evil.example/page"},
    {"Origin": "https://evil.example", "Referer": "http://localhost/auth/settings"},
])
def test_a_post_from_another_site_is_refused_and_changes_nothing(app, client, member, login, headers):
    login(member)
    response = _profile_post(client, headers)
    assert response.status_code == 403
    assert "sent from another site, so nothing was saved" in response.get_data(as_text=True)
    assert _name(app, member) == member.name


@pytest.mark.parametrize("headers", [
    {},  # some clients send neither; the CSRF token still protects them
    {"Origin": "http://localhost"},  # the host the request was sent to (the development server)
    {"Origin": "https://cop.example"},  # the configured COP_BASE_URL
    {"Origin": "https://cop.example:443"},
    {"Referer": "http://localhost/auth/settings"},
    {"Referer": "https://cop.example/auth/settings"},
])
def test_a_post_from_the_site_itself_goes_through(app, client, member, login, headers):
    login(member)
    response = _profile_post(client, headers)
    assert response.status_code == 302
    assert _name(app, member) == NEW_NAME


def test_a_foreign_origin_cannot_sign_anyone_in(client, member):
    token = client.csrf_token("/auth/signin")
    response = client.post("/auth/signin", headers={"Origin": "https://evil.example"},
                           data={"csrf_token": token, "email": member.email, "password": "correct horse battery"})
    assert response.status_code == 403
    assert client.get("/members/").status_code == 302


def test_one_click_unsubscribe_still_works_from_a_mail_program(app, client, member):
    from cop.notifications.models import EmailFrequency
    from cop.notifications.services import email_frequency, unsubscribe_token

    with app.app_context():
        token = unsubscribe_token(db.session.get(User, member.id))
    response = client.post(f"/notifications/unsubscribe/{token}", headers={"Origin": "https://mail.example"},
                           data={"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    with app.app_context():
        assert email_frequency(db.session.get(User, member.id)) is EmailFrequency.never
