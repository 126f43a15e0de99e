"""What the API sends and takes: marshmallow schemas, which also describe it in the OpenAPI document.

Text that comes in is cleaned exactly as the site's forms clean it (cop/forms.py): no control
characters, no line breaks in one-line fields, and text of only spaces or invisible characters counts
as empty.
"""

from datetime import timezone

import marshmallow as ma

from cop.forms import clean_line, clean_text, is_blank
from cop.links import external_url


def iso_utc(value) -> str | None:
    """A time as ISO 8601 in UTC with a Z, e.g. 2026-12-04T15:30:00Z."""
    if value is None:
        return None
    return value.astimezone(timezone.utc).isoformat().replace("+00:00", "Z")


class UTCDateTime(ma.fields.DateTime):
    """An ISO 8601 time in UTC with a Z, e.g. 2026-12-04T15:30:00Z."""

    def _serialize(self, value, attr, obj, **kwargs):
        return iso_utc(value)


class Line(ma.fields.String):
    """One line of text, cleaned as the site's forms clean it."""

    def __init__(self, *, max_length: int, required_text: bool = True, **kwargs):
        validators = [ma.validate.Length(max=max_length)]
        if required_text:
            validators.append(_visible)
        super().__init__(validate=validators, **kwargs)

    def _deserialize(self, value, attr, data, **kwargs):
        return self.clean(super()._deserialize(value, attr, data, **kwargs))

    clean = staticmethod(clean_line)


class Text(Line):
    """Several lines of text (Markdown), cleaned as the site's forms clean it."""

    clean = staticmethod(clean_text)


def _visible(value: str) -> None:
    if is_blank(value):
        raise ma.ValidationError("Must not be empty.")


def enum_field(enum_class, **kwargs) -> ma.fields.Enum:
    return ma.fields.Enum(enum_class, by_value=True, **kwargs)


class Named(ma.Schema):
    """Something shown by name with its address on the site (an organization, a topic)."""

    slug = ma.fields.String(required=True)
    name = ma.fields.String(required=True)


class Person(ma.Schema):
    id = ma.fields.Integer(required=True)
    name = ma.fields.String(required=True)


def site_url(endpoint: str, **values):
    """The address of an object's page on the site (for links from other systems)."""
    return lambda obj: external_url(endpoint, **{name: getattr(obj, attribute) for name, attribute in values.items()})
