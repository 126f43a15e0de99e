"""The search change log: every change to searchable content, written in the content's own transaction."""

from datetime import datetime

import sqlalchemy as sa
import sqlalchemy.orm as so

from cop.extensions import UTCDateTime, db, utcnow


class SearchChange(db.Model):
    """One document to refresh in every index. Indexes keep their own position in this log, so a
    crashed worker, a CLI command or a second machine with its own index all catch up the same way."""

    __tablename__ = "search_changes"

    id: so.Mapped[int] = so.mapped_column(sa.BigInteger().with_variant(sa.Integer, "sqlite"), primary_key=True)
    kind: so.Mapped[str] = so.mapped_column(sa.String(20))
    object_id: so.Mapped[int]
    created_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow, index=True)


class SearchIndex(db.Model):
    """One node's index and how far into the change log it has applied everything, as it last reported.
    `flask search prune` keeps every entry an index heard from within the retention has yet to apply."""

    __tablename__ = "search_indexes"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    name: so.Mapped[str] = so.mapped_column(sa.String(200), unique=True)
    position: so.Mapped[int] = so.mapped_column(sa.BigInteger().with_variant(sa.Integer, "sqlite"))
    reported_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)


class SearchQuery(db.Model):
    """What a member searched for and how many results it found, kept so facilitators see what the
    community looks for and does not find. Who searched is never stored; rows older than the retention
    (`COP_SEARCH_QUERY_DAYS`) are purged by `flask search purge-queries`."""

    __tablename__ = "search_queries"
    # The dashboard groups a period's searches by their words straight from this index.
    __table_args__ = (sa.Index("ix_search_queries_searched", "searched_at", "text", "result_count"),)

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    # Lowercased and with runs of spaces made one, so "Mentor  Training" and "mentor training" count together.
    text: so.Mapped[str] = so.mapped_column(sa.String(200))
    result_count: so.Mapped[int]
    searched_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)
