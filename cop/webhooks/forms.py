"""The form for registering a webhook endpoint."""

from wtforms import StringField
from wtforms.validators import InputRequired, Length

from cop.forms import BaseForm
from cop.practices.forms import MultiCheckboxField
from cop.webhooks.models import EVENT_TYPES


class EndpointForm(BaseForm):
    url = StringField("Endpoint address", validators=[InputRequired(), Length(max=500)],
                      description="An https:// address on the public internet that accepts POST requests.")
    description = StringField("Description", validators=[Length(max=200)],
                              description="What receives these, e.g. “LMS sync”. Optional.")
    event_types = MultiCheckboxField("Events to send", choices=list(EVENT_TYPES.items()),
                                     validators=[InputRequired("Choose at least one event.")])
