"""Company sign-in: an organization connects its OpenID Connect identity provider, and its people sign in
with their company account."""

from flask import Blueprint

bp = Blueprint("sso", __name__)


def init_app(app):
    from cop.auth import PASSWORD_SIGNIN_CHECKS, SIGNIN_ALTERNATIVES
    from cop.sso.services import password_signin_refusal
    from cop.sso.views import continue_with_company

    if password_signin_refusal not in PASSWORD_SIGNIN_CHECKS:
        PASSWORD_SIGNIN_CHECKS.append(password_signin_refusal)
    if continue_with_company not in SIGNIN_ALTERNATIVES:
        SIGNIN_ALTERNATIVES.append(continue_with_company)


from cop.sso import views  # noqa: E402,F401
