"""The organization directory, organization pages, editing and invitations."""

import sqlalchemy as sa
from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from cop.auth import services as membership
from cop.auth.models import Invitation, MemberStatus, User
from cop.extensions import db
from cop.forms import EmptyForm
from cop.orgs import PAGE_SECTIONS, bp, services
from cop.orgs.forms import InvitationForm, OrganizationForm, OrgFilterForm
from cop.orgs.models import LISTED, Organization, OrgKind
from cop.text import localtime

PER_PAGE = 24


def get_org_or_404(slug: str, for_edit: bool = False) -> Organization:
    org = db.first_or_404(sa.select(Organization).where(Organization.slug == slug, LISTED))
    if for_edit and not current_user.can_manage_org(org):
        abort(403)
    return org


@bp.get("/")
def directory():
    form = OrgFilterForm(request.args)
    regions = db.session.scalars(
        sa.select(Organization.region).where(Organization.region != "", LISTED).distinct().order_by(Organization.region)
    ).all()
    form.region.choices = [("", "Any region")] + [(r, r) for r in regions]
    query = services.directory(q=form.q.data or "", kind=form.kind.data or "", industry=form.industry.data or "",
                               size_band=form.size.data or "", region=form.region.data or "")
    page = db.paginate(query, per_page=PER_PAGE, error_out=False)
    return render_template("orgs/directory.html", form=form, page=page,
                           people_counts=services.active_member_counts([org.id for org in page.items]))


@bp.get("/<slug>")
def detail(slug):
    org = get_org_or_404(slug)
    people = db.session.scalars(
        org.people.select().where(User.status == MemberStatus.active).order_by(User.role.desc(), User.name)
    ).all()
    sections = [section for make in PAGE_SECTIONS if (section := make(org, current_user))]
    return render_template("orgs/detail.html", org=org, people=people, sections=sections)


@bp.route("/new", methods=["GET", "POST"])
def create():
    if not current_user.is_facilitator:
        abort(403)
    form = OrganizationForm()
    if form.validate_on_submit():
        org = services.create_organization(
            name=form.name.data, kind=form.kind.data, subtype=form.subtype.data, industry=form.industry.data,
            region=form.region.data or "", size_band=form.size_band.data, website=form.website.data or "",
            description=form.description.data or "")
        db.session.commit()
        flash(f"{org.name} is in the directory.", "success")
        return redirect(url_for("orgs.detail", slug=org.slug))
    return render_template("orgs/form.html", form=form, org=None)


@bp.route("/<slug>/edit", methods=["GET", "POST"])
def edit(slug):
    org = get_org_or_404(slug, for_edit=True)
    form = OrganizationForm(obj=org, org=org)
    if not current_user.is_facilitator:
        # Managers describe their organization; facilitators decide what kind of member it is.
        del form.kind
    if form.validate_on_submit():
        services.update_organization(org, **{name: field.data for name, field in form._fields.items()
                                             if name != "csrf_token"})
        db.session.commit()
        flash("The organization profile is saved.", "success")
        return redirect(url_for("orgs.detail", slug=org.slug))
    return render_template("orgs/form.html", form=form, org=org)


@bp.route("/<slug>/invitations", methods=["GET", "POST"])
def invitations(slug):
    org = get_org_or_404(slug, for_edit=True)
    form = InvitationForm(allow_facilitator=current_user.is_facilitator and org.kind is OrgKind.facilitator)
    if form.validate_on_submit():
        try:
            invitation, _ = membership.create_invitation(email=form.email.data, organization=org, role=form.role.data,
                                                         by=current_user, message=form.message.data or "")
        except membership.MembershipError as error:
            form.email.errors.append(str(error))
        else:
            db.session.commit()
            flash(f"Invitation sent to {invitation.email}. It expires {localtime(invitation.expires_at)}.", "success")
            return redirect(url_for("orgs.invitations", slug=org.slug))
    sent = db.session.scalars(
        sa.select(Invitation).where(Invitation.organization_id == org.id)
        .options(sa.orm.joinedload(Invitation.invited_by))
        .order_by(Invitation.created_at.desc()).limit(100)
    ).all()
    return render_template("orgs/invitations.html", org=org, form=form, sent=sent, button_form=EmptyForm())


@bp.post("/<slug>/invitations/<int:invitation_id>/revoke")
def revoke_invitation(slug, invitation_id):
    org = get_org_or_404(slug, for_edit=True)
    invitation = db.first_or_404(sa.select(Invitation).where(Invitation.id == invitation_id,
                                                             Invitation.organization_id == org.id))
    if EmptyForm().validate_on_submit():
        try:
            membership.revoke_invitation(invitation, by=current_user)
        except membership.MembershipError as error:
            flash(str(error), "error")
        else:
            db.session.commit()
            flash(f"The invitation to {invitation.email} is revoked.", "success")
    return redirect(url_for("orgs.invitations", slug=org.slug))
