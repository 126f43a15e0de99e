"""Building the search indexes the benchmark compares: the app's own rebuild (what `flask search reindex`
runs), a bare tuned Whoosh build of the same documents into a scratch folder, and a SQLite FTS5 table over
the same text as a reference. Each is timed, and the time spent producing documents is counted apart."""

import re
import shutil
import sqlite3
import time
from contextlib import contextmanager
from pathlib import Path

import click
import sqlalchemy as sa

WRITER_SETTINGS = {"procs": 2, "multisegment": True, "limitmb": 256}


def folder_bytes(folder: Path) -> int:
    return sum(f.stat().st_size for f in Path(folder).rglob("*") if f.is_file())


def ensure_discussions_searchable() -> list[str]:
    """Register threads as a kind of search document if the app has not done so yet (its author is
    wiring it in); returns the kinds indexed."""
    from cop.search.documents import KINDS, register_discussions

    if "discussion" not in KINDS:
        register_discussions()
    return list(KINDS)


@contextmanager
def timed_builders(tally: dict):
    """Count the seconds each kind's document builder takes (database loading and text preparation),
    without touching the app's code: the Kind objects get a timing wrapper for the duration."""
    from cop.search.documents import KINDS

    originals = {name: kind.build for name, kind in KINDS.items()}

    def wrap(name, build):
        def timed(ids):
            started = time.perf_counter()
            docs = build(ids)
            tally[name] = tally.get(name, 0.0) + time.perf_counter() - started
            return docs
        return timed

    for name, kind in KINDS.items():
        kind.build = wrap(name, kind.build)
    try:
        yield tally
    finally:
        for name, kind in KINDS.items():
            kind.build = originals[name]


def app_rebuild(app) -> dict:
    """The app's rebuild (a fresh folder, swapped in), as `flask search reindex` runs it."""
    from cop.extensions import db
    from cop.search import engine
    from cop.search.documents import KINDS

    production: dict[str, float] = {}
    with app.app_context():
        total = sum(db.session.scalar(sa.select(sa.func.count()).select_from(kind.model)) for kind in KINDS.values())
        db.session.rollback()
        with click.progressbar(length=total, label="  app rebuild (engine.rebuild)", show_pos=True) as bar, \
                timed_builders(production):
            started = time.perf_counter()
            report = engine.rebuild(app, progress=lambda kind, n: bar.update(n))
            seconds = time.perf_counter() - started
        folder = engine.current_dir(app)
        db.session.remove()
    return {"seconds": round(seconds, 2), "engine_seconds": round(report["seconds"], 2), "bytes": report["bytes"],
            "documents": report["documents"], "caught_up": report["caught_up"], "folder": str(folder),
            "production_seconds": {k: round(v, 2) for k, v in production.items()},
            "production_total_seconds": round(sum(production.values()), 2)}


def bare_build(app, folder: Path) -> dict:
    """The same documents, produced by the same KINDS builders, into the same schema with the same tuned
    writer (procs=2, multisegment, limitmb=256), and nothing else: no change-log position, no swap, no
    catch-up. This is what the app's rebuild is compared with."""
    from whoosh import index

    from cop.extensions import begin_read, db
    from cop.search.documents import KINDS
    from cop.search.engine import _finish, make_schema

    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    production: dict[str, float] = {}
    counts: dict[str, int] = {}
    with app.app_context():
        total = sum(db.session.scalar(sa.select(sa.func.count()).select_from(kind.model)) for kind in KINDS.values())
        db.session.rollback()
        with click.progressbar(length=total, label="  bare tuned Whoosh build", show_pos=True) as bar:
            started = time.perf_counter()
            begin_read()  # a plain read transaction, as the app's rebuild takes (not the write lock)
            ix = index.create_in(folder, make_schema())
            writer = ix.writer(**WRITER_SETTINGS)
            adding = 0.0
            try:
                for kind in KINDS.values():
                    ids = db.session.scalars(sa.select(kind.model.id).order_by(kind.model.id)).all()
                    counts[kind.name] = 0
                    for start in range(0, len(ids), 500):
                        chunk = ids[start:start + 500]
                        t = time.perf_counter()
                        docs = kind.build(chunk)
                        t2 = time.perf_counter()
                        production[kind.name] = production.get(kind.name, 0.0) + t2 - t
                        for object_id, doc in docs.items():
                            writer.add_document(**_finish(kind.name, object_id, doc))
                            counts[kind.name] += 1
                        adding += time.perf_counter() - t2
                        db.session.expunge_all()
                        bar.update(len(chunk))
                t = time.perf_counter()
                writer.commit()
                commit = time.perf_counter() - t
            except BaseException:
                writer.cancel()
                raise
            seconds = time.perf_counter() - started
        db.session.remove()
    return {"seconds": round(seconds, 2), "bytes": folder_bytes(folder), "documents": counts, "folder": str(folder),
            "production_seconds": {k: round(v, 2) for k, v in production.items()},
            "production_total_seconds": round(sum(production.values()), 2),
            "add_document_seconds": round(adding, 2), "commit_seconds": round(commit, 2)}


# SQLite FTS5, the reference: the same fields straight from the library's tables (Markdown source rather
# than the app's rendered plain text, which differs only in markup characters).

FTS_COLUMNS = ("title", "content", "meta", "f_topic", "f_industry", "f_program", "f_org", "kind", "obj_id", "stamp")
# bm25 weights in column order: title and the meta fields boosted as the Whoosh parser boosts them.
BM25_WEIGHTS = (3.0, 1.0, 1.5, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0)


def facet_token(value: str | None) -> str:
    """A facet value as one FTS token ('pre-apprenticeship' -> 'fpreapprenticeship'), so values never
    match inside one another."""
    return "f" + re.sub(r"[^a-z0-9]", "", (value or "").lower()) if value else ""


def _facet_tokens(joined: str | None) -> str:
    return " ".join(facet_token(v) for v in (joined or "").split("\x1f") if v)


def fts_build(database: Path, target: Path) -> dict:
    """An FTS5 table of every searchable document, filled with INSERT ... SELECT from the library."""
    target.unlink(missing_ok=True)
    started = time.perf_counter()
    conn = sqlite3.connect(target)
    conn.create_function("facets", 1, _facet_tokens, deterministic=True)
    conn.execute("PRAGMA journal_mode=OFF")
    conn.execute("PRAGMA synchronous=OFF")
    conn.execute("ATTACH DATABASE ? AS lib", (str(database),))
    columns = ", ".join(c if c not in ("kind", "obj_id", "stamp") else f"{c} UNINDEXED" for c in FTS_COLUMNS)
    conn.execute(f"CREATE VIRTUAL TABLE docs USING fts5({columns}, tokenize='porter unicode61')")
    sep = "char(31)"
    counts = {}
    statements = {
        "practice": f"""
            INSERT INTO docs ({', '.join(FTS_COLUMNS)})
            SELECT p.title, p.summary || char(10) || p.body,
                   coalesce((SELECT group_concat(t.name || ' ' || replace(t.slug, '-', ' '), ' ')
                             FROM lib.practice_topics pt JOIN lib.topics t ON t.id = pt.topic_id
                             WHERE pt.practice_id = p.id), '') || ' ' ||
                   coalesce((SELECT group_concat(g.name, ' ') FROM lib.practice_tags x JOIN lib.tags g
                             ON g.id = x.tag_id WHERE x.practice_id = p.id), '') || ' ' ||
                   coalesce((SELECT group_concat(c.name, ' ') FROM lib.practice_competencies x JOIN lib.competencies c
                             ON c.id = x.competency_id WHERE x.practice_id = p.id), '') || ' ' ||
                   o.name || ' ' || u.name || ' ' ||
                   coalesce((SELECT group_concat(f.value, ' ') FROM lib.practice_facets f
                             WHERE f.practice_id = p.id AND f.facet IN ('industry', 'program_type')), ''),
                   facets((SELECT group_concat(t.slug, {sep}) FROM lib.practice_topics pt
                           JOIN lib.topics t ON t.id = pt.topic_id WHERE pt.practice_id = p.id)),
                   facets((SELECT group_concat(f.value, {sep}) FROM lib.practice_facets f
                           WHERE f.practice_id = p.id AND f.facet = 'industry')),
                   facets((SELECT group_concat(f.value, {sep}) FROM lib.practice_facets f
                           WHERE f.practice_id = p.id AND f.facet = 'program_type')),
                   facets(o.slug), 'practice', p.id, CAST(strftime('%s', p.published_at) AS INTEGER)
            FROM lib.practices p JOIN lib.organizations o ON o.id = p.organization_id
                 JOIN lib.users u ON u.id = p.author_id
            WHERE p.status = 'published' AND p.deleted_at IS NULL""",
        "discussion": f"""
            INSERT INTO docs ({', '.join(FTS_COLUMNS)})
            SELECT th.title,
                   th.body || char(10) || coalesce((SELECT group_concat(r.body, char(10)) FROM lib.replies r
                       WHERE r.thread_id = th.id AND r.deleted_at IS NULL AND r.hidden_at IS NULL), ''),
                   coalesce(t.name || ' ' || replace(t.slug, '-', ' '), c.fixed) || ' ' || u.name,
                   facets(t.slug), '', '', '', 'discussion', th.id,
                   CAST(strftime('%s', th.last_activity_at) AS INTEGER)
            FROM lib.threads th JOIN lib.discussion_categories c ON c.id = th.category_id
                 LEFT JOIN lib.topics t ON t.id = c.topic_id JOIN lib.users u ON u.id = th.author_id
            WHERE th.hidden_at IS NULL AND th.merged_into_id IS NULL""",
        "organization": f"""
            INSERT INTO docs ({', '.join(FTS_COLUMNS)})
            SELECT name, region || '. ' || description, coalesce(industry, '') || ' ' || name, '',
                   facets(industry), '', facets(slug), 'organization', id,
                   CAST(strftime('%s', created_at) AS INTEGER)
            FROM lib.organizations""",
        "person": f"""
            INSERT INTO docs ({', '.join(FTS_COLUMNS)})
            SELECT u.name, u.title || '. ' || u.bio, o.name, '', '', '', facets(o.slug), 'person', u.id,
                   CAST(strftime('%s', u.created_at) AS INTEGER)
            FROM lib.users u JOIN lib.organizations o ON o.id = u.organization_id WHERE u.status = 'active'""",
    }
    has_threads = conn.execute("SELECT count(*) FROM lib.sqlite_master WHERE name = 'threads'").fetchone()[0]
    for kind, statement in statements.items():
        if kind == "discussion" and not has_threads:
            continue
        counts[kind] = conn.execute(statement).rowcount
    conn.commit()
    conn.execute("INSERT INTO docs(docs) VALUES('optimize')")
    conn.commit()
    conn.execute("DETACH DATABASE lib")
    conn.close()
    return {"seconds": round(time.perf_counter() - started, 2), "bytes": target.stat().st_size, "documents": counts,
            "file": str(target)}
