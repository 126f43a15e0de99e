"""Forms for signing in, joining, accepting invitations and managing one's own account."""

from wtforms import BooleanField, EmailField, PasswordField, SelectField, StringField, TextAreaField
from wtforms.validators import Email, EqualTo, InputRequired, Length, Optional, ValidationError

from cop.auth.passwords import is_common_password
from cop.forms import BaseForm, timezone_choices


def not_a_common_password(form, field):
    """Every password someone sets (join, invitation, reset, change): the most common ones are the
    first an attacker tries."""
    if field.data and is_common_password(field.data):
        raise ValidationError("That password is one of the most common ones, which attackers try first. "
                              "Choose another: a short sentence is easy to remember and hard to guess.")


PASSWORD_RULES = [InputRequired(), Length(min=10, max=128, message="Use 10 to 128 characters."),
                  not_a_common_password]


def _password_pair():
    return (
        PasswordField("Password", validators=PASSWORD_RULES,
                      description="At least 10 characters. A short sentence is easy to remember."),
        PasswordField("Repeat the password", validators=[InputRequired(), EqualTo("password", "The passwords differ.")]),
    )


class SignInForm(BaseForm):
    email = EmailField("E-mail", validators=[InputRequired(), Length(max=254)])
    password = PasswordField("Password", validators=[InputRequired(), Length(max=128)])
    remember = BooleanField("Keep me signed in on this device")


class JoinForm(BaseForm):
    name = StringField("Your name", validators=[InputRequired(), Length(max=120)])
    email = EmailField("Work e-mail", validators=[InputRequired(), Email(), Length(max=254)])
    organization = SelectField("Your organization", coerce=str, validators=[Optional()])
    new_org_name = StringField("Organization name, if it isn't listed", validators=[Length(max=200)])
    new_org_kind = SelectField("What kind of organization is it?")  # choices: JOIN_CHOICES["kinds"]
    note = TextAreaField("What brings you to the community?", validators=[Optional(), Length(max=2000)],
                         description="Optional: your role and what you hope to learn. Facilitators read it.")
    password, confirm = _password_pair()

    def validate_new_org_name(self, field):
        if not self.organization.data and not (field.data or "").strip():
            raise ValidationError("Choose your organization above, or type its name here.")


class AcceptInvitationForm(BaseForm):
    email = EmailField("E-mail", validators=[InputRequired(), Email(), Length(max=254)],
                       description="The invitation is for this address only.")
    name = StringField("Your name", validators=[InputRequired(), Length(max=120)])
    password, confirm = _password_pair()


class ResetRequestForm(BaseForm):
    email = EmailField("E-mail", validators=[InputRequired(), Email(), Length(max=254)])


class ResetPasswordForm(BaseForm):
    password, confirm = _password_pair()


class ProfileForm(BaseForm):
    name = StringField("Name", validators=[InputRequired(), Length(max=120)])
    title = StringField("Job title", validators=[Optional(), Length(max=120)])
    bio = TextAreaField("About you", validators=[Optional(), Length(max=4000)],
                        description="Your role in work-based learning and what you can help others with.")
    timezone = SelectField("Time zone", description="Times across the site are shown in this zone.")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.timezone.choices = timezone_choices()


class ChangePasswordForm(BaseForm):
    current_password = PasswordField("Current password", validators=[InputRequired(), Length(max=128)])
    password = PasswordField("New password", validators=PASSWORD_RULES, description="At least 10 characters.")
    confirm = PasswordField("Repeat the new password",
                            validators=[InputRequired(), EqualTo("password", "The passwords differ.")])
