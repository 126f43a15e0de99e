"""Search by API: the site's search over everything the caller may see, with the search page's limits
(its budget per member and per address is shared with the page) and its kinds and filters."""

import marshmallow as ma
from flask import current_app
from flask_limiter.util import get_remote_address
from flask_smorest import abort
from markupsafe import Markup

from cop.api import v1
from cop.api.access import caller, member_key
from cop.api.paging import PageArgs, decode, next_page
from cop.extensions import limiter
from cop.links import external_url
from cop.search import engine
from cop.search.documents import KINDS, visible_hits
from cop.search.forms import KIND_CHOICES, MAX_QUERY_LENGTH

TAG = "Search"
# As deep as the search page lets anyone page (its page 1,000 of 10): deeper lists cost and help nobody.
MAX_DEPTH = 1_000
# Each kind's page on the site, and the argument naming the object there.
PAGES = {"practice": ("practices.detail", "practice_id", "id"), "discussion": ("discussions.detail", "thread_id", "id"),
         "event": ("events.detail", "event_id", "id"), "program": ("programs.detail", "program_id", "id"),
         "organization": ("orgs.detail", "slug", "slug"), "person": ("members.profile", "user_id", "id")}

search_member_limit = limiter.shared_limit(lambda: current_app.config["COP_SEARCH_LIMIT"], scope="search-member",
                                           key_func=member_key)
search_address_limit = limiter.shared_limit(lambda: current_app.config["COP_SEARCH_ADDRESS_LIMIT"],
                                            scope="search-address", key_func=get_remote_address)


def reads_limited(view):
    """Searching is the one API read the limiter checks (see `cop.extensions._read_without_limits`); the wrappers
    above carry the mark outwards."""
    view.limits_reads = True
    return view


class SearchArgs(PageArgs):
    q = ma.fields.String(required=True, validate=ma.validate.Length(min=1, max=MAX_QUERY_LENGTH),
                         metadata={"description": "Words, \"a phrase\", -left-out, OR, as on the search page."})
    kinds = ma.fields.List(ma.fields.String(validate=ma.validate.OneOf([value for value, _ in KIND_CHOICES if value])),
                           validate=ma.validate.Length(max=len(KIND_CHOICES)),
                           metadata={"description": "Only these kinds (repeat the parameter); all when left out."})
    sort = ma.fields.String(load_default="relevance", validate=ma.validate.OneOf(["relevance", "newest"]))
    topic = ma.fields.String(validate=ma.validate.Length(max=80), metadata={"description": "A topic's slug."})
    industry = ma.fields.String(validate=ma.validate.Length(max=80))
    program_type = ma.fields.String(validate=ma.validate.Length(max=80))
    organization = ma.fields.String(validate=ma.validate.Length(max=200),
                                    metadata={"description": "An organization's slug."})


class Result(ma.Schema):
    kind = ma.fields.String(required=True)
    id = ma.fields.Integer(required=True)
    title = ma.fields.String(required=True)
    snippet_html = ma.fields.String(required=True, metadata={"description": "Passages with the words found "
                                                                            "in <mark>; HTML-escaped otherwise."})
    url = ma.fields.String(required=True, metadata={"description": "Its page on the site."})


class ResultPage(ma.Schema):
    items = ma.fields.List(ma.fields.Nested(Result), required=True)
    next = ma.fields.String(required=True, allow_none=True)
    total = ma.fields.Integer(required=True, metadata={
        "description": "Matches in the index, before leaving out what you may not see; a lower bound when "
                       "`approximate`."})
    approximate = ma.fields.Boolean(required=True)
    suggestion = ma.fields.String(required=True, allow_none=True, metadata={"description": "Did you mean …?"})
    message = ma.fields.String(required=True, allow_none=True,
                               metadata={"description": "Why the words could not be searched as given."})


def _result(hit, obj, terms) -> dict:
    endpoint, name, attribute = PAGES[hit.kind]
    return {"kind": hit.kind, "id": hit.object_id, "title": getattr(obj, "title", None) or obj.name,
            "snippet_html": str(Markup(engine.snippet(KINDS[hit.kind].text_of(obj), terms))),
            "url": external_url(endpoint, **{name: getattr(obj, attribute)})}


@v1.route("/search", tags=[TAG])
@v1.etag
@v1.arguments(SearchArgs, location="query", unknown=ma.EXCLUDE)
@v1.response(200, ResultPage)
@v1.alt_response(503, description="The search index is being rebuilt or is catching up; ask again after "
                                  "`Retry-After` seconds.")
@search_address_limit
@search_member_limit
@reads_limited
def search(args):
    """Search practices, discussions, events, programs, organizations and people: only what you may see."""
    position, limit = decode(args.get("cursor")), args["limit"]
    if position >= MAX_DEPTH:
        abort(422, messages={"query": {"cursor": [f"Search lists end after {MAX_DEPTH} results."]}})
    try:
        engine.ready_for_search(current_app)
        results = engine.search(current_app, args["q"], kinds=args.get("kinds") or None,
                                filters={name: args.get(name, "").strip() for name in
                                         ("topic", "industry", "program_type", "organization")},
                                sort=args["sort"], page=1, per_page=position + limit)
    except engine.CatchingUp as catching_up:
        abort(503, message=f"Search is catching up ({catching_up.percent}%); ask again in a moment.",
              headers={"Retry-After": "10"})
    except engine.IndexRebuilding:
        abort(503, message="Search is being rebuilt; ask again in a minute.",
              headers={"Retry-After": str(engine.RETRY_AFTER_SECONDS)})
    hits = results.hits[position:position + limit]
    following = next_page(position + limit) if position + limit < min(results.total, MAX_DEPTH) else None
    items = [_result(hit, obj, results.terms) for hit, obj in visible_hits(hits, caller())]
    headers = {"Link": f'<{following}>; rel="next"'} if following else {}
    return {"items": items, "next": following, "total": results.total, "approximate": results.approximate,
            "suggestion": results.suggestion, "message": results.message}, 200, headers
