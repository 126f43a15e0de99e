"""The search page and the header's type-ahead."""

from functools import partial

import sqlalchemy as sa
from flask import current_app, jsonify, make_response, render_template, request
from flask_login import current_user
from markupsafe import Markup

from cop.cache import fragments
from cop.extensions import db, limit_reads
from cop.orgs.models import Organization
from cop.practices.models import PROGRAM_TYPES, Topic
from cop.search import bp, engine, queries
from cop.search.documents import KINDS, visible_hits
from cop.search.forms import SearchForm

PER_PAGE = 10
REBUILDING = "Search is being rebuilt, try again in a minute."
RETRY_AFTER = {"Retry-After": str(engine.RETRY_AFTER_SECONDS)}
CATCHING_UP = "Search on this server is catching up: {}%. Try again in a moment."
CATCHING_UP_RETRY_SECONDS = 10


def _asked() -> bool:
    """Whether the request asks a question: the form alone costs no search."""
    return bool((request.args.get("q") or "").strip())


def _day(value) -> int | None:
    return int(value.strftime("%Y%m%d")) if value else None


def _facet_labels(facets: dict) -> dict[str, dict[str, str]]:
    """Readable names for facet values, looked up in one query per facet that needs it."""
    labels = {"kind": {name: kind.label for name, kind in KINDS.items()},
              "program_type": dict(PROGRAM_TYPES), "industry": {}, "topic": {}, "organization": {}}
    topic_slugs = [value for value, _ in facets.get("topic", [])]
    if topic_slugs:
        labels["topic"] = dict(db.session.execute(sa.select(Topic.slug, Topic.name).where(Topic.slug.in_(topic_slugs))).all())
    org_slugs = [value for value, _ in facets.get("organization", [])][:30]
    if org_slugs:
        labels["organization"] = dict(db.session.execute(
            sa.select(Organization.slug, Organization.name).where(Organization.slug.in_(org_slugs))).all())
    return labels


@bp.get("/")
@limit_reads("search", member_setting="COP_SEARCH_LIMIT", address_setting="COP_SEARCH_ADDRESS_LIMIT",
             free_when=lambda: not _asked())
@fragments.cached_page
def index():
    # Every signed-in member may search (the sign-in gate has decided). The form before a question is the
    # same for everyone, by its arguments (the filters it carries); answers are never cached, as the index
    # moves on its own clock.
    if not _asked():
        return fragments.page("Search", fragments.cached(("search-form", fragments.query_args()), _main))
    return _main(answered=True)


def _main(answered: bool = False):
    """The search page's main part, or with `answered` the whole page with the results."""
    form = SearchForm(request.args)
    form.validate()
    text = (form.q.data or "").strip()
    page = max(1, request.args.get("page", 1, type=int) or 1)
    message = None
    day_from, day_to = _day(form.date_from.data), _day(form.date_to.data)
    if form.date_from.errors or form.date_to.errors:
        message = "Dates must look like 2026-09-01; the date filter was left out."
        day_from = day_to = None
    elif day_from and day_to and day_from > day_to:
        message = "The “from” date was after the “to” date, so we swapped them."
        day_from, day_to = day_to, day_from
    kind = form.kind.data if form.kind.data in KINDS else None
    filters = {name: (getattr(form, name).data or "").strip() for name in ("topic", "industry", "program_type",
                                                                         "organization")}
    results = engine.Results()
    if not answered:
        return render_template("search/_index_main.html", form=form, text="", results=results, entries=[],
                               page=page, per_page=PER_PAGE, message=message, kind=kind, filters=filters,
                               labels=_facet_labels({}), kinds=KINDS)

    def unanswered(notice: str, retry_after: dict):
        # 503 with Retry-After: browsers show the page, proxies and crawlers keep nothing and come back.
        main = render_template("search/_index_main.html", form=form, text="", results=results, entries=[],
                               page=page, per_page=PER_PAGE, message=notice, kind=kind, filters=filters,
                               labels=_facet_labels({}), kinds=KINDS)
        return fragments.page("Search", main), 503, retry_after

    try:
        engine.ready_for_search(current_app)
    except engine.CatchingUp as catching_up:
        # Never "0 results" for words that are there: say why there is no answer yet, and when to ask again.
        return unanswered(CATCHING_UP.format(catching_up.percent), {"Retry-After": str(CATCHING_UP_RETRY_SECONDS)})
    try:
        results = engine.search(current_app, text, kinds=[kind] if kind else None, filters=filters,
                                day_from=day_from, day_to=day_to,
                                sort="newest" if form.sort.data == "newest" else "relevance",
                                page=page, per_page=PER_PAGE)
    except engine.IndexRebuilding:
        return unanswered(REBUILDING, RETRY_AFTER)
    main = render_template("search/_index_main.html", form=form, text=text, results=results,
                           entries=_entries(results), page=page, per_page=PER_PAGE,
                           message=message or results.message, kind=kind, filters=filters,
                           labels=_facet_labels(results.facets), kinds=KINDS)
    response = make_response(fragments.page(f"Search: {text}", main))
    # The dashboard counts what members look for: a first page with no filter, so paging on or narrowing
    # the same words is not a second search.
    if page == 1 and not kind and not any(filters.values()) and not (day_from or day_to):
        response.call_on_close(partial(queries.record_query, current_app._get_current_object(), text,
                                       results.total))
    return response


def _entries(results) -> list[dict]:
    """The hits the viewer may see, in rank order, each with its object and a highlighted snippet."""
    return [{"kind": hit.kind, "obj": obj,
             "snippet": Markup(engine.snippet(KINDS[hit.kind].text_of(obj), results.terms))}
            for hit, obj in visible_hits(results.hits, current_user)]


@bp.get("/suggest")
@limit_reads("suggest", member_setting="COP_SUGGEST_LIMIT",
             address_setting="COP_SUGGEST_ADDRESS_LIMIT")
def suggest():
    """Titles for the header's type-ahead (progressive enhancement: the form works without it)."""
    text = request.args.get("q", "")[:200]
    try:
        engine.ready_for_search(current_app, timeout=0.2)
    except engine.CatchingUp as catching_up:
        return (jsonify(titles=[], message=CATCHING_UP.format(catching_up.percent)), 503,
                {"Retry-After": str(CATCHING_UP_RETRY_SECONDS)})
    try:
        found = engine.suggest_titles(current_app, text, limit=12)
    except engine.IndexRebuilding:
        return jsonify(titles=[], message=REBUILDING), 503, RETRY_AFTER
    titles = []
    for kind_name, object_id, title in found:
        kind = KINDS.get(kind_name)
        if kind and kind.load_visible([object_id], current_user):
            titles.append(title)
        if len(titles) >= 8:
            break
    return jsonify(titles=titles)
