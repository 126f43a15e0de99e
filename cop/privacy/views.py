"""Your data: deleting one's own account, offboarding a colleague, removing an organization."""

import sqlalchemy as sa
from flask import abort, current_app, flash, redirect, render_template, send_file, session, url_for
from flask_login import current_user, logout_user

from cop.auth import services as accounts
from cop.auth.models import MemberStatus, User
from cop.extensions import db, limiter
from cop.forms import EmptyForm
from cop.orgs.models import LISTED, Organization, OrgKind
from cop.privacy import bp, services
from cop.privacy.forms import DeleteAccountForm, OffboardForm
from cop.sso import services as sso


def _check_password(form) -> bool:
    """The person at the keyboard is the account's owner: they typed its password, or they have just
    confirmed who they are with their company's sign-in (where there may be no password to type)."""
    if form.password.data:
        if accounts.password_matches(current_user, form.password.data):
            return True
        form.password.errors.append("That is not your password.")
        return False
    if sso.recently_confirmed(session):
        return True
    form.password.errors.append("Enter your password.")
    return False


def _render(template: str, **context):
    """A deletion page, with the company sign-in to confirm with where the viewer's organization has one."""
    org = current_user.organization
    provider = sso.provider_for(org) if org is not None else None
    return render_template(template, company_signin=provider, confirmed=sso.recently_confirmed(session),
                           **context)


@bp.route("/delete", methods=["GET", "POST"])
def delete_account():
    form = DeleteAccountForm()
    if form.validate_on_submit() and _check_password(form):
        try:
            services.delete_account(current_user, current_user, keep_posts=form.posts.data == "keep")
        except services.DeletionError as error:
            db.session.rollback()
            form.password.errors.append(str(error))
        else:
            db.session.commit()
            logout_user()
            session.clear()
            flash("Your account is deleted. Thank you for all you gave the community.", "info")
            return redirect(url_for("auth.signin"))
    return _render("privacy/delete_account.html", form=form, person=current_user, own=True)


def get_departing_or_404(user_id: int) -> User:
    """Someone the viewer may delete: 404 for an account already deleted, 403 for one they may not."""
    person = db.get_or_404(User, user_id)
    if person.status is MemberStatus.deleted:
        abort(404)
    if not current_user.can_delete_account(person):
        abort(403)
    return person


@bp.route("/people/<int:user_id>/delete", methods=["GET", "POST"])
def offboard(user_id):
    person = get_departing_or_404(user_id)
    if person.id == current_user.id:
        return redirect(url_for("privacy.delete_account"))
    form = OffboardForm()
    form.keep_practices.choices = services.published_practice_choices(person) if current_user.is_facilitator else []
    if form.validate_on_submit() and _check_password(form):
        name = person.name
        try:
            services.delete_account(person, current_user, keep_posts=form.posts.data == "keep",
                                    keep_practice_ids=form.keep_practices.data or ())
        except services.DeletionError as error:
            db.session.rollback()
            form.password.errors.append(str(error))
        else:
            db.session.commit()
            flash(f"{name}'s account is deleted.", "success")
            org = current_user.organization if not current_user.is_facilitator else None
            return redirect(url_for("orgs.detail", slug=org.slug) if org else url_for("members.directory"))
    return _render("privacy/delete_account.html", form=form, person=person, own=False)


@bp.route("/orgs/<slug>/delete", methods=["GET", "POST"])
def remove_organization(slug):
    org = db.first_or_404(sa.select(Organization).where(Organization.slug == slug, LISTED))
    if not current_user.is_facilitator:
        abort(403)
    if org.kind is OrgKind.facilitator:
        abort(403)
    people = services.remaining_people(org)
    form = OffboardForm()
    form.keep_practices.choices = []
    if form.validate_on_submit() and _check_password(form):
        try:
            removal = services.remove_organization(org, current_user, keep_posts=form.posts.data == "keep")
        except services.DeletionError as error:
            db.session.rollback()
            form.password.errors.append(str(error))
        else:
            db.session.commit()
            flash(f"{org.name} is removed: {_count(removal.accounts, 'account')} deleted, "
                  f"{_count(removal.events_cancelled, 'upcoming event')} cancelled, "
                  f"{_count(removal.programs, 'program profile')} removed.", "success")
            return redirect(url_for("orgs.directory"))
    return _render("privacy/remove_organization.html", form=form, org=org, people=people,
                   events=services.upcoming_events_of(org), program_count=len(services.programs_of(org)))


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}{'' if number == 1 else 's'}"


def _export_limit() -> str:
    return current_app.config["COP_EXPORT_LIMIT"]


def _member_key() -> str:
    return f"member:{current_user.id}"


@bp.route("/export", methods=["GET", "POST"])
@limiter.limit(_export_limit, key_func=_member_key, methods=["POST"],
               deduct_when=lambda response: response.status_code in (302, 303))
def export():
    form = EmptyForm()
    if form.validate_on_submit():
        try:
            services.request_export(current_user)
        except services.ExportError as error:
            flash(str(error), "warning")
        else:
            db.session.commit()
            flash("We're preparing your export. We'll e-mail you a download link when it is ready.", "success")
        return redirect(url_for("privacy.export"))
    return render_template("privacy/export.html", form=form, latest=services.latest_export(current_user),
                           hours=current_app.config["COP_EXPORT_HOURS"])


@bp.get("/export/<token>")
def download_export(token):
    found = services.find_export(token, current_user)
    if found is None:
        abort(404)
    try:
        path = services.take_download(found)
    except services.ExportError as error:
        flash(str(error), "error")
        return redirect(url_for("privacy.export"))
    if not path.is_file():
        db.session.rollback()
        abort(404)
    db.session.commit()
    # The link is spent, and so is the file: the open handle still reads it after it leaves the folder.
    handle = path.open("rb")
    path.unlink()
    response = send_file(handle, mimetype="application/zip", as_attachment=True,
                         download_name=f"cop-export-{found.id}.zip", max_age=0)
    response.headers["Cache-Control"] = "no-store"
    return response
