"""Signed, expiring links. Single use comes from binding each token to state that its use changes."""

from __future__ import annotations

import hashlib
from typing import Any

from flask import current_app
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer


class TokenError(Exception):
    """The link is invalid, already used or expired; ``expired`` tells which for the message."""

    def __init__(self, expired: bool = False) -> None:
        super().__init__("expired" if expired else "invalid")
        self.expired = expired


def _serializer(purpose: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=f"judging.{purpose}")


def make_token(purpose: str, payload: dict[str, Any]) -> str:
    return _serializer(purpose).dumps(payload)


def read_token(purpose: str, token: str, max_age: int) -> dict[str, Any]:
    """The payload of a token made for ``purpose``; raises ``TokenError`` when it is bad or too old."""
    try:
        payload = _serializer(purpose).loads(token, max_age=max_age)
    except SignatureExpired as error:
        raise TokenError(expired=True) from error
    except BadSignature as error:
        raise TokenError() from error
    if not isinstance(payload, dict):
        raise TokenError()
    return payload


def fingerprint(*parts: object) -> str:
    """A short digest of state a token is bound to (so that the token dies when the state changes)."""
    return hashlib.sha256("\x1f".join(str(part) for part in parts).encode()).hexdigest()[:20]
