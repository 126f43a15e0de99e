"""Loading the signed-in member on every request, in one statement.

The member's row comes with whatever else every page of theirs needs (the header's unread count, the
content version cached pages are keyed by): features add those as `VIEWER_EXTRAS`. The row becomes a
persistent `User` without a second trip through the ORM's loader, which costs more than the query itself.
"""

from collections.abc import Callable

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask import current_app, g, request

from cop.auth.models import MemberStatus, User
from cop.extensions import SESSION_ON_DEMAND, HotRead, column_attributes, joins_session, loaded_instance

# (name, function (users.id column) -> scalar SQL expression); each value lands in g.viewer_extras[name].
VIEWER_EXTRAS: list[tuple[str, Callable]] = []

_statements: dict[int, HotRead] = {}


def _statement() -> HotRead:
    statement = _statements.get(len(VIEWER_EXTRAS))
    if statement is None:
        users = User.__table__
        extras = [make(users.c.id).label(f"extra_{name}") for name, make in VIEWER_EXTRAS]
        statement = _statements[len(VIEWER_EXTRAS)] = HotRead(
            sa.select(users, *extras).where(users.c.id == sa.bindparam("user_id")))
    return statement


def load(user_id: int, token: str) -> User | None:
    """The active member with this id and session token, or None."""
    row = _statement().mapping({"user_id": user_id})
    if row is None or row["session_token"] != token or row["status"] is not MemberStatus.active:
        return None
    g.viewer_extras = {name: row[f"extra_{name}"] for name, _ in VIEWER_EXTRAS}
    values = {key: row[column] for key, column in column_attributes(User)}
    view = current_app.view_functions.get(request.endpoint) if request.endpoint else None
    if getattr(view, SESSION_ON_DEMAND, False):
        # A page served from the cache then makes no session: making, filling and closing one for the member
        # alone was a large part of such a page.
        return joins_session(User, values)
    return loaded_instance(User, values)


def extra(name: str, default=None):
    """A value loaded with the member this request (None outside a signed-in request)."""
    return g.get("viewer_extras", {}).get(name, default)


def remember_extras(values: dict) -> None:
    """For a request whose member was loaded another way (by API token): the extras read with them."""
    g.viewer_extras = dict(values)


def forget_extra(name: str) -> None:
    """For a service that has just changed it (marking notifications read, say)."""
    extras = g.get("viewer_extras")
    if extras:
        extras.pop(name, None)


def forget_extras() -> None:
    """Once their transaction ends, writes may have changed them: readers then ask the database."""
    g.pop("viewer_extras", None)
    g.pop("cop_content_version", None)


@sa.event.listens_for(so.Session, "after_transaction_end")
def _forget_after_transaction(session, transaction):
    # Read in the transaction that just ended; what came after (a commit, begin_write()) may change them.
    from flask import has_app_context

    if transaction.parent is None and has_app_context():
        forget_extras()
