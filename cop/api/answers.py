"""API answers served again, as they were sent, while nothing in the community has changed.

Integrators poll the same lists and threads. Working an answer out afresh (rows through the ORM, then
marshmallow, then an ETag over the dump) costs about ten times a cached page, so the reads they repeat keep
their answer (its JSON, ETag and Link header) in the page cache's store (`cop.cache.fragments`).

The rules are the page cache's. The token is checked first (`access.authenticate`, before any view); then
the route's `decide` says whether the caller may see what the address names, and aborts if not; only then is
the store read. The key is built here, in one place: the content version (a commit anywhere retires every
answer), the caller's member id and token scope (an answer is one member's view, never shared), the endpoint,
its path arguments and every query argument. Only routes whose answer is a function of those alone are
marked (no read marks, follows or clock in them); tests/test_api_answers.py finds every marked route and
proves its cached answer equal to a fresh one for every caller.
"""

import functools
from collections.abc import Callable

from flask import current_app, g, request

from cop.cache import fragments

CACHED_ANSWER = "cop_cached_answer"


def cached_answer(decide: Callable[..., None] | None = None):
    """Mark an API read whose answer is kept. `decide(**path arguments)` aborts for what the caller may not
    see; a route without it answers every token holder from their own view (a list)."""
    def decorate(view):
        @functools.wraps(view)
        def answer(**arguments):
            if decide is not None:
                decide(**arguments)
            if not current_app.config.get("COP_FRAGMENT_CACHE", True):
                return view(**arguments)
            token = g.api_token
            key = (fragments.content_version(), "api", request.endpoint, token.user_id, token.scope.value,
                   tuple(sorted(arguments.items())), fragments.query_args())
            store = fragments.store()
            kept = store.get(key)
            if kept is None:
                response = view(**arguments)
                if response.status_code == 200 and not response.direct_passthrough:
                    etag, _ = response.get_etag()
                    store.put(key, (response.get_data(as_text=True), response.mimetype, etag or "",
                                    response.headers.get("Link", "")))
                return response
            return _replay(*kept)

        setattr(answer, CACHED_ANSWER, True)
        return answer

    return decorate


def is_cached_answer(view) -> bool:
    return bool(getattr(view, CACHED_ANSWER, False))


def _replay(body: str, mimetype: str, etag: str, link: str):
    """The kept answer, or 304 when the client holds it already (the answer flask-smorest gives)."""
    if etag and etag in request.if_none_match:
        response = current_app.response_class(status=304)
    else:
        response = current_app.response_class(body, mimetype=mimetype)
        if link:
            response.headers["Link"] = link
    if etag:
        response.set_etag(etag)
    return response
