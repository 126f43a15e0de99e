"""Forms for starting threads, replying, editing, flagging and moderating."""

import re

from wtforms import HiddenField, RadioField, SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import InputRequired, Length, Optional, ValidationError

from cop.forms import BaseForm, database_int
from cop.discussions.models import FLAG_REASON_LABELS, ThreadKind

POST_HELP = ("Markdown works: **bold**, - lists, > quotes, [links](https://…). "
             "Mention a member with @ and their name as it appears on their profile, dots for spaces "
             "(@Dana.Whitfield; accents and apostrophes left out, so Kevin O'Malley is @Kevin.OMalley); "
             "they get a notification.")
MAX_BODY = 20_000


class ThreadForm(BaseForm):
    title = StringField("Title", validators=[InputRequired(), Length(max=200)],
                        description="Ask or say it in a line, e.g. “Which business unit pays for transportation?”")
    kind = RadioField("What is it?", default=ThreadKind.question.value, validators=[InputRequired()], choices=[
        (ThreadKind.question.value, "A question: I'm looking for an answer"),
        (ThreadKind.discussion.value, "A discussion: I want to compare notes"),
    ])
    category = SelectField("Category", validators=[InputRequired()])
    practice = SelectField("About a practice (optional)", validators=[Optional()],
                           description="Attach it to a practice in the library; it then shows on that practice's page.")
    body = TextAreaField("Your post", validators=[InputRequired(), Length(max=MAX_BODY)], description=POST_HELP)
    preview = SubmitField("Preview")
    submit = SubmitField("Post")


class EditThreadForm(BaseForm):
    title = StringField("Title", validators=[InputRequired(), Length(max=200)])
    body = TextAreaField("Your post", validators=[InputRequired(), Length(max=MAX_BODY)], description=POST_HELP)
    preview = SubmitField("Preview")
    submit = SubmitField("Save changes")


class ReplyForm(BaseForm):
    body = TextAreaField("Your reply", validators=[InputRequired(), Length(max=MAX_BODY)], description=POST_HELP)
    parent_id = HiddenField()

    def validate_parent_id(self, field):
        if field.data and not str(field.data).isdigit():
            raise ValidationError("That reply can't be answered.")


class EditReplyForm(BaseForm):
    body = TextAreaField("Your reply", validators=[InputRequired(), Length(max=MAX_BODY)], description=POST_HELP)


class FlagForm(BaseForm):
    reason = RadioField("Why should a facilitator look at this?", validators=[InputRequired("Choose a reason.")],
                        choices=[(reason.value, label) for reason, label in FLAG_REASON_LABELS.items()])
    note = TextAreaField("Anything else they should know (optional)", validators=[Length(max=1000)],
                         description="Only facilitators read this. The author isn't told who flagged the post.")

    def validate_note(self, field):
        if self.reason.data == "other" and not (field.data or "").strip():
            raise ValidationError("Tell the facilitators what is wrong.")


class MoveForm(BaseForm):
    category = SelectField("Move to category", validators=[InputRequired()])


class MergeForm(BaseForm):
    target = StringField("Merge into thread", validators=[InputRequired(), Length(max=300)],
                         description="The other thread's number or its address, e.g. 42 or …/discussions/42.")

    def validate_target(self, field):
        if self.target_id is None:
            raise ValidationError("Give a thread number or a thread's address.")

    @property
    def target_id(self) -> int | None:
        match = re.search(r"(?:^|/discussions/)(\d+)(?:[/?#]|$)", (self.target.data or "").strip())
        return database_int(match.group(1)) if match else None


class ModerationNoteForm(BaseForm):
    """A moderation button with an optional note for the audit log."""

    note = StringField("Note for the log (optional)", validators=[Optional(), Length(max=500)])
