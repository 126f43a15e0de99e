"""Personal API tokens: made on the settings page (the secret shown once, stored as a digest), listed,
revoked by their member or any facilitator, made by `flask api create-token`; they stop at once for a
suspended member and go with a deleted account; each has its own rate limit and a "last used" time."""

import re
import time
from datetime import timedelta

import sqlalchemy as sa

from cop.api import services as tokens
from cop.api.models import ApiToken, TokenScope
from cop.auth.models import MemberStatus, User
from cop.extensions import db, utcnow
from tests.api_helpers import bearer, token_for

SECRET = re.compile(r'value="(cop_[A-Za-z0-9_-]+)"')


def rows(app):
    with app.app_context():
        found = db.session.scalars(sa.select(ApiToken).order_by(ApiToken.id)).all()
        db.session.expunge_all()
        return found


def test_a_member_makes_a_token_sees_its_secret_once_and_it_works(app, client, login, member):
    login(member)
    response = client.post_form("/api/tokens", {"name": "HR sync", "scope": "read", "days": "30"},
                                page="/api/tokens")
    assert response.status_code == 200
    secret = SECRET.search(response.get_data(as_text=True)).group(1)
    [token] = rows(app)
    assert token.name == "HR sync" and token.scope is TokenScope.read
    assert token.secret_hash == tokens.digest(secret) and secret not in token.secret_hash
    assert timedelta(days=29) < token.expires_at - utcnow() <= timedelta(days=30)
    listing = client.get("/api/tokens").get_data(as_text=True)
    assert "HR sync" in listing and token.prefix in listing and secret not in listing
    api = app.test_client()
    assert api.get("/api/v1/practices", headers=bearer(secret)).status_code == 200


def test_revoking_stops_the_token_at_once(app, client, login, member):
    secret = token_for(app, member)
    api = app.test_client()
    assert api.get("/api/v1/events", headers=bearer(secret)).status_code == 200
    login(member)
    [token] = rows(app)
    assert client.post_form(f"/api/tokens/{token.id}/revoke", page="/api/tokens").status_code == 302
    assert rows(app)[0].revoked_at is not None
    answer = api.get("/api/v1/events", headers=bearer(secret))
    assert answer.status_code == 401 and answer.mimetype == "application/problem+json"


def test_another_member_cannot_revoke_a_token_but_a_facilitator_can(app, client, login, member, make_user,
                                                                     facilitator):
    token_for(app, member)
    [token] = rows(app)
    login(make_user())
    assert client.post_form(f"/api/tokens/{token.id}/revoke", page="/api/tokens").status_code == 404
    assert rows(app)[0].revoked_at is None
    assert client.get("/api/tokens/all").status_code == 403
    other = app.test_client()
    login(facilitator, client=other)
    assert "Test integration" in other.get("/api/tokens/all").get_data(as_text=True)
    assert other.post_form(f"/api/tokens/{token.id}/revoke", page="/api/tokens").status_code == 302
    assert rows(app)[0].revoked_at is not None and rows(app)[0].revoked_by_id == facilitator.id


def test_an_expired_token_answers_401(app, member):
    secret = token_for(app, member)
    with app.app_context():
        db.session.execute(sa.update(ApiToken).values(expires_at=utcnow() - timedelta(seconds=1)))
        db.session.commit()
    assert app.test_client().get("/api/v1/practices", headers=bearer(secret)).status_code == 401


def test_a_suspended_members_token_stops_at_once_and_works_again_when_reinstated(app, member):
    secret = token_for(app, member)
    api = app.test_client()
    for status, expected in ((MemberStatus.suspended, 401), (MemberStatus.pending, 401),
                             (MemberStatus.active, 200)):
        with app.app_context():
            db.session.get(User, member.id).status = status
            db.session.commit()
        assert api.get("/api/v1/practices", headers=bearer(secret)).status_code == expected, status


def test_a_deleted_accounts_tokens_are_removed(app, member, facilitator):
    from cop.privacy.services import delete_account

    token_for(app, member)
    with app.app_context():
        delete_account(db.session.get(User, member.id), db.session.get(User, facilitator.id), keep_posts=True)
        db.session.commit()
    assert rows(app) == []


def test_the_command_makes_a_token_for_an_address(app, runner, member):
    result = runner.invoke(args=["api", "create-token", member.email, "--scope", "write", "--days", "7"])
    assert result.exit_code == 0, result.output
    secret = result.output.strip().splitlines()[-1]
    [token] = rows(app)
    assert token.scope is TokenScope.write and token.user_id == member.id
    assert app.test_client().post("/api/v1/threads", headers=bearer(secret), json={
        "title": "From the command", "body": "Hello", "category": "general"}).status_code == 201
    unknown = runner.invoke(args=["api", "create-token", "nobody@example.org"])
    assert unknown.exit_code != 0 and "No account" in unknown.output


def test_each_token_has_its_own_rate_limit(app, member, make_user):
    app.config["COP_API_TOKEN_LIMIT"] = "3 per minute"
    first, second = token_for(app, member), token_for(app, make_user())
    api = app.test_client()
    answers = [api.get("/api/v1/practices", headers=bearer(first)) for _ in range(4)]
    assert [answer.status_code for answer in answers] == [200, 200, 200, 429]
    # Each answer says what is left, kept answers (the second and third) too.
    assert [answer.headers["X-RateLimit-Remaining"] for answer in answers] == ["2", "1", "0", "0"]
    assert {answer.headers["X-RateLimit-Limit"] for answer in answers} == {"3"}
    assert int(answers[0].headers["X-RateLimit-Reset"]) > time.time()
    limited = api.get("/api/v1/practices", headers=bearer(first))
    assert limited.mimetype == "application/problem+json" and int(limited.headers["Retry-After"]) > 0
    assert limited.headers["X-RateLimit-Remaining"] == "0"
    assert api.get("/api/v1/practices", headers=bearer(second)).status_code == 200


def test_last_used_is_recorded_after_the_response(app, member):
    secret = token_for(app, member)
    assert rows(app)[0].last_used_at is None
    response = app.test_client().get("/api/v1/practices", headers=bearer(secret))
    response.close()
    deadline = time.monotonic() + 5
    while rows(app)[0].last_used_at is None and time.monotonic() < deadline:
        time.sleep(0.05)
    assert rows(app)[0].last_used_at is not None


def test_the_settings_page_refuses_a_blank_name(app, client, login, member):
    login(member)
    response = client.post_form("/api/tokens", {"name": "   ", "scope": "read", "days": "30"}, page="/api/tokens")
    assert response.status_code == 200 and rows(app) == []
    assert "has-error" in response.get_data(as_text=True)
