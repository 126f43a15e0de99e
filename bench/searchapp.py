"""The real app as the search benchmark serves it (`gunicorn 'bench.searchapp:create_app()'`): `wsgi:app`, plus what
the discussions work has not wired in yet (threads as search documents, a result template for them).
Both steps do nothing once the app has them itself.

With COP_BENCH_FIX_PAGE_SLICE=1 it also stands in for a one-line fix the benchmark found missing: with facets
Whoosh collects every match, and engine.search slices `results[(page - 1) * per_page:]` with no end, so the
page loads, snippets and renders every match instead of ten. The stand-in ends that slice at one page; it
changes nothing once engine.search slices `[start:stop]` itself."""

import os
import threading

from jinja2 import ChoiceLoader, FileSystemLoader

from bench import BENCH_DIR, ROOT

FIX_PAGE_SLICE = "COP_BENCH_FIX_PAGE_SLICE"
_page = threading.local()

STANDIN_TEMPLATES = BENCH_DIR / "templates" / "standin"


def prepare(app):
    """Make discussions searchable in this process and give the search page a way to show them."""
    from bench.indexing import ensure_discussions_searchable

    ensure_discussions_searchable()
    if not (ROOT / "templates" / "search" / "_hit_discussion.html").exists():
        app.jinja_loader = ChoiceLoader([app.jinja_loader, FileSystemLoader(str(STANDIN_TEMPLATES))])
    return app


def missing_pieces() -> list[str]:
    """What prepare() stands in for, to say so in the report."""
    from cop.search.documents import KINDS

    missing = []
    if "discussion" not in KINDS:
        missing.append("register_discussions() is not called by the app")
    if not (ROOT / "templates" / "search" / "_hit_discussion.html").exists():
        missing.append("templates/search/_hit_discussion.html does not exist")
    return missing


def page_slice_is_open(app, text: str) -> tuple[int, int]:
    """(hits engine.search returned for one page, matches): more hits than a page means the open slice."""
    from cop.search import engine

    with app.app_context():
        results = engine.search(app, text, per_page=10)
    return len(results.hits), results.total


def fix_page_slice() -> None:
    """End the open-ended slice engine.search takes of Whoosh's results at one page (see the module
    docstring); only while engine.search runs, so nothing else sees a difference."""
    from whoosh.searching import Results

    from cop.search import engine

    if getattr(engine.search, "bench_page_slice", False):
        return
    search, getitem = engine.search, Results.__getitem__

    def capped_getitem(self, n):
        size = getattr(_page, "size", None)
        if size and isinstance(n, slice) and n.stop is None and n.step is None:
            n = slice(n.start, (n.start or 0) + size)
        return getitem(self, n)

    def one_page_search(app, text, *args, per_page=10, **kwargs):
        _page.size = per_page
        try:
            return search(app, text, *args, per_page=per_page, **kwargs)
        finally:
            _page.size = None

    one_page_search.bench_page_slice = True
    engine.search = one_page_search
    Results.__getitem__ = capped_getitem


def create_app():
    """The WSGI app for gunicorn: `gunicorn 'bench.searchapp:create_app()'`."""
    from wsgi import app

    if os.environ.get(FIX_PAGE_SLICE) == "1":
        fix_page_slice()
    return prepare(app)
