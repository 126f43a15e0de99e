"""Cursor pagination for every API list: `limit` and an opaque `cursor`; each page says where the next
one is (`next`, also a `Link: <...>; rel="next"` header).

The cursor is the list's position, encoded: the lists are ordered as the pages order them (the library's
sorts, the discussion tabs), and any list can be walked on without the client building a query. It is
opaque on purpose, so its form can change without breaking anyone.
"""

import base64
import binascii
import json

import marshmallow as ma
from flask import request
from flask_smorest import abort

from cop.extensions import db
from cop.links import external_url

MAX_LIMIT = 100
# Far beyond any real list; an offset past it is refused rather than making the database count that far.
MAX_POSITION = 1_000_000


class PageArgs(ma.Schema):
    limit = ma.fields.Integer(load_default=20, validate=ma.validate.Range(1, MAX_LIMIT),
                              metadata={"description": f"Items per page (1 to {MAX_LIMIT})."})
    cursor = ma.fields.String(load_default=None, validate=ma.validate.Length(max=200),
                              metadata={"description": "The `next` cursor of the page before; leave out for the "
                                                       "first page."})


def page_schema(item_schema, name: str) -> type[ma.Schema]:
    """A page of `item_schema` (named for the spec)."""
    return ma.Schema.from_dict({
        "items": ma.fields.List(ma.fields.Nested(item_schema), required=True),
        "next": ma.fields.String(required=True, allow_none=True,
                                 metadata={"description": "The next page's address, or null on the last page."}),
    }, name=name)


def encode(position: int) -> str:
    return base64.urlsafe_b64encode(json.dumps({"p": position}).encode()).decode().rstrip("=")


def decode(cursor: str | None) -> int:
    if not cursor:
        return 0
    try:
        position = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))["p"]
    except (binascii.Error, ValueError, TypeError, KeyError, UnicodeDecodeError):
        position = None
    if not isinstance(position, int) or isinstance(position, bool) or not 0 <= position <= MAX_POSITION:
        abort(422, messages={"query": {"cursor": ["Not a cursor this API gave out: use a page's `next` address."]}})
    return position


def paginate(query, args: dict, *, scalars: bool = True) -> tuple[list, dict]:
    """One page of an ordered query, and the page's own links ({"next": url or None})."""
    position = decode(args.get("cursor"))
    limit = args["limit"]
    statement = query.offset(position).limit(limit + 1)
    result = db.session.scalars(statement) if scalars else db.session.execute(statement)
    rows = result.unique().all() if scalars else result.all()
    items = rows[:limit]
    return items, next_page(position + limit) if len(rows) > limit else None


def next_page(position: int) -> str:
    """The address of this list from `position` on: the request's own, with a new cursor."""
    args: dict[str, list[str]] = {}
    for key, value in request.args.items(multi=True):
        if key != "cursor":
            args.setdefault(key, []).append(value)
    values = {**request.view_args, **args, "cursor": encode(position)}
    return external_url(request.endpoint, **values)


def page(items: list, following: str | None) -> tuple[dict, int, dict]:
    """The response of a list view: items, the next page's address, and a Link header for it."""
    headers = {"Link": f'<{following}>; rel="next"'} if following else {}
    return {"items": items, "next": following}, 200, headers
