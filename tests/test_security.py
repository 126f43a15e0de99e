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


@pytest.mark.parametrize("proxies, expected", [(0, "10.0.0.1"), (1, "203.0.113.9")])
def test_client_addresses_come_from_the_proxy_only_when_it_is_trusted(database_url, tmp_path, proxies, expected):
    """Per-address rate limits key on request.remote_addr: behind nginx (COP_PROXIES=1) that is the client nginx
    saw, never an address a client wrote into its own X-Forwarded-For."""
    from flask import request

    from config import TestConfig
    from cop import create_app
    from cop.auth import public

    app = create_app(TestConfig, SQLALCHEMY_DATABASE_URI=database_url, MAIL_DIR=str(tmp_path / "mail"),
                     COP_UPLOAD_DIR=str(tmp_path / "uploads"), COP_INDEX_DIR=str(tmp_path / "index"),
                     COP_PROXIES=proxies)
    app.add_url_rule("/test-address", "test_address", public(lambda: f"{request.remote_addr} {request.scheme}"))
    answer = app.test_client().get("/test-address", environ_base={"REMOTE_ADDR": "10.0.0.1"},
                                   headers={"X-Forwarded-For": "198.51.100.66, 203.0.113.9",
                                            "X-Forwarded-Proto": "https"})
    assert answer.get_data(as_text=True) == f"{expected} {'https' if proxies else 'http'}"
    with app.app_context():
        db.engine.dispose()
