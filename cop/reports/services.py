"""The sponsor's impact report: what the community did in a period, in figures a funder can forward.
Every figure is an SQL aggregate; any figure drawn from fewer than MIN_ORGANIZATIONS organizations is
withheld, as in the programs' peer comparison, so no single company's numbers can be read from it."""

import csv
import io
from dataclasses import dataclass, field

import sqlalchemy as sa

from cop.auth.models import User
from cop.dashboard.models import MemberVisit
from cop.dashboard.services import Period, csv_safe, month_of
from cop.events.models import (Event, EventKind, EventStatus, FeedbackAnswer, FeedbackResponse, Rsvp,
                               RsvpStatus)
from cop.extensions import db, utcnow
from cop.orgs.models import Organization, OrgKind
from cop.practices.models import Practice, PracticeStatus
from cop.programs.models import PrivateField, Program
from cop.programs.services import MIN_ORGANIZATIONS

WITHHELD = "Withheld"
RESPONSES_SHOWN = 20
ORGANIZATION_KINDS = {OrgKind.member_company: "Member companies", OrgKind.training_provider: "Training providers",
                      OrgKind.education_partner: "Education partners",
                      OrgKind.community_organization: "Community organizations"}
EVENT_KINDS = {EventKind.site_visit: "Site visits", EventKind.feedback_session: "Provider feedback sessions",
               EventKind.roundtable: "Roundtables and convenings", EventKind.virtual: "Virtual meetings"}


def may_read_impact_report(user) -> bool:
    """Facilitators, and the people of a sponsoring organization (the report is what they fund)."""
    if not getattr(user, "is_active", False) or not getattr(user, "is_authenticated", False):
        return False
    if user.is_facilitator:
        return True
    organization = user.organization
    return organization is not None and organization.kind is OrgKind.sponsor


@dataclass
class Figure:
    """One number of the report, or None where it is withheld."""

    section: str
    label: str
    value: int | float | None
    organizations: int | None = None  # how many organizations it is drawn from, where that decides withholding

    @property
    def shown(self) -> str:
        if self.value is None:
            return WITHHELD
        return f"{self.value:,}" if isinstance(self.value, int) else f"{self.value:.1f}"


def _kept(value, organizations: int):
    return value if organizations >= MIN_ORGANIZATIONS else None


@dataclass
class ImpactReport:
    period: Period
    engagement: list[Figure] = field(default_factory=list)
    programs: list[Figure] = field(default_factory=list)
    events: list[Figure] = field(default_factory=list)
    practices: list[Figure] = field(default_factory=list)
    # (month "2026-09", average score or None when withheld, responses, organizations)
    scores: list[tuple[str, float | None, int, int]] = field(default_factory=list)
    # (event title, provider, published on, the response as sanitized HTML, as plain text)
    responses: list[tuple[str, str, object, str, str]] = field(default_factory=list)

    @property
    def figures(self) -> list[Figure]:
        scores = [Figure("Provider feedback", f"Average score, {month}", avg, None) for month, avg, _, _ in self.scores]
        return self.engagement + self.programs + self.events + scores + self.practices


def _engagement(period: Period) -> list[Figure]:
    """People and organizations who took part (used the site), in all and by kind of organization, from
    the days on site (which leave the facilitators out)."""
    rows = db.session.execute(
        sa.select(Organization.kind, sa.func.count(sa.distinct(MemberVisit.user_id)),
                  sa.func.count(sa.distinct(MemberVisit.organization_id)))
        .join(Organization, Organization.id == MemberVisit.organization_id)
        .where(MemberVisit.day >= period.start, MemberVisit.day <= period.end,
               Organization.kind != OrgKind.facilitator)
        .group_by(Organization.kind)).all()
    by_kind = {kind: (people, orgs) for kind, people, orgs in rows}
    figures = [Figure("Engagement", "Organizations engaged", sum(o for _, o in by_kind.values())),
               Figure("Engagement", "Participants engaged", sum(p for p, _ in by_kind.values()))]
    for kind, label in ORGANIZATION_KINDS.items():
        figures.append(Figure("Engagement", f"{label} engaged", by_kind.get(kind, (0, 0))[1]))
    return figures


def _programs() -> list[Figure]:
    """Program profiles as they stand, with the students they serve and the hires they report, counting
    only what each program shares with the whole community."""

    def shared(name: str):
        return ~sa.exists().where(PrivateField.program_id == Program.id, PrivateField.field == name)

    def total(column, name):
        given = sa.and_(shared(name), column.is_not(None))
        return (sa.func.coalesce(sa.func.sum(sa.case((given, column))), 0),
                sa.func.count(sa.distinct(sa.case((given, Program.organization_id)))))

    programs, organizations, *sums = db.session.execute(sa.select(
        sa.func.count(Program.id), sa.func.count(sa.distinct(Program.organization_id)),
        *total(Program.participants_per_year, "participants"), *total(Program.completions, "outcomes"),
        *total(Program.hires, "outcomes"))).one()
    students, student_orgs, completions, completion_orgs, hires, hire_orgs = map(int, sums)
    return [Figure("Programs", "Programs profiled", programs),
            Figure("Programs", "Organizations with a program profile", organizations),
            Figure("Programs", "Students served a year", _kept(students, student_orgs), student_orgs),
            Figure("Programs", "Completions reported", _kept(completions, completion_orgs), completion_orgs),
            Figure("Programs", "Hires reported", _kept(hires, hire_orgs), hire_orgs)]


def _events(period: Period) -> list[Figure]:
    """Events held in the period (started, not cancelled), by kind, and who came."""
    now = utcnow()
    going = Rsvp.status == RsvpStatus.going
    held = (sa.select(Event.id, Event.kind, Event.host_org_id)
            .where(Event.starts_at >= period.starts_at, Event.starts_at < min(period.ends_at, now),
                   Event.status != EventStatus.cancelled).subquery())
    rows = db.session.execute(
        sa.select(held.c.kind, sa.func.count(sa.distinct(held.c.id)),
                  sa.func.count(sa.case((going, Rsvp.id))),
                  sa.func.count(sa.case((sa.and_(going, Rsvp.attended.is_(True)), Rsvp.id))),
                  sa.func.count(sa.distinct(sa.case((sa.and_(going, Rsvp.attended.is_(True)), Rsvp.organization_id)))))
        .outerjoin(Rsvp, Rsvp.event_id == held.c.id).group_by(held.c.kind)).all()
    figures = [Figure("Events", "Events held", sum(r[1] for r in rows)),
               Figure("Events", "Confirmed seats", sum(r[2] for r in rows)),
               Figure("Events", "Attendances recorded", sum(r[3] for r in rows))]
    by_kind = {kind: events for kind, events, *_ in rows}
    figures += [Figure("Events", f"{label} held", by_kind.get(kind, 0)) for kind, label in EVENT_KINDS.items()]
    return figures


def _scores(period: Period) -> list[tuple[str, float | None, int, int]]:
    """The average rating of provider feedback sessions per month, from the companies that answered; a
    month answered by fewer than MIN_ORGANIZATIONS organizations is withheld."""
    month = month_of(Event.starts_at).label("month")
    rows = db.session.execute(
        sa.select(month, sa.func.avg(FeedbackAnswer.score), sa.func.count(sa.distinct(FeedbackResponse.id)),
                  sa.func.count(sa.distinct(User.organization_id)))
        .select_from(FeedbackAnswer)
        .join(FeedbackResponse, FeedbackResponse.id == FeedbackAnswer.response_id)
        .join(Event, Event.id == FeedbackResponse.event_id).join(User, User.id == FeedbackResponse.user_id)
        .where(Event.kind == EventKind.feedback_session, FeedbackAnswer.score.is_not(None),
               Event.starts_at >= period.starts_at, Event.starts_at < period.ends_at)
        .group_by(month).order_by(month)).all()
    return [(m, None if orgs < MIN_ORGANIZATIONS else round(float(avg), 2), responses, orgs)
            for m, avg, responses, orgs in rows]


def _responses(period: Period) -> list[tuple]:
    """"You said, we did": what providers changed after their feedback sessions, published in the period."""
    rows = db.session.execute(
        sa.select(Event.title, Organization.name, Event.response_published_at, Event.response_html, Event.response)
        .outerjoin(Organization, Organization.id == Event.host_org_id)
        .where(Event.response_published_at >= period.starts_at, Event.response_published_at < period.ends_at,
               Event.response_html != "")
        .order_by(Event.response_published_at.desc()).limit(RESPONSES_SHOWN)).all()
    return [tuple(row) for row in rows]


def _practices(period: Period) -> list[Figure]:
    practices, organizations = db.session.execute(
        sa.select(sa.func.count(Practice.id), sa.func.count(sa.distinct(Practice.organization_id)))
        .where(Practice.status == PracticeStatus.published, Practice.deleted_at.is_(None),
               Practice.published_at >= period.starts_at, Practice.published_at < period.ends_at)).one()
    return [Figure("Practices", "Practices shared", practices),
            Figure("Practices", "Organizations that shared a practice", organizations)]


def impact_report(period: Period) -> ImpactReport:
    return ImpactReport(period, engagement=_engagement(period), programs=_programs(), events=_events(period),
                        practices=_practices(period), scores=_scores(period), responses=_responses(period))


def report_csv(report: ImpactReport) -> str:
    """Every figure as a row (section, figure, value); withheld ones say so."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["Section", "Figure", "Value", "Period from", "Period to"])
    for figure in report.figures:
        writer.writerow([figure.section, figure.label, WITHHELD if figure.value is None else figure.value,
                         report.period.start.isoformat(), report.period.end.isoformat()])
    for title, provider, published_at, _, text in report.responses:
        writer.writerow(["You said, we did", csv_safe(f"{provider or 'A provider'}: {title}"), csv_safe(text),
                         published_at.date().isoformat(), ""])
    return out.getvalue()
