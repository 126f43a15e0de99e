"""The e-mail preference form."""

from wtforms import RadioField
from wtforms.validators import InputRequired

from cop.forms import BaseForm
from cop.notifications.models import EmailFrequency


class EmailSettingsForm(BaseForm):
    email_frequency = RadioField(
        "E-mail me about replies, mentions, answers and what I follow",
        choices=[(f.value, f.label) for f in EmailFrequency], validators=[InputRequired()],
        description="Notifications always appear in the app as well. Every e-mail has a one-click unsubscribe link.")
