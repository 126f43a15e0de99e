"""Forms for deleting an account (one's own, a colleague's, an organization's) and asking for an export."""

from wtforms import PasswordField, RadioField
from wtforms.validators import InputRequired, Length, Optional

from cop.forms import BaseForm
from cop.practices.forms import MultiCheckboxField

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
    # Required unless the person just confirmed who they are with their company's sign-in (the view decides).
    password = PasswordField("Your password", validators=[Optional(), Length(max=128)],
                             description="To be sure it is you.")


class OffboardForm(DeleteAccountForm):
    posts = RadioField("What happens to their posts", choices=THEIR_POSTS_CHOICES, default="keep",
                       validators=[InputRequired(message="Choose what happens to the posts.")])
    # Offered to facilitators only (the view fills the choices): practices to keep even when posts are removed.
    keep_practices = MultiCheckboxField("Practices the community relies on", coerce=int, validators=[Optional()],
                                        description="If their posts are removed, these stay, under “Former member”.")
