"""Reply addresses: one per recipient and conversation, signed, so an e-mail answer can be posted as that
person in that thread or conversation (see cop/inbound) and nobody can forge one for someone else.

The address is `reply+<kind><id>.<user>.<signature>@COP_REPLY_DOMAIN`: under the 64 characters a mailbox
name may have, and the same each time (mail clients keep one thread)."""

import hashlib
import hmac
import re

from flask import current_app

KINDS = {"thread": "t", "conversation": "c"}
_BY_CODE = {code: kind for kind, code in KINDS.items()}
_ADDRESS = re.compile(r"reply\+([tc])(\d{1,12})\.(\d{1,12})\.([0-9a-f]{20})@([^\s>]+)", re.IGNORECASE)


def _signature(code: str, target_id: int, user_id: int) -> str:
    key = hashlib.sha256(b"reply-by-email:" + current_app.config["SECRET_KEY"].encode()).digest()
    return hmac.new(key, f"{code}{target_id}.{user_id}".encode(), hashlib.sha256).hexdigest()[:20]


def reply_address(user_id: int, kind: str, target_id: int) -> str | None:
    """The address `user_id` answers `kind` (thread or conversation) `target_id` at, or None without a
    reply domain."""
    domain = current_app.config.get("COP_REPLY_DOMAIN")
    if not domain:
        return None
    code = KINDS[kind]
    return f"reply+{code}{target_id}.{user_id}.{_signature(code, target_id, user_id)}@{domain}"


def read_reply_address(text: str) -> tuple[int, str, int] | None:
    """(user id, kind, target id) from the first genuine reply address in `text` at our domain, or None."""
    domain = (current_app.config.get("COP_REPLY_DOMAIN") or "").lower()
    for match in _ADDRESS.finditer(text or ""):
        code, target, user, signature, at = match.groups()
        code = code.lower()
        if domain and at.lower() == domain and hmac.compare_digest(
                signature.lower(), _signature(code, int(target), int(user))):
            return int(user), _BY_CODE[code], int(target)
    return None
