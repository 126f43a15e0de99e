"""Data exports: a member's request for a copy of their data, and the ZIP it becomes."""

import enum
from datetime import datetime

import sqlalchemy as sa
import sqlalchemy.orm as so

from cop.extensions import UTCDateTime, db, enum_column, utcnow


class ExportStatus(enum.Enum):
    queued = "queued"  # asked for; a worker (after the request, or `flask privacy build-exports`) builds it
    ready = "ready"  # built; the e-mailed link downloads it once until expires_at
    downloaded = "downloaded"  # the link was used, and the file removed
    expired = "expired"  # nobody came for it in time; the file removed
    failed = "failed"


class DataExport(db.Model):
    __tablename__ = "data_exports"
    __table_args__ = (sa.Index("ix_data_exports_status", "status", "created_at"),)

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    user_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    status: so.Mapped[ExportStatus] = so.mapped_column(enum_column(ExportStatus), default=ExportStatus.queued)
    # A digest of the secret in the download link; the link itself is only ever in the member's e-mail.
    token_hash: so.Mapped[str | None] = so.mapped_column(sa.String(64), unique=True)
    stored_name: so.Mapped[str | None] = so.mapped_column(sa.String(80))
    size: so.Mapped[int] = so.mapped_column(default=0)
    created_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)
    ready_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)
    expires_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)
    downloaded_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)

    user: so.Mapped["User"] = so.relationship()  # noqa: F821

    @property
    def is_waiting(self) -> bool:
        return self.status is ExportStatus.queued

    @property
    def is_downloadable(self) -> bool:
        return self.status is ExportStatus.ready and self.expires_at is not None and self.expires_at > utcnow()
