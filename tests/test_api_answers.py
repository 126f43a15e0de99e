"""Kept API answers are proven equal to fresh ones: for every API route marked `answers.cached_answer`, every
visibility state of its content and pairs of callers (Y, X) in which every caller is both, the answer Y
leaves in the store, then X's answer from it, must be X's answer with the cache off (status, body, ETag,
Link). The marked routes are read from `app.url_map`, so a new one without scenarios here fails.

The world is the page cache's differential world (tests/test_cache_differential.py): content in every
state, people in every role; here each of them calls with a token."""

import uuid

import pytest
import sqlalchemy as sa

from config import TestConfig
from cop import create_app
from cop.api import answers, paging
from cop.auth.models import User
from cop.extensions import db
from cop.practices.taxonomy import ensure_taxonomy
from tests.api_helpers import bearer, token_for
from tests.conftest import BACKENDS, empty_database
from tests.test_cache_differential import _build

# Callers: no token, a revoked token, a member suspended after their token was made, and a read token for
# every role (the author with a write token too: the scope is part of the key).
CALLERS = ["anonymous", "revoked", "suspended", "author", "author_write", "colleague", "other_org", "manager",
           "provider", "sponsor", "facilitator"]
WARMER_OFFSETS = (0, 1, 2, 4, 7)
PAIRS = [(CALLERS[(i + k) % len(CALLERS)], x) for i, x in enumerate(CALLERS) for k in WARMER_OFFSETS]

THREAD_STATES = ("open", "hidden", "locked", "answered", "question", "moderated", "practice_thread", "draft_thread",
                 "merged")
# What no caller is shown: a merged thread answers 404 by API (the site redirects to where it went).
NOBODY = ("missing", "merged", "unknown", "422")

SCENARIOS = {
    "api_v1.list_practices": lambda w: {
        "the library": "/api/v1/practices",
        "by the author's organization": f"/api/v1/practices?organization={w['org_slug']}",
        "second page": f"/api/v1/practices?cursor={paging.encode(20)}",
        "most discussed, five": "/api/v1/practices?sort=discussed&limit=5",
        "a sort that is not one (422)": "/api/v1/practices?sort=oldest",
        "an unknown organization": "/api/v1/practices?organization=no-such-company",
    },
    "api_v1.get_thread": lambda w: {
        **{state: f"/api/v1/threads/{w[state]}" for state in THREAD_STATES},
        "missing": "/api/v1/threads/999999",
    },
    "api_v1.list_replies": lambda w: {
        **{state: f"/api/v1/threads/{w[state]}/replies" for state in THREAD_STATES},
        "one reply a page, second page": f"/api/v1/threads/{w['open']}/replies?limit=1&cursor={paging.encode(1)}",
        "missing": "/api/v1/threads/999999/replies",
    },
}


@pytest.fixture(scope="module", params=BACKENDS)
def world(request, tmp_path_factory):
    tmp = tmp_path_factory.mktemp(f"answers-{uuid.uuid4().hex[:6]}")
    app = create_app(TestConfig, SQLALCHEMY_DATABASE_URI=empty_database(request, request.param, tmp),
                     MAIL_DIR=str(tmp / "mail"), COP_UPLOAD_DIR=str(tmp / "uploads"),
                     COP_INDEX_DIR=str(tmp / "index"), COP_API_TOKEN_LIMIT="100000 per minute")
    with app.app_context():
        ensure_taxonomy()
        db.session.commit()
        ids = _build(app)
        people = {user.email.split("@")[0]: user for user in db.session.scalars(sa.select(User))}
    secrets = {"anonymous": None}
    for name in CALLERS[2:]:
        person = people[name.removesuffix("_write")]
        secrets[name] = token_for(app, person, "write" if name.endswith("_write") else "read")
    secrets["revoked"] = token_for(app, people["colleague"], "read")
    with app.app_context():
        from cop.api import services as tokens
        from cop.auth.services import suspend_member

        facilitator = db.session.get(User, people["facilitator"].id)
        tokens.revoke_token(tokens.find_token(secrets["revoked"]), facilitator)
        suspend_member(db.session.get(User, people["suspended"].id), facilitator)
        db.session.commit()
    app.config["COP_FRAGMENT_CACHE"] = True
    yield app, secrets, ids
    with app.app_context():
        db.engine.dispose()


def _answer(app, secret, url: str, cache: bool, etag: str | None = None) -> tuple:
    app.config["COP_FRAGMENT_CACHE"] = cache
    headers = bearer(secret) if secret else {}
    if etag:
        headers["If-None-Match"] = etag
    try:
        response = app.test_client().get(url, headers=headers)
    finally:
        app.config["COP_FRAGMENT_CACHE"] = True
    return (response.status_code, response.get_data(as_text=True), response.headers.get("ETag"),
            response.headers.get("Link"), response.mimetype)


def test_every_cached_answer_route_has_scenarios(world):
    app, _, _ = world
    cached = {rule.endpoint for rule in app.url_map.iter_rules()
              if answers.is_cached_answer(app.view_functions[rule.endpoint])}
    assert cached, "no API route keeps its answers"
    assert cached == SCENARIOS.keys(), f"marked {sorted(cached)}, scenarios for {sorted(SCENARIOS)}"


@pytest.mark.parametrize("endpoint", sorted(SCENARIOS))
def test_a_kept_answer_is_what_a_fresh_one_gives_every_caller(world, endpoint):
    app, secrets, ids = world
    store = app.extensions["cop_fragments"]
    urls = SCENARIOS[endpoint](ids)
    for url in urls.values():
        assert app.url_map.bind("localhost").match(url.split("?")[0])[0] == endpoint, url
    mismatches, hits = [], 0
    for state, url in urls.items():
        fresh = {name: _answer(app, secrets[name], url, cache=False) for name in CALLERS}
        if not any(word in state for word in NOBODY):
            assert any(answer[0] == 200 for answer in fresh.values()), f"nobody is shown {state} ({url})"
        for warmer, caller in PAIRS:
            store.clear()
            _answer(app, secrets[warmer], url, cache=True)
            before = store.hits
            seen = _answer(app, secrets[caller], url, cache=True)
            hits += store.hits > before
            if seen != fresh[caller]:
                mismatches.append(f"{state} ({url}): kept for {warmer}, seen by {caller}: {seen[0]} "
                                  f"{seen[1][:200]!r}, fresh {fresh[caller][0]} {fresh[caller][1][:200]!r}")
    assert not mismatches, "\n".join(mismatches[:20])
    assert hits, "no answer came from the store: the pairs never exercised it"


def test_a_kept_answer_honours_if_none_match_and_a_change_retires_it(world):
    from cop.discussions import services as talk
    from cop.discussions.models import Thread

    app, secrets, ids = world
    url = f"/api/v1/threads/{ids['question']}/replies"
    status, body, etag, _, _ = _answer(app, secrets["colleague"], url, cache=True)
    assert status == 200 and etag
    assert _answer(app, secrets["colleague"], url, cache=True) == (status, body, etag, None, "application/json")
    not_modified = _answer(app, secrets["colleague"], url, cache=True, etag=etag)
    assert not_modified[0] == 304 and not_modified[2] == etag
    with app.app_context():
        thread = db.session.get(Thread, ids["question"])
        talk.add_reply(thread, db.session.scalar(sa.select(User).where(User.email == "sponsor@example.org")),
                       "We run them in the spring instead.")
        db.session.commit()
    after = _answer(app, secrets["colleague"], url, cache=True, etag=etag)
    assert after[0] == 200 and "in the spring instead" in after[1] and after[2] != etag


def test_the_store_is_not_read_before_the_caller_is_allowed(world):
    """Permission first: a caller without a usable token, or one who may not see the thread, is answered
    before the store is asked for anything."""
    app, secrets, ids = world
    store = app.extensions["cop_fragments"]
    refused = [("anonymous", "/api/v1/practices", 401), ("revoked", "/api/v1/practices", 401),
               ("suspended", f"/api/v1/threads/{ids['open']}", 401),
               ("colleague", f"/api/v1/threads/{ids['hidden']}", 404),
               ("colleague", f"/api/v1/threads/{ids['hidden']}/replies", 404),
               ("colleague", f"/api/v1/threads/{ids['merged']}", 404), ("colleague", "/api/v1/threads/999999", 404)]
    for caller, url, status in refused:
        asked = store.hits + store.misses
        assert _answer(app, secrets[caller], url, cache=True)[0] == status, (caller, url)
        assert store.hits + store.misses == asked, f"the store was read for {caller} at {url}"
    asked = store.hits + store.misses
    assert _answer(app, secrets["facilitator"], f"/api/v1/threads/{ids['hidden']}", cache=True)[0] == 200
    assert store.hits + store.misses == asked + 1
