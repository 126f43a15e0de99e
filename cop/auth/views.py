"""Sign in and out, join, invitations, password reset and one's own settings."""

from urllib.parse import urlsplit

from flask import current_app, flash, redirect, render_template, request, session, url_for
from flask_login import current_user, login_required, login_user, logout_user

from cop.auth import JOIN_CHOICES, PASSWORD_SIGNIN_CHECKS, SIGNIN_ALTERNATIVES, bp, public, services
from cop.auth.forms import (AcceptInvitationForm, ChangePasswordForm, JoinForm, ProfileForm, ResetPasswordForm,
                            ResetRequestForm, SignInForm)
from cop.auth.models import MemberStatus, normalize_email
from cop.extensions import db, limiter
from cop.forms import EmptyForm

STATUS_MESSAGES = {
    MemberStatus.pending: "Your request to join is waiting for a facilitator. You'll get an e-mail when it is approved.",
    MemberStatus.declined: "Your request to join was not approved. Contact the facilitators if you think this is a mistake.",
    MemberStatus.suspended: "Your account is suspended. Contact the facilitators to talk about it.",
}


def safe_next(target: str | None) -> str:
    """Only a path on this site: no scheme, no host, no protocol-relative or backslash tricks."""
    if not target or target.startswith(("//", "\\")) or "\\" in target:
        return url_for("home.index")
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/"):
        return url_for("home.index")
    return target


def _signin_limit():
    return current_app.config["COP_SIGNIN_LIMIT"]


def _signin_account_limit():
    return current_app.config["COP_SIGNIN_ACCOUNT_LIMIT"]


def _signin_account_key() -> str:
    """The account a sign-in is for, as typed: the same key (and so the same answer, status and timing)
    whether or not an account has that address. Read before the form is validated, as limits run first."""
    return "signin-account:" + normalize_email(request.form.get("email", ""))[:254]


def _failed_sign_in(response) -> bool:
    # Only a refused attempt counts: a person trying the demo as several roles from one address, or
    # signing in on several devices, is never locked out by their own successes (they redirect).
    return response.status_code != 302


def _password_signin_refusal(user) -> str | None:
    """Why this account may not use a password to get in (see PASSWORD_SIGNIN_CHECKS), or None."""
    return next((reason for check in PASSWORD_SIGNIN_CHECKS if (reason := check(user))), None)


def _reset_limit():
    return current_app.config["COP_RESET_LIMIT"]


@bp.route("/signin", methods=["GET", "POST"])
@public
@limiter.limit(_signin_limit, methods=["POST"], deduct_when=_failed_sign_in)
@limiter.limit(_signin_account_limit, key_func=_signin_account_key, methods=["POST"], deduct_when=_failed_sign_in)
def signin():
    if current_user.is_authenticated:
        return redirect(safe_next(request.args.get("next")))
    form = SignInForm()
    if form.validate_on_submit():
        user = services.authenticate(form.email.data, form.password.data)
        if user is None:
            flash("That e-mail and password don't match an account.", "error")
        elif user.status is not MemberStatus.active:
            flash(STATUS_MESSAGES.get(user.status, "That e-mail and password don't match an account."), "warning")
        elif refusal := _password_signin_refusal(user):
            flash(refusal, "warning")
        else:
            login_user(user, remember=form.remember.data)
            return redirect(safe_next(request.args.get("next")))
    alternative = None
    if form.email.data and not form.email.errors:
        alternative = next((found for offer in SIGNIN_ALTERNATIVES if (found := offer(form.email.data))), None)
    return render_template("auth/signin.html", form=form, alternative=alternative)


@bp.post("/signout")
@public
def signout():
    form = EmptyForm()
    if form.validate_on_submit() and current_user.is_authenticated:
        # Signing out ends this person's sessions everywhere, including remember-me cookies.
        services.end_all_sessions(current_user)
        db.session.commit()
        logout_user()
        # Nothing of this person's visit (what they have seen, their form token) passes to whoever uses
        # the browser next: a shared computer in a school office, say.
        session.clear()
        flash("You are signed out on every device.", "info")
    return redirect(url_for("auth.signin"))


def _join_choices(name: str) -> list[tuple[str, str]]:
    listed = JOIN_CHOICES.get(name)
    return list(listed()) if listed else []


@bp.route("/join", methods=["GET", "POST"])
@public
@limiter.limit(_reset_limit, methods=["POST"])
def join():
    if current_user.is_authenticated:
        return redirect(url_for("home.index"))
    form = JoinForm()
    form.organization.choices = [("", "Choose your organization…")] + _join_choices("organizations")
    form.new_org_kind.choices = _join_choices("kinds")
    if form.new_org_kind.data is None and form.new_org_kind.choices:  # the first kind is the usual one
        form.new_org_kind.data = form.new_org_kind.choices[0][0]
    if form.validate_on_submit():
        # The choices held only organizations a newcomer may join, so the id is one of them.
        organization_id = int(form.organization.data) if form.organization.data else None
        try:
            services.request_to_join(
                name=form.name.data, email=form.email.data, password=form.password.data,
                organization_id=organization_id,
                new_org_name=form.new_org_name.data or "", new_org_kind=form.new_org_kind.data, note=form.note.data or "",
            )
        except services.MembershipError as error:
            form.new_org_name.errors.append(str(error))
        else:
            db.session.commit()
            return render_template("auth/join_sent.html", email=form.email.data)
    return render_template("auth/join.html", form=form)


@bp.route("/invitations/<token>", methods=["GET", "POST"])
@public
@limiter.limit(_reset_limit, methods=["POST"])
def accept_invitation(token):
    invitation = services.find_invitation(token)
    if invitation is None:
        return render_template("auth/invitation_invalid.html", state="unknown"), 404
    if not invitation.is_usable:
        return render_template("auth/invitation_invalid.html", state=invitation.state), 410
    if current_user.is_authenticated:
        flash("You are already signed in. Sign out first to accept an invitation for another address.", "warning")
        return redirect(url_for("home.index"))
    form = AcceptInvitationForm()
    if request.method == "GET":
        form.email.data = invitation.email
    if form.validate_on_submit():
        try:
            user = services.accept_invitation(invitation, email=form.email.data, name=form.name.data,
                                              password=form.password.data)
        except services.MembershipError as error:
            form.email.errors.append(str(error))
        else:
            db.session.commit()
            login_user(user)
            flash(f"Welcome to the community, {user.name}!", "success")
            return redirect(url_for("home.index"))
    return render_template("auth/accept_invitation.html", form=form, invitation=invitation)


@bp.route("/reset", methods=["GET", "POST"])
@public
@limiter.limit(_reset_limit, methods=["POST"])
def reset_request():
    form = ResetRequestForm()
    if form.validate_on_submit():
        services.start_password_reset(form.email.data)
        db.session.commit()
        return render_template("auth/reset_sent.html", email=form.email.data)
    return render_template("auth/reset_request.html", form=form)


@bp.route("/reset/<token>", methods=["GET", "POST"])
@public
@limiter.limit(_reset_limit, methods=["POST"])
def reset_password(token):
    user = services.user_for_reset_token(token)
    if user is None:
        flash("That reset link has expired or was already used. Ask for a new one.", "error")
        return redirect(url_for("auth.reset_request"))
    # A reset link signs its owner in: not where their organization switched password sign-in off.
    if refusal := _password_signin_refusal(user):
        flash(refusal, "warning")
        return redirect(url_for("auth.signin"))
    form = ResetPasswordForm()
    if form.validate_on_submit():
        services.set_password(user, form.password.data)
        db.session.commit()
        # The link proved the mailbox, so it signs its owner in: the way back into an account whose
        # sign-in form is locked by someone else's guessing.
        logout_user()
        login_user(user)
        flash("Your password is changed, and you are signed in.", "success")
        return redirect(url_for("home.index"))
    return render_template("auth/reset_password.html", form=form)


@bp.route("/settings", methods=["GET", "POST"])
@login_required
def settings():
    form = ProfileForm(obj=current_user)
    if form.validate_on_submit():
        form.populate_obj(current_user)
        db.session.commit()
        flash("Your profile is saved.", "success")
        return redirect(url_for("auth.settings"))
    return render_template("auth/settings.html", form=form)


@bp.route("/settings/password", methods=["GET", "POST"])
@login_required
def change_password():
    form = ChangePasswordForm()
    if form.validate_on_submit():
        try:
            services.change_password(current_user, form.current_password.data, form.password.data)
        except services.MembershipError as error:
            form.current_password.errors.append(str(error))
        else:
            db.session.commit()
            # This device stays signed in under the new session token; every other one is signed out. The
            # member object itself, not the proxy: Flask-Login keeps what it is given as the request's user.
            remember = bool(request.cookies.get(current_app.config.get("REMEMBER_COOKIE_NAME", "remember_token")))
            login_user(current_user._get_current_object(), remember=remember)
            flash("Your password is changed. Other devices have been signed out.", "success")
            return redirect(url_for("auth.settings"))
    return render_template("auth/change_password.html", form=form)
