"""Search under hostile input and a damaged index: every query the box accepts answers quickly without
a server error, and an index damaged on disk degrades to a clear page and heals itself from the database."""

import logging
import os
import re
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cop.extensions import db
from cop.search import engine
from tests.test_search import publish  # noqa: F401  the fixture

FIELDS = sorted(set(engine.make_schema().names()) | {alias for names in engine.FIELD_ALIASES.values()
                                                    for alias in names})
WORDS = ["budget", "plan", "mentors", "a", "b", "business", "unit", "the", "ünïcödé", "漢字", "🙂", "x" * 300,
         "20200101", "1990", "TO", "to", "e"]
PIECES = ['"', ",", "(", ")", "[", "]", "{", "}", "*", "**", "*e*", "?", "~", "^2", ":", "-", "+", "\\", "/",
          "'", "AND", "OR", "NOT", "NOT NOT NOT", "ANDNOT", "ANDMAYBE", "TO", "\x00", "\x07", "\x1b[31m", "\u200b",
          "\ufeff", "﷽", "\n", "\t", "<", ">", "=", "%", "&"]
FIXED = [
    '"a,b"', '"budget,plan"', '"budget, plan"', 'tag:"a,b"', 'tag:"budget plan"', 'tags:"a b c"', '"a,b" budget',
    'title:"a,b"', 'org:"a,b"', '"a,,b"', '",,,"', '","', '"budget,plan" OR "a,b"', 'NOT "a,b" budget',
    "NOT NOT NOT foo", "foo NOT NOT NOT", "(" * 300 + "budget" + ")" * 300, "[" * 50 + "budget", "*", "**", "*e*",
    "bud*", "b*", "day:[20200101 TO 19900101]", "day:[a TO b]", "day:[TO]", "day:>2020", "obj_id:abc",
    "obj_id:[1 TO]", "stamp:{x TO y}", "uid:\"a b\"", "kind:\"a,b\"", "f_org:\"a b\"", "f_topic:\"a,b\"",
    "title:", "title:(", "tag:", ":", "::::", "budget~", "budget~2", "budget^3", '"budget plan"~3',
    '"budget plan"~2 mentors', "x" * 100_000, ("xy " * 5000), "\x00\x07\x1b[31m", "🙂 ünïcödé ﷽ 漢字",
    "AND OR NOT", "-everything", '"""', "\\", "%%%", "budget AND", "OR budget", "(budget OR) AND (NOT)",
    "title:budget title:plan tag:a,b org:x,y", "budget,plan", "a,b,c,d,e,f,g,h,i,j,k,l,m,n,o,p,q,r,s,t,u,v,w,x",
]


@pytest.fixture
def signed_in(app, client, member, publish, login):
    # Hundreds of searches in one test: the read limits are not what these tests are about.
    for setting in ("COP_SEARCH_LIMIT", "COP_SEARCH_ADDRESS_LIMIT", "COP_SUGGEST_LIMIT", "COP_SUGGEST_ADDRESS_LIMIT"):
        app.config[setting] = "100000 per minute"
    publish(title="Budget plan for interns", body="The business unit plans the budget; mentors meet weekly.",
            tags=["budget", "plan"])
    login(member)
    assert client.get("/search/", query_string={"q": "budget"}).status_code == 200  # builds the searcher
    return client


# Unguarded, such queries took 20 s and more; a busy CI machine has taken 2 s over an ordinary one (its
# wall clock counts the other processes too), so the bound sits well between the two.
ANSWER_SECONDS = 5.0


def _answers_quickly(client, text):
    for url in ("/search/", "/search/suggest"):
        started = time.monotonic()
        response = client.get(url, query_string={"q": text})
        elapsed = time.monotonic() - started
        # NUL is refused for the whole site before anything reads the query (a clear 400); the rest answer.
        expected = 400 if "\x00" in text else 200
        assert response.status_code == expected, (url, text, response.status_code)
        assert elapsed < ANSWER_SECONDS, (url, text, elapsed)


@pytest.mark.parametrize("text", FIXED)
def test_fixed_hostile_queries_answer_200_quickly(signed_in, text):
    _answers_quickly(signed_in, text)


queries = st.lists(
    st.one_of(
        st.sampled_from(WORDS),
        st.sampled_from(PIECES),
        st.builds(lambda f, w: f"{f}:{w}", st.sampled_from(FIELDS), st.sampled_from(WORDS + ['"a,b"', "(", "[a TO b]"])),
        st.builds(lambda a, b: f'"{a},{b}"', st.sampled_from(WORDS), st.sampled_from(WORDS)),
        st.builds(lambda a, b: f"[{a} TO {b}]", st.sampled_from(WORDS), st.sampled_from(WORDS)),
        st.text(max_size=12),
    ),
    max_size=14,
).map(lambda parts: " ".join(parts) if len(parts) % 2 else "".join(parts))


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=queries)
def test_generated_queries_answer_200_quickly(signed_in, text):
    _answers_quickly(signed_in, text)


def test_the_query_is_capped_before_parsing():
    for text in ["x" * 100_000, "budget " * 20_000, '"a,b" ' * 5000, "(" * 50_000]:
        cleaned = engine.clean_query(text)
        assert len(cleaned) <= engine.MAX_QUERY_CHARS and len(cleaned.split()) <= engine.MAX_TERMS


# A damaged index, on disk, as a disk, a crash or a careless hand leaves it.

def _segment(folder: Path) -> Path:
    return next(folder.glob("*.seg"))


def _toc(folder: Path) -> Path:
    return max(folder.glob("*.toc"))


DAMAGE = {
    "truncated segment": lambda folder: os.truncate(_segment(folder), _segment(folder).stat().st_size // 2),
    "garbage segment": lambda folder: _segment(folder).write_bytes(b"garbage" * 100),
    "deleted segment": lambda folder: _segment(folder).unlink(),
    "deleted table of contents": lambda folder: _toc(folder).unlink(),
    "garbage table of contents": lambda folder: _toc(folder).write_bytes(b"garbage" * 10),
    "truncated table of contents": lambda folder: os.truncate(_toc(folder), 10),
}


@pytest.fixture
def indexed(app, client, member, publish, login):
    """A signed-in member and an index on disk holding one practice, found by "budget"."""
    publish(title="Budget plan for interns", body="The business unit plans the budget.")
    login(member)
    assert "Budget plan for interns" in client.get("/search/?q=budget").get_data(as_text=True)
    return engine.current_dir(app)


def _damage_logs(caplog) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR]


def _healed(client, seconds: float = 30.0) -> str:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        response = client.get("/search/?q=budget")
        if response.status_code == 200:
            return response.get_data(as_text=True)
        assert response.status_code == 503
        time.sleep(0.05)
    raise AssertionError("the damaged index was not rebuilt")


@pytest.mark.parametrize("damage", DAMAGE)
def test_a_damaged_index_says_it_is_being_rebuilt_and_heals_itself(app, client, indexed, caplog, damage):
    engine.close_searchers()  # as a worker started after the damage finds it
    DAMAGE[damage](indexed)
    caplog.set_level(logging.WARNING)
    started = time.monotonic()
    response = client.get("/search/?q=budget")
    assert time.monotonic() - started < 2.0
    assert response.status_code == 503 and 55 <= int(response.headers["Retry-After"]) <= 60
    assert "Search is being rebuilt, try again in a minute." in response.get_data(as_text=True)
    suggested = client.get("/search/suggest?q=budg")
    assert suggested.status_code in (200, 503) and suggested.get_json()["titles"] in ([], ["Budget plan for interns"])
    for _ in range(5):
        client.get("/search/?q=budget")
    assert "Budget plan for interns" in _healed(client)
    logged = _damage_logs(caplog)
    assert len(logged) == 1 and "damaged" in logged[0], logged
    assert engine.current_dir(app) != indexed and not indexed.exists()
    with app.app_context():
        assert engine.search(app, "budget").total == 1
        db.session.remove()


def test_the_type_ahead_degrades_while_the_index_is_rebuilt(app, client, indexed):
    engine.close_searchers()
    DAMAGE["garbage segment"](indexed)
    response = client.get("/search/suggest?q=budg")
    assert response.status_code == 503 and 55 <= int(response.headers["Retry-After"]) <= 60
    assert response.get_json()["titles"] == []
    _healed(client)
    assert client.get("/search/suggest?q=budg").get_json() == {"titles": ["Budget plan for interns"]}


def test_a_worker_holding_a_searcher_notices_a_garbled_table_of_contents(app, client, publish, indexed, caplog):
    publish(title="Budget plan two", body="A second budget.")  # a new generation for the held searcher to read
    _toc(indexed).write_bytes(b"garbage" * 10)
    caplog.set_level(logging.WARNING)
    assert client.get("/search/?q=budget").status_code == 503
    html = _healed(client)
    assert "Budget plan for interns" in html and "Budget plan two" in html
    assert len(_damage_logs(caplog)) == 1


@pytest.mark.parametrize("damage", DAMAGE)
def test_sync_rebuilds_a_damaged_index_and_succeeds(app, runner, client, indexed, damage):
    engine.close_searchers()
    DAMAGE[damage](indexed)
    result = runner.invoke(args=["search", "sync"])
    assert result.exit_code == 0, result.output
    assert re.fullmatch(r"The search index was damaged \(.+\); rebuilt it from the database: 3 document\(s\)\.\n",
                        result.output), result.output  # the practice, its author and the author's organization
    assert engine.current_dir(app) != indexed
    assert "Budget plan for interns" in client.get("/search/?q=budget").get_data(as_text=True)
    again = runner.invoke(args=["search", "sync"])
    assert again.exit_code == 0 and again.output == "Refreshed 0 document(s).\n"
