"""Who is calling the API: the member behind the request's personal token, and what that token allows.

The API takes a token and nothing else. A browser's session cookie is ignored here even when it is
sent, so no other site can make a member's browser change anything through the API (there is no CSRF
token to check: the Authorization header is the proof).
"""

import math
import time

from flask import abort, current_app, g, request
from limits import parse_many
from werkzeug.exceptions import Forbidden, TooManyRequests, Unauthorized

from cop.api import services
from cop.api.models import ApiToken
from cop.extensions import READ_METHODS, limiter, open_session, utcnow

DEFAULT_TOKEN_LIMIT = "120 per minute;3000 per hour"


class NeedsToken(Unauthorized):
    description = "Send a valid personal API token: Authorization: Bearer <token>."


class NeedsWriteScope(Forbidden):
    description = "This token is read-only; make a read-and-write token to change things."
    problem_headers = {"WWW-Authenticate": 'Bearer realm="api", error="insufficient_scope", scope="write"'}


def bearer_secret() -> str:
    scheme, _, secret = request.headers.get("Authorization", "").partition(" ")
    return secret.strip() if scheme.lower() == "bearer" else ""


def authenticate() -> None:
    """Run before every API view that is not marked `open_to_all`: a usable token, and for anything but
    a read, one with the write scope."""
    view = current_app.view_functions.get(request.endpoint) if request.endpoint else None
    if getattr(view, "open_to_all", False):
        return
    token = services.find_token(bearer_secret(), attach=False)
    if token is None:
        error = NeedsToken()
        error.problem_headers = {"WWW-Authenticate": 'Bearer realm="api", error="invalid_token"'} \
            if bearer_secret() else {}
        raise error
    check_budget(token)
    if request.method not in READ_METHODS and not token.can_write:
        raise NeedsWriteScope()
    g.api_token = token


def open_to_all(view):
    """Mark an API view that answers without a token (the description of the API itself)."""
    view.open_to_all = True
    return view


def current_token() -> ApiToken:
    return g.api_token


def caller_as_read():
    """The token's member as read with the token, outside the session: for rules that look only at the
    member's own columns (status, role), such as whether a kept answer may be served. Nothing is loaded
    through it."""
    return g.api_token.user


def caller():
    """The member the request's token acts for (authenticate() has checked it), in the request's session,
    which is made the first time a view asks (a kept list answer never does)."""
    open_session()
    return g.api_token.user


def note_use(response):
    """After a request with a token, write when it was last used (at most once a minute per token)."""
    token = g.get("api_token")
    now = utcnow()
    if token is not None and services.is_due_for_last_used(token, now):
        app = current_app._get_current_object()
        response.call_on_close(lambda: services.record_use(app, token.id, now))
    return response


class OverBudget(TooManyRequests):
    description = "This token has made too many requests; wait, then try again (see Retry-After)."


_budgets: dict[str, list] = {}


def check_budget(token: ApiToken) -> None:
    """Every API request counts against its token's budget (`COP_API_TOKEN_LIMIT`), kept in the limiter's
    storage (Redis in production, shared by every worker), before anything else is looked up.

    Each limit is a fixed window counted with the storage's own increment, which returns the new count:
    one round trip per limit, and one more for when the window closest to running out resets (the
    strategy's hit and window statistics took three per limit). No decorator: its bookkeeping cost a kept
    answer a quarter of its time."""
    text = current_app.config.get("COP_API_TOKEN_LIMIT", DEFAULT_TOKEN_LIMIT)
    budget = _budgets.get(text)
    if budget is None:
        budget = _budgets[text] = parse_many(text)
    storage = limiter.storage
    identifiers = (current_app.config.get("RATELIMIT_KEY_PREFIX", ""), "api-token", str(token.id))
    counted = []
    for item in budget:
        key = item.key_for(*identifiers)
        counted.append((item, key, storage.incr(key, item.get_expiry())))
    # The answer reports the limit closest to running out (of two as close, the longer window).
    item, key, count = min(counted, key=lambda entry: (entry[0].amount - entry[2], -entry[0].get_expiry()))
    g.api_budget = {"X-RateLimit-Limit": str(item.amount),
                    "X-RateLimit-Remaining": str(max(0, item.amount - count)),
                    "X-RateLimit-Reset": str(math.ceil(storage.get_expiry(key)))}
    spent = [key for item, key, count in counted if count > item.amount]
    if spent:
        reset_at = max(storage.get_expiry(key) for key in spent)
        raise OverBudget(retry_after=max(1, math.ceil(reset_at - time.time())))


def budget_headers(response):
    """Every answer to a token says how much of its budget is left (X-RateLimit-Limit, -Remaining and
    -Reset, a Unix time), refusals included."""
    for name, value in g.get("api_budget", {}).items():
        response.headers[name] = value
    return response


def _post_limit() -> str:
    from cop.extensions import DEFAULT_POST_LIMIT

    return current_app.config.get("COP_POST_LIMIT", DEFAULT_POST_LIMIT)


def member_key() -> str:
    # The same key as the pages' budgets (posting, search): a member posts or searches as often by API as on
    # the site, not twice.
    return f"member:{g.api_token.user_id}"


# Starting threads and replying share the pages' budget per member; only what was created uses it up.
post_limit = limiter.shared_limit(_post_limit, scope="discussion-posts", key_func=member_key, methods=["POST"],
                                  deduct_when=lambda response: response.status_code == 201)


def not_found(what: str = "That"):
    abort(404, f"{what} does not exist, or your token may not see it.")
