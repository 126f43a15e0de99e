"""How the community is doing over a period, for the people who run it. Every figure is an SQL aggregate
(GROUP BY over the period's rows), so the dashboard runs the same dozen statements whatever the size of the
community; Python only lays the grouped rows out by week or month."""

import csv
import io
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, timezone

import sqlalchemy as sa
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.expression import FunctionElement

from cop.auth.models import MemberStatus, Role, User
from cop.dashboard.models import MemberVisit
from cop.discussions.models import Category, Reply, ReplyHelpfulMark, Thread, ThreadKind, ThreadRead
from cop.events.models import Event, EventStatus, FeedbackResponse, Rsvp, RsvpStatus
from cop.extensions import HotRead, UTCDateTime, db, utcnow
from cop.orgs.models import LISTED, Organization, OrgKind
from cop.practices.models import HelpfulMark, Practice, PracticeStatus, Topic, practice_topics
from cop.search.models import SearchQuery

PERIODS = {"30": 30, "90": 90, "365": 365}
DEFAULT_PERIOD = "90"
# A date range longer than this is refused: a week-by-week chart of it would not be read.
MAX_RANGE_DAYS = 3 * 366
AT_RISK_DAYS = 60
ANSWER_WITHIN_DAYS = 7
TOP = 10
EPOCH = date(1970, 1, 1)
# Organizations whose silence is not a risk to the community: its facilitators and its funders.
NOT_AT_RISK_KINDS = (OrgKind.facilitator, OrgKind.sponsor)


# Dates in SQL: the same integers and month labels from SQLite's text timestamps and PostgreSQL's timestamptz.

class epoch_day(FunctionElement):
    """Days since 1970-01-01 (UTC) of a timestamp or a date column, as an integer."""

    type = sa.Integer()
    inherit_cache = True


@compiles(epoch_day, "sqlite")
def _epoch_day_sqlite(element, compiler, **kw):
    (column,) = element.clauses.clauses
    return f"CAST(julianday(date({compiler.process(column, **kw)})) - 2440587.5 AS INTEGER)"


@compiles(epoch_day, "postgresql")
def _epoch_day_postgresql(element, compiler, **kw):
    (column,) = element.clauses.clauses
    text = compiler.process(column, **kw)
    if isinstance(column.type, sa.Date):
        return f"({text} - DATE '1970-01-01')"
    return f"(CAST(({text}) AT TIME ZONE 'UTC' AS DATE) - DATE '1970-01-01')"


class month_of(FunctionElement):
    """"2026-09" for a UTC timestamp."""

    type = sa.String()
    inherit_cache = True


@compiles(month_of, "sqlite")
def _month_sqlite(element, compiler, **kw):
    (column,) = element.clauses.clauses
    return f"strftime('%Y-%m', {compiler.process(column, **kw)})"


@compiles(month_of, "postgresql")
def _month_postgresql(element, compiler, **kw):
    (column,) = element.clauses.clauses
    return f"to_char(({compiler.process(column, **kw)}) AT TIME ZONE 'UTC', 'YYYY-MM')"


class days_between(FunctionElement):
    """Days (with fractions) from the first timestamp to the second."""

    type = sa.Float()
    inherit_cache = True


@compiles(days_between, "sqlite")
def _days_between_sqlite(element, compiler, **kw):
    first, second = (compiler.process(c, **kw) for c in element.clauses.clauses)
    return f"(julianday({second}) - julianday({first}))"


@compiles(days_between, "postgresql")
def _days_between_postgresql(element, compiler, **kw):
    first, second = (compiler.process(c, **kw) for c in element.clauses.clauses)
    return f"(EXTRACT(EPOCH FROM ({second} - {first})) / 86400.0)"


# The period

@dataclass(frozen=True)
class Period:
    """Whole UTC days from `start` to `end`, both included; `choice` is how it was asked for."""

    start: date
    end: date
    choice: str = DEFAULT_PERIOD

    @classmethod
    def last(cls, days: int, today: date, choice: str | None = None) -> "Period":
        return cls(today - timedelta(days=days - 1), today, choice or str(days))

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    @property
    def starts_at(self) -> datetime:
        return datetime.combine(self.start, time(), timezone.utc)

    @property
    def ends_at(self) -> datetime:
        """The first moment after the period."""
        return datetime.combine(self.end + timedelta(days=1), time(), timezone.utc)

    @property
    def start_day(self) -> int:
        return (self.start - EPOCH).days

    def previous(self) -> "Period":
        """The same number of days just before this period."""
        return Period(self.start - timedelta(days=self.days), self.start - timedelta(days=1), "range")

    def as_args(self) -> dict:
        if self.choice in PERIODS:
            return {"period": self.choice}
        return {"period": "range", "start": self.start.isoformat(), "end": self.end.isoformat()}

    def describe(self) -> str:
        span = f"{self.start:%b %-d, %Y} to {self.end:%b %-d, %Y}"
        return f"the last {self.days} days ({span})" if self.choice in PERIODS else span

    @property
    def weeks(self) -> list[date]:
        """The first day of each week of the period (the last week may be shorter)."""
        return [self.start + timedelta(days=7 * n) for n in range((self.days + 6) // 7)]

    @property
    def months(self) -> list[str]:
        found, day = [], self.start.replace(day=1)
        while day <= self.end:
            found.append(f"{day:%Y-%m}")
            day = (day + timedelta(days=32)).replace(day=1)
        return found


def choose_period(choice: str | None, start: date | None, end: date | None, today: date,
                  default: str = DEFAULT_PERIOD) -> tuple[Period, str]:
    """The period asked for, and what was wrong with it ("" if nothing): a preset, or a date range that
    ends no later than today and spans at most MAX_RANGE_DAYS. Anything else gives the `default` preset
    and says why."""
    fallback = Period.last(PERIODS[default], today)
    instead = f"showing the last {PERIODS[default]} days."
    if choice in PERIODS:
        return Period.last(PERIODS[choice], today), ""
    if choice != "range":
        return fallback, ""
    if start is None or end is None:
        return fallback, f"Give both a first and a last day for a date range; {instead}"
    if start > end:
        start, end = end, start
    end = min(end, today)
    if start > end:
        return fallback, f"That date range is in the future; {instead}"
    if (end - start).days + 1 > MAX_RANGE_DAYS:
        return fallback, f"A date range can span at most {MAX_RANGE_DAYS} days; {instead}"
    return Period(start, end, "range"), ""


# What every section gives the page: its numbers as rows under named columns

@dataclass
class Table:
    key: str
    title: str
    columns: list[str]
    rows: list[list] = field(default_factory=list)
    # Links for the first cell of each row (an organization's page, a thread), when there is one.
    links: list[str | None] = field(default_factory=list)
    note: str = ""

    def column(self, name: str) -> list:
        n = self.columns.index(name)
        return [row[n] for row in self.rows]


def csv_safe(value):
    """Spreadsheets run text cells that start with = + - @ as formulas; a leading apostrophe keeps them text."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def table_csv(table: Table) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(table.columns)
    for row in table.rows:
        writer.writerow([csv_safe(value) for value in row])
    return out.getvalue()


def _within(column, period: Period):
    return sa.and_(column >= period.starts_at, column < period.ends_at)


def activity(period: Period):
    """(user_id, organization_id, day) for each day in the period a member used the site. Anything a
    member does (reads, publishes, starts a thread, replies, RSVPs, marks something helpful) is a request of
    theirs, so their day on the site is recorded with it; the days before that was recorded come from
    what they did. Facilitators' days are not kept."""
    return (sa.select(MemberVisit.user_id.label("user_id"), MemberVisit.organization_id.label("organization_id"),
                      epoch_day(MemberVisit.day).label("day"))
            .where(MemberVisit.day >= period.start, MemberVisit.day <= period.end).subquery("activity"))


class utc_date(FunctionElement):
    """The UTC calendar day of a timestamp, as a DATE."""

    type = sa.Date()
    inherit_cache = True


@compiles(utc_date, "sqlite")
def _utc_date_sqlite(element, compiler, **kw):
    (column,) = element.clauses.clauses
    return f"date({compiler.process(column, **kw)})"


@compiles(utc_date, "postgresql")
def _utc_date_postgresql(element, compiler, **kw):
    (column,) = element.clauses.clauses
    return f"CAST(({compiler.process(column, **kw)}) AT TIME ZONE 'UTC' AS DATE)"


def visits_from_content() -> None:
    """Days on the site for everything members wrote, RSVPed and marked helpful that has none yet (the
    migration does the same for the time before days were recorded; the demo and imports call this)."""
    from sqlalchemy.dialects import postgresql, sqlite

    done = sa.union(*(sa.select(user.label("user_id"), utc_date(at).label("day")) for user, at in [
        (Practice.author_id, Practice.created_at), (Thread.author_id, Thread.created_at),
        (Reply.author_id, Reply.created_at), (Rsvp.user_id, Rsvp.created_at),
        (HelpfulMark.user_id, HelpfulMark.created_at), (ReplyHelpfulMark.user_id, ReplyHelpfulMark.created_at)]
    )).subquery("done")
    rows = (sa.select(done.c.user_id, done.c.day, User.organization_id).join(User, User.id == done.c.user_id)
            .where(User.role != Role.facilitator))
    insert = {"sqlite": sqlite.insert, "postgresql": postgresql.insert}[db.engine.dialect.name]
    db.session.execute(insert(MemberVisit).from_select(["user_id", "day", "organization_id"], rows)
                       .on_conflict_do_nothing())


# Members and organizations

# The statements with a part per week or month are built and compiled once per number of weeks or months
# (a year's is over a hundred parts: building and walking it cost more than running it).
_WEEKLY: dict[int, HotRead] = {}
_MONTHLY: dict[int, HotRead] = {}


def _weekly_counts(weeks: int) -> HotRead:
    """One row per week (its number, members, organizations), each read from its stretch of the index."""
    if weeks not in _WEEKLY:
        _WEEKLY[weeks] = HotRead(sa.union_all(*(
            sa.select(sa.literal(n).label("week"), sa.func.count(sa.distinct(MemberVisit.user_id)).label("members"),
                      sa.func.count(sa.distinct(MemberVisit.organization_id)).label("organizations"))
            .where(MemberVisit.day >= sa.bindparam(f"first{n}", type_=sa.Date()),
                   MemberVisit.day <= sa.bindparam(f"last{n}", type_=sa.Date()))
            for n in range(weeks))))
    return _WEEKLY[weeks]


def weekly_activity(period: Period) -> Table:
    """Per week: members who used the site, the organizations they belong to, and members who joined.
    Each week's two counts read one stretch of the visits index (day, member, organization), all in one
    statement; facilitators are neither kept there nor counted as newcomers."""
    params = {}
    for n, first_day in enumerate(period.weeks):
        params[f"first{n}"], params[f"last{n}"] = first_day, min(first_day + timedelta(days=6), period.end)
    active = {week: (members, organizations)
              for week, members, organizations in _weekly_counts(len(period.weeks)).rows(params)}
    joined_at = sa.func.coalesce(User.decided_at, User.created_at)
    joins = (sa.select(((epoch_day(joined_at) - period.start_day) // 7).label("week"))
             .where(User.status.in_([MemberStatus.active, MemberStatus.suspended]), User.role != Role.facilitator,
                    _within(joined_at, period)).subquery())
    joined = dict(db.session.execute(sa.select(joins.c.week, sa.func.count()).group_by(joins.c.week)).all())
    table = Table("activity", "Active members and organizations by week",
                  ["Week of", "Active members", "Active organizations", "New members"])
    for n, first_day in enumerate(period.weeks):
        table.rows.append([first_day.isoformat(), *active.get(n, (0, 0)), joined.get(n, 0)])
    table.note = ("Active: used the site signed in (read, published, started a thread, replied, RSVPed or "
                  "marked something helpful) that week. Facilitators are not counted.")
    return table


def at_risk_organizations(period: Period) -> Table:
    """Organizations none of whose people did anything in the AT_RISK_DAYS days up to the period's end
    (facilitators and sponsors aside), with how many active people they have, so someone can call them."""
    window = Period(period.end - timedelta(days=AT_RISK_DAYS - 1), period.end, "range")
    done = activity(window)
    active_orgs = sa.select(done.c.organization_id).where(done.c.organization_id.is_not(None))
    people = (sa.select(User.organization_id, sa.func.count().label("people"))
              .where(User.status == MemberStatus.active).group_by(User.organization_id).subquery())
    rows = db.session.execute(
        sa.select(Organization.name, Organization.slug, Organization.kind, sa.func.coalesce(people.c.people, 0))
        .outerjoin(people, people.c.organization_id == Organization.id)
        .where(Organization.kind.not_in(NOT_AT_RISK_KINDS), Organization.id.not_in(active_orgs), LISTED)
        .order_by(Organization.name)).all()
    table = Table("at_risk", f"Organizations with no activity in {AT_RISK_DAYS} days",
                  ["Organization", "Kind", "Active people"])
    for name, slug, kind, count in rows:
        table.rows.append([name, kind.label, count])
        table.links.append(slug)
    table.note = f"Nobody from these organizations did anything from {window.start:%b %-d} to {window.end:%b %-d, %Y}."
    return table


# Contributions

CONTRIBUTIONS = ["Practices", "Threads", "Replies", "Helpful marks"]


# Fixed values are plain strings here: a hot read passes a statement's literals to the driver as they are.
CONTRIBUTION_SOURCES = {
    "Practices": [(Practice.published_at, (Practice.status == sa.literal(PracticeStatus.published.value),
                                           Practice.deleted_at.is_(None)))],
    "Threads": [(Thread.created_at, (Thread.hidden_at.is_(None), Thread.merged_into_id.is_(None)))],
    "Replies": [(Reply.created_at, (Reply.deleted_at.is_(None), Reply.hidden_at.is_(None)))],
    "Helpful marks": [(HelpfulMark.created_at, ()), (ReplyHelpfulMark.created_at, ())],
}


def _monthly_counts(months: int) -> HotRead:
    if months not in _MONTHLY:
        columns = []
        for n in range(months):
            start, end = sa.bindparam(f"from{n}", type_=UTCDateTime()), sa.bindparam(f"to{n}", type_=UTCDateTime())
            for kind in CONTRIBUTIONS:
                columns += [sa.select(sa.func.count()).where(at >= start, at < end, *conditions).scalar_subquery()
                            .label(f"m{n}_{kind[0]}_{i}") for i, (at, conditions) in enumerate(CONTRIBUTION_SOURCES[kind])]
        _MONTHLY[months] = HotRead(sa.select(*columns))
    return _MONTHLY[months]


def monthly_contributions(period: Period) -> Table:
    """Per month: practices published, threads started, replies written and helpful marks given (on
    practices and replies), counting only what members can still read. Each figure counts a stretch of an
    index in time order, all in one statement: no row is read, and no date is worked out per row."""
    months = period.months
    params = {}
    for n, month in enumerate(months):
        first = datetime.strptime(month, "%Y-%m").replace(tzinfo=timezone.utc)
        following = (first + timedelta(days=32)).replace(day=1)
        params[f"from{n}"], params[f"to{n}"] = max(first, period.starts_at), min(following, period.ends_at)
    values = iter(_monthly_counts(len(months)).first(params))
    table = Table("contributions", "Contributions by month", ["Month", *CONTRIBUTIONS])
    for month in months:
        table.rows.append([month] + [sum(next(values) for _ in CONTRIBUTION_SOURCES[kind]) for kind in CONTRIBUTIONS])
    return table


def unanswered_questions(period: Period, now: datetime | None = None) -> tuple[Table, Table]:
    """Questions asked in the period that are at least ANSWER_WITHIN_DAYS old: how many got an accepted
    answer within that many days, how many did not, and how many still have none; and the oldest of
    those still waiting, to point people at."""
    now = now or utcnow()
    old_enough = Thread.created_at <= now - timedelta(days=ANSWER_WITHIN_DAYS)
    questions = (Thread.kind == ThreadKind.question, Thread.hidden_at.is_(None), Thread.merged_into_id.is_(None),
                 _within(Thread.created_at, period))
    in_time = sa.and_(Thread.answered_at.is_not(None),
                      days_between(Thread.created_at, Thread.answered_at) <= ANSWER_WITHIN_DAYS)
    asked, answered, waiting = db.session.execute(
        sa.select(sa.func.count(), sa.func.count(sa.case((in_time, 1))),
                  sa.func.count(sa.case((Thread.answered_at.is_(None), 1))))
        .where(*questions, old_enough)).one()
    summary = Table("unanswered", f"Questions answered within {ANSWER_WITHIN_DAYS} days",
                    ["Questions", "Count"],
                    [[f"Asked at least {ANSWER_WITHIN_DAYS} days ago", asked],
                     [f"Answered within {ANSWER_WITHIN_DAYS} days", answered],
                     [f"Not answered within {ANSWER_WITHIN_DAYS} days", asked - answered],
                     ["Still without an answer", waiting]])
    rows = db.session.execute(
        sa.select(Thread.id, Thread.title, Thread.created_at, Thread.reply_count)
        .where(*questions, old_enough, Thread.answered_at.is_(None))
        .order_by(Thread.created_at, Thread.id).limit(TOP)).all()
    waiting_list = Table("waiting", "Oldest questions still waiting for an answer", ["Question", "Asked", "Replies"])
    for thread_id, title, created_at, replies in rows:
        waiting_list.rows.append([title, created_at.date().isoformat(), replies])
        waiting_list.links.append(thread_id)
    return summary, waiting_list


# Events

def event_funnel(period: Period) -> tuple[Table, Table, dict]:
    """Events that started in the period (not cancelled): RSVPs, confirmed seats, attendance and feedback,
    in total and for the events under most waitlist pressure (people who queued per seat).

    An RSVP counts once whatever became of it; confirmed means still going; a no-show is a confirmed
    attendee marked absent, and the no-show rate is out of those whose attendance was recorded."""
    feedback = (sa.select(FeedbackResponse.event_id, sa.func.count().label("responses"))
                .group_by(FeedbackResponse.event_id).subquery())
    going = Rsvp.status == RsvpStatus.going
    per_event = (
        sa.select(Event.id.label("event_id"), Event.title, Event.capacity, Event.starts_at,
                  sa.func.count(Rsvp.id).label("rsvps"),
                  sa.func.count(sa.case((going, 1))).label("confirmed"),
                  sa.func.count(sa.case((sa.and_(going, Rsvp.attended.is_(True)), 1))).label("attended"),
                  sa.func.count(sa.case((sa.and_(going, Rsvp.attended.is_(False)), 1))).label("no_shows"),
                  sa.func.count(sa.case((sa.or_(Rsvp.status == RsvpStatus.waitlisted,
                                                Rsvp.promoted_at.is_not(None)), 1))).label("waitlisted"),
                  sa.func.coalesce(sa.func.max(feedback.c.responses), 0).label("feedback"))
        .outerjoin(Rsvp, Rsvp.event_id == Event.id)
        .outerjoin(feedback, feedback.c.event_id == Event.id)
        .where(_within(Event.starts_at, period), Event.status != EventStatus.cancelled)
        .group_by(Event.id, Event.title, Event.capacity, Event.starts_at)).subquery("per_event")
    events, rsvps, confirmed, attended, no_shows, feedback_given = map(int, db.session.execute(sa.select(
        sa.func.count(), *(sa.func.coalesce(sa.func.sum(c), 0) for c in (
            per_event.c.rsvps, per_event.c.confirmed, per_event.c.attended, per_event.c.no_shows,
            per_event.c.feedback)))).one())
    funnel = Table("events", "From RSVP to feedback", ["Step", "People"],
                   [["RSVPed", rsvps], ["Confirmed", confirmed], ["Attended", attended],
                    ["Gave feedback", feedback_given]])
    recorded = attended + no_shows
    figures = {"events": events, "no_shows": no_shows, "recorded": recorded,
               "no_show_rate": round(100 * no_shows / recorded) if recorded else None}
    funnel.note = (f"{events} events. No-show rate: " + (f"{figures['no_show_rate']}% ({no_shows} of {recorded} "
                   "confirmed attendees whose attendance was recorded)." if recorded else "no attendance recorded."))
    pressure = (per_event.c.waitlisted * 1.0) / per_event.c.capacity
    rows = db.session.execute(
        sa.select(per_event.c.event_id, per_event.c.title, per_event.c.starts_at, per_event.c.capacity,
                  per_event.c.waitlisted, per_event.c.confirmed)
        .where(per_event.c.waitlisted > 0)
        .order_by(pressure.desc(), per_event.c.starts_at, per_event.c.event_id).limit(TOP)).all()
    waitlists = Table("waitlists", "Waitlist pressure by event",
                      ["Event", "Date", "Seats", "Waitlisted", "Waitlisted per seat"])
    for event_id, title, starts_at, capacity, waitlisted, _ in rows:
        waitlists.rows.append([title, starts_at.date().isoformat(), capacity, waitlisted,
                               round(waitlisted / capacity, 2)])
        waitlists.links.append(event_id)
    waitlists.note = "Waitlisted: everyone who queued for a seat, whether or not one came free."
    return funnel, waitlists, figures


# What people read and valued

def top_practices(period: Period) -> Table:
    """Published practices by helpful marks given in the period, then by views: those marked helpful in
    the period, so the list is read from the period's marks and not from every practice."""
    marks = (sa.select(HelpfulMark.practice_id, sa.func.count().label("marks"))
             .where(_within(HelpfulMark.created_at, period)).group_by(HelpfulMark.practice_id).subquery())
    count = sa.func.coalesce(marks.c.marks, 0)
    rows = db.session.execute(
        sa.select(Practice.id, Practice.title, count, Practice.view_count)
        .join(marks, marks.c.practice_id == Practice.id)
        .where(Practice.status == PracticeStatus.published, Practice.deleted_at.is_(None))
        .order_by(count.desc(), Practice.view_count.desc(), Practice.id).limit(TOP)).all()
    table = Table("practices", "Top practices", ["Practice", "Helpful marks in the period", "Views (all time)"])
    for practice_id, title, helpful, views in rows:
        table.rows.append([title, helpful, views])
        table.links.append(practice_id)
    table.note = "View counts are kept per practice since it was published, not per day."
    return table


def top_threads(period: Period) -> Table:
    """Threads by replies written in the period, with the helpful marks their replies got and their readers
    (members whose latest read of the thread fell in the period: threads keep no view count), counted for
    the top threads only."""
    replies = (sa.select(Reply.thread_id, sa.func.count().label("n"))
               .where(_within(Reply.created_at, period), Reply.deleted_at.is_(None), Reply.hidden_at.is_(None))
               .group_by(Reply.thread_id).subquery("r"))
    top = (sa.select(Thread.id, Thread.title, replies.c.n).join(replies, replies.c.thread_id == Thread.id)
           .where(Thread.hidden_at.is_(None), Thread.merged_into_id.is_(None))
           .order_by(replies.c.n.desc(), Thread.id).limit(TOP).subquery("top"))
    helpful = (sa.select(sa.func.count()).select_from(ReplyHelpfulMark)
               .join(Reply, Reply.id == ReplyHelpfulMark.reply_id)
               .where(Reply.thread_id == top.c.id, _within(ReplyHelpfulMark.created_at, period)).scalar_subquery())
    readers = (sa.select(sa.func.count()).select_from(ThreadRead)
               .where(ThreadRead.thread_id == top.c.id, _within(ThreadRead.read_at, period)).scalar_subquery())
    rows = db.session.execute(sa.select(top.c.id, top.c.title, top.c.n, helpful, readers)
                              .order_by(top.c.n.desc(), top.c.id)).all()
    table = Table("threads", "Top threads", ["Thread", "Replies in the period", "Helpful marks", "Readers"])
    for thread_id, title, *numbers in rows:
        table.rows.append([title, *numbers])
        table.links.append(thread_id)
    return table


def topic_trends(period: Period) -> Table:
    """Per topic: practices published and threads started in the period against the same number of days
    before it, largest growth first."""
    before = period.previous()
    now, then = period.starts_at, before.starts_at

    def per_topic(topic_id, at, *conditions):
        # Counted per topic inside each source, so only a dozen rows meet the topics.
        return (sa.select(topic_id.label("topic_id"), sa.func.count(sa.case((at >= now, 1))).label("now"),
                          sa.func.count(sa.case((at < now, 1))).label("then"))
                .where(at >= then, at < period.ends_at, *conditions).group_by(topic_id))

    items = sa.union_all(
        per_topic(practice_topics.c.topic_id, Practice.published_at, Practice.id == practice_topics.c.practice_id,
                  Practice.status == PracticeStatus.published, Practice.deleted_at.is_(None)),
        per_topic(Category.topic_id, Thread.created_at, Category.id == Thread.category_id,
                  Category.topic_id.is_not(None), Thread.hidden_at.is_(None), Thread.merged_into_id.is_(None)),
    ).subquery("items")
    current, previous = sa.func.coalesce(sa.func.sum(items.c.now), 0), sa.func.coalesce(sa.func.sum(items.c.then), 0)
    rows = db.session.execute(
        sa.select(Topic.name, Topic.slug, current, previous)
        .outerjoin(items, items.c.topic_id == Topic.id)
        .group_by(Topic.id, Topic.name, Topic.slug, Topic.position)
        .order_by((current - previous).desc(), Topic.position, Topic.name)).all()
    table = Table("topics", "Topics growing and shrinking",
                  ["Topic", "This period", "Period before", "Change"])
    for name, slug, current, previous in rows:
        current, previous = int(current), int(previous)  # PostgreSQL's SUM gives a NUMERIC
        table.rows.append([name, current, previous, current - previous])
        table.links.append(slug)
    table.note = (f"Practices published and threads started, {period.start:%b %-d} to {period.end:%b %-d, %Y}, "
                  f"against {before.start:%b %-d} to {before.end:%b %-d, %Y}.")
    return table


# What members looked for

def top_searches(period: Period) -> Table:
    """The words searched most often in the period, with how many of those searches found nothing."""
    count = sa.func.count()
    rows = db.session.execute(
        sa.select(SearchQuery.text, count, sa.func.count(sa.case((SearchQuery.result_count == 0, 1))))
        .where(_within(SearchQuery.searched_at, period))
        .group_by(SearchQuery.text).order_by(count.desc(), SearchQuery.text).limit(TOP)).all()
    return Table("searches", "What members searched for most", ["Search", "Searches", "Found nothing"],
                 [list(row) for row in rows])


def searches_without_results(period: Period) -> Table:
    """The words that found nothing, most often first: practices the community asks for and lacks."""
    count = sa.func.count()
    rows = db.session.execute(
        sa.select(SearchQuery.text, count, sa.func.max(SearchQuery.searched_at))
        .where(_within(SearchQuery.searched_at, period), SearchQuery.result_count == 0)
        .group_by(SearchQuery.text).order_by(count.desc(), SearchQuery.text).limit(TOP)).all()
    table = Table("zero_results", "Searches that found nothing", ["Search", "Searches", "Last searched"])
    table.rows = [[text, n, last.date().isoformat()] for text, n, last in rows]
    table.note = "Ask the community for practices on these, or add the words members use to existing ones."
    return table
