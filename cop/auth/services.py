"""Membership rules: joining, approval, invitations, passwords and ending sessions."""

import secrets
from datetime import timedelta

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask import current_app
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from werkzeug.security import check_password_hash, generate_password_hash

from cop.auth.models import (Invitation, MemberStatus, Role, User, hash_token, new_session_token,
                             normalize_email)
from cop.extensions import CACHE_NEUTRAL, db, utcnow
from cop.links import external_url
from cop.mail import OutboxMessage, send_mail

# Checked against when no account matches, so a sign-in for an unknown address costs the same time.
_DUMMY_HASH_CACHE: dict[str, str] = {}


class MembershipError(ValueError):
    """A rule said no; the message is safe to show to the person."""


def hash_password(password: str) -> str:
    return generate_password_hash(password, method=current_app.config["COP_PASSWORD_METHOD"])


def _dummy_hash() -> str:
    method = current_app.config["COP_PASSWORD_METHOD"]
    if method not in _DUMMY_HASH_CACHE:
        _DUMMY_HASH_CACHE[method] = generate_password_hash(secrets.token_hex(8), method=method)
    return _DUMMY_HASH_CACHE[method]


def find_user_by_email(email: str) -> User | None:
    return db.session.scalar(sa.select(User).where(User.email == normalize_email(email)))


def authenticate(email: str, password: str) -> User | None:
    """The account whose password matches, whatever its status; None otherwise (in constant-ish time)."""
    user = find_user_by_email(email)
    if user is None:
        check_password_hash(_dummy_hash(), password)
        return None
    return user if check_password_hash(user.password_hash, password) else None


def password_matches(user: User, password: str) -> bool:
    """For a step that asks a signed-in person to type their password again (deleting an account)."""
    return bool(password) and check_password_hash(user.password_hash, password)


def end_all_sessions(user: User) -> None:
    """A new session token invalidates every session and remember-me cookie this person holds.

    No page shows the token, so writing it retires no cached page (a sign-out is a frequent write); what
    else changes with it (a password, a suspension) is written as usual."""
    token = new_session_token()
    if user.id is not None:
        db.session.execute(sa.update(User).where(User.id == user.id).values(session_token=token)
                           .execution_options(**{CACHE_NEUTRAL: True}))
        so.attributes.set_committed_value(user, "session_token", token)
    else:
        user.session_token = token


def facilitators() -> list[User]:
    return db.session.scalars(
        sa.select(User).where(User.role == Role.facilitator, User.status == MemberStatus.active).order_by(User.name)
    ).all()


def new_feed_token(user: User) -> str:
    """A fresh secret for the member's private feed addresses (library, discussions, calendar): the old
    addresses stop working."""
    user.feed_token = secrets.token_urlsafe(24)
    return user.feed_token


def find_feed_owner(token: str) -> User | None:
    """The active member whose private feed addresses carry this token; None for any other token, so a
    suspended or departed member's addresses answer nothing."""
    user = db.session.scalar(sa.select(User).where(User.feed_token == token)) if token else None
    return user if user is not None and user.status is MemberStatus.active else None


def request_to_join(*, name: str, email: str, password: str, organization_id: int | None,
                    new_org_name: str = "", new_org_kind: str = "", note: str = "") -> User | None:
    """A pending account that a facilitator approves or declines.

    When the address already has an account nothing is created and its owner gets a note instead, so
    the answer on screen never reveals whether an address is registered.
    """
    existing = find_user_by_email(email)
    # Hashed in both branches, so the answer takes as long for a registered address as for a new one.
    password_hash = hash_password(password)
    if existing is not None:
        send_mail(existing.email, "Someone asked to join with your address", "join_existing", user=existing,
                  signin_url=external_url("auth.signin"),
                  reset_url=external_url("auth.reset_request"))
        return None
    if organization_id is None and not new_org_name.strip():
        raise MembershipError("Choose your organization, or name it if it is not listed.")
    user = User(
        name=name.strip(), email=email, password_hash=password_hash, organization_id=organization_id,
        requested_org_name=None if organization_id else new_org_name.strip(),
        requested_org_kind=None if organization_id else (new_org_kind or None),
        join_note=note.strip(), status=MemberStatus.pending, role=Role.member,
        timezone=current_app.config["COP_DEFAULT_TIMEZONE"],
    )
    db.session.add(user)
    db.session.flush()
    for facilitator in facilitators():
        send_mail(facilitator.email, f"Request to join: {user.name}", "join_request_facilitator",
                  facilitator=facilitator, applicant=user,
                  queue_url=external_url("members.requests"))
    send_mail(user.email, "We received your request to join", "join_received", user=user)
    return user


def approve_request(user: User, by: User) -> User:
    """Activate a pending account. An applicant who named a new organization is placed in it first
    (`cop.orgs.services.approve_applicant`); nobody is activated without an organization."""
    if user.status is not MemberStatus.pending:
        raise MembershipError("Only pending requests can be approved.")
    if user.organization_id is None and user.organization is None:
        raise MembershipError("Place the applicant in an organization before approving.")
    user.status = MemberStatus.active
    user.decided_at = utcnow()
    user.decided_by_id = by.id
    send_mail(user.email, "Welcome to the community", "join_approved", user=user,
              signin_url=external_url("auth.signin"))
    return user


def decline_request(user: User, by: User, reason: str = "") -> User:
    if user.status is not MemberStatus.pending:
        raise MembershipError("Only pending requests can be declined.")
    user.status = MemberStatus.declined
    user.decided_at = utcnow()
    user.decided_by_id = by.id
    end_all_sessions(user)
    send_mail(user.email, "About your request to join", "join_declined", user=user, reason=reason.strip())
    return user


def suspend_member(user: User, by: User) -> User:
    if user.id == by.id:
        raise MembershipError("You cannot suspend yourself.")
    if user.status is not MemberStatus.active:
        raise MembershipError("Only active members can be suspended.")
    user.status = MemberStatus.suspended
    end_all_sessions(user)
    return user


def reinstate_member(user: User, by: User) -> User:
    if user.status is not MemberStatus.suspended:
        raise MembershipError("Only suspended members can be reinstated.")
    user.status = MemberStatus.active
    return user


def change_role(user: User, role: Role, by: User) -> User:
    if not by.is_facilitator:
        raise MembershipError("Only facilitators change roles.")
    if user.id == by.id and role is not Role.facilitator:
        raise MembershipError("Ask another facilitator to change your own role.")
    user.role = role
    return user


def create_invitation(*, email: str, organization: "Organization", role: Role, by: User,  # noqa: F821
                      message: str = "") -> tuple[Invitation, str]:
    """A pre-approved invitation bound to one address; returns it with the secret token for the link."""
    if not by.can_invite(organization, role):
        raise MembershipError("You cannot invite people to that organization with that role.")
    if find_user_by_email(email) is not None:
        raise MembershipError("That address already has an account in the community.")
    token = secrets.token_urlsafe(32)
    invitation = Invitation(
        email=email, organization=organization, role=role, token_hash=hash_token(token), message=message.strip(),
        invited_by_id=by.id, expires_at=utcnow() + timedelta(days=current_app.config["COP_INVITATION_DAYS"]),
    )
    db.session.add(invitation)
    db.session.flush()
    send_mail(invitation.email, f"{by.name} invited you to join the community", "invitation",
              invitation=invitation, inviter=by,
              accept_url=external_url("auth.accept_invitation", token=token))
    return invitation, token


def find_invitation(token: str) -> Invitation | None:
    if not token or len(token) > 200:
        return None
    return db.session.scalar(sa.select(Invitation).where(Invitation.token_hash == hash_token(token)))


def revoke_invitation(invitation: Invitation, by: User) -> None:
    if not by.can_invite(invitation.organization, invitation.role):
        raise MembershipError("You cannot revoke that invitation.")
    if invitation.state != "open":
        raise MembershipError("Only open invitations can be revoked.")
    invitation.revoked_at = utcnow()


def accept_invitation(invitation: Invitation, *, email: str, name: str, password: str) -> User:
    """Create the active account the invitation promised, for the invited address only."""
    if not invitation.is_usable:
        raise MembershipError(f"This invitation is {invitation.state}. Ask for a new one.")
    if normalize_email(email) != invitation.email:
        raise MembershipError("This invitation was sent to a different e-mail address.")
    if find_user_by_email(email) is not None:
        raise MembershipError("That address already has an account. Sign in instead.")
    user = User(name=name.strip(), email=invitation.email, password_hash=hash_password(password),
                organization_id=invitation.organization_id, role=invitation.role, status=MemberStatus.active,
                decided_at=utcnow(), decided_by_id=invitation.invited_by_id,
                timezone=current_app.config["COP_DEFAULT_TIMEZONE"])
    db.session.add(user)
    db.session.flush()
    invitation.accepted_at = utcnow()
    invitation.accepted_user_id = user.id
    return user


def _reset_serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt="cop-password-reset")


def password_reset_token(user: User) -> str:
    # The hash fragment makes a link single-use: once the password changes, the link no longer matches.
    return _reset_serializer().dumps({"uid": user.id, "pw": user.password_hash[-12:]})


def start_password_reset(email: str) -> None:
    """E-mail a reset link when the address belongs to an active account; say nothing either way."""
    user = find_user_by_email(email)
    if user is None or user.status is not MemberStatus.active:
        return
    send_mail(user.email, "Reset your password", "password_reset", user=user,
              reset_url=external_url("auth.reset_password", token=password_reset_token(user)),
              minutes=current_app.config["COP_RESET_TOKEN_SECONDS"] // 60)


def user_for_reset_token(token: str) -> User | None:
    try:
        data = _reset_serializer().loads(token, max_age=current_app.config["COP_RESET_TOKEN_SECONDS"])
    except (SignatureExpired, BadSignature):
        return None
    user = db.session.get(User, data.get("uid")) if isinstance(data, dict) else None
    if user is None or user.status is not MemberStatus.active or user.password_hash[-12:] != data.get("pw"):
        return None
    return user


def set_password(user: User, password: str) -> None:
    """A new password ends every other session and remember-me cookie."""
    user.password_hash = hash_password(password)
    end_all_sessions(user)


def change_password(user: User, current_password: str, new_password: str) -> None:
    if not check_password_hash(user.password_hash, current_password):
        raise MembershipError("Your current password is not right.")
    set_password(user, new_password)


FORMER_MEMBER = "Former member"


def erased_email(user: User) -> str:
    """The address a deleted account keeps: unique, undeliverable, and naming nobody."""
    return f"former-member-{user.id}@deleted.invalid"


def check_erasable(user: User) -> None:
    """Refuse to delete an account already deleted, or the community's last facilitator."""
    if user.status is MemberStatus.deleted:
        raise MembershipError("That account is already deleted.")
    if user.role is Role.facilitator and user.is_active and len(facilitators()) <= 1:
        raise MembershipError("The community needs a facilitator: make someone else one first.")


def erase_account(user: User) -> None:
    """Empty a deleted person's account of everything that was theirs: name, address, profile, password,
    sessions, remember-me cookies and feed addresses end with it. The row stays as "Former member", with
    its role and organization, so posts kept and the moderation log still point somewhere. Mail to them
    is dropped, mail to others that named them names "A former member", and invitations forget the address."""
    check_erasable(user)
    address, name = user.email, user.name
    db.session.execute(sa.delete(OutboxMessage).where(OutboxMessage.to == address))
    if len(name) >= 4:  # a very short name would match inside ordinary words
        db.session.execute(sa.update(OutboxMessage)
                           .where(sa.or_(OutboxMessage.subject.contains(name, autoescape=True),
                                         OutboxMessage.body_text.contains(name, autoescape=True)))
                           .values(subject=sa.func.replace(OutboxMessage.subject, name, "A former member"),
                                   body_text=sa.func.replace(OutboxMessage.body_text, name, "A former member")),
                           execution_options={"synchronize_session": False})
    db.session.execute(sa.update(Invitation).where(Invitation.email == address).values(email=erased_email(user)))
    user.email = erased_email(user)
    user.name = FORMER_MEMBER
    user.title = user.bio = user.join_note = ""
    user.requested_org_name = user.requested_org_kind = None
    user.timezone = current_app.config["COP_DEFAULT_TIMEZONE"]
    user.password_hash = hash_password(secrets.token_urlsafe(32))
    user.feed_token = None
    user.status = MemberStatus.deleted
    user.decided_at = utcnow()
    end_all_sessions(user)


def create_member(*, name: str, email: str, organization: "Organization", role: Role = Role.member,  # noqa: F821
                  password: str | None = None, password_hash: str | None = None, title: str = "", bio: str = "",
                  timezone: str | None = None) -> User:
    """An active account made by the community itself (demo data, imports), not through a request."""
    user = User(name=name.strip(), email=email, organization=organization, role=role, status=MemberStatus.active,
                password_hash=password_hash or hash_password(password or secrets.token_urlsafe(16)),
                title=title.strip(), bio=bio.strip(), decided_at=utcnow(),
                timezone=timezone or current_app.config["COP_DEFAULT_TIMEZONE"])
    db.session.add(user)
    db.session.flush()
    return user
