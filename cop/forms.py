"""Forms every feature shares: the base form that cleans text, a CSRF-only form for buttons, GET filter
forms, and the guards on what the URL itself may carry (numbers the database can hold, no NUL)."""

import re
from zoneinfo import available_timezones

from flask import abort, request
from flask_wtf import FlaskForm
from werkzeug.routing import IntegerConverter
from wtforms import Form, PasswordField, StringField, TextAreaField
from wtforms.validators import InputRequired, StopValidation

# Every integer column is a 4-byte INTEGER on PostgreSQL; larger numbers in a URL find nothing (404)
# instead of failing inside the database.
DATABASE_INT_MAX = 2**31 - 1

# NUL makes PostgreSQL refuse the statement; other control characters have no place in text either.
_CONTROL = "\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f"
# Bidi overrides and isolates let a name or title reorder the text shown after it (a character class body).
BIDI_CONTROLS = "\u202a-\u202e\u2066-\u2069"
_NOT_IN_A_LINE = re.compile(f"[{_CONTROL}\t\r\n{BIDI_CONTROLS}]")
_NOT_IN_TEXT = re.compile(f"[{_CONTROL}]")
# Characters that show nothing: a title made only of these (and spaces) is empty.
_INVISIBLE = re.compile(r"[\s\u200b-\u200f\u2060-\u2064\ufeff\u00ad\u034f\u115f\u1160\u3164]+")


def clean_line(value):
    """A single-line field keeps no control, line-break, tab or bidi-override characters."""
    return _NOT_IN_A_LINE.sub("", value) if isinstance(value, str) else value


def clean_text(value):
    """A multi-line field keeps its line breaks (as \\n) and tabs, and no other control characters."""
    if not isinstance(value, str):
        return value
    return _NOT_IN_TEXT.sub("", value.replace("\r\n", "\n").replace("\r", "\n"))


def is_blank(value) -> bool:
    """Nothing a reader would see: empty, spaces, or only invisible characters."""
    return not _INVISIBLE.sub("", value or "")


class RequiredVisible:
    """A required field of only spaces or invisible characters is as good as empty; it says so in the
    required check's own words where it has them ("Enter a title." otherwise)."""

    def __init__(self, message: str | None = None):
        self.message = message

    def __call__(self, form, field):
        if isinstance(field.data, str) and is_blank(field.data):
            label = field.label.text.lower()
            raise StopValidation(self.message or f"Enter {'' if label.startswith('your ') else 'a '}{label}.")


class CleanTextMeta:
    """Form options that clean text fields as they are read, and treat invisible-only required text as
    empty: shared by every form and by the rows inside a form (FormField, FieldList)."""

    def bind_field(self, form, unbound_field, options):
        field_class = unbound_field.field_class
        if issubclass(field_class, StringField) and not issubclass(field_class, PasswordField):
            clean = clean_text if issubclass(field_class, TextAreaField) else clean_line
            filters = [clean, *unbound_field.kwargs.get("filters", ())]
            field = unbound_field.bind(form=form, filters=filters, **options)
            required = [i for i, v in enumerate(field.validators) if isinstance(v, InputRequired)]
            if required:
                after = required[0] + 1
                visible = RequiredVisible(field.validators[required[0]].message)
                field.validators = [*field.validators[:after], visible, *field.validators[after:]]
            return field
        return unbound_field.bind(form=form, **options)


class BaseForm(FlaskForm):
    """Every form in CoP: text fields are cleaned as they are read, whatever the database behind them."""

    class Meta(CleanTextMeta):
        pass


class RowForm(Form):
    """A row repeated inside a form (a question in a list of questions): cleaned like every form, and
    without a CSRF token of its own (the enclosing form carries one)."""

    class Meta(CleanTextMeta):
        pass


class EmptyForm(BaseForm):
    """A POST button (approve, follow, delete) still carries a CSRF token."""


class FilterForm(BaseForm):
    """Filters travel in the query string: no CSRF, and bad values are ignored rather than fatal."""

    class Meta:
        csrf = False


class DatabaseIntConverter(IntegerConverter):
    """`<int:...>` in every route: only numbers an id column can hold match."""

    def __init__(self, map, *args, **kwargs):
        kwargs.setdefault("max", DATABASE_INT_MAX)
        super().__init__(map, *args, **kwargs)


def database_int(value) -> int | None:
    """A form or query value as an id the database can hold, or None."""
    text = str(value or "").strip()
    # isdecimal, not isdigit: "²" is a digit that int() refuses; and int() refuses over 4,300 digits.
    if not text.isdecimal() or len(text) > len(str(DATABASE_INT_MAX)):
        return None
    return int(text) if int(text) <= DATABASE_INT_MAX else None


# Query-string values read as numbers (pagination, a reply to answer, programs to compare, a practice).
NUMBER_ARGS = {"page", "per_page", "to", "from", "ids", "practice", "reply"}


def refuse_unusable_query() -> None:
    """A path or query string with NUL is refused (400): PostgreSQL refuses it in a token or a slug. A number
    too big for the database finds nothing (404)."""
    if "\x00" in request.path:
        abort(400)
    for name, value in request.args.items(multi=True):
        if "\x00" in name or "\x00" in value:
            abort(400)
        if name in NUMBER_ARGS and _too_big_for_an_id(value):
            abort(404)


def _too_big_for_an_id(value: str) -> bool:
    try:  # int() takes what a view's `type=int` read would take; "+-5" and "²" are no number to it
        return abs(int(value)) > DATABASE_INT_MAX
    except ValueError:
        return False


COMMON_TIMEZONES = [
    "America/New_York", "America/Chicago", "America/Denver", "America/Phoenix", "America/Los_Angeles",
    "America/Anchorage", "Pacific/Honolulu", "America/Puerto_Rico", "UTC",
]


def timezone_choices() -> list[tuple[str, str]]:
    """Common US zones first, then every other IANA zone."""
    rest = sorted(available_timezones() - set(COMMON_TIMEZONES))
    return [(z, z.replace("_", " ")) for z in COMMON_TIMEZONES + rest]


def init_app(app):
    app.before_request(refuse_unusable_query)
