"""Reads that cost us (search, type-ahead, feeds, calendar) are limited per member and per client address;
every other read passes the limiter untouched, and the form-post limits still hold."""

import pytest

from cop.auth.models import User
from cop.extensions import db
from cop.auth import services as membership

SEARCH_LIMITS = ("COP_SEARCH_LIMIT", "COP_SEARCH_ADDRESS_LIMIT")
SUGGEST_LIMITS = ("COP_SUGGEST_LIMIT", "COP_SUGGEST_ADDRESS_LIMIT")
FEED_LIMITS = ("COP_FEED_LIMIT", "COP_FEED_ADDRESS_LIMIT")


def _client_at(app, address: str):
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = address
    return client


def _feed_token(app, user) -> str:
    with app.app_context():
        token = membership.new_feed_token(db.session.get(User, user.id))
        db.session.commit()
    return token


def _codes(client, path: str, times: int) -> list[int]:
    return [client.get(path).status_code for _ in range(times)]


@pytest.mark.parametrize("path, settings", [
    ("/search/?q=internship", SEARCH_LIMITS),
    ("/search/suggest?q=intern", SUGGEST_LIMITS),
])
def test_search_and_type_ahead_answer_429_past_the_limit(app, client, member, login, path, settings):
    login(member)
    app.config.update({settings[0]: "2 per minute", settings[1]: "100 per minute"})
    assert _codes(client, path, 3) == [200, 200, 429]
    blocked = client.get(path)
    assert blocked.status_code == 429
    assert int(blocked.headers["Retry-After"]) > 0
    assert "Too many attempts" in blocked.get_data(as_text=True)
    assert client.get("/").status_code == 200  # other reads are not limited


@pytest.mark.parametrize("kind", ["practices", "topic", "discussions", "calendar"])
def test_feeds_and_the_calendar_answer_429_past_the_limit(app, member, kind):
    token = _feed_token(app, member)
    path = {"practices": f"/practices/feed/{token}.atom",
            "topic": f"/practices/topics/staffing/feed/{token}.atom",
            "discussions": f"/discussions/feed/{token}.atom",
            "calendar": f"/events/calendar/{token}.ics"}[kind]
    app.config.update({"COP_FEED_LIMIT": "2 per minute", "COP_FEED_ADDRESS_LIMIT": "100 per minute"})
    # Per member (the token's owner), whatever address the calendar app calls from.
    assert [_client_at(app, f"10.0.0.{n}").get(path).status_code for n in range(3)] == [200, 200, 429]
    assert "Retry-After" in _client_at(app, "10.0.0.9").get(path).headers


def test_a_member_limit_follows_the_member_across_addresses(app, member, make_user, login):
    app.config.update({"COP_SEARCH_LIMIT": "2 per minute", "COP_SEARCH_ADDRESS_LIMIT": "100 per minute"})
    first, second = _client_at(app, "10.1.0.1"), _client_at(app, "10.1.0.2")
    login(member, client=first)
    login(member, client=second)
    assert [c.get("/search/?q=x").status_code for c in (first, second, first)] == [200, 200, 429]
    colleague = _client_at(app, "10.1.0.1")
    login(make_user(), client=colleague)
    assert colleague.get("/search/?q=x").status_code == 200


def test_an_address_limit_holds_for_every_member_behind_it(app, make_user, login):
    app.config.update({"COP_SEARCH_LIMIT": "100 per minute", "COP_SEARCH_ADDRESS_LIMIT": "3 per minute"})
    clients = [_client_at(app, "10.2.0.1") for _ in range(2)]
    for client in clients:
        login(make_user(), client=client)
    assert [c.get("/search/?q=x").status_code for c in (clients + clients)] == [200, 200, 200, 429]
    elsewhere = _client_at(app, "10.2.0.2")
    login(make_user(), client=elsewhere)
    assert elsewhere.get("/search/?q=x").status_code == 200


def test_feeds_share_one_budget_per_address(app, member, make_user):
    app.config.update({"COP_FEED_LIMIT": "100 per minute", "COP_FEED_ADDRESS_LIMIT": "2 per minute"})
    tokens = [_feed_token(app, member), _feed_token(app, make_user())]
    client = _client_at(app, "10.3.0.1")
    codes = [client.get(f"/practices/feed/{tokens[0]}.atom").status_code,
             client.get(f"/discussions/feed/{tokens[1]}.atom").status_code,
             client.get(f"/events/calendar/{tokens[1]}.ics").status_code]
    assert codes == [200, 200, 429]


def test_form_post_limits_still_hold_beside_read_limits(app, client, member):
    app.config.update({"COP_SIGNIN_LIMIT": "2 per minute", "COP_SEARCH_ADDRESS_LIMIT": "100 per minute"})
    codes = [client.post_form("/auth/signin", {"email": member.email, "password": "wrong"}).status_code
             for _ in range(3)]
    assert codes == [200, 200, 429]
