"""Sign-in limits hold across worker processes when their storage is the shared Redis."""

import socket
import uuid

import pytest

from config import TestConfig
from cop import create_app

REDIS = ("127.0.0.1", 6379)


def _redis_answers() -> bool:
    try:
        with socket.create_connection(REDIS, timeout=0.5):
            return True
    except OSError:
        return False


@pytest.mark.skipif(not _redis_answers(), reason="no Redis on 127.0.0.1:6379")
def test_two_workers_share_one_sign_in_limit(database_url, tmp_path):
    from tests.conftest import FormClient

    # Counters are keyed by client address and by account: fresh ones keep this run apart from earlier runs.
    address = "127.{}.{}.{}".format(*uuid.uuid4().bytes[:3])
    email = f"x-{uuid.uuid4().hex[:12]}@example.org"

    def worker():
        app = create_app(TestConfig, SQLALCHEMY_DATABASE_URI=database_url, MAIL_DIR=str(tmp_path / "mail"),
                         COP_UPLOAD_DIR=str(tmp_path / "up"), RATELIMIT_STORAGE_URI="redis://127.0.0.1:6379/0",
                         COP_SIGNIN_LIMIT="4 per minute")
        app.test_client_class = FormClient
        client = app.test_client()
        client.environ_base["REMOTE_ADDR"] = address
        return client

    first, second = worker(), worker()
    codes = []
    for client in (first, second, first, second, first):
        codes.append(client.post_form("/auth/signin", {"email": email, "password": "wrong-password"}).status_code)
    assert codes == [200, 200, 200, 200, 429]


@pytest.mark.skipif(not _redis_answers(), reason="no Redis on 127.0.0.1:6379")
def test_two_workers_share_one_search_limit_per_address(database_url, tmp_path, make_user):
    from tests.conftest import PASSWORD, FormClient

    address = "127.{}.{}.{}".format(*uuid.uuid4().bytes[:3])
    people = [make_user(), make_user()]

    def worker(person):
        app = create_app(TestConfig, SQLALCHEMY_DATABASE_URI=database_url, MAIL_DIR=str(tmp_path / "mail"),
                         COP_UPLOAD_DIR=str(tmp_path / "up"), COP_INDEX_DIR=str(tmp_path / "index"),
                         RATELIMIT_STORAGE_URI="redis://127.0.0.1:6379/0",
                         COP_SEARCH_LIMIT="100 per minute", COP_SEARCH_ADDRESS_LIMIT="3 per minute")
        app.test_client_class = FormClient
        client = app.test_client()
        client.environ_base["REMOTE_ADDR"] = address
        assert client.post_form("/auth/signin", {"email": person.email, "password": PASSWORD}).status_code == 302
        return client

    first, second = worker(people[0]), worker(people[1])
    codes = [client.get("/search/?q=internship").status_code for client in (first, second, first, second)]
    assert codes == [200, 200, 200, 429]


@pytest.mark.skipif(not _redis_answers(), reason="no Redis on 127.0.0.1:6379")
def test_two_workers_share_one_api_token_budget(database_url, tmp_path, make_user):
    import time

    from tests.api_helpers import bearer, token_for

    prefix = f"cop-{uuid.uuid4().hex[:12]}"  # token ids start again in every test database

    def worker():
        return create_app(TestConfig, SQLALCHEMY_DATABASE_URI=database_url, MAIL_DIR=str(tmp_path / "mail"),
                          COP_UPLOAD_DIR=str(tmp_path / "up"), COP_INDEX_DIR=str(tmp_path / "index"),
                          RATELIMIT_STORAGE_URI="redis://127.0.0.1:6379/0", RATELIMIT_KEY_PREFIX=prefix,
                          COP_API_TOKEN_LIMIT="3 per minute;100 per hour")

    first, second = worker(), worker()
    secret = token_for(first, make_user(), scope="read")
    answers = [app.test_client().get("/api/v1/practices", headers=bearer(secret))
               for app in (first, second, first, second)]
    assert [answer.status_code for answer in answers] == [200, 200, 200, 429]
    # The minute's limit is the one closest to running out, on either worker.
    assert [answer.headers["X-RateLimit-Remaining"] for answer in answers] == ["2", "1", "0", "0"]
    assert {answer.headers["X-RateLimit-Limit"] for answer in answers} == {"3"}
    assert time.time() < int(answers[0].headers["X-RateLimit-Reset"]) <= time.time() + 61
    assert 0 < int(answers[3].headers["Retry-After"]) <= 61
