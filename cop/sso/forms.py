"""Forms for finding one's company sign-in and for connecting an organization's identity provider."""

from wtforms import BooleanField, EmailField, PasswordField, RadioField, StringField, TextAreaField, URLField
from wtforms.validators import Email, InputRequired, Length, Optional, ValidationError

from cop.forms import BaseForm


class FindProviderForm(BaseForm):
    email = EmailField("Work e-mail", validators=[InputRequired(), Email(), Length(max=254)])


class ProviderForm(BaseForm):
    issuer = URLField("Issuer URL", validators=[InputRequired(), Length(max=300)],
                      description="The provider's address, as in its /.well-known/openid-configuration "
                                  "(for example https://login.example.com/realms/staff).")
    client_id = StringField("Client ID", validators=[InputRequired(), Length(max=300)])
    client_secret = PasswordField("Client secret", validators=[Optional(), Length(max=500)],
                                  description="Leave empty to keep the secret already saved.")
    domains = TextAreaField("E-mail domains", validators=[InputRequired(), Length(max=1000)],
                            description="The organization's e-mail domains, separated by commas "
                                        "(crestline.example, crestline-fab.example).")
    new_people = RadioField("Someone signing in for the first time", default="pending", choices=[
        ("pending", "asks to join: a facilitator approves them"),
        ("approve", "joins at once: the company account is proof enough"),
    ])
    password_signin = BooleanField("People of this organization may also sign in with a password", default=True)

    def validate_issuer(self, field):
        if not (field.data or "").startswith(("https://", "http://")):
            raise ValidationError("Enter the full address, starting with https://.")

    def validate_domains(self, field):
        from cop.sso.services import clean_domains

        domains = clean_domains(field.data)
        if not domains or any("." not in d or "@" in d or " " in d for d in domains):
            raise ValidationError("Enter domains like crestline.example, separated by commas.")
