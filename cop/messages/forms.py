"""Writing a message, starting a conversation, reporting a message."""

from wtforms import StringField, TextAreaField
from wtforms.validators import InputRequired, Length, Optional

from cop.forms import BaseForm
from cop.messages.services import BODY_MAX_LENGTH


class MessageForm(BaseForm):
    body = TextAreaField("Message", validators=[InputRequired("Write a message first."),
                                                Length(max=BODY_MAX_LENGTH)],
                         description="Markdown works. Only the people in this conversation read it.")


class NewConversationForm(MessageForm):
    others = TextAreaField("Also write to", validators=[Optional(), Length(max=2000)],
                           description="E-mail addresses of other members, separated by commas (up to 10 people).")
    subject = StringField("Subject", validators=[InputRequired("Give the conversation a subject."),
                                                 Length(max=200)])


class ReportForm(BaseForm):
    reason = TextAreaField("What is wrong with this message?", validators=[Optional(), Length(max=2000)],
                           description="The facilitators see this message and your note, nothing else.")
