"""Where a request's time goes: the real app in this process on the bench database, each page requested
many times through the test client, with every SQL statement, template render and commit timed, then
once more under cProfile for the busiest Python functions."""

import cProfile
import io
import pstats
import re
import time
from collections import defaultdict
from dataclasses import dataclass, field

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask import before_render_template, template_rendered

from bench.client import CSRF_INPUT

_SPACES = re.compile(r"\s+")


@dataclass
class Tally:
    requests: int = 0
    wall: float = 0.0
    sql: float = 0.0
    sql_in_template: float = 0.0
    statements: int = 0
    template: float = 0.0
    commit: float = 0.0
    sql_in_commit: float = 0.0
    by_statement: dict = field(default_factory=lambda: defaultdict(lambda: [0, 0.0]))
    by_template: dict = field(default_factory=lambda: defaultdict(float))


class Probe:
    """Engine, session and template hooks that add into the current Tally."""

    def __init__(self, app, engine):
        self.tally: Tally | None = None
        self._template_started: float | None = None
        self._template_depth = 0
        self._commit_started: float | None = None
        sa.event.listen(engine, "before_cursor_execute", self._before_sql)
        sa.event.listen(engine, "after_cursor_execute", self._after_sql)
        sa.event.listen(so.Session, "before_commit", self._before_commit)
        sa.event.listen(so.Session, "after_commit", self._after_commit)
        before_render_template.connect(self._before_template, app)
        template_rendered.connect(self._after_template, app)

    def _before_sql(self, conn, cursor, statement, parameters, context, executemany):
        conn.info.setdefault("bench_started", []).append(time.perf_counter())

    def _after_sql(self, conn, cursor, statement, parameters, context, executemany):
        elapsed = time.perf_counter() - conn.info["bench_started"].pop()
        if self.tally is None:
            return
        self.tally.sql += elapsed
        self.tally.statements += 1
        if self._template_depth:
            self.tally.sql_in_template += elapsed
        if self._commit_started is not None:
            self.tally.sql_in_commit += elapsed
        entry = self.tally.by_statement[_SPACES.sub(" ", statement).strip()]
        entry[0] += 1
        entry[1] += elapsed

    def _before_commit(self, session):
        self._commit_started = time.perf_counter()

    def _after_commit(self, session):
        if self.tally is not None and self._commit_started is not None:
            self.tally.commit += time.perf_counter() - self._commit_started
        self._commit_started = None

    def _before_template(self, sender, template, context, **extra):
        self._template_depth += 1
        self._template_started = time.perf_counter()

    def _after_template(self, sender, template, context, **extra):
        self._template_depth -= 1
        if self.tally is not None and self._template_started is not None:
            elapsed = time.perf_counter() - self._template_started
            self.tally.template += elapsed
            self.tally.by_template[template.name] += elapsed


def _signed_in_client(app, email: str, password: str):
    client = app.test_client()
    page = client.get("/auth/signin")
    token = CSRF_INPUT.search(page.get_data(as_text=True)).group(1)
    answer = client.post("/auth/signin", data={"csrf_token": token, "email": email, "password": password})
    if answer.status_code != 302:
        raise RuntimeError(f"profile sign-in failed with {answer.status_code}")
    return client


def _profiled_app(database_url: str, prepare=None):
    from bench.data import app_settings
    from config import Config
    from cop import create_app

    # One API token sends every profiled request, far faster than its budget allows.
    app = create_app(Config, **app_settings(database_url), SESSION_COOKIE_SECURE=False,
                     COP_API_TOKEN_LIMIT="1000000 per minute")
    return prepare(app) if prepare else app


def profile_pages(database_url: str, pages: list[tuple[str, str, bool]], email: str, password: str,
                  requests: int = 40, top: int = 8, prepare=None, headers: dict | None = None) -> list[dict]:
    """pages: (name, path, keep_cookie). Without keep_cookie each request carries the cookie from sign-in,
    as wrk does (so a practice page counts a view every time). `prepare(app)` may adjust the app first.
    `headers`: path -> headers sent with it (an API token)."""
    from cop.extensions import db

    app = _profiled_app(database_url, prepare)
    results = []
    with app.app_context():
        probe = Probe(app, db.engine)
    client = _signed_in_client(app, email, password)
    signed_in = client.get_cookie("session").value
    for name, path, keep_cookie in pages:
        def once():
            if not keep_cookie:
                client.set_cookie("session", signed_in)
            response = client.get(path, headers=(headers or {}).get(path))
            if response.status_code != 200:
                raise RuntimeError(f"{path} answered {response.status_code}")

        once()  # warm caches, compile templates
        tally = Tally()
        probe.tally = tally
        for _ in range(requests):
            started = time.perf_counter()
            once()
            tally.wall += time.perf_counter() - started
            tally.requests += 1
        probe.tally = None

        profiler = cProfile.Profile()
        profiler.enable()
        for _ in range(requests):
            once()
        profiler.disable()
        text = io.StringIO()
        stats = pstats.Stats(profiler, stream=text)
        stats.sort_stats("tottime").print_stats(top)
        results.append(_summary(name, path, tally, top, _function_lines(text.getvalue())))
    with app.app_context():
        db.engine.dispose()
    return results


def _function_lines(printed: str) -> list[str]:
    lines = printed.splitlines()
    start = next((i for i, line in enumerate(lines) if line.strip().startswith("ncalls")), None)
    return [line.rstrip() for line in lines[start:] if line.strip()] if start is not None else []


def _summary(name: str, path: str, tally: Tally, top: int, functions: list[str]) -> dict:
    n = tally.requests or 1
    per = {
        "total_ms": tally.wall / n * 1000,
        "sql_ms": tally.sql / n * 1000,
        "statements": tally.statements / n,
        "template_ms": tally.template / n * 1000,
        "template_sql_ms": tally.sql_in_template / n * 1000,
        "commit_ms": tally.commit / n * 1000,
        "commit_sql_ms": tally.sql_in_commit / n * 1000,
    }
    statements = sorted(tally.by_statement.items(), key=lambda kv: kv[1][1], reverse=True)[:top]
    return {
        "name": name, "path": path, "requests": tally.requests,
        "per_request": {k: round(v, 2) for k, v in per.items()},
        "templates_ms": {k: round(v / n * 1000, 2) for k, v in tally.by_template.items()},
        "top_statements": [{"ms_per_request": round(t / n * 1000, 2), "count_per_request": round(c / n, 2),
                            "sql": sql[:400]} for sql, (c, t) in statements],
        "top_functions": functions,
    }


def format_profile(result: dict) -> str:
    p = result["per_request"]
    commit_only = p["commit_ms"] - p["commit_sql_ms"]
    other = p["total_ms"] - p["sql_ms"] - (p["template_ms"] - p["template_sql_ms"]) - commit_only
    lines = [f"{result['name']}  ({result['path']}, {result['requests']} requests in process)",
             f"  {p['total_ms']:.1f} ms a request: SQL {p['sql_ms']:.1f} ms in {p['statements']:.0f} statements"
             f" ({p['template_sql_ms']:.1f} ms of it while rendering), template {p['template_ms'] - p['template_sql_ms']:.1f} ms"
             f" without SQL, commit {commit_only:.1f} ms beyond its SQL, rest {other:.1f} ms",
             "  slowest statements (ms a request × statements a request):"]
    for s in result["top_statements"]:
        lines.append(f"    {s['ms_per_request']:7.2f} ms ×{s['count_per_request']:<4g} {s['sql'][:150]}")
    lines.append("  busiest functions (cProfile, by own time):")
    lines += [f"    {line[:160]}" for line in result["top_functions"]]
    return "\n".join(lines)


# The search page, part by part. The app's functions are wrapped with timers for the duration (nothing in
# cop/ changes): each part is timed exclusively of the parts nested in it.

SEARCH_PARTS = [
    ("catch_up", "catch up with the change log (engine.catch_up)"),
    ("searcher", "open/refresh the searcher (engine._searcher)"),
    ("parse", "parse the query (engine.parse)"),
    ("match", "match, rank and count over posting arrays (matching.run)"),
    ("collect", "Whoosh search for the page of hits (search_with_collector)"),
    ("count", "Whoosh count and facets over every match (engine.count_matches)"),
    ("suggest", "did-you-mean (engine._suggest)"),
    ("search_rest", "rest of engine.search (hits, facet lists, terms)"),
    ("load_visible", "load the 10 hits from the database (load_visible)"),
    ("text_of", "text for snippets from the stored HTML (text_of)"),
    ("snippet", "highlight snippets (engine.snippet)"),
    ("entries_rest", "rest of building entries"),
    ("facet_labels", "facet labels from the database (_facet_labels)"),
    ("template", "templates, without SQL run while rendering"),
    ("rest", "everything else (Flask, session, user, form, SQL elsewhere)"),
]


def profile_search(database_url: str, features: dict[str, list[str]], email: str, password: str, prepare=None,
                   repeats: int = 3, top: int = 14) -> dict:
    """features: feature group -> search page paths. Each path is requested `repeats` times after one
    unmeasured request; returns milliseconds per request for each part, per group and overall."""
    from whoosh.searching import Searcher

    from cop.extensions import db
    from cop.search import engine, matching, views
    from cop.search.documents import KINDS

    app = _profiled_app(database_url, prepare)
    with app.app_context():
        probe = Probe(app, db.engine)
    client = _signed_in_client(app, email, password)
    timer: dict[str, float] = defaultdict(float)

    def wrap(function, name):
        def timed(*args, **kwargs):
            started = time.perf_counter()
            try:
                return function(*args, **kwargs)
            finally:
                timer[name] += time.perf_counter() - started
        return timed

    patches = [(engine, "catch_up", "catch_up"), (engine, "search", "search"), (engine, "_searcher", "searcher"),
               (engine, "parse", "parse"), (engine, "_suggest", "suggest"), (engine, "snippet", "snippet"),
               (engine, "count_matches", "count"), (matching, "run", "match"),
               (views, "_facet_labels", "facet_labels"), (views, "_entries", "entries"),
               (Searcher, "search_with_collector", "collect")]
    originals = [(owner, attr, getattr(owner, attr)) for owner, attr, _ in patches]
    kind_originals = {name: (kind.load_visible, kind.text_of) for name, kind in KINDS.items()}
    for owner, attr, name in patches:
        setattr(owner, attr, wrap(getattr(owner, attr), name))
    for kind in KINDS.values():
        kind.load_visible = wrap(kind.load_visible, "load_visible")
        kind.text_of = wrap(kind.text_of, "text_of")
    per_feature: dict[str, list[dict]] = defaultdict(list)
    try:
        for feature, paths in features.items():
            for path in paths:
                if client.get(path).status_code != 200:
                    raise RuntimeError(f"{path} did not answer 200")
                for _ in range(repeats):
                    timer.clear()
                    tally = Tally()
                    probe.tally = tally
                    started = time.perf_counter()
                    client.get(path)
                    wall = time.perf_counter() - started
                    probe.tally = None
                    per_feature[feature].append(_search_parts(dict(timer), tally, wall))
        profiler = cProfile.Profile()
        profiler.enable()
        for paths in features.values():
            for path in paths:
                client.get(path)
        profiler.disable()
    finally:
        for owner, attr, original in originals:
            setattr(owner, attr, original)
        for name, (load_visible, text_of) in kind_originals.items():
            KINDS[name].load_visible, KINDS[name].text_of = load_visible, text_of
    text = io.StringIO()
    pstats.Stats(profiler, stream=text).sort_stats("tottime").print_stats(top)
    groups = {feature: _mean_parts(rows) for feature, rows in per_feature.items()}
    groups["all"] = _mean_parts([row for rows in per_feature.values() for row in rows])
    with app.app_context():
        db.engine.dispose()
    return {"repeats": repeats, "parts": dict(SEARCH_PARTS), "ms_per_request": groups,
            "top_functions": _function_lines(text.getvalue())}


def _search_parts(t: dict, tally: Tally, wall: float) -> dict:
    ms = {name: t.get(name, 0.0) * 1000 for name in ("catch_up", "search", "searcher", "parse", "match", "collect",
                                                      "count",
                                                      "suggest", "load_visible", "text_of", "snippet", "entries",
                                                      "facet_labels")}
    parts = {name: ms[name] for name in ("catch_up", "searcher", "parse", "match", "collect", "count", "suggest",
                                         "load_visible", "text_of", "snippet", "facet_labels")}
    parts["search_rest"] = (ms["search"] - ms["searcher"] - ms["parse"] - ms["match"] - ms["collect"]
                            - ms["count"] - ms["suggest"])
    parts["entries_rest"] = ms["entries"] - ms["load_visible"] - ms["text_of"] - ms["snippet"]
    parts["template"] = (tally.template - tally.sql_in_template) * 1000
    parts["total"] = wall * 1000
    parts["rest"] = parts["total"] - sum(v for k, v in parts.items() if k != "total")
    parts["sql"] = tally.sql * 1000
    parts["statements"] = tally.statements
    return parts


def _mean_parts(rows: list[dict]) -> dict:
    return {key: round(sum(r[key] for r in rows) / len(rows), 2) for key in rows[0]} if rows else {}


def format_search_profile(result: dict) -> str:
    groups = result["ms_per_request"]
    names = list(groups)
    width = max(len(label) for _, label in SEARCH_PARTS) + 2
    lines = [f"{'ms per request (mean)':<{width}}" + "".join(f"{name:>10}" for name in names)]
    for key, label in SEARCH_PARTS + [("total", "total"), ("sql", "  of which SQL (anywhere)"),
                                      ("statements", "  SQL statements")]:
        lines.append(f"{label:<{width}}" + "".join(f"{groups[name].get(key, 0):>10.1f}" for name in names))
    lines.append("busiest functions (cProfile, by own time, one pass over the queries):")
    lines += [f"    {line[:160]}" for line in result["top_functions"]]
    return "\n".join(lines)
