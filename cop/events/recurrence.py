"""Repeating events: the rule (an iCalendar RRULE, through python-dateutil) and the dates it gives.

Dates repeat on the wall clock of the event's time zone: a 2 pm roundtable stays at 2 pm local time across
a daylight-saving change, so its UTC time moves by an hour.
"""

from dataclasses import dataclass
from datetime import date, datetime, time, timezone

from dateutil import rrule

# What the event form offers, by value.
FREQUENCIES = {
    "weekly": "Every week",
    "biweekly": "Every two weeks",
    "monthly_weekday": "Every month on the same weekday (e.g. the 2nd Tuesday)",
    "monthly_date": "Every month on the same date",
}
MAX_OCCURRENCES = 52
MAX_SPAN_DAYS = 400
ORDINALS = {1: "1st", 2: "2nd", 3: "3rd", 4: "4th", 5: "5th", -1: "last"}
_DAYS = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"]


class RepeatError(ValueError):
    pass


@dataclass(frozen=True)
class Repeat:
    """How often an event repeats, from its first date until a last day (inclusive, local)."""

    frequency: str
    until: date

    def rule(self, first: datetime) -> str:
        """The RRULE value for a series whose first occurrence starts at `first` (aware, in the event's zone).

        The 5th weekday of a month repeats only in months that have one; a start in the last week of a
        month on a 5th weekday is kept as "the 5th", as the member chose that date."""
        if self.frequency not in FREQUENCIES:
            raise RepeatError("Choose how often the event repeats.")
        if self.until <= first.date():
            raise RepeatError("The last date must be after the first.")
        if (self.until - first.date()).days > MAX_SPAN_DAYS:
            raise RepeatError("A series can run for at most a year; start a new one after that.")
        day = _DAYS[first.weekday()]
        parts = {
            "weekly": ["FREQ=WEEKLY"],
            "biweekly": ["FREQ=WEEKLY", "INTERVAL=2"],
            "monthly_weekday": ["FREQ=MONTHLY", f"BYDAY=+{(first.day - 1) // 7 + 1}{day}"],
            "monthly_date": ["FREQ=MONTHLY", f"BYMONTHDAY={first.day}"],
        }[self.frequency]
        # UNTIL in UTC, at the end of the last local day.
        last = datetime.combine(self.until, time(23, 59, 59), first.tzinfo).astimezone(timezone.utc)
        rule = ";".join(parts + [f"UNTIL={last:%Y%m%dT%H%M%SZ}"])
        if len(occurrences(rule, first)) > MAX_OCCURRENCES:
            raise RepeatError(f"A series has at most {MAX_OCCURRENCES} dates; choose an earlier last date.")
        return rule


def occurrences(rule: str, first: datetime) -> list[datetime]:
    """Every start the rule gives from `first` (aware, in the event's zone), at most MAX_OCCURRENCES + 1."""
    # dateutil repeats a naive start on the wall clock; UNTIL (in UTC) is checked here, as it cannot be
    # compared with a naive start.
    without_until = ";".join(part for part in rule.split(";") if not part.startswith("UNTIL="))
    dates = rrule.rrulestr(without_until, dtstart=first.replace(tzinfo=None))
    starts = []
    until = _until(rule)
    for local in dates:
        aware = local.replace(tzinfo=first.tzinfo)
        if until is not None and aware.astimezone(timezone.utc) > until:
            break
        starts.append(aware)
        if len(starts) > MAX_OCCURRENCES:
            break
    return starts


def _until(rule: str) -> datetime | None:
    for part in rule.split(";"):
        name, _, value = part.partition("=")
        if name == "UNTIL":
            return datetime.strptime(value, "%Y%m%dT%H%M%SZ").replace(tzinfo=timezone.utc)
    return None


def describe(rule: str, first: datetime) -> str:
    """The rule in words, e.g. "Every month on the 2nd Tuesday, until June 30, 2027"."""
    fields = dict(part.partition("=")[::2] for part in rule.split(";"))
    weekday = first.strftime("%A")
    if fields.get("FREQ") == "WEEKLY":
        text = f"Every two weeks on {weekday}" if fields.get("INTERVAL") == "2" else f"Every week on {weekday}"
    elif "BYDAY" in fields:
        text = f"Every month on the {ORDINALS[int(fields['BYDAY'][:-2])]} {weekday}"
    else:
        text = f"Every month on day {first.day}"
    until = _until(rule)
    if until is not None:
        last = until.astimezone(first.tzinfo)
        text += f", until {last:%B} {last.day}, {last.year}"
    return text
