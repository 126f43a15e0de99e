"""What the dashboard counts that no other table keeps (the days each member used the site), and the
indexes its period queries read other features' rows by."""

from datetime import date

import sqlalchemy as sa
import sqlalchemy.orm as so

from cop.discussions.models import Reply, ReplyHelpfulMark, ThreadRead
from cop.extensions import db
from cop.practices.models import HelpfulMark


class MemberVisit(db.Model):
    """A member was signed in and used the site on this day (UTC): read, posted, replied, RSVPed, marked
    something helpful, since each of those is a request of theirs. Reading leaves no other trace (a
    thread's read mark keeps only the latest read), so weekly "active members" would forget every week but
    the last without it. One row per member per day, written once by the worker that saw them; the days
    before this table existed are filled from what members wrote (`services.visits_from_content`).
    Facilitators' days are not kept: the people running the community are not its engagement.

    The member's organization that day is kept with it (as an RSVP keeps it), so a week's active members
    and organizations are both counted from this one index, without reading a row of `users`."""

    __tablename__ = "member_visits"
    __table_args__ = (sa.Index("ix_member_visits_day", "day", "user_id", "organization_id"),)

    user_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    day: so.Mapped[date] = so.mapped_column(sa.Date, primary_key=True)
    organization_id: so.Mapped[int | None] = so.mapped_column(
        sa.ForeignKey("organizations.id", ondelete="SET NULL"))


# A period's rows straight from an index, in time order, with the column the dashboard groups them by.
READABLE = sa.text("deleted_at IS NULL AND hidden_at IS NULL")
sa.Index("ix_replies_readable_created", Reply.__table__.c.created_at, Reply.__table__.c.thread_id,
         sqlite_where=READABLE, postgresql_where=READABLE)
sa.Index("ix_helpful_marks_created", HelpfulMark.__table__.c.created_at, HelpfulMark.__table__.c.practice_id)
sa.Index("ix_reply_helpful_marks_created", ReplyHelpfulMark.__table__.c.created_at,
         ReplyHelpfulMark.__table__.c.reply_id)
sa.Index("ix_thread_reads_read", ThreadRead.__table__.c.read_at, ThreadRead.__table__.c.thread_id)
