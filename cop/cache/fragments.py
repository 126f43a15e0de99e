"""A per-process store of rendered HTML fragments.

A key names what was rendered and for whom it looks the same (the viewer's time zone, role, and any state a
fragment shows); `versions.current()` is part of every key, so a commit anywhere retires every fragment at
once and a reader never sees a page older than the data it has just changed. Per-member parts of a page
(its CSRF token, counters that move on every view) are left as placeholders in the stored HTML and filled
in for each request.
"""

import re
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable

from flask import current_app, g, render_template, request, session
from flask_login import current_user
from flask_wtf.csrf import generate_csrf
from markupsafe import Markup

from cop.auth import viewer
from cop.cache import versions

# What a fragment holds instead of the viewer's CSRF token; nh3 strips comments from member content and
# Jinja escapes titles, so no member can write it.
CSRF_PLACEHOLDER = "<!--cop:csrf-->"


class FragmentStore:
    """Least recently used first out, within a byte budget (sync workers are single-threaded; the lock is
    for the threaded development server)."""

    def __init__(self, max_bytes: int):
        self.max_bytes = max_bytes
        self.size = 0
        self.hits = self.misses = 0
        self._items: OrderedDict[Hashable, str] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: Hashable) -> str | None:
        with self._lock:
            html = self._items.get(key)
            if html is None:
                self.misses += 1
                return None
            self._items.move_to_end(key)
            self.hits += 1
            return html

    def put(self, key: Hashable, html: str) -> None:
        cost = len(html)
        if cost > self.max_bytes:
            return
        with self._lock:
            old = self._items.pop(key, None)
            if old is not None:
                self.size -= len(old)
            self._items[key] = html
            self.size += cost
            while self.size > self.max_bytes:
                _, dropped = self._items.popitem(last=False)
                self.size -= len(dropped)

    def clear(self) -> None:
        with self._lock:
            self._items.clear()
            self.size = 0

    def __len__(self) -> int:
        return len(self._items)


def init_app(app) -> None:
    app.extensions["cop_fragments"] = FragmentStore(app.config.get("COP_FRAGMENT_CACHE_BYTES", 64 * 2**20))
    app.add_template_global(slot)
    app.add_template_global(only_for)
    app.add_template_global(except_for)
    if ("content_version", versions.version_column) not in viewer.VIEWER_EXTRAS:
        viewer.VIEWER_EXTRAS.append(("content_version", versions.version_column))


def store() -> FragmentStore:
    return current_app.extensions["cop_fragments"]


def content_version() -> int:
    """Read once per request (with the signed-in member, see `cop.auth.viewer`): every fragment of the
    page is keyed by the same version. A commit in the request forgets it."""
    if "cop_content_version" not in g:
        loaded = viewer.extra("content_version")
        g.cop_content_version = loaded if loaded is not None else versions.current()
    return g.cop_content_version


def cached(key: tuple, render: Callable[[], str]) -> str:
    """The stored HTML for `key` at the current content version, rendering and storing it on a miss.
    Returned with its placeholders still in: pass it through `personal()` before it goes out."""
    if not current_app.config.get("COP_FRAGMENT_CACHE", True):
        return _without_token(str(render()))
    full_key = (content_version(), *key)
    cache = store()
    html = cache.get(full_key)
    if html is None:
        html = _without_token(str(render()))
        cache.put(full_key, html)
    return html


def cached_titled(key: tuple, render: Callable[[], tuple[str, str]]) -> tuple[str, str]:
    """Like `cached`, for a page whose title is worked out while rendering: `render` gives (title, html)."""
    def render_both() -> str:
        title, html = render()
        return f"{len(title)}:{title}{html}"

    stored = cached(key, render_both)
    length, _, rest = stored.partition(":")
    return rest[:int(length)], rest[int(length):]


def personal(html: str, **values) -> Markup:
    """Fill a stored fragment's placeholders for this request: the CSRF token, and each `<!--cop:NAME-->`
    from `values` (escaped unless Markup)."""
    if CSRF_PLACEHOLDER in html:
        html = html.replace(CSRF_PLACEHOLDER, generate_csrf())
    for name, value in values.items():
        html = html.replace(slot(name), str(Markup.escape(value)))
    return Markup(html)


# Parts of a shared fragment that only one member (`own`) or everyone but them (`other`) sees: a post's
# edit buttons for its author, its "helpful" button for everyone else.
_VIEWER_BLOCK = re.compile(r"<!--cop:(own|other):(\d+)-->(.*?)<!--cop:/\1-->", re.S)


def only_for(user_id: int, html: str) -> Markup:
    return Markup(f"<!--cop:own:{int(user_id)}-->{html}<!--cop:/own-->")


def except_for(user_id: int, html: str) -> Markup:
    return Markup(f"<!--cop:other:{int(user_id)}-->{html}<!--cop:/other-->")


def for_viewer(html: str, user_id: int) -> str:
    """Keep the blocks meant for this member, drop the others."""
    if "<!--cop:o" not in html:
        return html
    return _VIEWER_BLOCK.sub(
        lambda m: m.group(3) if (m.group(1) == "own") == (int(m.group(2)) == user_id) else "", html)


def slot(name: str) -> Markup:
    """A placeholder for a per-request value inside a cached fragment."""
    return Markup(f"<!--cop:{name}-->")


def _without_token(html: str) -> str:
    # Forms in the fragment carry the token of whoever rendered it; store a placeholder instead. Flask-WTF
    # signs one token per request, so every form on the page carries the same string.
    token = g.get("csrf_token")
    return html.replace(token, CSRF_PLACEHOLDER) if token else html


PAGE_TEMPLATE = "_page.html"
_KEYED_TYPES = (int, str, bool, type(None))


def page(title: str, main: str, **values) -> str:
    """A whole page: the site layout around `main` (a cached fragment), for the signed-in member.

    The layout is itself cached per member and section of the site, keyed by every plain value the
    context processors give it (unread counts and the like), with the title and the main part as
    placeholders; flashed messages are rare and skip the cache.
    """
    main_html = str(personal(main, **values))
    if not current_app.config.get("COP_FRAGMENT_CACHE", True) or "_flashes" in session:
        return render_template(PAGE_TEMPLATE, title=title, main=Markup(main_html))
    context: dict = {}
    current_app.update_template_context(context)
    shared = tuple(sorted((name, value) for name, value in context.items() if isinstance(value, _KEYED_TYPES)))
    key = ("layout", request.blueprint, current_user.get_id(), shared)
    shell = cached(key, lambda: render_template(PAGE_TEMPLATE, title=slot("title"), main=slot("main")))
    # The main part goes in last, so nothing in it is taken for a placeholder.
    return str(personal(shell, title=title)).replace(str(slot("main")), main_html, 1)
