"""The same queries straight on the engines, without the app around them: the app's Whoosh index through one
reused searcher (top 10; then with highlights of those 10; then with facet counts; then both; and, for
reference, both with Whoosh's own `groupedby` facets), and SQLite FTS5 over the same text (top 10 by bm25 with
snippets; then with facet counts)."""

import re
import sqlite3
import time
from collections import Counter
from pathlib import Path

from bench.indexing import BM25_WEIGHTS, facet_token
from bench.queries import Query

# full = highlights + facets, what the search page does. Facets are counted the way the app counts them
# (`engine.count_matches`: every match unscored, looked up in per-segment facet values); "grouped" is
# highlights + Whoosh's own `groupedby` facets, which un-invert each facet field on every query.
VARIANTS = ("plain", "highlights", "facets", "full", "grouped")


def percentile(values: list[float], p: float) -> float:
    """Linear interpolation between closest ranks (p in 0..100)."""
    if not values:
        return 0.0
    ordered = sorted(values)
    k = (len(ordered) - 1) * p / 100
    low = int(k)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (k - low)


def _texts(conn: sqlite3.Connection, hits: list[tuple[str, int]]) -> dict[tuple[str, int], str]:
    """What a snippet is cut from, read from the library by primary key (content is not stored in the index)."""
    queries = {
        "practice": "SELECT id, summary || char(10) || body FROM practices WHERE id IN ({})",
        "discussion": "SELECT id, body FROM threads WHERE id IN ({})",
        "organization": "SELECT id, region || '. ' || description FROM organizations WHERE id IN ({})",
        "person": "SELECT id, title || '. ' || bio FROM users WHERE id IN ({})",
    }
    by_kind: dict[str, list[int]] = {}
    for kind, object_id in hits:
        by_kind.setdefault(kind, []).append(object_id)
    texts = {}
    for kind, ids in by_kind.items():
        if kind in queries:
            sql = queries[kind].format(",".join("?" * len(ids)))
            texts.update({(kind, i): text for i, text in conn.execute(sql, ids)})
    return texts


class RawWhoosh:
    """One searcher on the app's index, reused for every query, as a lean search service would."""

    def __init__(self, folder: Path, database: Path):
        from whoosh import highlight, index, sorting

        from cop.search.engine import FACETS

        self.ix = index.open_dir(str(folder))
        self.searcher = self.ix.searcher()
        self.conn = sqlite3.connect(f"file:{database}?mode=ro", uri=True)
        self.facets = {name: sorting.FieldFacet(fieldname, allow_overlap=True, maptype=sorting.Count)
                       for name, fieldname in FACETS.items()}
        self.newest = sorting.FieldFacet("stamp", reverse=True)
        self.fragmenter = highlight.ContextFragmenter(maxchars=220, surround=60)
        self.formatter = highlight.HtmlFormatter(tagname="mark", between=" … ")

    def close(self):
        self.searcher.close()
        self.conn.close()

    def run(self, q: Query, variant: str) -> dict:
        from whoosh import query as wq

        from cop.search.engine import FACETS, clean_query, count_matches, parse

        highlights = variant in ("highlights", "full", "grouped")
        facets = variant in ("facets", "full")
        grouped = variant == "grouped"
        parsed = parse(clean_query(q.text), self.searcher.schema)
        conditions = []
        for name, value in q.filters.items():
            conditions.append(wq.Term(FACETS[name], value))
        restrict = wq.And(conditions) if conditions else None
        results = self.searcher.search(parsed, limit=10, filter=restrict,
                                       sortedby=self.newest if q.sort == "newest" else None,
                                       groupedby=self.facets if grouped else None, terms=highlights)
        # With groupedby Whoosh collects (and ranks) every match, so take the first ten explicitly.
        page = results[:10]
        hits = [(hit["kind"], hit["obj_id"]) for hit in page]
        out = {"hits": len(hits)}
        if facets:
            matching = wq.And([parsed, restrict]) if restrict is not None else parsed
            total, counts, _ = count_matches(self.searcher, matching, time.monotonic() + 60)
            out.update(total=total, facet_values=sum(len(values) for values in counts.values()))
        elif grouped:
            out.update(total=len(results), facet_values=sum(len(results.groups(name)) for name in FACETS))
        if highlights:
            texts = _texts(self.conn, hits)
            results.fragmenter, results.formatter = self.fragmenter, self.formatter
            out["snippets"] = sum(bool(hit.highlights("content", text=texts.get((hit["kind"], hit["obj_id"]), ""),
                                                      top=2)) for hit in page)
        return out


class Fts5:
    """SQLite FTS5 over the same documents: bm25 ranking (title and meta boosted), snippet(), facets counted
    from the matching rows."""

    def __init__(self, path: Path):
        self.conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)

    def close(self):
        self.conn.close()

    @staticmethod
    def match(q: Query) -> str:
        parts = []
        for phrase, word in re.findall(r'"([^"]+)"|(\S+)', q.text):
            text = phrase or word
            text = re.sub(r'["*^:()]', " ", text).strip()
            if text and text.upper() not in ("AND", "OR", "NOT"):
                parts.append(f'"{text}"')
        expression = " ".join(parts) or '""'
        columns = {"topic": "f_topic", "industry": "f_industry", "program_type": "f_program", "organization": "f_org"}
        for name, value in q.filters.items():
            if name in columns:
                expression = f"({expression}) AND {columns[name]} : {facet_token(value)}"
        return expression

    def run(self, q: Query, variant: str) -> dict:
        expression = self.match(q)
        where, args = "docs MATCH ?", [expression]
        if "kind" in q.filters:
            where += " AND kind = ?"
            args.append(q.filters["kind"])
        order = "stamp DESC" if q.sort == "newest" else f"bm25(docs, {', '.join(map(str, BM25_WEIGHTS))})"
        rows = self.conn.execute(
            f"SELECT kind, obj_id, snippet(docs, 1, '<mark>', '</mark>', ' … ', 24) FROM docs "
            f"WHERE {where} ORDER BY {order} LIMIT 10", args).fetchall()
        out = {"hits": len(rows)}
        if variant in ("facets", "full"):
            counts: dict[str, Counter] = {name: Counter() for name in ("kind", "topic", "industry", "program", "org")}
            total = 0
            for kind, topic, industry, program, org in self.conn.execute(
                    f"SELECT kind, f_topic, f_industry, f_program, f_org FROM docs WHERE {where}", args):
                total += 1
                counts["kind"][kind] += 1
                for name, value in (("topic", topic), ("industry", industry), ("program", program), ("org", org)):
                    counts[name].update((value or "").split())
            out.update(total=total, facet_values=sum(len(c) for c in counts.values()))
        return out


def timed_runs(engine, queries: list[Query], variants: tuple[str, ...]) -> dict[str, list[float]]:
    """Each query in turn under every variant (interleaved, so drift in machine load hits all alike);
    milliseconds per run, in query order."""
    times: dict[str, list[float]] = {variant: [] for variant in variants}
    for q in queries:
        for variant in variants:
            started = time.perf_counter()
            engine.run(q, variant)
            times[variant].append((time.perf_counter() - started) * 1000)
    return times
