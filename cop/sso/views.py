"""Company sign-in: finding it by e-mail address, the round trip to the provider, and its settings."""

import time
from urllib.parse import urlsplit

import sqlalchemy as sa
from flask import abort, current_app, flash, redirect, render_template, request, session, url_for
from flask_login import current_user, login_user

from cop.auth import public
from cop.auth.models import MemberStatus
from cop.extensions import db, limiter
from cop.forms import EmptyForm
from cop.links import external_url
from cop.orgs.models import LISTED, Organization
from cop.sso import bp, services
from cop.sso.forms import FindProviderForm, ProviderForm
from cop.sso.models import IdentityProvider

PENDING_KEY = "sso_attempt"
STATUS_MESSAGES = {
    MemberStatus.pending: "Thank you: your request to join is waiting for a facilitator. You'll get an e-mail "
                          "when it is approved.",
    MemberStatus.declined: "Your request to join was not approved. Contact the facilitators if you think this "
                           "is a mistake.",
    MemberStatus.suspended: "Your account is suspended. Contact the facilitators to talk about it.",
    MemberStatus.deleted: "That account was deleted.",
}


def _signin_limit():
    return current_app.config["COP_SIGNIN_LIMIT"]


def get_provider_or_404(slug: str) -> IdentityProvider:
    provider = db.session.scalar(sa.select(IdentityProvider).join(IdentityProvider.organization)
                                 .where(Organization.slug == slug))
    if provider is None:
        abort(404)
    return provider


def continue_with_company(email: str) -> tuple[str, str] | None:
    """The sign-in page's offer for an address at a domain with company sign-in."""
    provider = services.provider_for_email(email)
    if provider is None:
        return None
    name = provider.organization.name
    return f"Continue with {name}", url_for("sso.start", slug=provider.organization.slug, email=email)


@bp.route("/", methods=["GET", "POST"])
@public
@limiter.limit(_signin_limit, methods=["POST"])
def find():
    """Which company sign-in an address uses; shown only for domains an organization registered."""
    form = FindProviderForm()
    provider = None
    if form.validate_on_submit():
        provider = services.provider_for_email(form.email.data)
        if provider is None:
            form.email.errors.append("There is no company sign-in for that address. Sign in with your password.")
    return render_template("sso/find.html", form=form, provider=provider)


@bp.get("/<slug>/start")
@public
@limiter.limit(_signin_limit)
def start(slug):
    provider = get_provider_or_404(slug)
    confirm = request.args.get("confirm") == "1" and current_user.is_authenticated
    try:
        attempt = services.start(provider, external_url("sso.callback"), request.args.get("email", "")[:254],
                                 confirm=confirm)
    except services.SignInRefused as error:
        flash(str(error), "error")
        return redirect(url_for("auth.signin"))
    session[PENDING_KEY] = {"state": attempt.state, **attempt.pending, "next": _local_path(request.args.get("next"))}
    return redirect(attempt.url)


def _local_path(target: str | None) -> str | None:
    """A path on this site to come back to, or None: no scheme, host, protocol-relative or backslash tricks."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target or len(target) > 500:
        return None
    parts = urlsplit(target)
    return None if parts.scheme or parts.netloc else target


@bp.get("/callback")
@public
@limiter.limit(_signin_limit)
def callback():
    pending = session.pop(PENDING_KEY, None)
    state, code = request.args.get("state", ""), request.args.get("code", "")
    if not pending or not state or state != pending.get("state"):
        flash("That sign-in does not belong to this browser, or it was already used. Please start again.", "error")
        return redirect(url_for("auth.signin"))
    if request.args.get("error"):
        flash("Your company's sign-in was cancelled or refused. Please try again.", "error")
        return redirect(url_for("auth.signin"))
    provider = db.session.get(IdentityProvider, pending.get("provider"))
    if provider is None or not code or len(code) > 2000:
        flash("That sign-in could not be completed. Please start again.", "error")
        return redirect(url_for("auth.signin"))
    try:
        claims = services.finish(provider, pending, code)
        user = services.account_for(provider, claims, create=not pending.get("confirm"))
    except services.SignInRefused as error:
        db.session.rollback()
        flash(str(error), "error")
        return redirect(url_for("auth.signin"))
    db.session.commit()
    if pending.get("confirm"):
        # Confirming who one is, signed in already: only the same person counts, and nobody is switched.
        if not current_user.is_authenticated or current_user.id != user.id:
            flash("That company account is not the one you are signed in with.", "error")
            return redirect(url_for("home.index"))
        session[services.CONFIRMED_AT] = int(time.time())
        flash(f"Confirmed with {provider.organization.name}.", "success")
        return redirect(pending.get("next") or url_for("home.index"))
    if user.status is not MemberStatus.active:
        flash(STATUS_MESSAGES[user.status], "warning")
        return redirect(url_for("auth.signin"))
    login_user(user)
    flash(f"Signed in with {provider.organization.name}.", "success")
    return redirect(url_for("home.index"))


@bp.route("/orgs/<slug>", methods=["GET", "POST"])
def settings(slug):
    org = db.first_or_404(sa.select(Organization).where(Organization.slug == slug, LISTED))
    if not current_user.is_facilitator:
        abort(403)
    provider = services.provider_for(org)
    form = ProviderForm(obj=provider)
    if request.method == "GET" and provider is not None:
        form.domains.data = ", ".join(provider.domain_list)
        form.new_people.data = "approve" if provider.approve_new_people else "pending"
    if form.validate_on_submit():
        try:
            provider = services.save_provider(
                org, issuer=form.issuer.data, client_id=form.client_id.data, client_secret=form.client_secret.data or "",
                domains=services.clean_domains(form.domains.data), approve_new_people=form.new_people.data == "approve",
                password_signin=form.password_signin.data)
            db.session.flush()
            services.discover(provider)
        except services.SignInRefused as error:
            db.session.rollback()
            form.issuer.errors.append(str(error))
        else:
            db.session.commit()
            flash(f"{org.name}'s people can now continue with {org.name}.", "success")
            return redirect(url_for("sso.settings", slug=org.slug))
    return render_template("sso/settings.html", form=form, org=org, provider=provider, remove_form=EmptyForm())


@bp.post("/orgs/<slug>/remove")
def remove(slug):
    org = db.first_or_404(sa.select(Organization).where(Organization.slug == slug, LISTED))
    if not current_user.is_facilitator:
        abort(403)
    provider = services.provider_for(org)
    if provider is not None and EmptyForm().validate_on_submit():
        services.remove_provider(provider)
        db.session.commit()
        flash(f"Company sign-in for {org.name} is disconnected; its people sign in with passwords.", "success")
    return redirect(url_for("sso.settings", slug=org.slug))
