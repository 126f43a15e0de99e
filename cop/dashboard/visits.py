"""Which days each member used the site: one row per member per day, written once per worker per day
after the response has gone out, so reading a page never waits for it."""

from datetime import date
from functools import partial

import sqlalchemy as sa
from flask import current_app, request
from flask_login import current_user
from sqlalchemy.dialects import postgresql, sqlite

from cop.cache import versions
from cop.dashboard.models import MemberVisit
from cop.extensions import db, utcnow

INSERTS = {"sqlite": sqlite.insert, "postgresql": postgresql.insert}


class Seen:
    """The members this worker has already recorded today; forgotten when the day changes."""

    def __init__(self):
        self.day: date | None = None
        self.members: set[int] = set()

    def first_today(self, user_id: int, today: date) -> bool:
        if today != self.day:
            self.day, self.members = today, set()
        if user_id in self.members:
            return False
        self.members.add(user_id)
        return True

    def forget(self, user_id: int, day: date) -> None:
        if day == self.day:
            self.members.discard(user_id)


def record_visit(app, user_id: int, organization_id: int | None, day: date) -> None:
    """Write the day's row if it is not there yet (another worker may have written it). A failure is
    logged and retried on the member's next request: a visit is a count, never a reason for an error."""
    with app.app_context():
        insert = INSERTS[db.engine.dialect.name]
        try:
            with db.engine.begin() as connection:
                connection.execute(insert(MemberVisit).values(user_id=user_id, day=day, organization_id=organization_id)
                                   .on_conflict_do_nothing()
                                   .execution_options(**{versions.NEUTRAL: True}))
        except sa.exc.SQLAlchemyError:
            app.logger.exception("Recording a member's visit failed; it is tried again on their next request")
            app.extensions["cop_member_visits"].forget(user_id, day)


def _note_visit(response):
    if request.endpoint in (None, "static") or _answers_to_token(request.endpoint) \
            or not getattr(current_user, "is_authenticated", False):
        return response
    if not current_user.is_active or current_user.is_facilitator:
        return response
    today = utcnow().date()
    if current_app.extensions["cop_member_visits"].first_today(current_user.id, today):
        response.call_on_close(partial(record_visit, current_app._get_current_object(), current_user.id,
                                       current_user.organization_id, today))
    return response


def _answers_to_token(endpoint: str) -> bool:
    # Decided before current_user is asked for: loading the member from the cookie is most of this hook's cost.
    return getattr(current_app.view_functions.get(endpoint), "answers_to_token", False)


def init_app(app) -> None:
    app.extensions["cop_member_visits"] = Seen()
    app.after_request(_note_visit)
