"""What the dashboard counts that no other table keeps: the days each member used the site."""

from datetime import date

import sqlalchemy as sa
import sqlalchemy.orm as so

from cop.extensions import db


class MemberVisit(db.Model):
    """A member was signed in and used the site on this day (UTC). Reading leaves no other trace (a
    thread's read mark keeps only the latest read), so weekly "active members" would forget every week
    but the last without it. One row per member per day, written once by the worker that saw them."""

    __tablename__ = "member_visits"
    __table_args__ = (sa.Index("ix_member_visits_day", "day", "user_id"),)

    user_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    day: so.Mapped[date] = so.mapped_column(sa.Date, primary_key=True)
