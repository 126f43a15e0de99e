"""Forms for deleting an account (one's own, a colleague's, an organization's) and asking for an export."""

from wtforms import PasswordField, RadioField
from wtforms.validators import InputRequired, Length

from cop.forms import BaseForm

POSTS_CHOICES = [
    ("keep", "Keep my posts, shown as written by “Former member”"),
    ("remove", "Remove my posts: practices, threads and replies"),
]
THEIR_POSTS_CHOICES = [
    ("keep", "Keep their posts, shown as written by “Former member”"),
    ("remove", "Remove their posts: practices, threads and replies"),
]


class DeleteAccountForm(BaseForm):
    posts = RadioField("What happens to the posts", choices=POSTS_CHOICES, default="keep",
                       validators=[InputRequired(message="Choose what happens to the posts.")])
    password = PasswordField("Your password", validators=[InputRequired(), Length(max=128)],
                             description="To be sure it is you.")


class OffboardForm(DeleteAccountForm):
    posts = RadioField("What happens to their posts", choices=THEIR_POSTS_CHOICES, default="keep",
                       validators=[InputRequired(message="Choose what happens to the posts.")])
