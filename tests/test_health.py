"""The readiness check: database, search index lag and file store, in cheap JSON with no secrets."""

import pytest
import sqlalchemy as sa

from config import TestConfig
from cop import create_app
from cop.extensions import db
from cop.health import views as health
from cop.search import engine
from cop.search.models import SearchChange
from cop.storage import S3Store


@pytest.fixture(autouse=True)
def fresh_store_checks():
    health._store_checked.clear()
    yield
    health._store_checked.clear()


def test_a_healthy_node_answers_200_with_the_lag_of_its_index(app, client, make_org):
    make_org("Northwind Tooling")  # a change the index has not applied yet
    answer = client.get("/healthz")
    assert answer.status_code == 200 and answer.is_json
    assert answer.json["status"] == "ok" and answer.json["database"] == "ok" and answer.json["storage"] == "ok"
    assert answer.json["search"]["status"] in ("behind", "not built") and answer.json["search"]["lag"] >= 1
    assert answer.headers["Cache-Control"] == "no-store" and "Set-Cookie" not in answer.headers
    with app.app_context():
        engine.sync(app)
    assert client.get("/healthz").json["search"] == {"status": "current", "lag": 0}


def test_it_is_cheap_and_never_rate_limited(app, client, count_queries):
    client.get("/healthz")
    with count_queries() as queries:
        answer = client.get("/healthz")
    assert answer.status_code == 200 and queries.count <= 2, queries.statements
    assert all(client.get("/healthz").status_code == 200 for _ in range(150))


def test_an_unreachable_store_is_503_and_names_nothing(app, client):
    unreachable = S3Store("private-bucket-name", endpoint="http://127.0.0.1:9")
    unreachable.client.meta.config.retries = {"max_attempts": 1}
    app.extensions["cop_storage"] = unreachable
    answer = client.get("/healthz")
    assert answer.status_code == 503
    assert answer.json["status"] == "unavailable" and answer.json["storage"] == "unreachable"
    text = answer.get_data(as_text=True)
    for secret in ("private-bucket-name", "127.0.0.1", app.config["COP_UPLOAD_DIR"], app.config["COP_INDEX_DIR"]):
        assert secret not in text


def test_an_unreachable_database_is_503(tmp_path):
    app = create_app(TestConfig, SQLALCHEMY_DATABASE_URI="postgresql+psycopg://cop@127.0.0.1:9/nowhere",
                     MAIL_DIR=str(tmp_path / "mail"), COP_UPLOAD_DIR=str(tmp_path / "uploads"),
                     COP_INDEX_DIR=str(tmp_path / "index"))
    answer = app.test_client().get("/healthz")
    assert answer.status_code == 503
    assert answer.json["database"] == "unreachable" and answer.json["search"] == {"status": "unknown"}
    assert "nowhere" not in answer.get_data(as_text=True)


def test_a_node_catching_up_reports_its_progress_and_stays_in(app, client):
    with app.app_context():
        db.session.execute(sa.insert(SearchChange).values(kind="practice", object_id=1))
        db.session.commit()
        engine.ensure_index(app)
        engine._write_progress(app, 3, 4)
    answer = client.get("/healthz")
    assert answer.status_code == 200 and answer.json["search"]["status"] == "catching up"
    assert answer.json["search"]["percent"] == 75
