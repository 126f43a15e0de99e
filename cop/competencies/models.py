"""The competency framework: the foundational competencies practices and programs develop, each with a
three-level rubric and how to assess it."""

import sqlalchemy as sa
import sqlalchemy.orm as so

from cop.extensions import db

RUBRIC_LEVELS = ("emerging", "developing", "proficient")


class Competency(db.Model):
    """A foundational competency with a three-level rubric and how to assess it."""

    __tablename__ = "competencies"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    slug: so.Mapped[str] = so.mapped_column(sa.String(80), unique=True)
    name: so.Mapped[str] = so.mapped_column(sa.String(120), unique=True)
    description: so.Mapped[str] = so.mapped_column(sa.Text, default="")
    emerging: so.Mapped[str] = so.mapped_column(sa.Text, default="")
    developing: so.Mapped[str] = so.mapped_column(sa.Text, default="")
    proficient: so.Mapped[str] = so.mapped_column(sa.Text, default="")
    assessment: so.Mapped[str] = so.mapped_column(sa.Text, default="")
    position: so.Mapped[int] = so.mapped_column(default=0)
    practice_count: so.Mapped[int] = so.mapped_column(default=0)

    @property
    def rubric(self) -> list[tuple[str, str]]:
        return [(level, getattr(self, level)) for level in RUBRIC_LEVELS]
