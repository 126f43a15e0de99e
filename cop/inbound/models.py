"""The e-mails already taken in, so that the same one is never posted twice."""

from datetime import datetime

import sqlalchemy as sa
import sqlalchemy.orm as so

from cop.extensions import UTCDateTime, db, utcnow


class InboundMessage(db.Model):
    """One e-mail taken in, from the pipe or the polled mailbox, by its key (a digest of its Message-ID and
    sender, or of its bytes when it has no Message-ID). Recorded in the transaction that posts its answer
    or queues its bounce, so a second delivery, a second poller or a pass that died half-way never acts
    on it again."""

    __tablename__ = "inbound_messages"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    key: so.Mapped[str] = so.mapped_column(sa.String(64), unique=True)
    received_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)
