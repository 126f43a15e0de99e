"""Events: site visits, provider feedback sessions, roundtables and virtual meetings, their RSVPs
with a first-come waitlist, and the feedback attendees give a training provider."""

import enum
import uuid
from datetime import datetime, timedelta

import sqlalchemy as sa
import sqlalchemy.orm as so

from cop.extensions import UTCDateTime, db, enum_column, utcnow
from cop.text import zone

FEEDBACK_WINDOW = timedelta(days=14)


class EventKind(enum.Enum):
    site_visit = "site_visit"
    feedback_session = "feedback_session"
    roundtable = "roundtable"
    virtual = "virtual"

    @property
    def label(self) -> str:
        return EVENT_KIND_LABELS[self]


EVENT_KIND_LABELS = {
    EventKind.site_visit: "Site visit",
    EventKind.feedback_session: "Provider feedback session",
    EventKind.roundtable: "Roundtable / convening",
    EventKind.virtual: "Virtual meeting",
}


class EventStatus(enum.Enum):
    scheduled = "scheduled"
    cancelled = "cancelled"


class RsvpStatus(enum.Enum):
    going = "going"
    waitlisted = "waitlisted"
    cancelled = "cancelled"


class QuestionKind(enum.Enum):
    rating = "rating"  # scored 1-5
    text = "text"  # an open answer


class Intent(enum.Enum):
    yes = "yes"
    maybe = "maybe"
    no = "no"

    @property
    def label(self) -> str:
        return {"yes": "Yes", "maybe": "Maybe", "no": "No"}[self.value]


# The three questions every feedback form ends with: (response attribute, question).
INTENT_QUESTIONS = [
    ("would_host_interns", "Would your company host interns from this program?"),
    ("would_hire_graduates", "Would your company hire its graduates?"),
    ("would_codesign", "Would your company help co-design it?"),
]
# What a new feedback session starts with; the provider or a facilitator can change it before answers arrive.
DEFAULT_QUESTIONS = [
    (QuestionKind.rating, "Fit with our talent needs"),
    (QuestionKind.rating, "Competency coverage"),
    (QuestionKind.rating, "Credibility of assessment"),
    (QuestionKind.rating, "Schedule and format"),
    (QuestionKind.rating, "Cost"),
    (QuestionKind.text, "What would make this offering a better fit for your company?"),
    (QuestionKind.text, "What should the provider stop, start or keep doing?"),
]


def new_uid() -> str:
    return f"{uuid.uuid4().hex}@cop-events"


class EventSeries(db.Model):
    """Events that repeat by one rule: each date is an `Event` of its own (its own seats, waitlist and
    reminders), tied to the series; calendar files carry the rule, the dates left out and the dates changed."""

    __tablename__ = "event_series"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    uid: so.Mapped[str] = so.mapped_column(sa.String(80), unique=True, default=new_uid)
    sequence: so.Mapped[int] = so.mapped_column(default=0)
    rule: so.Mapped[str] = so.mapped_column(sa.String(200))  # an iCalendar RRULE value
    first_starts_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime)  # DTSTART
    timezone: so.Mapped[str] = so.mapped_column(sa.String(64))
    created_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)

    events: so.Mapped[list["Event"]] = so.relationship(back_populates="series", order_by="Event.recurrence_id")

    @property
    def first_local(self) -> datetime:
        return self.first_starts_at.astimezone(zone(self.timezone))


class Event(db.Model):
    __tablename__ = "events"
    __table_args__ = (
        # The database refuses an over-full event even if a future code path forgets the lock.
        sa.CheckConstraint("going_count <= capacity", name="within_capacity"),
        sa.CheckConstraint("going_count >= 0 AND waitlist_count >= 0", name="counts_not_negative"),
        sa.CheckConstraint("capacity >= 1", name="capacity_positive"),
        sa.CheckConstraint("ends_at > starts_at", name="ends_after_start"),
        sa.Index("ix_events_listing", "starts_at", "ends_at"),
        # Upcoming events (not yet ended) and the calendar's current months, where few events end later.
        sa.Index("ix_events_ending", "ends_at", "starts_at"),
    )

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    # The iCalendar UID: stable for the life of the event, so calendar apps update rather than duplicate.
    uid: so.Mapped[str] = so.mapped_column(sa.String(80), unique=True, default=new_uid)
    # iCalendar SEQUENCE: one more on every change, so calendar apps take the newest version.
    sequence: so.Mapped[int] = so.mapped_column(default=0)
    kind: so.Mapped[EventKind] = so.mapped_column(enum_column(EventKind), index=True)
    status: so.Mapped[EventStatus] = so.mapped_column(enum_column(EventStatus), default=EventStatus.scheduled)
    title: so.Mapped[str] = so.mapped_column(sa.String(200))
    summary: so.Mapped[str] = so.mapped_column(sa.String(500), default="")
    description: so.Mapped[str] = so.mapped_column(sa.Text, default="")
    description_html: so.Mapped[str] = so.mapped_column(sa.Text, default="")
    host_org_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("organizations.id"), index=True)
    created_by_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("users.id"))

    starts_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime)
    ends_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime)
    timezone: so.Mapped[str] = so.mapped_column(sa.String(64))
    venue: so.Mapped[str] = so.mapped_column(sa.String(200), default="")
    address: so.Mapped[str] = so.mapped_column(sa.Text, default="")
    what_you_will_see: so.Mapped[str] = so.mapped_column(sa.Text, default="")
    access_requirements: so.Mapped[str] = so.mapped_column(sa.Text, default="")
    # Shown only to confirmed attendees, hosts and facilitators (pages, .ics files and e-mails alike).
    meeting_url: so.Mapped[str] = so.mapped_column(sa.String(500), default="")

    capacity: so.Mapped[int]
    per_org_cap: so.Mapped[int | None]
    rsvp_deadline: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)
    cancel_deadline: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)
    # One statement per line that an attendee confirms when they RSVP ("I will bring safety shoes").
    acknowledgements: so.Mapped[str] = so.mapped_column(sa.Text, default="")
    # Counters kept by the services under the event lock; the lists never need counting.
    going_count: so.Mapped[int] = so.mapped_column(default=0)
    waitlist_count: so.Mapped[int] = so.mapped_column(default=0)
    # The last queue ticket handed out: RSVPs are ordered by ticket, which is first-come order.
    last_ticket: so.Mapped[int] = so.mapped_column(default=0)

    # A date of a repeating series: the series, and the start the rule gave it (iCalendar RECURRENCE-ID).
    series_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("event_series.id"), index=True)
    recurrence_id: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)

    created_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)
    updated_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)
    cancelled_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)
    cancel_reason: so.Mapped[str] = so.mapped_column(sa.Text, default="")

    # Feedback sessions
    feedback_anonymous: so.Mapped[bool] = so.mapped_column(default=True)
    feedback_closes_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)
    response: so.Mapped[str] = so.mapped_column(sa.Text, default="")  # "You said, we did" (Markdown)
    response_html: so.Mapped[str] = so.mapped_column(sa.Text, default="")
    response_published_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)

    # After the event
    recap: so.Mapped[str] = so.mapped_column(sa.Text, default="")
    recap_html: so.Mapped[str] = so.mapped_column(sa.Text, default="")
    recap_practice_id: so.Mapped[int | None] = so.mapped_column(
        sa.ForeignKey("practices.id", ondelete="SET NULL"), index=True)
    # Where the takeaways are discussed; a link until discussions can be attached by id.
    takeaways_url: so.Mapped[str] = so.mapped_column(sa.String(500), default="")
    recap_updated_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)

    host_org: so.Mapped["Organization | None"] = so.relationship()  # noqa: F821
    created_by: so.Mapped["User | None"] = so.relationship()  # noqa: F821
    recap_practice: so.Mapped["Practice | None"] = so.relationship()  # noqa: F821
    series: so.Mapped["EventSeries | None"] = so.relationship(back_populates="events")
    rsvps: so.WriteOnlyMapped["Rsvp"] = so.relationship(back_populates="event", cascade="all, delete-orphan",
                                                        passive_deletes=True)
    questions: so.Mapped[list["FeedbackQuestion"]] = so.relationship(
        back_populates="event", cascade="all, delete-orphan", order_by="FeedbackQuestion.position")

    def __repr__(self) -> str:
        return f"<Event {self.id} {self.title!r}>"

    # What the event is

    @property
    def is_cancelled(self) -> bool:
        return self.status is EventStatus.cancelled

    @property
    def is_feedback_session(self) -> bool:
        return self.kind is EventKind.feedback_session

    @property
    def is_virtual(self) -> bool:
        return self.kind is EventKind.virtual

    @property
    def has_started(self) -> bool:
        return self.starts_at <= utcnow()

    @property
    def has_ended(self) -> bool:
        return self.ends_at <= utcnow()

    @property
    def seats_left(self) -> int:
        return max(0, self.capacity - self.going_count)

    @property
    def is_full(self) -> bool:
        return self.seats_left == 0

    @property
    def acknowledgement_list(self) -> list[str]:
        return [line.strip() for line in (self.acknowledgements or "").splitlines() if line.strip()]

    @property
    def location(self) -> str:
        """One line for calendars and lists: the venue and address, or "Online"."""
        if self.is_virtual:
            return "Online"
        lines = [self.venue] + [line.strip() for line in self.address.splitlines()]
        return ", ".join(line for line in lines if line)

    @property
    def local_starts_at(self) -> datetime:
        return self.starts_at.astimezone(zone(self.timezone))

    def when(self, tz: str | None = None) -> str:
        """Start to end in a zone (the event's own by default), e.g. "Tue, Dec 1, 2026, 9:00 AM – 11:30 AM CST"."""
        local = zone(tz or self.timezone)
        start, end = self.starts_at.astimezone(local), self.ends_at.astimezone(local)
        day = start.strftime("%a, %b %-d, %Y")
        if start.date() == end.date():
            return f"{day}, {start.strftime('%-I:%M %p')} – {end.strftime('%-I:%M %p %Z')}"
        return f"{day}, {start.strftime('%-I:%M %p')} – {end.strftime('%a, %b %-d, %Y, %-I:%M %p %Z')}"

    # RSVP windows

    @property
    def rsvp_closed_reason(self) -> str:
        """Why nobody can RSVP now, or "" while RSVPs are open."""
        if self.is_cancelled:
            return "This event was cancelled."
        if self.has_started:
            return "This event has already started."
        if self.rsvp_deadline is not None and self.rsvp_deadline <= utcnow():
            return "The RSVP deadline has passed."
        return ""

    @property
    def cancel_deadline_passed(self) -> bool:
        return self.cancel_deadline is not None and self.cancel_deadline <= utcnow()

    # Feedback

    @property
    def feedback_opens_at(self) -> datetime:
        return self.starts_at

    @property
    def feedback_deadline(self) -> datetime:
        return self.feedback_closes_at or self.ends_at + FEEDBACK_WINDOW

    @property
    def feedback_is_open(self) -> bool:
        return (self.is_feedback_session and not self.is_cancelled
                and self.feedback_opens_at <= utcnow() < self.feedback_deadline)

    # Who may do what (the views ask these, and so do the templates)

    def can_manage(self, user) -> bool:
        """Facilitators, whoever created the event, and managers of the hosting organization run it."""
        if not getattr(user, "is_active", False):
            return False
        return user.is_facilitator or user.id == self.created_by_id or user.can_manage_org(self.host_org)

    def is_provider(self, user) -> bool:
        """A member of the training provider that a feedback session is about."""
        return bool(self.is_feedback_session and self.host_org_id is not None
                    and getattr(user, "organization_id", None) == self.host_org_id)

    def can_see_scorecard(self, user) -> bool:
        if not self.is_feedback_session or not getattr(user, "is_active", False):
            return False
        return user.is_facilitator or self.is_provider(user) or self.can_manage(user)

    def can_see_respondents(self, user) -> bool:
        """Names next to answers: facilitators always; everyone else only when the session isn't anonymous."""
        return self.can_see_scorecard(user) and (user.is_facilitator or not self.feedback_anonymous)

    def can_see_meeting_link(self, user, rsvp: "Rsvp | None") -> bool:
        if not self.meeting_url:
            return False
        return self.can_manage(user) or (rsvp is not None and rsvp.status is RsvpStatus.going)


class Rsvp(db.Model):
    __tablename__ = "event_rsvps"
    __table_args__ = (
        sa.UniqueConstraint("event_id", "user_id", name="uq_event_rsvps_event_user"),
        sa.UniqueConstraint("event_id", "ticket", name="uq_event_rsvps_event_ticket"),
        sa.Index("ix_event_rsvps_queue", "event_id", "status", "ticket"),
    )

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    event_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("events.id", ondelete="CASCADE"))
    user_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    # The member's organization when they RSVP'd: what the per-organization seat cap counts.
    organization_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("organizations.id"))
    status: so.Mapped[RsvpStatus] = so.mapped_column(enum_column(RsvpStatus))
    ticket: so.Mapped[int]
    acknowledged_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)
    created_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)
    updated_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)
    promoted_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)
    cancelled_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)
    # Set when a host released the seat rather than the member cancelling it.
    released_by_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("users.id"))
    attended: so.Mapped[bool | None]
    reminded_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)
    feedback_reminded_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)

    event: so.Mapped[Event] = so.relationship(back_populates="rsvps")
    user: so.Mapped["User"] = so.relationship(foreign_keys=[user_id])  # noqa: F821
    organization: so.Mapped["Organization | None"] = so.relationship()  # noqa: F821

    def __repr__(self) -> str:
        return f"<Rsvp event={self.event_id} user={self.user_id} {self.status.value} #{self.ticket}>"

    @property
    def is_active(self) -> bool:
        return self.status in (RsvpStatus.going, RsvpStatus.waitlisted)


class FeedbackQuestion(db.Model):
    __tablename__ = "event_feedback_questions"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    event_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("events.id", ondelete="CASCADE"), index=True)
    position: so.Mapped[int] = so.mapped_column(default=0)
    kind: so.Mapped[QuestionKind] = so.mapped_column(enum_column(QuestionKind))
    prompt: so.Mapped[str] = so.mapped_column(sa.String(300))

    event: so.Mapped[Event] = so.relationship(back_populates="questions")


class FeedbackResponse(db.Model):
    """One attendee's feedback on a session: submitted once, editable until feedback closes."""

    __tablename__ = "event_feedback_responses"
    __table_args__ = (sa.UniqueConstraint("event_id", "user_id", name="uq_event_feedback_responses_event_user"),)

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    event_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("events.id", ondelete="CASCADE"))
    user_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    would_host_interns: so.Mapped[Intent | None] = so.mapped_column(enum_column(Intent))
    would_hire_graduates: so.Mapped[Intent | None] = so.mapped_column(enum_column(Intent))
    would_codesign: so.Mapped[Intent | None] = so.mapped_column(enum_column(Intent))
    created_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)
    updated_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)

    user: so.Mapped["User"] = so.relationship()  # noqa: F821
    answers: so.Mapped[list["FeedbackAnswer"]] = so.relationship(back_populates="response",
                                                                 cascade="all, delete-orphan")


class FeedbackAnswer(db.Model):
    __tablename__ = "event_feedback_answers"
    __table_args__ = (sa.CheckConstraint("score IS NULL OR (score >= 1 AND score <= 5)", name="score_range"),)

    response_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("event_feedback_responses.id", ondelete="CASCADE"),
                                                   primary_key=True)
    question_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("event_feedback_questions.id", ondelete="CASCADE"),
                                                   primary_key=True, index=True)
    score: so.Mapped[int | None]
    text: so.Mapped[str] = so.mapped_column(sa.Text, default="")

    response: so.Mapped[FeedbackResponse] = so.relationship(back_populates="answers")
