"""Error pages are friendly, never a traceback; settings refuse unsafe production starts."""

import pytest

from config import ProductionConfig
from cop import create_app
from tests.test_practices import make_practice  # noqa: F401  (fixture)


def test_missing_page_is_a_friendly_404(client, member, login):
    login(member)
    response = client.get("/orgs/does-not-exist")
    assert response.status_code == 404
    assert "couldn&#39;t find that page" in response.get_data(as_text=True)


def test_unexpected_error_is_a_500_page_without_traceback(app, client, member, login, caplog):
    @app.get("/explode")
    def explode():
        raise RuntimeError("secret internals")

    login(member)
    response = client.get("/explode")
    text = response.get_data(as_text=True)
    assert response.status_code == 500
    assert "Something went wrong on our side" in text and "secret internals" not in text
    assert "Traceback" not in text and "RuntimeError" in caplog.text


def test_too_large_upload_is_a_413_page(app, client, member, login):
    app.config["MAX_CONTENT_LENGTH"] = 1024
    login(member)
    response = client.post("/auth/settings", data={"bio": "x" * 5000})
    assert response.status_code == 413 and "too large" in response.get_data(as_text=True)


@pytest.mark.parametrize("oversized", [
    {"summary": "S", "body": "x" * 600_000},  # one field past MAX_FORM_MEMORY_SIZE
    {"summary": "S", "body": "x", **{f"extra{n}": "1" for n in range(1200)}},  # past MAX_FORM_PARTS
])
def test_a_multipart_form_too_large_to_read_is_a_413_page_not_a_csrf_error(client, member, login, make_practice,
                                                                           oversized):
    practice = make_practice(author=member)
    login(member)
    url = f"/practices/{practice.id}/edit"
    data = {"title": "Peer mentors", **oversized, "csrf_token": client.csrf_token(url)}
    response = client.post(url, data=data, content_type="multipart/form-data")
    text = response.get_data(as_text=True)
    assert response.status_code == 413, text[:300]
    assert "too large" in text and "shorten the text" in text and "expired" not in text


def test_wrong_method_is_a_405_page(client):
    response = client.get("/auth/signout")
    assert response.status_code == 405 and "Allow" in response.headers


def test_production_refuses_the_default_secret_key(monkeypatch):
    monkeypatch.setattr(ProductionConfig, "SECRET_KEY", "dev-only-change-me")
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        create_app(ProductionConfig)


PRODUCTION_KEY = "a-long-random-production-secret-of-48-characters"


def production_app(tmp_path, **overrides):
    settings = dict(SECRET_KEY=PRODUCTION_KEY, SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path}/p.sqlite",
                    MAIL_DIR=str(tmp_path / "mail"), COP_UPLOAD_DIR=str(tmp_path / "up"), MAIL_BACKEND="file",
                    COP_BASE_URL="https://cop.example")
    settings.update(overrides)
    return create_app(ProductionConfig, **settings)


def test_production_sets_secure_cookies(tmp_path):
    app = production_app(tmp_path)
    assert app.config["SESSION_COOKIE_SECURE"] and app.config["REMEMBER_COOKIE_SECURE"]
    response = app.test_client().get("/auth/signin", base_url="https://cop.example")
    assert "Strict-Transport-Security" in response.headers


@pytest.mark.parametrize("key", ["abc", "x" * 31, "short-but-not-the-default"])
def test_production_refuses_a_secret_key_under_32_bytes(tmp_path, key):
    with pytest.raises(RuntimeError, match="under 32 bytes"):
        production_app(tmp_path, SECRET_KEY=key)
    assert production_app(tmp_path, SECRET_KEY="x" * 32).config["ENV_NAME"] == "production"


def test_production_refuses_to_start_with_debug_on(tmp_path, monkeypatch):
    with pytest.raises(RuntimeError, match="DEBUG"):
        production_app(tmp_path, DEBUG=True)
    monkeypatch.setenv("FLASK_DEBUG", "1")  # what `flask run --debug` sets
    with pytest.raises(RuntimeError, match="DEBUG"):
        production_app(tmp_path)


def test_production_answers_a_foreign_host_with_a_plain_400(tmp_path):
    app = production_app(tmp_path, COP_TRUSTED_HOSTS=["www.cop.example"])
    assert app.config["TRUSTED_HOSTS"] == ["cop.example", "www.cop.example"]
    client = app.test_client()
    for method, path in [("get", "/auth/signin"), ("post", "/auth/reset"), ("get", "/no-such-page")]:
        response = getattr(client, method)(path, base_url="https://evil.example")
        assert response.status_code == 400, (method, path)
        assert "does not answer for that host" in response.get_data(as_text=True)
    for host in ("cop.example", "www.cop.example"):
        assert client.get("/auth/signin", base_url=f"https://{host}").status_code == 200


def test_production_cookies_carry_the_host_prefix(tmp_path):
    from tests.conftest import CSRF_INPUT, PASSWORD

    app = production_app(tmp_path, COP_PASSWORD_METHOD="pbkdf2:sha256:1000")
    from flask_migrate import upgrade

    with app.app_context():
        upgrade(revision="heads")
        from cop.auth.services import create_member
        from cop.extensions import db
        from cop.orgs.models import OrgKind
        from cop.orgs.services import create_organization

        acme = create_organization(name="Acme", kind=OrgKind.member_company)
        create_member(name="Pat", email="pat@example.org", organization=acme, password=PASSWORD)
        db.session.commit()
    client = app.test_client()
    site = "https://cop.example"
    token = CSRF_INPUT.search(client.get("/auth/signin", base_url=site).get_data(as_text=True)).group(1)
    # Over HTTPS Flask-WTF wants a same-site Referer, as a browser sends it.
    response = client.post("/auth/signin", base_url=site, headers={"Referer": f"{site}/auth/signin"},
                           data={"csrf_token": token, "email": "pat@example.org", "password": PASSWORD, "remember": "y"})
    assert response.status_code == 302
    cookies = {header.split("=", 1)[0]: header for header in response.headers.getlist("Set-Cookie")}
    assert set(cookies) == {"__Host-session", "__Host-remember_token"}
    for header in cookies.values():
        assert "Secure" in header and "Path=/" in header and "Domain" not in header
    assert client.get("/members/", base_url=site).status_code == 200
