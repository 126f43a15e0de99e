"""Writing a message (with files), starting a conversation, reporting a message."""

from flask_wtf.file import MultipleFileField
from wtforms import HiddenField, StringField, TextAreaField
from wtforms.validators import InputRequired, Length, Optional

from cop.forms import BaseForm
from cop.messages.services import BODY_MAX_LENGTH, MAX_FILES
from cop.storage import UPLOAD_KINDS


class MessageForm(BaseForm):
    body = TextAreaField("Message", validators=[InputRequired("Write a message first."),
                                                Length(max=BODY_MAX_LENGTH)],
                         description="Markdown works. Only the people in this conversation read it.")
    files = MultipleFileField("Attach files", description=f"Optional: up to {MAX_FILES} files, {UPLOAD_KINDS}. "
                                                          "Only the people in this conversation can download them.")

    def uploads(self) -> list[tuple]:
        """The files chosen, as (stream, filename); a browser sends an empty part when none is."""
        return [(f.stream, f.filename) for f in self.files.data or [] if f and f.filename]


class NewConversationForm(MessageForm):
    others = TextAreaField("Also write to", validators=[Optional(), Length(max=2000)],
                           description="E-mail addresses of other members, separated by commas (up to 10 people).")
    subject = StringField("Subject", validators=[InputRequired("Give the conversation a subject."),
                                                 Length(max=200)])
    about = HiddenField(validators=[Optional(), Length(max=40)])


class ReportForm(BaseForm):
    reason = TextAreaField("What is wrong with this message?", validators=[Optional(), Length(max=2000)],
                           description="The facilitators see this message and your note, nothing else.")
