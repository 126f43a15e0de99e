"""What members search for, kept so facilitators learn what the community looks for and does not find:
the words and how many results they found, never who searched. Rows older than the retention
(`COP_SEARCH_QUERY_DAYS`) are removed by `flask search purge-queries`."""

from datetime import datetime, timedelta

import sqlalchemy as sa

from cop.cache import versions
from cop.extensions import db, utcnow
from cop.search.models import SearchQuery

MAX_LENGTH = 200


def normalize_query(text: str) -> str:
    """One form per query, so "Mentor  Training" and "mentor training" count together."""
    return " ".join((text or "").lower().split())[:MAX_LENGTH]


def record_query(app, text: str, result_count: int, at: datetime | None = None) -> None:
    """Write one search after its page has gone out, on a connection of its own (a search page is a read).
    A failure is logged and the search forgotten: it is a count, never a reason for an error."""
    text = normalize_query(text)
    if not text:
        return
    with app.app_context():
        try:
            with db.engine.begin() as connection:
                connection.execute(sa.insert(SearchQuery).values(text=text, result_count=max(0, result_count),
                                                                 searched_at=at or utcnow())
                                   .execution_options(**{versions.NEUTRAL: True}))
        except sa.exc.SQLAlchemyError:
            app.logger.exception("Recording a search failed; it is left out of the search figures")


def purge_queries(days: int, now: datetime | None = None) -> int:
    """Remove searches older than `days` days; the caller commits."""
    cutoff = (now or utcnow()) - timedelta(days=days)
    return db.session.execute(sa.delete(SearchQuery).where(SearchQuery.searched_at < cutoff)).rowcount
