"""Forms for events: creating and editing (local date and time in the event's zone), RSVPs with
acknowledgements, hosts' tools, feedback forms and answers, responses and recaps."""

from datetime import datetime, timezone as dt_timezone
from zoneinfo import ZoneInfo, available_timezones

from wtforms import (BooleanField, DateField, DateTimeLocalField, FieldList, FormField, IntegerField, RadioField,
                     SelectField, SelectMultipleField, StringField, SubmitField, TextAreaField, URLField)
from wtforms.validators import URL, InputRequired, Length, NumberRange, Optional, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from cop.events.models import EVENT_KIND_LABELS, INTENT_QUESTIONS, EventKind, Intent, QuestionKind
from cop.events.recurrence import FREQUENCIES, Repeat, RepeatError
from cop.events.services import AUDIENCES
from cop.extensions import utcnow
from cop.forms import BaseForm, FilterForm, RowForm, is_blank, timezone_choices
from cop.orgs.models import OrgKind

LOCAL_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S"]
TIME_FIELDS = ("starts_at", "ends_at", "rsvp_deadline", "cancel_deadline", "feedback_closes_at")


def to_utc(local: datetime, zone_name: str) -> datetime:
    """A wall-clock time in a zone, as UTC; ValueError when the clocks skip it (a spring-forward gap)."""
    zone = ZoneInfo(zone_name)
    aware = local.replace(tzinfo=zone)
    utc = aware.astimezone(dt_timezone.utc)
    if utc.astimezone(zone).replace(tzinfo=None) != local:
        raise ValueError(f"{local:%-I:%M %p on %b %-d} doesn't exist in {zone_name}: the clocks skip it.")
    return utc


def optional_int(value):
    return int(value) if value not in ("", None) else None


def to_local(value: datetime | None, zone_name: str) -> datetime | None:
    return value.astimezone(ZoneInfo(zone_name)).replace(tzinfo=None) if value else None


class EventForm(BaseForm):
    kind = SelectField("Kind of event", coerce=EventKind,
                       choices=[(k.value, label) for k, label in EVENT_KIND_LABELS.items()])
    title = StringField("Title", validators=[InputRequired(), Length(max=200)])
    host_org = SelectField("Host or provider", coerce=optional_int, validators=[Optional()],
                           description="Site visits: the member company. Feedback sessions: the training provider.")
    summary = StringField("Summary", validators=[Optional(), Length(max=500)],
                          description="One sentence for the event list.")
    description = TextAreaField("Details", validators=[Optional(), Length(max=20_000)],
                                description="Markdown: agenda, who should come, what to prepare.")
    starts_at = DateTimeLocalField("Starts", format=LOCAL_FORMATS, validators=[InputRequired("Enter when it starts.")])
    ends_at = DateTimeLocalField("Ends", format=LOCAL_FORMATS, validators=[InputRequired("Enter when it ends.")])
    timezone = SelectField("Time zone",
                           description="Where the event happens; times above are local to it.")
    repeat = SelectField("Repeats", choices=[("", "Does not repeat")] + list(FREQUENCIES.items()),
                         validators=[Optional()],
                         description="Each date gets its own page, seats and waitlist; members RSVP to one date or all.")
    repeat_until = DateField("Last date", validators=[Optional()], description="The series ends on or before this day.")
    scope = RadioField("Change", choices=[("this", "Only this date"), ("following", "This date and every later one")],
                       default="this", validators=[Optional()])
    venue = StringField("Venue", validators=[Optional(), Length(max=200)],
                        description="E.g. “Plant 2, north entrance”.")
    address = TextAreaField("Address", validators=[Optional(), Length(max=1000)])
    what_you_will_see = TextAreaField("What attendees will see", validators=[Optional(), Length(max=5000)])
    access_requirements = TextAreaField("Access requirements", validators=[Optional(), Length(max=2000)],
                                        description="Safety gear, photo ID, clearances, parking.")
    meeting_url = URLField("Meeting link", validators=[Optional(), URL(message="Enter a full address, like https://…"),
                                                       Length(max=500)],
                           description="Virtual meetings only; shown to confirmed attendees only.")
    capacity = IntegerField("Capacity", validators=[InputRequired("Enter how many seats there are."),
                                                    NumberRange(min=1, max=10_000)])
    per_org_cap = IntegerField("Seats per organization", validators=[Optional(), NumberRange(min=1, max=10_000)],
                               description="Leave empty for no limit.")
    rsvp_deadline = DateTimeLocalField("RSVP deadline", format=LOCAL_FORMATS, validators=[Optional()])
    cancel_deadline = DateTimeLocalField("Cancellation deadline", format=LOCAL_FORMATS, validators=[Optional()],
                                         description="After it, confirmed people can't cancel online.")
    acknowledgements = TextAreaField("Attendees confirm when they RSVP", validators=[Optional(), Length(max=2000)],
                                     description="One per line, e.g. “I will wear closed-toe safety shoes”.")
    feedback_anonymous = BooleanField("Anonymous feedback (the provider sees answers without names)", default=True)
    feedback_closes_at = DateTimeLocalField("Feedback closes", format=LOCAL_FORMATS, validators=[Optional()],
                                            description="Feedback sessions only. Empty: two weeks after the end.")

    def __init__(self, *args, creating: bool = True, host_orgs: dict | None = None, kind: EventKind | None = None,
                 **kwargs):
        super().__init__(*args, **kwargs)
        self.creating = creating
        self.host_orgs = host_orgs or {}
        self._event_kind = kind
        self.timezone.choices = timezone_choices()
        self.utc: dict[str, datetime | None] = {}

    def event_kind(self) -> EventKind:
        return self.kind.data if "kind" in self._fields else self._event_kind

    def host(self):
        return self.host_orgs.get(self.host_org.data) if "host_org" in self._fields else None

    def validate_meeting_url(self, field):
        if field.data and not field.data.strip().lower().startswith(("https://", "http://")):
            raise ValidationError("Enter a web address starting with https://")

    def validate_timezone(self, field):
        if field.data not in available_timezones():
            raise ValidationError("Choose a time zone from the list.")

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        if self.timezone.data not in available_timezones():
            return False
        for name in TIME_FIELDS:
            field = self[name]
            self.utc[name] = None
            if field.data is not None and not field.errors:
                try:
                    self.utc[name] = to_utc(field.data, self.timezone.data)
                except ValueError as error:
                    field.errors.append(str(error))
                    valid = False
        starts, ends = self.utc.get("starts_at"), self.utc.get("ends_at")
        if starts and ends and ends <= starts:
            self.ends_at.errors.append("The end must be after the start.")
            valid = False
        if starts and self.creating and starts <= utcnow():
            self.starts_at.errors.append("The start must be in the future.")
            valid = False
        for name, label in (("rsvp_deadline", "RSVP deadline"), ("cancel_deadline", "cancellation deadline")):
            if starts and self.utc.get(name) and self.utc[name] > starts:
                self[name].errors.append(f"The {label} must be before the start.")
                valid = False
        if starts and self.utc.get("feedback_closes_at") and self.utc["feedback_closes_at"] <= starts:
            self.feedback_closes_at.errors.append("Feedback must close after the session starts.")
            valid = False
        if starts and "repeat" in self._fields and self.repeat.data:
            valid = self._validate_repeat(starts) and valid
        return self._validate_kind() and valid

    def _validate_repeat(self, starts: datetime) -> bool:
        if self.repeat.data not in FREQUENCIES:
            self.repeat.errors.append("Choose how often the event repeats.")
            return False
        if self.repeat_until.data is None:
            if not self.repeat_until.errors:
                self.repeat_until.errors.append("Enter the last date of the series.")
            return False
        try:
            self.repetition().rule(starts.astimezone(ZoneInfo(self.timezone.data)))
        except RepeatError as error:
            self.repeat_until.errors.append(str(error))
            return False
        return True

    def applies_to_following(self) -> bool:
        """Whether an edit of a series date is for every later date too."""
        return "scope" in self._fields and self.scope.data == "following"

    def repetition(self) -> Repeat | None:
        """How the new event repeats, or None."""
        if "repeat" not in self._fields or not self.repeat.data:
            return None
        return Repeat(self.repeat.data, self.repeat_until.data)

    def _validate_kind(self) -> bool:
        kind, host, valid = self.event_kind(), self.host(), True
        if "host_org" in self._fields and self.host_org.data and host is None:
            self.host_org.errors.append("Choose an organization from the list.")
            valid = False
        if kind is EventKind.site_visit:
            if "host_org" in self._fields and (host is None or host.kind is not OrgKind.member_company):
                self.host_org.errors.append("A site visit is hosted by a member company.")
                valid = False
            if not (self.address.data or "").strip():
                self.address.errors.append("Enter the address attendees go to.")
                valid = False
        if kind is EventKind.feedback_session and "host_org" in self._fields and (
                host is None or host.kind is not OrgKind.training_provider):
            self.host_org.errors.append("A feedback session is about a training provider's offering.")
            valid = False
        if kind is EventKind.virtual and not (self.meeting_url.data or "").strip():
            self.meeting_url.errors.append("Enter the meeting link for a virtual meeting.")
            valid = False
        return valid

    def fill_from(self, event) -> None:
        """Show a stored event's UTC times as wall-clock times in its zone."""
        for name in TIME_FIELDS:
            self[name].data = to_local(getattr(event, name), event.timezone)
        if "host_org" in self._fields:
            self.host_org.data = event.host_org_id

    def values(self) -> dict:
        """Plain values for the services."""
        kind = self.event_kind()
        values = {
            "title": self.title.data.strip(), "summary": (self.summary.data or "").strip(),
            "description": self.description.data or "", "timezone": self.timezone.data,
            "starts_at": self.utc["starts_at"], "ends_at": self.utc["ends_at"],
            "venue": (self.venue.data or "").strip(), "address": (self.address.data or "").strip(),
            "what_you_will_see": (self.what_you_will_see.data or "").strip(),
            "access_requirements": (self.access_requirements.data or "").strip(),
            "meeting_url": (self.meeting_url.data or "").strip() if kind is EventKind.virtual else "",
            "capacity": self.capacity.data, "per_org_cap": self.per_org_cap.data,
            "rsvp_deadline": self.utc["rsvp_deadline"], "cancel_deadline": self.utc["cancel_deadline"],
            "acknowledgements": "\n".join(line.strip() for line in (self.acknowledgements.data or "").splitlines()
                                          if line.strip()),
            "feedback_anonymous": bool(self.feedback_anonymous.data),
            "feedback_closes_at": self.utc["feedback_closes_at"] if kind is EventKind.feedback_session else None,
        }
        if "host_org" in self._fields:
            values["host_org"] = self.host()
        return values


def rsvp_form(event, prefix: str = ""):
    """The RSVP button, with one required checkbox per acknowledgement the host asks for (`prefix` tells a
    second such form on the page apart)."""

    class RsvpForm(BaseForm):
        pass

    for n, text in enumerate(event.acknowledgement_list):
        setattr(RsvpForm, f"ack_{n}", BooleanField(text, validators=[InputRequired("Please confirm this to RSVP.")]))
    return RsvpForm(prefix=prefix)


class CancelEventForm(BaseForm):
    reason = TextAreaField("Why it is cancelled (sent to everyone)", validators=[Optional(), Length(max=2000)])
    following = BooleanField("Also cancel every later date of this series")


class ReleaseForm(BaseForm):
    release = SubmitField("Release")
    release_seat = SubmitField("Release and remove the seat")


class MessageForm(BaseForm):
    audience = SelectField("Send to", choices=list(AUDIENCES.items()))
    subject = StringField("Subject", validators=[InputRequired(), Length(max=150)])
    body = TextAreaField("Message", validators=[InputRequired(), Length(max=5000)])


class MultiCheckboxField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class AttendanceForm(BaseForm):
    attended = MultiCheckboxField("Who attended", coerce=int, validators=[Optional()])


class QuestionRow(RowForm):
    prompt = StringField("Question", validators=[Optional(), Length(max=300)])
    kind = SelectField("Answered with", choices=[(QuestionKind.rating.value, "A score from 1 to 5"),
                                                 (QuestionKind.text.value, "Words (an open answer)")])


class QuestionsForm(BaseForm):
    questions = FieldList(FormField(QuestionRow), min_entries=1)

    def rows(self) -> list[tuple[QuestionKind, str]]:
        return [(QuestionKind(row.kind.data), row.prompt.data.strip()) for row in self.questions
                if not is_blank(row.prompt.data)]


def feedback_form(event, response=None):
    """The attendee's form: a 1-5 score or an open answer per question, then the three intents."""

    class FeedbackForm(BaseForm):
        pass

    answers = {a.question_id: a for a in response.answers} if response else {}
    for question in event.questions:
        answer = answers.get(question.id)
        if question.kind is QuestionKind.rating:
            field = RadioField(question.prompt, choices=[(n, str(n)) for n in range(1, 6)], coerce=int,
                               validators=[Optional()], default=answer.score if answer else None)
        else:
            field = TextAreaField(question.prompt, validators=[Optional(), Length(max=5000)],
                                  default=answer.text if answer else "")
        setattr(FeedbackForm, f"q_{question.id}", field)
    for name, question in INTENT_QUESTIONS:
        current = getattr(response, name) if response else None
        setattr(FeedbackForm, name, RadioField(question, choices=[(i.value, i.label) for i in Intent],
                                               validators=[Optional()], default=current.value if current else None))
    return FeedbackForm()


class ResponseForm(BaseForm):
    response = TextAreaField("You said, we did", validators=[InputRequired(), Length(max=20_000)],
                             description="Markdown. What you heard, and what you changed because of it.")


class RecapForm(BaseForm):
    recap = TextAreaField("Recap", validators=[InputRequired(), Length(max=20_000)],
                          description="Markdown. What you saw, what surprised you, what you would copy.")
    practice = StringField("Linked practice", validators=[Optional(), Length(max=300)],
                           description="The practice's address or number, e.g. /practices/12.")
    takeaways_url = StringField("Takeaways thread", validators=[Optional(), Length(max=500)],
                                description="A link to where members discuss the takeaways.")

    def validate_takeaways_url(self, field):
        value = (field.data or "").strip()
        if value and not (value.startswith(("https://", "http://")) or
                          (value.startswith("/") and not value.startswith("//"))):
            raise ValidationError("Enter a link on this site (starting with /) or a full https:// address.")


class EventFilterForm(FilterForm):
    kind = SelectField("Kind", validators=[Optional()],
                       choices=[("", "All kinds")] + [(k.value, label) for k, label in EVENT_KIND_LABELS.items()])
