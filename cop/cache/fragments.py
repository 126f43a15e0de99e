"""A per-process store of rendered HTML fragments.

A key names what was rendered and for whom it looks the same (the viewer's time zone, role, and any state a
fragment shows); `versions.current()` is part of every key, so a commit anywhere retires every fragment at
once and a reader never sees a page older than the data it has just changed. Per-member parts of a page
(its CSRF token, counters that move on every view) are left as placeholders in the stored HTML and filled
in for each request.

The rules every cached page keeps (STYLE.md, "Speed without a second house"): its view is marked with
`@cached_page`, which is how the differential test (tests/test_cache_differential.py) finds it, and an
unmarked view is never cached; the view decides who may see what, and aborts, before it asks this module
for anything; one function beside that decision builds the key from the checked objects and the viewer.
Whatever cannot be decided fails closed: a fill without a viewer keeps nobody's own controls, and a layout
whose context holds a value this module cannot key is rendered afresh.
"""

import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable
from dataclasses import dataclass, field

from flask import current_app, g, render_template, request, session
from flask_login import current_user
from flask_wtf.csrf import generate_csrf
from markupsafe import Markup

from cop.auth import viewer
from cop.cache import versions
from cop.extensions import SESSION_ON_DEMAND, open_session
from cop.text import without_bidi_controls

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
        self._items: OrderedDict[Hashable, object] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: Hashable):
        with self._lock:
            html = self._items.get(key)
            if html is None:
                self.misses += 1
                return None
            self._items.move_to_end(key)
            self.hits += 1
            return html

    def put(self, key: Hashable, value) -> None:
        """`value` is a string or a tuple of strings; its size is their length."""
        cost = _size(value)
        if cost > self.max_bytes:
            return
        with self._lock:
            old = self._items.pop(key, None)
            if old is not None:
                self.size -= _size(old)
            self._items[key] = value
            self.size += cost
            while self.size > self.max_bytes:
                _, dropped = self._items.popitem(last=False)
                self.size -= _size(dropped)

    def clear(self) -> None:
        with self._lock:
            self._items.clear()
            self.size = 0

    def __len__(self) -> int:
        return len(self._items)


def _size(value) -> int:
    return sum(map(len, value)) if isinstance(value, tuple) else len(value)


def init_app(app) -> None:
    app.extensions["cop_fragments"] = FragmentStore(app.config.get("COP_FRAGMENT_CACHE_BYTES", 64 * 2**20))
    app.add_template_global(slot)
    app.add_template_global(only_for)
    app.add_template_global(except_for)
    if ("content_version", versions.version_column) not in viewer.VIEWER_EXTRAS:
        viewer.VIEWER_EXTRAS.append(("content_version", versions.version_column))


CACHED_PAGE = "cop_cached_page"


def cached_page(view):
    """Mark a view that serves fragments from the cache. Only marked views are cached (any other view that
    calls `cached` renders afresh), and the differential test covers every marked route."""
    setattr(view, CACHED_PAGE, True)
    setattr(view, SESSION_ON_DEMAND, True)
    return view


def is_cached_page(view) -> bool:
    return bool(getattr(view, CACHED_PAGE, False))


def _caching() -> bool:
    """Whether this request may use the cache: it is on, and the view serving the request is marked."""
    if not current_app.config.get("COP_FRAGMENT_CACHE", True) or not request.endpoint:
        return False
    return is_cached_page(current_app.view_functions.get(request.endpoint))


def query_args() -> tuple:
    """The request's query arguments as part of a key: every one of them, in a fixed order."""
    return tuple(sorted(request.args.items(multi=True)))


def this_minute() -> int:
    """A key part for pages that change with the clock as well as with the data (what is still upcoming,
    whether RSVPs have closed, which day is today): keyed by the minute, such a page is never more than a
    minute behind the clock."""
    return int(time.time() // 60)


def store() -> FragmentStore:
    return current_app.extensions["cop_fragments"]


def content_version() -> int:
    """Read once per request (with the signed-in member, see `cop.auth.viewer`): every fragment of the
    page is keyed by the same version. A commit in the request forgets it."""
    if "cop_content_version" not in g:
        loaded = viewer.extra("content_version")
        g.cop_content_version = loaded if loaded is not None else versions.current()
    return g.cop_content_version


class Fragment(str):
    """Stored HTML that remembers where its placeholders are and its `Plan`s, so that filling it on every
    request is a few steps, not a new scan of the page."""

    parsed: tuple[list[str], list[str]] | None = None
    plans: dict | None = None


def cached(key: tuple, render: Callable[[], str]) -> str:
    """The stored HTML for `key` at the current content version, rendering and storing it on a miss.
    Returned with its placeholders still in: pass it through `personal()` before it goes out."""
    return cached_titled(key, lambda: ("", render()))[1]


def cached_titled(key: tuple, render: Callable[[], tuple[str, str]]) -> tuple[str, str]:
    """Like `cached`, for a page whose title is worked out while rendering: `render` gives (title, html).

    The caller has already decided that the viewer may see the page, and `key` names everything the
    render depends on; `render` itself decides nothing about who may see what."""
    if not _caching():
        open_session()
        title, html = render()
        return title, Fragment(_without_token(str(html)))
    full_key = (content_version(), *key)
    cache = store()
    stored = cache.get(full_key)
    if stored is None:
        open_session()  # a render may load through the viewer (see SESSION_ON_DEMAND)
        title, html = render()
        stored = (str(title), Fragment(ascii_html(_without_token(str(html)))))
        cache.put(full_key, stored)
    return stored


MARK = "<!--cop:"
_END = "-->"


def fill(html: str, resolve: Callable[[str], str | None], viewer_id: int | None = None) -> str:
    """A stored fragment with each placeholder as `resolve` gives it for its name (None keeps it for a
    later pass), and the own/other blocks kept or dropped for the member `viewer_id`, from the fragment's
    `Plan` (the one way fragments are filled).

    Without a viewer it fails closed: every `own` block is dropped (nobody's own controls go to an
    unknown reader) and every `other` block is kept, as for a member who owns none of them."""
    if getattr(html, "parsed", None) is None and MARK not in html:
        return html
    plan = planned(html, {})
    values = {}
    for kind, names in plan.names.items():
        for name in names:
            if not _is_block_marker(kind, name) and (value := resolve(name)) is not None:
                values[name] = value
    return plan.fill(viewer_id, values)


def _is_block_marker(kind: str, name: str) -> bool:
    return name in ("/own", "/other") or (kind in ("own", "other") and name.partition(":")[2].isdigit())


_signed_tokens: OrderedDict[str, str] = OrderedDict()


def _csrf_token() -> str:
    """The signed CSRF token for this request's session: signed once per session and worker, not once
    per page (tokens do not expire, WTF_CSRF_TIME_LIMIT is None, so any signing of it validates)."""
    token = g.get("csrf_token")
    if token:
        return token
    raw = session.get("csrf_token")
    token = _signed_tokens.get(raw) if raw else None
    if token is None or current_app.config.get("WTF_CSRF_TIME_LIMIT") is not None:
        token = generate_csrf()
        _signed_tokens[session["csrf_token"]] = token
        if len(_signed_tokens) > 10_000:
            _signed_tokens.popitem(last=False)
    g.csrf_token = token
    return token


def _parsed(html: str) -> tuple[list[str], list[str]]:
    """The text between placeholders and their names; worked out once for a stored `Fragment`."""
    parsed = getattr(html, "parsed", None)
    if parsed is None:
        parsed = _parse(html)
        if isinstance(html, Fragment):
            html.parsed = parsed
    return parsed


def _parse(html: str) -> tuple[list[str], list[str]]:
    parts = html.split(MARK)
    chunks, names = [parts[0]], []
    for part in parts[1:]:
        name, _, rest = part.partition(_END)
        names.append(name)
        chunks.append(rest)
    return chunks, names


@dataclass
class Plan:
    """A stored fragment as a viewer who owns nothing sees it, with each placeholder preset to the default
    for its kind (the part of its name before the first ':'), and where each member's page differs.

    Filling it for a member is a copy of `parts`, an assignment per value that is not the default, their
    own blocks and a join: on a 50-reply thread that is a few dozen steps instead of a walk over some 500
    placeholders. The blocks come from `only_for` and `except_for`; each one ends at the first end marker
    of its kind."""

    parts: list[str]
    defaults: dict[str, str]
    positions: dict[str, list[int]]
    """Where each placeholder outside the member-only blocks is in `parts`."""
    names: dict[str, list[str]]
    """By kind, every placeholder's name (those inside `own` blocks too), once each, in page order."""
    own: dict[int, list[tuple[int, Fragment]]]
    """By member, the place in `parts` of each block only they see, and its HTML, filled when they look."""
    hidden: dict[int, list[tuple[int, int]]]
    """By member, the ranges of `parts` that everyone but them sees."""
    memo: dict = field(default_factory=dict)
    """What a caller works out once per plan (the fields of a page's names, say), kept as long as it is."""

    def fill(self, viewer_id: int | None, values: dict[str, str]) -> str:
        """The page for this member (None: a member who owns no block), with `values` by name and the
        plan's defaults by kind."""
        out = self.parts.copy()
        positions = self.positions
        for name, value in values.items():
            for i in positions.get(name, ()):
                out[i] = value
        signed = []

        def token() -> str:
            # As in `fill`, signed only when a form on the member's page needs it, and here only once.
            if not signed:
                signed.append(_csrf_token())
            return signed[0]

        blocks = self.own.get(viewer_id)
        if blocks:
            resolve = _resolver(values, self.defaults, token)
            for i, html in blocks:
                out[i] = fill(html, resolve, viewer_id)
        for start, end in self.hidden.get(viewer_id, ()):
            out[start:end] = [""] * (end - start)
        if "csrf" not in values and "csrf" not in self.defaults:
            for i in positions.get("csrf", ()):
                if out[i] == CSRF_PLACEHOLDER:
                    out[i] = token()
        return "".join(out)


def planned(html: str, defaults: dict[str, str]) -> Plan:
    """The plan of a fragment for these defaults: worked out once for a stored `Fragment`, and on the fly
    for any other string."""
    key = tuple(sorted(defaults.items()))
    plans = getattr(html, "plans", None)
    plan = plans.get(key) if plans else None
    if plan is None:
        plan = _plan(html, dict(defaults))
        if isinstance(html, Fragment):
            if html.plans is None:
                html.plans = {}
            html.plans[key] = plan
    return plan


def fill_planned(html: str, viewer_id: int | None, defaults: dict[str, str], values: dict[str, str]) -> str:
    """The same as `fill(html, resolve, viewer_id)` where `resolve` gives `values[name]`, else the default
    for the name's kind, else None, at a fraction of its cost on a page with many placeholders.

    With no viewer it fails closed, as `fill` does (no `own` block is kept)."""
    return planned(html, defaults).fill(viewer_id, values)


def _resolver(values: dict[str, str], defaults: dict[str, str],
              token: Callable[[], str] | None = None) -> Callable[[str], str | None]:
    def resolve(name: str) -> str | None:
        value = values.get(name)
        if value is None:
            value = defaults.get(name.partition(":")[0])
            if value is None and name == "csrf" and token is not None:
                value = token()
        return value

    return resolve


def _plan(html: str, defaults: dict[str, str]) -> Plan:
    # One walk over the placeholders, as for a member who owns no block, noting where another member's
    # page differs.
    chunks, names = _parsed(html)
    parts = [chunks[0]]
    positions: dict[str, list[int]] = {}
    own: dict[int, list[tuple[int, Fragment]]] = {}
    hidden: dict[int, list[tuple[int, int]]] = {}
    others: list[tuple[int, int]] = []  # the `other` blocks open here: (owner, first part)
    block = None  # inside an `own` block: its owner, place and pieces of HTML
    for name, rest in zip(names, chunks[1:]):
        if block is not None:
            if name == "/own":
                owner, place, pieces = block
                own.setdefault(owner, []).append((place, Fragment("".join(pieces))))
                block = None
                parts.append(rest)
            else:
                block[2].extend((MARK, name, _END, rest))
            continue
        kind, _, owner = name.partition(":")
        if kind == "own" and owner.isdigit():
            block = (int(owner), len(parts), [rest])
            parts.append("")
        elif kind == "other" and owner.isdigit():
            others.append((int(owner), len(parts)))
            parts.append(rest)
        elif name in ("/own", "/other"):
            if name == "/other":
                # The member an `other` block is for skips to the first end marker, however many opened.
                for member, start in others:
                    hidden.setdefault(member, []).append((start, len(parts)))
                others.clear()
            parts.append(rest)
        else:
            positions.setdefault(name, []).append(len(parts))
            default = defaults.get(kind)
            parts.extend((MARK + name + _END if default is None else default, rest))
    if block is not None:
        owner, place, pieces = block
        own.setdefault(owner, []).append((place, Fragment("".join(pieces))))
    for member, start in others:
        hidden.setdefault(member, []).append((start, len(parts)))
    by_kind: dict[str, dict[str, None]] = {}
    for name in names:
        by_kind.setdefault(name.partition(":")[0], {})[name] = None
    return Plan(parts=parts, defaults=defaults, positions=positions,
                names={kind: list(kind_names) for kind, kind_names in by_kind.items()}, own=own, hidden=hidden)


def personal(html: str, **values) -> Markup:
    """Fill a stored fragment's placeholders for this request: the CSRF token (which every `fill` does),
    and each `<!--cop:NAME-->` from `values` (escaped unless Markup)."""
    def resolve(name: str) -> str | None:
        if name in values:
            return str(Markup.escape(values[name]))
        return None

    return Markup(fill(html, resolve))


# Parts of a shared fragment that only one member (`own`) or everyone but them (`other`) sees: a post's
# edit buttons for its author, its "helpful" button for everyone else. Blocks of one kind never nest.

def only_for(user_id: int, html: str) -> Markup:
    return Markup(f"<!--cop:own:{int(user_id)}-->{html}<!--cop:/own-->")


def except_for(user_id: int, html: str) -> Markup:
    return Markup(f"<!--cop:other:{int(user_id)}-->{html}<!--cop:/other-->")


def slot(name: str) -> Markup:
    """A placeholder for a per-request value inside a cached fragment."""
    return Markup(f"<!--cop:{name}-->")


def ascii_html(html: str) -> str:
    """The same HTML in ASCII, each other character as a numeric character reference (`…` is `&#8230;`).

    Stored fragments are kept this way because of how Python holds strings: one "↪" or curly quote makes
    the whole 95 KB of a thread page two bytes a character, and encoding that to UTF-8 for the response,
    joining it and searching it for placeholders cost over 100 µs a request; in ASCII they are copies. A
    browser reads the references as the characters they stand for, in text and attribute values alike
    (pages carry no inline scripts or styles, where it would not)."""
    return html if html.isascii() else html.encode("ascii", "xmlcharrefreplace").decode("ascii")


def _without_token(html: str) -> str:
    # Forms in the fragment carry the token of whoever rendered it; store a placeholder instead. Flask-WTF
    # signs one token per request, so every form on the page carries the same string.
    token = g.get("csrf_token")
    return html.replace(token, CSRF_PLACEHOLDER) if token else html


PAGE_TEMPLATE = "_page.html"
_KEYED_TYPES = (int, str, bool, type(None))
# What Flask, Flask-WTF and Flask-Login put in every template context; the layout key covers what the
# layout reads of them: the member (their id, and with it their name and role, which only a commit that
# moves the content version changes), the request's endpoint, and the configuration, which is the app's.
# The CSRF token the functions give is stored as a placeholder and filled for each request.
_COVERED_CONTEXT = {"request", "session", "g", "config", "current_user", "csrf_token", "csrf_meta_tag"}


def page(title: str, main: str, **values) -> str:
    """A whole page: the site layout around `main` (a cached fragment), for the signed-in member.

    The layout is itself cached per member and endpoint, keyed by every value the context processors give
    it (unread counts, the navigation), with the title and the main part as placeholders; flashed messages
    are rare and skip the cache, and so does a context value that cannot be part of a key.
    """
    main_html = str(personal(main, **values))
    key = layout_key() if _caching() and "_flashes" not in session else None
    if key is None:
        open_session()
        return render_template(PAGE_TEMPLATE, title=title, main=Markup(main_html))
    shell = cached(key, lambda: render_template(PAGE_TEMPLATE, title=slot("title"), main=slot("main")))
    # The main part goes in as a value, so nothing in it is taken for a placeholder.
    # The title goes in here, not through the template, so it is cleaned here as the template would.
    values = {"title": lambda: ascii_html(str(Markup.escape(without_bidi_controls(title)))), "main": lambda: main_html}
    return fill(shell, lambda name: values[name]() if name in values else None)


def layout_key() -> tuple | None:
    """Everything the layout around a cached page depends on, or None when something in its context
    cannot be keyed (then it is rendered afresh: fail closed)."""
    context: dict = {}
    current_app.update_template_context(context)
    shared = []
    for name, value in sorted(context.items()):
        if name in _COVERED_CONTEXT:
            continue
        keyed = _key_value(value)
        if keyed is _UNKEYABLE:
            return None
        shared.append((name, keyed))
    # The search box repeats the query on the search page only; search is no cached page, but say so.
    query = request.args.get("q") if request.endpoint == context.get("search_endpoint") else None
    return ("layout", request.endpoint, current_user.get_id(), query, tuple(shared))


_UNKEYABLE = object()


def _key_value(value):
    """A plain value, or a list, tuple or dict of them, as a hashable key part; `_UNKEYABLE` otherwise."""
    if isinstance(value, _KEYED_TYPES):
        return value
    if isinstance(value, (list, tuple)):
        items = tuple(_key_value(item) for item in value)
        return _UNKEYABLE if _UNKEYABLE in items else (type(value).__name__, items)
    if isinstance(value, dict):
        items = tuple((k, _key_value(v)) for k, v in sorted(value.items()) if isinstance(k, str))
        if len(items) != len(value) or any(v is _UNKEYABLE for _, v in items):
            return _UNKEYABLE
        return ("dict", items)
    return _UNKEYABLE
