"""Forms every feature shares: a CSRF-only form for buttons, and GET filter forms."""

from zoneinfo import available_timezones

from flask_wtf import FlaskForm


class EmptyForm(FlaskForm):
    """A POST button (approve, follow, delete) still carries a CSRF token."""


class FilterForm(FlaskForm):
    """Filters travel in the query string: no CSRF, and bad values are ignored rather than fatal."""

    class Meta:
        csrf = False


COMMON_TIMEZONES = [
    "America/New_York", "America/Chicago", "America/Denver", "America/Phoenix", "America/Los_Angeles",
    "America/Anchorage", "Pacific/Honolulu", "America/Puerto_Rico", "UTC",
]


def timezone_choices() -> list[tuple[str, str]]:
    """Common US zones first, then every other IANA zone."""
    rest = sorted(available_timezones() - set(COMMON_TIMEZONES))
    return [(z, z.replace("_", " ")) for z in COMMON_TIMEZONES + rest]
