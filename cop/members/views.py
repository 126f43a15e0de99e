"""The people directory, member profiles, and approving, declining and suspending members."""

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from cop.auth import services as membership
from cop.auth.models import MemberStatus, User
from cop.extensions import db
from cop.forms import EmptyForm
from cop.members import DECISION_LISTENERS, PROFILE_SECTIONS, bp, services
from cop.members.forms import DeclineForm, PeopleFilterForm, RoleForm
from cop.orgs import services as organizations

PER_PAGE = 30


def require_facilitator():
    if not current_user.is_facilitator:
        abort(403)


def get_person_or_404(user_id: int) -> User:
    """Members see active people; facilitators see everyone, so they can reinstate or review."""
    person = db.get_or_404(User, user_id)
    if person.status is not MemberStatus.active and not current_user.is_facilitator:
        abort(404)
    return person


@bp.get("/")
def directory():
    form = PeopleFilterForm(request.args)
    query = services.directory(q=form.q.data or "", kind=form.kind.data or "", role=form.role.data or "")
    page = db.paginate(query, per_page=PER_PAGE, error_out=False)
    return render_template("members/directory.html", form=form, page=page)


@bp.get("/<int:user_id>")
def profile(user_id):
    person = get_person_or_404(user_id)
    sections = [section for make in PROFILE_SECTIONS if (section := make(person, current_user))]
    return render_template("members/profile.html", person=person, button_form=EmptyForm(),
                           role_form=RoleForm(role=person.role), sections=sections)


@bp.get("/requests")
def requests():
    require_facilitator()
    pending = db.session.scalars(
        sa.select(User).options(so.joinedload(User.organization))
        .where(User.status == MemberStatus.pending).order_by(User.created_at)
    ).all()
    recent = db.session.scalars(
        sa.select(User).options(so.joinedload(User.organization))
        .where(User.status.in_([MemberStatus.declined, MemberStatus.suspended])).order_by(User.decided_at.desc()).limit(20)
    ).all()
    return render_template("members/requests.html", pending=pending, recent=recent, button_form=EmptyForm(),
                           decline_form=DeclineForm())


def _decide(user_id: int, action, success: str, form=None, logged: str | None = None, note=None):
    """A facilitator's decision about a person; `logged` decisions are told to DECISION_LISTENERS (the
    moderation log, with `note(form)` as its note), in the same commit."""
    require_facilitator()
    person = db.get_or_404(User, user_id)
    form = form or EmptyForm()
    if form.validate_on_submit():
        try:
            action(person, form)
        except membership.MembershipError as error:
            flash(str(error), "error")
        else:
            if logged is not None:
                for listener in DECISION_LISTENERS:
                    listener(logged, current_user, person, note(form) if note else "")
            db.session.commit()
            flash(success.format(name=person.name), "success")
    else:
        flash("Nothing was changed: the form was incomplete.", "error")
    return redirect(request.referrer if request.referrer and request.referrer.startswith(request.host_url)
                    else url_for("members.requests"))


@bp.post("/<int:user_id>/approve")
def approve(user_id):
    return _decide(user_id, lambda person, form: organizations.approve_applicant(person, by=current_user),
                   "{name} is now a member.", logged="approve")


@bp.post("/<int:user_id>/decline")
def decline(user_id):
    return _decide(user_id, lambda person, form: membership.decline_request(person, by=current_user,
                                                                            reason=form.reason.data or ""),
                   "{name}'s request was declined.", form=DeclineForm(), logged="decline",
                   note=lambda form: form.reason.data or "")


@bp.post("/<int:user_id>/suspend")
def suspend(user_id):
    return _decide(user_id, lambda person, form: membership.suspend_member(person, by=current_user),
                   "{name} is suspended and signed out everywhere.", logged="suspend")


@bp.post("/<int:user_id>/reinstate")
def reinstate(user_id):
    return _decide(user_id, lambda person, form: membership.reinstate_member(person, by=current_user),
                   "{name} is reinstated.", logged="reinstate")


@bp.post("/<int:user_id>/role")
def change_role(user_id):
    return _decide(user_id, lambda person, form: membership.change_role(person, form.role.data, by=current_user),
                   "{name}'s role is changed.", form=RoleForm())
