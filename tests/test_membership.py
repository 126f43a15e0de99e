"""Membership rules: invitations, requests to join, approval, suspension and roles."""

import re
from datetime import timedelta

import pytest
import sqlalchemy as sa

from cop.auth import services
from cop.auth.models import MemberStatus, Role, User
from cop.extensions import db, utcnow
from cop.mail import deliver_pending
from cop.orgs import services as organizations
from cop.orgs.models import OrgKind
from tests.conftest import PASSWORD, mail_text


# Service rules, called directly.

def test_invitation_is_bound_to_the_invited_address(app, ctx, manager):
    invitation, token = services.create_invitation(email="New.Hire@Example.org", organization=manager.organization,
                                                   role=Role.member, by=manager)
    with pytest.raises(services.MembershipError, match="different e-mail"):
        services.accept_invitation(invitation, email="someone.else@example.org", name="X", password=PASSWORD)
    user = services.accept_invitation(invitation, email="new.hire@EXAMPLE.org", name="Nia Hire", password=PASSWORD)
    assert user.status is MemberStatus.active and user.organization_id == manager.organization_id
    assert invitation.state == "accepted"
    assert services.find_invitation(token) is invitation


def test_expired_invitation_cannot_be_used(app, ctx, manager):
    invitation, _ = services.create_invitation(email="late@example.org", organization=manager.organization,
                                               role=Role.member, by=manager)
    invitation.expires_at = utcnow() - timedelta(seconds=1)
    assert invitation.state == "expired"
    with pytest.raises(services.MembershipError, match="expired"):
        services.accept_invitation(invitation, email="late@example.org", name="Late", password=PASSWORD)


def test_invitation_is_used_once_and_revoked_ones_fail(app, ctx, manager):
    first, _ = services.create_invitation(email="once@example.org", organization=manager.organization,
                                          role=Role.member, by=manager)
    services.accept_invitation(first, email="once@example.org", name="Once", password=PASSWORD)
    with pytest.raises(services.MembershipError, match="accepted"):
        services.accept_invitation(first, email="once@example.org", name="Twice", password=PASSWORD)
    second, _ = services.create_invitation(email="revoked@example.org", organization=manager.organization,
                                           role=Role.member, by=manager)
    services.revoke_invitation(second, by=manager)
    with pytest.raises(services.MembershipError, match="revoked"):
        services.accept_invitation(second, email="revoked@example.org", name="R", password=PASSWORD)


def test_managers_invite_only_to_their_own_organization_and_never_facilitators(app, ctx, manager, member, make_org):
    other = make_org("Other Co")
    with pytest.raises(services.MembershipError):
        services.create_invitation(email="a@example.org", organization=other, role=Role.member, by=manager)
    with pytest.raises(services.MembershipError):
        services.create_invitation(email="b@example.org", organization=manager.organization, role=Role.facilitator,
                                   by=manager)
    with pytest.raises(services.MembershipError):
        services.create_invitation(email="c@example.org", organization=member.organization, role=Role.member,
                                   by=member)
    invitation, _ = services.create_invitation(email="d@example.org", organization=manager.organization,
                                               role=Role.manager, by=manager)
    assert invitation.role is Role.manager


def test_facilitator_may_invite_anywhere_but_not_an_existing_account(app, ctx, facilitator, member, make_org):
    services.create_invitation(email="x@example.org", organization=make_org(), role=Role.manager, by=facilitator)
    with pytest.raises(services.MembershipError, match="already has an account"):
        services.create_invitation(email=member.email.upper(), organization=member.organization, role=Role.member,
                                   by=facilitator)


def test_request_to_join_is_pending_until_approved_and_approval_creates_a_new_org(app, ctx, facilitator):
    user = services.request_to_join(name="Ola Newco", email="ola@newco.example", password=PASSWORD,
                                    organization_id=None, new_org_name="Newco Robotics", new_org_kind="member_company",
                                    note="We start apprentices next fall.")
    db.session.commit()
    assert user.status is MemberStatus.pending and not user.is_active and user.organization is None
    with pytest.raises(services.MembershipError):  # not before they have an organization
        services.approve_request(user, by=facilitator)
    organizations.approve_applicant(user, by=facilitator)
    db.session.commit()
    assert user.is_active and user.organization.name == "Newco Robotics"
    assert user.organization.kind is OrgKind.member_company
    with pytest.raises(services.MembershipError):
        services.approve_request(user, by=facilitator)


def test_declined_request_cannot_be_approved_later(app, ctx, facilitator, make_user):
    applicant = make_user(status=MemberStatus.pending)
    services.decline_request(applicant, by=facilitator, reason="Not an employer network member")
    assert applicant.status is MemberStatus.declined
    with pytest.raises(services.MembershipError):
        services.approve_request(applicant, by=facilitator)


def test_request_with_a_taken_address_creates_nothing_and_tells_the_owner(app, ctx, member, outbox):
    result = services.request_to_join(name="Impostor", email=member.email.upper(), password=PASSWORD,
                                      organization_id=member.organization_id)
    db.session.commit()
    deliver_pending()
    assert result is None
    assert db.session.scalar(sa.select(sa.func.count(User.id))) == 1
    [message] = outbox(member.email)
    assert "already has an account" in mail_text(message)


def test_suspension_rules(app, ctx, facilitator, member):
    old_token = member.session_token
    services.suspend_member(member, by=facilitator)
    assert member.status is MemberStatus.suspended and member.session_token != old_token
    with pytest.raises(services.MembershipError):
        services.suspend_member(facilitator, by=facilitator)
    services.reinstate_member(member, by=facilitator)
    assert member.is_active


def test_only_facilitators_change_roles(app, ctx, facilitator, manager, member):
    with pytest.raises(services.MembershipError):
        services.change_role(member, Role.manager, by=manager)
    services.change_role(member, Role.manager, by=facilitator)
    assert member.role is Role.manager and member.can_manage_org(member.organization)


def test_role_checks(app, ctx, facilitator, manager, member, make_org):
    other = make_org()
    assert facilitator.can_manage_org(other) and facilitator.can_invite(other, Role.facilitator)
    assert manager.can_manage_org(manager.organization) and not manager.can_manage_org(other)
    assert not member.can_manage_org(member.organization)


# The same rules through the pages.

def test_join_request_then_facilitator_approval_then_sign_in(app, client, facilitator, login, outbox, make_org):
    org = make_org("Crestline Fabrication")
    response = client.post_form("/auth/join", {
        "name": "Jo Newmember", "email": "Jo@Crestline.example", "organization": str(org.id),
        "new_org_kind": "member_company", "note": "I coordinate our welding internships.",
        "password": PASSWORD, "confirm": PASSWORD,
    }, page="/auth/join")
    assert "your request is on its way" in response.get_data(as_text=True)
    assert client.post_form("/auth/signin", {"email": "jo@crestline.example", "password": PASSWORD}).status_code == 200
    assert "Request to join: Jo Newmember" in outbox(facilitator.email)[0]["Subject"]

    fac = app.test_client()
    login(facilitator, client=fac)
    queue = fac.get("/members/requests").get_data(as_text=True)
    assert "Jo Newmember" in queue and "I coordinate our welding internships." in queue
    with app.app_context():
        jo_id = db.session.scalar(sa.select(User.id).where(User.email == "jo@crestline.example"))
    assert fac.post_form(f"/members/{jo_id}/approve", page="/members/requests").status_code == 302
    assert "Welcome" in outbox("jo@crestline.example")[-1]["Subject"]
    assert client.post_form("/auth/signin", {"email": "jo@crestline.example", "password": PASSWORD}).status_code == 302
    assert "Jo Newmember" in client.get(f"/orgs/{org.slug}").get_data(as_text=True)


def test_join_form_errors_keep_what_was_typed(client):
    response = client.post_form("/auth/join", {"name": "Kept Name", "email": "not-an-email", "organization": "",
                                               "new_org_name": "", "password": "short", "confirm": "other"},
                                page="/auth/join")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert 'value="Kept Name"' in page
    assert "Choose your organization above" in page and "Use 10 to 128 characters." in page


def test_join_answer_does_not_reveal_an_existing_account(client, member, make_org):
    org = make_org()
    data = {"name": "Someone", "organization": str(org.id), "new_org_kind": "member_company",
            "password": PASSWORD, "confirm": PASSWORD}
    taken = client.post_form("/auth/join", dict(data, email=member.email), page="/auth/join").get_data(as_text=True)
    free = client.post_form("/auth/join", dict(data, email="free@example.org"), page="/auth/join").get_data(as_text=True)
    assert taken.replace(member.email, "X") == free.replace("free@example.org", "X")


def test_invitation_journey_through_the_pages(app, client, manager, login, outbox):
    login(manager)
    slug = manager.organization.slug
    response = client.post_form(f"/orgs/{slug}/invitations", {"email": "teammate@example.org", "role": "member",
                                                              "message": "Join us!"}, page=f"/orgs/{slug}/invitations")
    assert response.status_code == 302
    [message] = outbox("teammate@example.org")
    link = re.search(r"https://cop\.example(/auth/invitations/\S+)", mail_text(message)).group(1)

    guest = app.test_client()
    page = guest.get(link).get_data(as_text=True)
    assert "teammate@example.org" in page and "Join us!" in page
    refused = guest.post_form(link, {"email": "other@example.org", "name": "T", "password": PASSWORD,
                                     "confirm": PASSWORD}, page=link)
    assert "different e-mail address" in refused.get_data(as_text=True)
    accepted = guest.post_form(link, {"email": "teammate@example.org", "name": "Tam Mate", "password": PASSWORD,
                                      "confirm": PASSWORD}, page=link)
    assert accepted.status_code == 302
    assert guest.get("/members/").status_code == 200
    assert app.test_client().get(link).status_code == 410


def test_unknown_invitation_link_is_a_clear_404(client):
    response = client.get("/auth/invitations/not-a-real-token")
    assert response.status_code == 404 and "recognise this invitation" in response.get_data(as_text=True)


def test_members_cannot_reach_the_membership_desk_or_suspend(client, member, make_user, login):
    other = make_user()
    login(member)
    assert client.get("/members/requests").status_code == 403
    assert client.post_form(f"/members/{other.id}/suspend", page="/").status_code == 403
    assert client.post_form(f"/members/{other.id}/role", {"role": "facilitator"}, page="/").status_code == 403


def test_members_do_not_see_pending_or_suspended_profiles(client, member, make_user, login):
    hidden = make_user(status=MemberStatus.suspended)
    login(member)
    assert client.get(f"/members/{hidden.id}").status_code == 404
    assert hidden.name not in client.get("/members/").get_data(as_text=True)


def test_suspensions_and_join_decisions_from_the_members_pages_are_in_the_moderation_log(app, client, facilitator,
                                                                                          make_user, login):
    from cop.discussions.models import ModerationAction, ModerationLogEntry

    rowdy = make_user(name="Rowdy Member")
    jo, kim = (make_user(name=name, status=MemberStatus.pending) for name in ("Jo Pending", "Kim Pending"))
    login(facilitator)
    assert client.post_form(f"/members/{rowdy.id}/suspend", page=f"/members/{rowdy.id}").status_code == 302
    assert client.post_form(f"/members/{rowdy.id}/reinstate", page=f"/members/{rowdy.id}").status_code == 302
    assert client.post_form(f"/members/{jo.id}/approve", page="/members/requests").status_code == 302
    assert client.post_form(f"/members/{kim.id}/decline", {"reason": "Not an employer in the region."},
                            page="/members/requests").status_code == 302
    with app.app_context():
        entries = db.session.execute(sa.select(ModerationLogEntry.action, ModerationLogEntry.target_user_id,
                                               ModerationLogEntry.actor_id, ModerationLogEntry.detail)
                                     .order_by(ModerationLogEntry.id)).all()
    assert [tuple(e) for e in entries] == [
        (ModerationAction.suspend, rowdy.id, facilitator.id, ""),
        (ModerationAction.reinstate, rowdy.id, facilitator.id, ""),
        (ModerationAction.approve, jo.id, facilitator.id, ""),
        (ModerationAction.decline, kim.id, facilitator.id, "Not an employer in the region."),
    ]
    log = client.get("/discussions/moderation/log").get_data(as_text=True)
    assert "Approved join request" in log and "Declined join request" in log and "Rowdy Member" in log


def test_an_invitation_shows_one_expiry_time_in_the_confirmation_the_mail_and_the_accept_page(app, client, manager,
                                                                                              login, outbox):
    login(manager)
    slug = manager.organization.slug
    response = client.post_form(f"/orgs/{slug}/invitations", {"email": "zone@example.org", "role": "member"},
                                page=f"/orgs/{slug}/invitations", follow_redirects=True)
    confirmation = re.search(r"Invitation sent to zone@example.org\. It expires ([^<]+)\.",
                             response.get_data(as_text=True)).group(1)
    text = mail_text(outbox("zone@example.org")[0])
    link = re.search(r"https://cop\.example(/auth/invitations/\S+)", text).group(1)
    accept = re.search(r"This invitation expires ([^<]+)\.", app.test_client().get(link).get_data(as_text=True))
    with app.app_context():
        from cop.auth.models import Invitation
        from cop.text import zone

        expires_at = db.session.scalar(sa.select(Invitation.expires_at).where(Invitation.email == "zone@example.org"))
        expected = expires_at.astimezone(zone(manager.timezone)).strftime("%b %-d, %Y %-I:%M %p %Z")
    assert confirmation == accept.group(1) == expected
    assert f"expires {expected})" in " ".join(text.split())
