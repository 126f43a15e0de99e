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


def test_production_sets_secure_cookies(monkeypatch, tmp_path):
    monkeypatch.setattr(ProductionConfig, "SECRET_KEY", "a-long-random-production-secret")
    app = create_app(ProductionConfig, SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path}/p.sqlite",
                     MAIL_DIR=str(tmp_path / "mail"), COP_UPLOAD_DIR=str(tmp_path / "up"))
    assert app.config["SESSION_COOKIE_SECURE"] and app.config["REMEMBER_COOKIE_SECURE"]
    response = app.test_client().get("/auth/signin")
    assert "Strict-Transport-Security" in response.headers
