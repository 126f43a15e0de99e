"""Secrets CoP keeps to use later (an identity provider's client secret), sealed at rest with a key derived
from SECRET_KEY, so a copy of the database or of a backup alone does not give them away."""

import base64

from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from flask import current_app

PREFIX = "sealed:v1:"


class UnsealError(ValueError):
    """The value was sealed with another SECRET_KEY (or is not sealed at all)."""


def _fernet(secret_key: str) -> Fernet:
    key = HKDF(algorithm=hashes.SHA256(), length=32, salt=None,
               info=b"cop: secrets sealed at rest, v1").derive(secret_key.encode())
    return Fernet(base64.urlsafe_b64encode(key))


def seal(text: str, secret_key: str | None = None) -> str:
    token = _fernet(secret_key or current_app.config["SECRET_KEY"]).encrypt(text.encode())
    return PREFIX + token.decode("ascii")


def unseal(value: str, secret_key: str | None = None) -> str:
    if not value.startswith(PREFIX):
        raise UnsealError("The value is not sealed.")
    try:
        return _fernet(secret_key or current_app.config["SECRET_KEY"]).decrypt(value[len(PREFIX):].encode()).decode()
    except InvalidToken as error:
        raise UnsealError("The value was sealed with another SECRET_KEY.") from error
