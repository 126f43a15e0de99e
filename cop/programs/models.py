"""Program profiles: how each organization runs its work-based learning programs, field by field, with
what it shares with the whole community and what only with facilitators; and questions asked of peers."""

import enum
from datetime import datetime

import sqlalchemy as sa
import sqlalchemy.orm as so

from cop.extensions import UTCDateTime, db, enum_column, utcnow
from cop.practices.models import PROGRAM_TYPES, STUDENT_LEVELS  # noqa: F401  (one vocabulary for both)


class ProgramStage(enum.Enum):
    exploring = "exploring"
    piloting = "piloting"
    running = "running"
    scaling = "scaling"

    @property
    def label(self) -> str:
        return self.value.capitalize()


STAGE_HELP = {
    "exploring": "Exploring: designing it, no students yet",
    "piloting": "Piloting: a first small group",
    "running": "Running: steady, year after year",
    "scaling": "Scaling: growing to more sites or occupations",
}
WAGE_BANDS = {
    "under-12": "Under $12 an hour",
    "12-15": "$12–15 an hour",
    "15-18": "$15–18 an hour",
    "18-22": "$18–22 an hour",
    "22-plus": "$22 an hour or more",
}
STAFFING_MODELS = {
    "dedicated-coordinator": "A dedicated program coordinator",
    "hr-talent": "HR or talent staff, alongside other work",
    "line-managers": "Line managers and supervisors",
    "shared": "Shared between HR and the business",
    "intermediary": "An intermediary or provider runs it",
}
MENTOR_SOURCES = {
    "supervisors": "Their own supervisors",
    "volunteers": "Volunteer employees",
    "skilled-staff": "Journeyworkers or senior staff, paid to mentor",
    "alumni": "Former participants",
    "partner": "The school or provider",
    "none": "No mentors",
}
BUDGET_OWNERS = {
    "hr-talent": "HR / talent",
    "business-unit": "A business unit",
    "learning-development": "Learning and development",
    "csr-foundation": "CSR or company foundation",
    "shared": "Shared between budgets",
}
FUNDING_SOURCES = {
    "operating-budget": "Operating budget",
    "grants": "Grants",
    "public-workforce-funds": "Public workforce funds",
    "tax-credits": "Tax credits",
}
SUPPORTS = {
    "transportation": "Transportation",
    "equipment": "Equipment and tools",
    "tutoring": "Tutoring",
    "mentoring": "Mentoring",
    "child-care": "Child care",
    "stipends": "Stipends",
}

# What a manager may keep to facilitators: each key covers one group of fields on the form. The name,
# organization, program type, student level, stage and summary identify a program and are always shared.
SHARABLE_FIELDS = {
    "participants": "Participants per year",
    "schedule": "Duration and schedule",
    "pay": "Pay",
    "occupations": "Target occupations",
    "staffing": "Staffing",
    "budget": "Budget and funding",
    "partners": "Partners",
    "supports": "Wrap-around supports",
    "competencies": "Competencies developed",
    "outcomes": "Outcomes",
    "lessons": "What we would do differently",
}


class Facet(enum.Enum):
    """Multi-valued fixed vocabularies, stored one row per value in program_facets."""

    occupation = "occupation"
    funding = "funding"
    support = "support"


program_competencies = sa.Table(
    "program_competencies", db.metadata,
    sa.Column("program_id", sa.ForeignKey("programs.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("competency_id", sa.ForeignKey("competencies.id", ondelete="CASCADE"), primary_key=True, index=True),
)
# The practices an organization wrote about this program ("the program it describes" on a practice).
program_practices = sa.Table(
    "program_practices", db.metadata,
    sa.Column("program_id", sa.ForeignKey("programs.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("practice_id", sa.ForeignKey("practices.id", ondelete="CASCADE"), primary_key=True, index=True),
)


class ProgramFacet(db.Model):
    __tablename__ = "program_facets"
    __table_args__ = (sa.Index("ix_program_facets_lookup", "facet", "value", "program_id"),)

    program_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("programs.id", ondelete="CASCADE"), primary_key=True)
    facet: so.Mapped[Facet] = so.mapped_column(enum_column(Facet), primary_key=True)
    value: so.Mapped[str] = so.mapped_column(sa.String(80), primary_key=True)


class PrivateField(db.Model):
    """A group of fields (a SHARABLE_FIELDS key) this program shares only with facilitators."""

    __tablename__ = "program_private_fields"

    program_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("programs.id", ondelete="CASCADE"), primary_key=True)
    field: so.Mapped[str] = so.mapped_column(sa.String(40), primary_key=True)


class ProgramPartner(db.Model):
    """A school, college, provider or community partner: an organization in CoP, or just a name."""

    __tablename__ = "program_partners"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    program_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("programs.id", ondelete="CASCADE"), index=True)
    organization_id: so.Mapped[int | None] = so.mapped_column(
        sa.ForeignKey("organizations.id", ondelete="SET NULL"), index=True)
    # Kept for CoP organizations too, so the partner still reads right if that organization goes away.
    name: so.Mapped[str] = so.mapped_column(sa.String(200))
    position: so.Mapped[int] = so.mapped_column(default=0)

    organization: so.Mapped["Organization | None"] = so.relationship()  # noqa: F821


class Program(db.Model):
    __tablename__ = "programs"
    __table_args__ = (sa.UniqueConstraint("organization_id", "name", name="uq_programs_organization_name"),)

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    organization_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("organizations.id"), index=True)
    name: so.Mapped[str] = so.mapped_column(sa.String(200))
    summary: so.Mapped[str] = so.mapped_column(sa.Text, default="")
    program_type: so.Mapped[str] = so.mapped_column(sa.String(40), index=True)
    student_level: so.Mapped[str] = so.mapped_column(sa.String(40), index=True)
    stage: so.Mapped[ProgramStage] = so.mapped_column(enum_column(ProgramStage), index=True)
    participants_per_year: so.Mapped[int | None]
    duration_weeks: so.Mapped[int | None]
    schedule: so.Mapped[str] = so.mapped_column(sa.String(300), default="")
    is_paid: so.Mapped[bool | None]
    wage_band: so.Mapped[str | None] = so.mapped_column(sa.String(20))
    staffing_model: so.Mapped[str | None] = so.mapped_column(sa.String(40))
    coordinator_fte: so.Mapped[float | None] = so.mapped_column(sa.Numeric(4, 2, asdecimal=False))
    students_per_supervisor: so.Mapped[int | None]
    mentor_source: so.Mapped[str | None] = so.mapped_column(sa.String(40))
    budget_owner: so.Mapped[str | None] = so.mapped_column(sa.String(40))
    outcomes_year: so.Mapped[int | None]
    completions: so.Mapped[int | None]
    offers_made: so.Mapped[int | None]
    hires: so.Mapped[int | None]
    lessons: so.Mapped[str] = so.mapped_column(sa.Text, default="")
    created_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)
    updated_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)
    updated_by_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))

    organization: so.Mapped["Organization"] = so.relationship()  # noqa: F821
    facets: so.Mapped[list[ProgramFacet]] = so.relationship(
        cascade="all, delete-orphan", order_by=(ProgramFacet.facet, ProgramFacet.value))
    private: so.Mapped[list[PrivateField]] = so.relationship(cascade="all, delete-orphan",
                                                             order_by=PrivateField.field)
    partners: so.Mapped[list[ProgramPartner]] = so.relationship(cascade="all, delete-orphan",
                                                                order_by=(ProgramPartner.position, ProgramPartner.id))
    competencies: so.Mapped[list["Competency"]] = so.relationship(  # noqa: F821
        secondary=program_competencies, order_by="Competency.position")
    practices: so.Mapped[list["Practice"]] = so.relationship(  # noqa: F821
        secondary=program_practices, order_by="Practice.title")

    def __repr__(self) -> str:
        return f"<Program {self.id} {self.name!r}>"

    def facet_values(self, facet: Facet) -> list[str]:
        return [f.value for f in self.facets if f.facet is facet]

    @property
    def occupations(self) -> list[str]:
        return self.facet_values(Facet.occupation)

    @property
    def funding_sources(self) -> list[str]:
        return [key for key in FUNDING_SOURCES if key in self.facet_values(Facet.funding)]

    @property
    def supports(self) -> list[str]:
        return [key for key in SUPPORTS if key in self.facet_values(Facet.support)]

    @property
    def private_fields(self) -> set[str]:
        return {p.field for p in self.private}

    @property
    def program_type_label(self) -> str:
        return PROGRAM_TYPES.get(self.program_type, self.program_type)

    @property
    def student_level_label(self) -> str:
        return STUDENT_LEVELS.get(self.student_level, self.student_level)

    def is_shared(self, field: str) -> bool:
        """Shared with the whole community (not kept to facilitators)."""
        return field not in self.private_fields

    def can_view(self, user) -> bool:
        """Every approved member sees every program (each field as its sharing allows)."""
        return bool(getattr(user, "is_authenticated", False) and getattr(user, "is_active", False))

    def shows(self, user, field: str) -> bool:
        """May `user` read this field here? Shared fields: every member. The rest: facilitators and the
        program's own organization."""
        if not self.can_view(user):
            return False
        return self.is_shared(field) or user.is_facilitator or user.organization_id == self.organization_id

    def can_edit(self, user) -> bool:
        """The organization's managers and facilitators edit its programs."""
        return bool(getattr(user, "is_active", False)) and user.can_manage_org(self.organization)


class PeerQuestion(db.Model):
    """A discussion thread a member addressed to the organizations behind some programs ("ask a peer")."""

    __tablename__ = "peer_questions"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    thread_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("threads.id", ondelete="CASCADE"), unique=True)
    author_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"), index=True)
    # How the audience was chosen, in words ("Advanced Manufacturing · Apprenticeship"), or "" for picked programs.
    audience: so.Mapped[str] = so.mapped_column(sa.String(500), default="")
    organization_count: so.Mapped[int] = so.mapped_column(default=0)
    created_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)

    thread: so.Mapped["Thread"] = so.relationship()  # noqa: F821
    programs: so.Mapped[list[Program]] = so.relationship(secondary="peer_question_programs")


peer_question_programs = sa.Table(
    "peer_question_programs", db.metadata,
    sa.Column("question_id", sa.ForeignKey("peer_questions.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("program_id", sa.ForeignKey("programs.id", ondelete="CASCADE"), primary_key=True, index=True),
)
