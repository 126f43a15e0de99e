"""Signing in with an organization's OpenID Connect provider: the authorization code flow with PKCE,
`state` and `nonce`, an ID token whose signature is checked against the provider's published keys (JWKS),
and the rules for whose account a verified identity opens.

The provider is reached with the standard library's HTTP client, with a short timeout; Authlib makes the
PKCE challenge and the secrets, joserfc (Authlib's JOSE library) verifies the token. Every refusal is a
`SignInRefused` whose message is safe to show; no secret, code or token is ever logged or shown.
"""

import base64
import json
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass

import sqlalchemy as sa
from authlib.common.security import generate_token
from authlib.oauth2.rfc7636 import create_s256_code_challenge
from flask import current_app
from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import KeySet

from cop import sealing
from cop.auth import services as accounts
from cop.auth.models import MemberStatus, Role, User, normalize_email
from cop.extensions import db, utcnow
from cop.links import external_url
from cop.mail import send_mail
from cop.orgs.models import Organization
from cop.sso.models import ExternalIdentity, IdentityProvider

# Clocks differ: a token a few seconds "from the future" or just expired is still taken.
LEEWAY_SECONDS = 60
SIGNING_ALGORITHMS = ["RS256", "RS384", "RS512", "PS256", "ES256", "ES384"]
MAX_RESPONSE_BYTES = 512 * 1024


class SignInRefused(ValueError):
    """The provider or the identity it vouched for was not accepted; the message is safe to show."""


class ProviderError(SignInRefused):
    """The provider could not be reached or answered something that is not OpenID Connect."""


# Configuration

def provider_for(org: Organization) -> IdentityProvider | None:
    return db.session.scalar(sa.select(IdentityProvider).where(IdentityProvider.organization_id == org.id))


def provider_for_email(email: str) -> IdentityProvider | None:
    """The provider whose organization owns the address's domain."""
    domain = normalize_email(email).rpartition("@")[2]
    if not domain:
        return None
    for provider in db.session.scalars(sa.select(IdentityProvider).where(
            IdentityProvider.domains.contains(domain, autoescape=True))):
        if domain in provider.domain_list:
            return provider
    return None


def clean_domains(text: str) -> list[str]:
    domains = [d.strip().lower().lstrip("@") for d in (text or "").replace("\n", ",").split(",")]
    return list(dict.fromkeys(d for d in domains if d))


def save_provider(org: Organization, *, issuer: str, client_id: str, client_secret: str, domains: list[str],
                  approve_new_people: bool, password_signin: bool) -> IdentityProvider:
    """Connect (or change) the organization's provider. An empty secret keeps the one stored."""
    for domain in domains:
        other = provider_for_email(f"x@{domain}")
        if other is not None and other.organization_id != org.id:
            raise SignInRefused(f"{domain} already signs in through another organization's provider.")
    provider = provider_for(org)
    if provider is None:
        if not client_secret:
            raise SignInRefused("Enter the client secret the provider gave you.")
        provider = IdentityProvider(organization_id=org.id, created_at=utcnow())
        db.session.add(provider)
    provider.issuer = issuer.strip().rstrip("/")
    provider.client_id = client_id.strip()
    if client_secret:
        provider.client_secret = client_secret.strip()
    provider.domains = ",".join(domains)
    provider.approve_new_people = approve_new_people
    provider.password_signin = password_signin
    provider.updated_at = utcnow()
    return provider


def remove_provider(provider: IdentityProvider) -> None:
    db.session.delete(provider)


def password_signin_refusal(user: User) -> str | None:
    """Why this person may not sign in with a password (their organization switched it off), or None."""
    if user.organization_id is None:
        return None
    provider = db.session.scalar(sa.select(IdentityProvider).where(
        IdentityProvider.organization_id == user.organization_id))
    if provider is None or provider.password_signin:
        return None
    return f"{provider.organization.name} signs in with its own account: use “Continue with {provider.organization.name}”."


# Set in the session when the signed-in person has just confirmed who they are with their company's sign-in
# (their organization's people may have no password to type): the time, in seconds since the epoch.
CONFIRMED_AT = "sso_confirmed_at"
CONFIRMATION_SECONDS = 300


def recently_confirmed(session) -> bool:
    """Whether the signed-in person confirmed who they are with their company's sign-in in the last minutes."""
    confirmed = session.get(CONFIRMED_AT)
    return isinstance(confirmed, int) and 0 <= time.time() - confirmed <= CONFIRMATION_SECONDS


def forget_identities(user: User) -> None:
    """A deleted account's links to providers go with it."""
    db.session.execute(sa.delete(ExternalIdentity).where(ExternalIdentity.user_id == user.id))


# Talking to the provider

def _allowed_url(url: str) -> bool:
    parts = urllib.parse.urlsplit(url)
    if parts.scheme == "https":
        return bool(parts.netloc)
    return parts.scheme == "http" and current_app.config["COP_SSO_ALLOW_HTTP"] and bool(parts.netloc)


def _fetch_json(url: str, *, data: dict | None = None, headers: dict | None = None) -> dict:
    if not _allowed_url(url):
        raise ProviderError("The identity provider's address must start with https://.")
    body = urllib.parse.urlencode(data).encode() if data is not None else None
    request = urllib.request.Request(url, data=body, headers={"Accept": "application/json", **(headers or {})})
    try:
        # The scheme was checked above (https, or http where allowed): no file:// or other surprises.
        with urllib.request.urlopen(request, timeout=current_app.config["COP_SSO_TIMEOUT"]) as response:  # nosec B310
            raw = response.read(MAX_RESPONSE_BYTES + 1)
    except urllib.error.HTTPError as error:
        raise ProviderError(f"The identity provider refused the request (HTTP {error.code}).") from None
    except (urllib.error.URLError, TimeoutError, OSError):
        raise ProviderError("The identity provider could not be reached. Try again in a moment.") from None
    if len(raw) > MAX_RESPONSE_BYTES:
        raise ProviderError("The identity provider's answer was too large.")
    try:
        found = json.loads(raw)
    except ValueError:
        raise ProviderError("The identity provider's answer was not JSON.") from None
    if not isinstance(found, dict):
        raise ProviderError("The identity provider's answer was not what OpenID Connect describes.")
    return found


def discover(provider: IdentityProvider) -> dict:
    """The provider's published configuration; its issuer must be exactly the one configured."""
    config = _fetch_json(provider.issuer + "/.well-known/openid-configuration")
    if config.get("issuer", "").rstrip("/") != provider.issuer:
        raise ProviderError("The identity provider names a different issuer than the one configured.")
    for key in ("authorization_endpoint", "token_endpoint", "jwks_uri"):
        if not isinstance(config.get(key), str) or not _allowed_url(config[key]):
            raise ProviderError("The identity provider's configuration is incomplete.")
    return config


@dataclass
class Authorization:
    """Where to send the browser, and what to remember until it comes back."""

    url: str
    state: str
    pending: dict


def start(provider: IdentityProvider, redirect_uri: str, login_hint: str = "", confirm: bool = False) -> Authorization:
    """Begin the authorization code flow: a fresh state, nonce and PKCE verifier for this one attempt.
    `confirm` asks the provider to have the person sign in again (before deleting an account, say)."""
    config = discover(provider)
    state, nonce, verifier = generate_token(32), generate_token(32), generate_token(64)
    params = {"response_type": "code", "client_id": provider.client_id, "redirect_uri": redirect_uri,
              "scope": "openid email profile", "state": state, "nonce": nonce,
              "code_challenge": create_s256_code_challenge(verifier), "code_challenge_method": "S256"}
    if login_hint:
        params["login_hint"] = login_hint
    if confirm:
        params["prompt"] = "login"
    separator = "&" if "?" in config["authorization_endpoint"] else "?"
    pending = {"provider": provider.id, "nonce": nonce, "verifier": verifier, "redirect_uri": redirect_uri,
               "started": int(time.time()), "confirm": confirm}
    return Authorization(config["authorization_endpoint"] + separator + urllib.parse.urlencode(params), state, pending)


def _basic_auth(client_id: str, secret: str) -> str:
    pair = f"{urllib.parse.quote(client_id, safe='')}:{urllib.parse.quote(secret, safe='')}"
    return "Basic " + base64.b64encode(pair.encode()).decode()


def verify_id_token(id_token: str, provider: IdentityProvider, config: dict, nonce: str) -> dict:
    """The ID token's claims, once its signature matches a key the provider publishes and its issuer,
    audience, expiry and nonce are what this sign-in expects."""
    keys = _fetch_json(config["jwks_uri"])
    try:
        key_set = KeySet.import_key_set(keys)
        token = jwt.decode(id_token, key_set, algorithms=SIGNING_ALGORITHMS)
    except JoseError:
        raise SignInRefused("The identity provider's sign-in could not be verified (its signature does not "
                            "match the provider's keys).") from None
    except (ValueError, TypeError, KeyError):
        raise SignInRefused("The identity provider's sign-in could not be read.") from None
    claims = token.claims
    now = time.time()
    if str(claims.get("iss", "")).rstrip("/") != provider.issuer:
        raise SignInRefused("The sign-in was issued by a different identity provider.")
    audience = claims.get("aud")
    audiences = audience if isinstance(audience, list) else [audience]
    if provider.client_id not in audiences or (len(audiences) > 1 and claims.get("azp") != provider.client_id):
        raise SignInRefused("The sign-in was meant for another application (wrong audience).")
    if not isinstance(claims.get("exp"), (int, float)) or claims["exp"] + LEEWAY_SECONDS < now:
        raise SignInRefused("The sign-in has expired. Please try again.")
    if isinstance(claims.get("iat"), (int, float)) and claims["iat"] - LEEWAY_SECONDS > now:
        raise SignInRefused("The sign-in is dated in the future. Check the provider's clock.")
    if claims.get("nonce") != nonce:
        raise SignInRefused("The sign-in does not belong to this attempt (nonce). Please start again.")
    if not isinstance(claims.get("sub"), str) or not claims["sub"]:
        raise SignInRefused("The identity provider did not say who signed in.")
    return claims


def finish(provider: IdentityProvider, pending: dict, code: str) -> dict:
    """Exchange the code (with the PKCE verifier) for tokens, verify the ID token, and complete the
    person's claims from the userinfo endpoint when the token leaves something out."""
    if pending.get("provider") != provider.id:
        raise SignInRefused("The sign-in does not belong to this attempt. Please start again.")
    if time.time() - pending.get("started", 0) > current_app.config["COP_SSO_ATTEMPT_SECONDS"]:
        raise SignInRefused("The sign-in took too long. Please start again.")
    try:
        secret = provider.client_secret
    except sealing.UnsealError as error:
        raise ProviderError("This company's sign-in needs its client secret entered again by a facilitator "
                            "(the site's SECRET_KEY changed since it was saved).") from error
    config = discover(provider)
    tokens = _fetch_json(config["token_endpoint"], data={
        "grant_type": "authorization_code", "code": code, "redirect_uri": pending["redirect_uri"],
        "code_verifier": pending["verifier"], "client_id": provider.client_id,
    }, headers={"Authorization": _basic_auth(provider.client_id, secret)})
    if not isinstance(tokens.get("id_token"), str):
        raise ProviderError("The identity provider sent no ID token.")
    claims = dict(verify_id_token(tokens["id_token"], provider, config, pending["nonce"]))
    if ("email" not in claims or "email_verified" not in claims) and isinstance(config.get("userinfo_endpoint"), str) \
            and isinstance(tokens.get("access_token"), str):
        info = _fetch_json(config["userinfo_endpoint"], headers={"Authorization": f"Bearer {tokens['access_token']}"})
        if info.get("sub") != claims["sub"]:
            raise SignInRefused("The identity provider described someone else than the one who signed in.")
        for key in ("email", "email_verified", "name"):
            claims.setdefault(key, info.get(key))
    return claims


# Whose account

def account_for(provider: IdentityProvider, claims: dict, create: bool = True) -> User:
    """The account a verified identity opens: the one already linked to it, or the one with its verified
    address in the organization, or (unless `create` is off) a new one there, approved or waiting as the
    organization chose."""
    email = normalize_email(claims.get("email") or "")
    if claims.get("email_verified") is not True and str(claims.get("email_verified")).lower() != "true":
        raise SignInRefused("Your company account's e-mail address is not verified. Verify it with your "
                            "company's sign-in first.")
    if not email or email.rpartition("@")[2] not in provider.domain_list:
        raise SignInRefused(f"Your company account's address ({email or 'none'}) is not at a domain of "
                            f"{provider.organization.name}.")
    identity = db.session.scalar(sa.select(ExternalIdentity).where(
        ExternalIdentity.provider_id == provider.id, ExternalIdentity.subject == claims["sub"]))
    user = db.session.get(User, identity.user_id) if identity is not None else accounts.find_user_by_email(email)
    if user is not None and user.organization_id != provider.organization_id:
        raise SignInRefused("That address belongs to an account at another organization. Ask a facilitator.")
    if user is None and not create:
        raise SignInRefused("That company account is not the one you are signed in with.")
    if user is None:
        name = str(claims.get("name") or email.partition("@")[0])[:120]
        user = User(name=name, email=email, organization_id=provider.organization_id, role=Role.member,
                    status=MemberStatus.active if provider.approve_new_people else MemberStatus.pending,
                    password_hash=accounts.hash_password(generate_token(32)),
                    timezone=current_app.config["COP_DEFAULT_TIMEZONE"], join_note="Joined through company sign-in.")
        db.session.add(user)
        db.session.flush()
        if provider.approve_new_people:
            user.decided_at = utcnow()
        else:
            for facilitator in accounts.facilitators():
                send_mail(facilitator.email, f"Request to join: {user.name}", "join_request_facilitator",
                          facilitator=facilitator, applicant=user, queue_url=external_url("members.requests"))
    if identity is None:
        identity = ExternalIdentity(provider_id=provider.id, user_id=user.id, subject=claims["sub"],
                                    created_at=utcnow())
        db.session.add(identity)
    identity.last_signin_at = utcnow()
    return user
