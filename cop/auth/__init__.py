"""Accounts: sign in and out, join, invitations, password reset, own settings; private by default."""

from flask import Blueprint, redirect, request, url_for
from flask_login import current_user

bp = Blueprint("auth", __name__)

PUBLIC_ENDPOINTS = {"static"}

# The join page asks for an organization, and organizations belong to cop/orgs, which depends on auth and
# fills these in at import: "organizations" and "kinds" are functions giving the form's (value, label)
# choices (the organizations a newcomer may choose; what a new one may be). Until then, there are none.
JOIN_CHOICES: dict = {}
# Rules, from features after auth, that may refuse an account password sign-in (company sign-in fills one):
# (user) -> the reason to show, or None.
PASSWORD_SIGNIN_CHECKS: list = []
# Other ways to sign in for an address, offered on the sign-in page once it is typed (company sign-in fills
# one): (email) -> (label, url) or None.
SIGNIN_ALTERNATIVES: list = []


def public(view):
    """Mark a view as reachable without an approved account (everything else requires one)."""
    view.is_public = True
    return view


def init_app(app):
    from cop.auth import viewer
    from cop.extensions import login_manager

    login_manager.login_view = "auth.signin"
    login_manager.login_message = "Please sign in to see the community."
    login_manager.login_message_category = "info"
    login_manager.session_protection = "basic"

    @login_manager.user_loader
    def load_user(login_id: str):
        # The id carries the session token: a rotated token refuses every older session and cookie.
        user_id, _, token = (login_id or "").partition(":")
        if not user_id.isdigit() or not token:
            return None
        return viewer.load(int(user_id), token)

    @app.before_request
    def _require_member():
        view = app.view_functions.get(request.endpoint) if request.endpoint else None
        if view is None or request.endpoint in PUBLIC_ENDPOINTS or getattr(view, "is_public", False):
            return None
        if not current_user.is_authenticated:
            return redirect(url_for("auth.signin", next=request.full_path.rstrip("?")))
        return None


from cop.auth import views  # noqa: E402,F401
