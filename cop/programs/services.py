"""Program rules: saving profiles, who reads which field, finding peers, the aggregates and their
withholding rule, the comparison (page, print and CSV), search text, and asking peers a question.

Sharing is decided here and nowhere else: a field a program keeps to facilitators is shown only to
facilitators and the program's own organization (`Program.shows`), and it never feeds what members see
summed up (`counts_toward`). Services flush but never commit.
"""

import csv
import io
import statistics
from dataclasses import dataclass, field
from typing import Callable

import sqlalchemy as sa
import sqlalchemy.orm as so

from cop.auth.models import MemberStatus, User
from cop.extensions import HotRead, db, utcnow
from cop.forms import DATABASE_INT_MAX
from cop.notifications import services as notifications
from cop.orgs.models import Organization
from cop.programs.models import (BUDGET_OWNERS, FUNDING_SOURCES, MENTOR_SOURCES, PROGRAM_TYPES, SHARABLE_FIELDS,
                                 STAFFING_MODELS, STUDENT_LEVELS, SUPPORTS, WAGE_BANDS, Facet, PeerQuestion,
                                 PrivateField, Program, ProgramFacet, ProgramPartner, ProgramStage)
from cop.programs.occupations import occupation_label, occupations
from cop.text import plain_text

# An aggregate drawn from fewer organizations than this is withheld, so nobody can read one company's
# figures out of it. Organizations are counted, not programs: one company's three programs are one source.
MIN_ORGANIZATIONS = 3
TOP_OCCUPATIONS = 10
NOT_SHARED = "Not shared"

notifications.EMAIL_KINDS.add("peer_question")


class ProgramError(ValueError):
    """A rule said no; the message is safe to show."""


# Saving profiles

@dataclass
class ProgramData:
    """Everything a profile says, as plain values (from the form, or the demo loader)."""

    name: str
    program_type: str
    student_level: str
    stage: ProgramStage
    summary: str = ""
    participants_per_year: int | None = None
    duration_weeks: int | None = None
    schedule: str = ""
    is_paid: bool | None = None
    wage_band: str | None = None
    occupations: list[str] = field(default_factory=list)
    staffing_model: str | None = None
    coordinator_fte: float | None = None
    students_per_supervisor: int | None = None
    mentor_source: str | None = None
    budget_owner: str | None = None
    funding_sources: list[str] = field(default_factory=list)
    partner_organizations: list = field(default_factory=list)
    other_partners: list[str] = field(default_factory=list)
    supports: list[str] = field(default_factory=list)
    competencies: list = field(default_factory=list)
    outcomes_year: int | None = None
    completions: int | None = None
    offers_made: int | None = None
    hires: int | None = None
    lessons: str = ""
    practices: list = field(default_factory=list)
    private_fields: set[str] = field(default_factory=set)


def _known(values, vocabulary) -> list[str]:
    """Values in the vocabulary, once each, in the order given."""
    return list(dict.fromkeys(v for v in values or [] if v in vocabulary))


def _apply(program: Program, data: ProgramData) -> None:
    if data.program_type not in PROGRAM_TYPES or data.student_level not in STUDENT_LEVELS:
        raise ProgramError("Choose a program type and a student level from the lists.")
    program.name = data.name.strip()[:200]
    program.summary = (data.summary or "").strip()
    program.program_type, program.student_level, program.stage = data.program_type, data.student_level, data.stage
    program.participants_per_year = data.participants_per_year
    program.duration_weeks = data.duration_weeks
    program.schedule = (data.schedule or "").strip()[:300]
    program.is_paid = data.is_paid
    program.wage_band = data.wage_band if data.is_paid and data.wage_band in WAGE_BANDS else None
    program.staffing_model = data.staffing_model if data.staffing_model in STAFFING_MODELS else None
    program.coordinator_fte = None if data.coordinator_fte is None else round(float(data.coordinator_fte), 2)
    program.students_per_supervisor = data.students_per_supervisor
    program.mentor_source = data.mentor_source if data.mentor_source in MENTOR_SOURCES else None
    program.budget_owner = data.budget_owner if data.budget_owner in BUDGET_OWNERS else None
    program.outcomes_year, program.completions = data.outcomes_year, data.completions
    program.offers_made, program.hires = data.offers_made, data.hires
    program.lessons = (data.lessons or "").strip()

    wanted = ([(Facet.occupation, code) for code in _known(data.occupations, occupations())]
              + [(Facet.funding, key) for key in _known(data.funding_sources, FUNDING_SOURCES)]
              + [(Facet.support, key) for key in _known(data.supports, SUPPORTS)])
    keep = {(f.facet, f.value): f for f in program.facets}
    program.facets = [keep.get(pair) or ProgramFacet(facet=pair[0], value=pair[1]) for pair in wanted]

    private = _known(data.private_fields, SHARABLE_FIELDS)
    have = {p.field: p for p in program.private}
    program.private = [have.get(name) or PrivateField(field=name) for name in private]

    program.partners = _partners(program, data)
    program.competencies = list(dict.fromkeys(data.competencies or []))
    # A program is described by its own organization's practices, never by another's.
    program.practices = [p for p in dict.fromkeys(data.practices or [])
                         if p.organization_id == program.organization.id and p.deleted_at is None]


def _partners(program: Program, data: ProgramData) -> list[ProgramPartner]:
    partners, seen = [], set()
    for org in data.partner_organizations or []:
        if org.id == program.organization.id or org.name.lower() in seen:
            continue
        seen.add(org.name.lower())
        partners.append(ProgramPartner(organization=org, name=org.name, position=len(partners)))
    for name in data.other_partners or []:
        name = " ".join(name.split())[:200]
        if name and name.lower() not in seen:
            seen.add(name.lower())
            partners.append(ProgramPartner(organization=None, name=name, position=len(partners)))
    return partners


def create_program(organization: Organization, by, data: ProgramData) -> Program:
    """A new profile for `organization`; only its managers and facilitators may add one."""
    if not by.can_manage_org(organization):
        raise ProgramError("Only this organization's managers and facilitators add its programs.")
    now = utcnow()
    program = Program(organization=organization, created_at=now, updated_at=now, updated_by_id=by.id)
    _apply(program, data)
    db.session.add(program)
    db.session.flush()
    return program


def update_program(program: Program, by, data: ProgramData) -> Program:
    if not program.can_edit(by):
        raise ProgramError("Only this organization's managers and facilitators edit its programs.")
    _apply(program, data)
    program.updated_at, program.updated_by_id = utcnow(), by.id
    db.session.flush()
    return program


def delete_program(program: Program, by) -> None:
    if not program.can_edit(by):
        raise ProgramError("Only this organization's managers and facilitators remove its programs.")
    db.session.delete(program)
    db.session.flush()


def remove_programs_of(organization: Organization) -> int:
    """The program profiles of an organization that left the community go with it; returns how many."""
    programs = programs_of(organization.id)
    for program in programs:
        db.session.delete(program)
    db.session.flush()
    return len(programs)


# Who sees what

def visible_programs(viewer):
    """Programs `viewer` may find (every program, for any approved member; nothing otherwise). Each
    field still has to pass `Program.shows`; `program_search_text` gives only community-shared words."""
    query = sa.select(Program)
    if not may_find_programs(viewer):
        query = query.where(sa.false())
    return query


def may_find_programs(viewer) -> bool:
    return bool(getattr(viewer, "is_authenticated", False) and getattr(viewer, "is_active", False))


def with_list_data(query):
    """What lists, filters and aggregates read, in a fixed number of statements."""
    return query.options(so.joinedload(Program.organization), so.selectinload(Program.facets),
                         so.selectinload(Program.private))


def with_profile_data(query):
    """Everything a profile or a comparison shows, in a fixed number of statements."""
    return with_list_data(query).options(
        so.selectinload(Program.partners).joinedload(ProgramPartner.organization),
        so.selectinload(Program.competencies), so.selectinload(Program.practices))


def counts_toward(program: Program, field_name: str, viewer) -> bool:
    """May this program's `field_name` feed an aggregate `viewer` sees? Facilitators' aggregates use every
    value; everyone else's only community-shared ones, even where the value is their own organization's,
    so every member reads the same community figure."""
    return bool(getattr(viewer, "is_facilitator", False)) or program.is_shared(field_name)


def _shared_in_sql(field_name: str, viewer):
    """SQL form of `Program.shows` for one field; viewer None: community-shared values only."""
    not_private = ~sa.exists().where(PrivateField.program_id == Program.id, PrivateField.field == field_name)
    if viewer is None:
        return not_private
    if viewer.is_facilitator:
        return sa.true()
    return sa.or_(not_private, Program.organization_id == viewer.organization_id)


# Finding peers

FILTER_FIELDS = ("industry", "size_band", "program_type", "student_level", "stage", "occupation")


@dataclass
class PeerFilter:
    """The "peers like us" filters; empty strings mean "any"."""

    industry: str = ""
    size_band: str = ""
    program_type: str = ""
    student_level: str = ""
    stage: str = ""
    occupation: str = ""

    @classmethod
    def from_args(cls, args) -> "PeerFilter":
        """Read filters from a query string, dropping values outside their vocabularies."""
        from cop.orgs.models import INDUSTRIES, SIZE_BANDS

        vocabularies = {"industry": INDUSTRIES, "size_band": SIZE_BANDS, "program_type": PROGRAM_TYPES,
                        "student_level": STUDENT_LEVELS, "stage": {s.value for s in ProgramStage},
                        "occupation": occupations()}
        values = {}
        for name in FILTER_FIELDS:
            value = (args.get(name) or "").strip()
            values[name] = value if value in vocabularies[name] else ""
        return cls(**values)

    @property
    def is_empty(self) -> bool:
        return not any(self.as_args().values())

    def as_args(self) -> dict[str, str]:
        return {name: getattr(self, name) for name in FILTER_FIELDS if getattr(self, name)}

    def describe(self) -> str:
        """The filters in words: "Advanced Manufacturing · Apprenticeship · High school"."""
        parts = [self.industry,
                 f"{self.size_band} employees" if self.size_band else "",
                 PROGRAM_TYPES.get(self.program_type, ""), STUDENT_LEVELS.get(self.student_level, ""),
                 ProgramStage(self.stage).label if self.stage else "",
                 f"targeting {occupation_label(self.occupation)}" if self.occupation else ""]
        return " · ".join(p for p in parts if p) or "All programs"


def filter_programs(query, filters: PeerFilter, viewer=None):
    """Narrow a program query by the peer filters. The occupation filter matches only occupations the
    viewer may read (viewer None: community-shared ones only), so a filter never reveals a hidden field."""
    if filters.industry or filters.size_band:
        query = query.join(Organization, Organization.id == Program.organization_id)
        if filters.industry:
            query = query.where(Organization.industry == filters.industry)
        if filters.size_band:
            query = query.where(Organization.size_band == filters.size_band)
    if filters.program_type:
        query = query.where(Program.program_type == filters.program_type)
    if filters.student_level:
        query = query.where(Program.student_level == filters.student_level)
    if filters.stage:
        query = query.where(Program.stage == ProgramStage(filters.stage))
    if filters.occupation:
        query = query.where(
            sa.exists().where(ProgramFacet.program_id == Program.id, ProgramFacet.facet == Facet.occupation,
                              ProgramFacet.value == filters.occupation),
            _shared_in_sql("occupations", viewer))
    return query


def peer_query(filters: PeerFilter, viewer, community_only: bool = False):
    """The programs `viewer` may find that match the filters, by organization then name."""
    query = filter_programs(visible_programs(viewer), filters, None if community_only else viewer)
    query = query.join(Program.organization) if not (filters.industry or filters.size_band) else query
    return query.order_by(Organization.name, Program.name, Program.id)


def find_programs(filters: PeerFilter, viewer, community_only: bool = False) -> list[Program]:
    """Programs matching the filters, by organization then name, loaded for lists and aggregates."""
    return db.session.scalars(with_list_data(peer_query(filters, viewer, community_only))).unique().all()


def load_program(program_id: int, viewer) -> Program | None:
    """The program with everything its profile shows, if `viewer` may see it (None otherwise)."""
    program = db.session.scalar(with_profile_data(visible_programs(viewer).where(Program.id == program_id)))
    return program if program is not None and program.can_view(viewer) else None


def programs_of(organization_id: int | None, profile: bool = False) -> list[Program]:
    """One organization's programs (the viewer's own, for highlighting and "compare with mine")."""
    if organization_id is None:
        return []
    query = sa.select(Program).where(Program.organization_id == organization_id).order_by(Program.name)
    return db.session.scalars((with_profile_data if profile else with_list_data)(query)).unique().all()


_EXISTING_PROGRAMS = HotRead(sa.select(Program.__table__.c.id)
                             .where(Program.__table__.c.id.in_(sa.bindparam("ids", expanding=True))))


def visible_program_ids(ids, viewer) -> set[int]:
    """Which of these program ids `viewer` may see, without loading the programs (a cached comparison
    decides with this first)."""
    asked = sorted({i for i in ids if 0 < i <= DATABASE_INT_MAX})
    if not asked or not may_find_programs(viewer):
        return set()
    return {program_id for program_id, in _EXISTING_PROGRAMS.rows({"ids": asked})}


def programs_by_ids(ids, viewer) -> list[Program]:
    """The programs with these ids that `viewer` may see, in the order asked for."""
    ids = list(dict.fromkeys(int(i) for i in ids))
    if not ids:
        return []
    found = {p.id: p for p in db.session.scalars(
        with_profile_data(visible_programs(viewer).where(Program.id.in_(ids)))).unique()}
    return [found[i] for i in ids if i in found]


def peers_like_us(viewer) -> list[Program]:
    """Other organizations' programs that are like the viewer's: their organization is in the same
    industry, or the program is of a type the viewer's organization runs. Those matching on both come
    first, then by organization and name. Empty for a viewer without an organization."""
    organization = getattr(viewer, "organization", None)
    if organization is None:
        return []
    types = {p.program_type for p in programs_of(organization.id)}
    same_industry = Organization.industry == organization.industry if organization.industry else sa.false()
    same_type = Program.program_type.in_(types) if types else sa.false()
    query = (visible_programs(viewer).join(Program.organization)
             .where(Program.organization_id != organization.id, sa.or_(same_industry, same_type))
             .order_by(sa.case((sa.and_(same_industry, same_type), 0), else_=1), Organization.name, Program.name))
    return db.session.scalars(with_list_data(query)).unique().all()


def occupations_in_use(viewer) -> list[str]:
    """SOC codes some program targets that `viewer` may read (choices for the occupation filter)."""
    codes = db.session.scalars(
        sa.select(ProgramFacet.value).distinct().join(Program, Program.id == ProgramFacet.program_id)
        .where(ProgramFacet.facet == Facet.occupation, _shared_in_sql("occupations", viewer))).all()
    return sorted(codes, key=occupation_label)


# Aggregates

@dataclass
class Bar:
    label: str
    count: int
    is_yours: bool = False


@dataclass
class Aggregate:
    """One recurring question answered over a set of programs, or withheld."""

    key: str
    title: str
    question: str
    field_name: str  # the SHARABLE_FIELDS key it reads
    topic: str  # the discussion category a question about it goes to
    bars: list[Bar] = field(default_factory=list)
    programs: int = 0
    organizations: int = 0
    withheld: bool = False
    summary: str = ""

    @property
    def largest(self) -> int:
        return max((b.count for b in self.bars), default=0)


@dataclass
class _Spec:
    key: str
    title: str
    question: str
    field_name: str
    topic: str
    values: Callable[[Program], list]  # the program's values for this question ([] = no answer)
    labels: Callable[[], list[tuple[object, str]]]  # every possible value and its label, in order
    numbers: Callable[[Program], float | None] | None = None  # for a median
    unit: str = ""
    top: int | None = None


def _one(value) -> list:
    return [] if value is None or value == "" else [value]


def _band(bands):
    def value(number):
        if number is None:
            return []
        return [next(label for label, low, high in bands if low <= number < high)]
    return value


FTE_BANDS = [("Under 0.25 FTE", 0, 0.25), ("0.25 to 0.49 FTE", 0.25, 0.5), ("0.5 to 0.99 FTE", 0.5, 1),
             ("1 FTE or more", 1, float("inf"))]
RATIO_BANDS = [("1 or 2 students", 0, 3), ("3 or 4 students", 3, 5), ("5 to 8 students", 5, 9),
               ("9 or more students", 9, float("inf"))]
_fte_band, _ratio_band = _band(FTE_BANDS), _band(RATIO_BANDS)


def _pay(program: Program) -> list[str]:
    if program.is_paid is None:
        return []
    if not program.is_paid:
        return ["unpaid"]
    return [program.wage_band or "paid"]


PAY_LABELS = [("unpaid", "Unpaid")] + list(WAGE_BANDS.items()) + [("paid", "Paid, band not given")]

AGGREGATES = [
    _Spec("staffing_model", "Who runs the program", "How do peers staff their programs?", "staffing", "staffing",
          lambda p: _one(p.staffing_model), lambda: list(STAFFING_MODELS.items())),
    _Spec("coordinator_fte", "Coordinator time", "How much coordinator time do programs get?", "staffing",
          "staffing", lambda p: _fte_band(p.coordinator_fte), lambda: [(b[0], b[0]) for b in FTE_BANDS],
          numbers=lambda p: p.coordinator_fte, unit="FTE"),
    _Spec("students_per_supervisor", "Students per supervisor", "How many students does one supervisor take?",
          "staffing", "supervision-and-mentoring", lambda p: _ratio_band(p.students_per_supervisor),
          lambda: [(b[0], b[0]) for b in RATIO_BANDS], numbers=lambda p: p.students_per_supervisor,
          unit="students"),
    _Spec("mentor_source", "Where mentors come from", "Who mentors the students?", "staffing",
          "supervision-and-mentoring", lambda p: _one(p.mentor_source), lambda: list(MENTOR_SOURCES.items())),
    _Spec("budget_owner", "Who owns the budget", "Which business unit absorbs the budget?", "budget",
          "budget-and-funding", lambda p: _one(p.budget_owner), lambda: list(BUDGET_OWNERS.items())),
    _Spec("funding", "Funding sources", "What pays for it?", "budget", "budget-and-funding",
          lambda p: p.funding_sources, lambda: list(FUNDING_SOURCES.items())),
    _Spec("pay", "Pay", "Do peers pay students, and how much?", "pay", "budget-and-funding", _pay,
          lambda: PAY_LABELS),
    _Spec("occupations", "Most targeted occupations", "Which occupations do peers target?", "occupations",
          "target-occupations", lambda p: p.occupations,
          lambda: [(code, o.label) for code, o in occupations().items()], top=TOP_OCCUPATIONS),
    _Spec("supports", "Wrap-around supports offered", "Which supports keep students in the program?",
          "supports", "wraparound-supports-and-retention", lambda p: p.supports, lambda: list(SUPPORTS.items())),
]
AGGREGATE_TOPICS = {spec.key: spec.topic for spec in AGGREGATES}


def _number(value: float) -> str:
    return f"{value:.2f}".rstrip("0").rstrip(".")


def build_aggregate(spec: _Spec, programs: list[Program], viewer, own_programs=()) -> Aggregate:
    """One aggregate over `programs`: programs count once per value; withheld (no bars, no counts) when
    the programs that answer it, and that the viewer's aggregates may use, come from fewer than
    MIN_ORGANIZATIONS organizations."""
    aggregate = Aggregate(spec.key, spec.title, spec.question, spec.field_name, spec.topic)
    answering = [p for p in programs if counts_toward(p, spec.field_name, viewer) and spec.values(p)]
    organizations = {p.organization_id for p in answering}
    if len(organizations) < MIN_ORGANIZATIONS:
        aggregate.withheld = True
        return aggregate
    counts: dict = {}
    for program in answering:
        for value in dict.fromkeys(spec.values(program)):
            counts[value] = counts.get(value, 0) + 1
    yours = {value for program in own_programs for value in spec.values(program)}
    bars = [Bar(label, counts.get(value, 0), value in yours) for value, label in spec.labels()]
    if spec.top:
        bars = sorted((b for b in bars if b.count), key=lambda b: (-b.count, b.label))[:spec.top]
    elif spec.key == "pay":
        bars = [b for b in bars if b.count or b.label != "Paid, band not given"]
    aggregate.bars, aggregate.programs, aggregate.organizations = bars, len(answering), len(organizations)
    if spec.numbers:
        numbers = [spec.numbers(p) for p in answering if spec.numbers(p) is not None]
        aggregate.summary = f"Median {_number(statistics.median(numbers))} {spec.unit}"
    return aggregate


def build_aggregates(programs: list[Program], viewer, own_programs=()) -> list[Aggregate]:
    """Every aggregate over the same programs, each withheld on its own under the organization rule."""
    return [build_aggregate(spec, programs, viewer, own_programs) for spec in AGGREGATES]


# The comparison: one set of rows for the page, the printable page and the CSV

@dataclass
class Cell:
    text: str
    hidden: bool = False  # kept to facilitators, and this viewer isn't one of them
    private: bool = False  # kept to facilitators, and shown because this viewer may read it


@dataclass
class Row:
    label: str
    field_name: str | None
    cells: list[Cell]


def _count(value, one: str, many: str) -> str:
    return "" if value is None else f"{value} {one if value == 1 else many}"


def _pay_text(p: Program) -> str:
    if p.is_paid is None:
        return ""
    return f"Paid, {WAGE_BANDS[p.wage_band]}" if p.is_paid and p.wage_band else ("Paid" if p.is_paid else "Unpaid")


def _partner_names(p: Program) -> str:
    return "; ".join(partner.organization.name if partner.organization else partner.name for partner in p.partners)


COMPARISON: list[tuple[str, str | None, Callable[[Program], str]]] = [
    ("Organization", None, lambda p: p.organization.name),
    ("Industry", None, lambda p: p.organization.industry or ""),
    ("Employees", None, lambda p: p.organization.size_band or ""),
    ("Program type", None, lambda p: p.program_type_label),
    ("Student level", None, lambda p: p.student_level_label),
    ("Stage", None, lambda p: p.stage.label),
    ("Participants per year", "participants", lambda p: "" if p.participants_per_year is None
     else str(p.participants_per_year)),
    ("Duration", "schedule", lambda p: _count(p.duration_weeks, "week", "weeks")),
    ("Schedule", "schedule", lambda p: p.schedule),
    ("Pay", "pay", _pay_text),
    ("Target occupations", "occupations", lambda p: "; ".join(occupation_label(c) for c in p.occupations)),
    ("Who runs it", "staffing", lambda p: STAFFING_MODELS.get(p.staffing_model, "")),
    ("Coordinator time", "staffing", lambda p: "" if p.coordinator_fte is None
     else f"{_number(p.coordinator_fte)} FTE"),
    ("Students per supervisor", "staffing", lambda p: "" if p.students_per_supervisor is None
     else str(p.students_per_supervisor)),
    ("Mentors", "staffing", lambda p: MENTOR_SOURCES.get(p.mentor_source, "")),
    ("Budget owner", "budget", lambda p: BUDGET_OWNERS.get(p.budget_owner, "")),
    ("Funding sources", "budget", lambda p: "; ".join(FUNDING_SOURCES[f] for f in p.funding_sources)),
    ("Partners", "partners", _partner_names),
    ("Wrap-around supports", "supports", lambda p: "; ".join(SUPPORTS[s] for s in p.supports)),
    ("Competencies developed", "competencies", lambda p: "; ".join(c.name for c in p.competencies)),
    ("Outcomes year", "outcomes", lambda p: "" if p.outcomes_year is None else str(p.outcomes_year)),
    ("Completed", "outcomes", lambda p: "" if p.completions is None else str(p.completions)),
    ("Offers made", "outcomes", lambda p: "" if p.offers_made is None else str(p.offers_made)),
    ("Hired", "outcomes", lambda p: "" if p.hires is None else str(p.hires)),
    ("What we would do differently", "lessons", lambda p: plain_text(p.lessons).strip()),
]


def comparison(programs: list[Program], viewer) -> list[Row]:
    """The side-by-side rows: a field a program keeps to facilitators reaches only those who may read it."""
    rows = []
    for label, field_name, value in COMPARISON:
        cells = []
        for program in programs:
            if field_name is None:
                cells.append(Cell(value(program)))
            elif not program.shows(viewer, field_name):
                cells.append(Cell("", hidden=True))
            else:
                cells.append(Cell(value(program), private=not program.is_shared(field_name)))
        rows.append(Row(label, field_name, cells))
    return rows


def _csv_safe(text: str) -> str:
    """Spreadsheets run cells that start with = + - @ as formulas; a leading apostrophe keeps them text."""
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def comparison_csv(programs: list[Program], viewer) -> str:
    """One row per program, one column per comparison row; fields the viewer may not read say so."""
    rows = comparison(programs, viewer)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["Program"] + [row.label for row in rows])
    for n, program in enumerate(programs):
        writer.writerow([_csv_safe(program.name)] + [
            NOT_SHARED if row.cells[n].hidden else _csv_safe(row.cells[n].text) for row in rows])
    return out.getvalue()


# Search

def program_search_text(program: Program) -> str:
    """The words search should find a program by, as plain text, from community-shared fields only (the
    index serves every member): name, organization, type, level, stage, occupations (titles and SOC
    codes), partners, supports, staffing, budget, competencies and lessons."""
    parts = [program.name, program.organization.name, program.organization.industry or "",
             program.program_type_label, program.student_level_label, program.stage.label, program.summary]
    shared = program.is_shared
    if shared("occupations"):
        parts += [occupation_label(code) for code in program.occupations]
    if shared("partners"):
        parts.append(_partner_names(program).replace(";", ""))
    if shared("supports"):
        parts += [SUPPORTS[s] for s in program.supports]
    if shared("staffing"):
        parts += [STAFFING_MODELS.get(program.staffing_model, ""), MENTOR_SOURCES.get(program.mentor_source, "")]
    if shared("budget"):
        parts += [BUDGET_OWNERS.get(program.budget_owner, "")] + [FUNDING_SOURCES[f] for f in program.funding_sources]
    if shared("schedule"):
        parts.append(program.schedule)
    if shared("competencies"):
        parts += [c.name for c in program.competencies]
    if shared("lessons"):
        parts.append(plain_text(program.lessons))
    return "\n".join(p.strip() for p in parts if p and p.strip())


# Asking peers

def peer_audience(programs: list[Program], asker) -> list[Program]:
    """Who a question goes to: the programs' organizations, except the asker's own."""
    return [p for p in programs if p.organization_id != asker.organization_id]


def _addressed_note(programs: list[Program], audience: str) -> str:
    from cop.discussions.services import site_path

    organizations = {p.organization_id for p in programs}
    lines = ["---", "",
             f"*Asked through Programs, addressed to {len(organizations)} "
             f"{'organization' if len(organizations) == 1 else 'organizations'}"
             + (f" whose programs match: {audience}.*" if audience else ":*"), ""]
    for program in programs:
        lines.append(f"- [{program.name}]({site_path('programs.detail', program_id=program.id)}), "
                     f"{program.organization.name}")
    return "\n".join(lines)


def ask_peers(asker, programs: list[Program], *, title: str, body: str, category, audience: str = "") -> PeerQuestion:
    """Start a question thread addressed to the organizations behind `programs` (the asker's own left out),
    naming those programs and the filter that chose them; every active member of each organization gets a
    notification that links to the thread."""
    from cop.discussions import services as discussions
    from cop.discussions.models import ThreadKind

    programs = peer_audience(programs, asker)
    if not programs:
        raise ProgramError("No other organization's program is in this selection, so there is nobody to ask.")
    body = f"{body.rstrip()}\n\n{_addressed_note(programs, audience)}"
    thread = discussions.create_thread(asker, title=title, body=body, kind=ThreadKind.question, category=category)
    by_org: dict[int, list[Program]] = {}
    for program in programs:
        by_org.setdefault(program.organization_id, []).append(program)
    question = PeerQuestion(thread=thread, author_id=asker.id, audience=audience[:500],
                            organization_count=len(by_org), programs=programs, created_at=utcnow())
    db.session.add(question)
    db.session.flush()
    url = discussions.thread_url(thread)
    asker_org = f" of {asker.organization.name}" if asker.organization else ""
    recipients = db.session.scalars(sa.select(User).where(User.organization_id.in_(list(by_org)),
                                                          User.status == MemberStatus.active)
                                    .order_by(User.organization_id, User.id)).all()
    for user in recipients:
        names = ", ".join(f"“{p.name}”" for p in by_org[user.organization_id])
        notifications.notify(user, "peer_question",
                             f"{asker.name}{asker_org} asked your organization about {names}: “{thread.title}”",
                             url, actor=asker)
    return question


def private_recipients(asker, programs: list[Program]) -> tuple[list[User], list[Organization]]:
    """Who a private question about `programs` goes to: one person at each of their organizations (the
    asker's own left out), whoever keeps the matched program profile up to date (its last editor, while an
    active member there), else the organization's managers; anyone the asker can't write to (a block either
    way) is passed over for the next. Also the organizations where nobody could take it."""
    from cop.auth.models import Role
    from cop.messages.services import refusal

    by_org: dict[int, list[Program]] = {}
    for program in peer_audience(programs, asker):
        by_org.setdefault(program.organization_id, []).append(program)
    if not by_org:
        return [], []
    editors = {user.id: user for user in db.session.scalars(sa.select(User).where(
        User.id.in_({p.updated_by_id for group in by_org.values() for p in group if p.updated_by_id})))}
    managers: dict[int, list[User]] = {}
    for user in db.session.scalars(sa.select(User).where(User.organization_id.in_(list(by_org)),
                                                         User.role == Role.manager,
                                                         User.status == MemberStatus.active).order_by(User.id)):
        managers.setdefault(user.organization_id, []).append(user)
    chosen, unreached = [], []
    for org_id, group in by_org.items():
        recent = sorted(group, key=lambda p: p.updated_at, reverse=True)
        candidates = [editors[p.updated_by_id] for p in recent if p.updated_by_id in editors
                      and editors[p.updated_by_id].organization_id == org_id] + managers.get(org_id, [])
        person = next((c for c in candidates if not refusal(asker, c)), None)
        if person is None:
            unreached.append(group[0].organization)
        else:
            chosen.append(person)
    return chosen, unreached


def ask_peers_privately(asker, programs: list[Program], *, title: str, body: str, audience: str = ""):
    """Start a private conversation with the people `private_recipients` names (2 to 10 people with the
    asker), the question followed by the programs it is about. Returns the conversation and the
    organizations nobody at which could take it."""
    from cop.messages import services as messages

    people, unreached = private_recipients(asker, programs)
    if not people:
        raise ProgramError("Nobody at these organizations can take a private message from you. "
                           "Send it as a public thread instead.")
    if len(people) + 1 > messages.MAX_PEOPLE:
        raise ProgramError(f"A private message reaches at most {messages.MAX_PEOPLE - 1} people, one at each "
                           f"organization, and this question would go to {len(people)}. Narrow the filters, or "
                           "send it as a public thread.")
    programs = [p for p in peer_audience(programs, asker) if p.organization_id in {u.organization_id for u in people}]
    body = f"{body.rstrip()}\n\n{_addressed_note(programs, audience)}"
    try:
        conversation = messages.start_conversation(asker, people, title, body)
    except messages.MessageError as error:
        raise ProgramError(str(error)) from error
    return conversation, unreached


def questions_about(program: Program, viewer, limit: int = 5) -> list[PeerQuestion]:
    """Recent peer questions addressed to this program, whose threads the viewer may read in lists."""
    from cop.discussions.models import Thread
    from cop.discussions.services import visible_threads_for

    from cop.programs.models import peer_question_programs

    visible = visible_threads_for(viewer).with_only_columns(Thread.id)
    return db.session.scalars(
        sa.select(PeerQuestion).join(peer_question_programs, peer_question_programs.c.question_id == PeerQuestion.id)
        .where(peer_question_programs.c.program_id == program.id, PeerQuestion.thread_id.in_(visible))
        .options(so.joinedload(PeerQuestion.thread)).order_by(PeerQuestion.created_at.desc()).limit(limit)).all()
