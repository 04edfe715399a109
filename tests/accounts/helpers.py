"""Small helpers for the account tests: follow mailed links, register through the form, move the clock."""

from __future__ import annotations

import html
import time
from email.message import EmailMessage

import pytest
from flask.testing import FlaskClient
from itsdangerous import TimestampSigner

from tests.factories import links_in, mail_body

BASE_URL = "https://judging.example.org"


def mails_to(messages: list[EmailMessage], address: str) -> list[EmailMessage]:
    return [message for message in messages if message["To"] == address]


def link_path(message: EmailMessage) -> str:
    """The path of the only link to this site in ``message`` (links are absolute, built from BASE_URL)."""
    links = [link for link in links_in(message) if link.startswith(BASE_URL + "/")]
    assert len(links) >= 1, mail_body(message)
    return links[0][len(BASE_URL) :]


def register(client: FlaskClient, **fields: str):
    """Post the registration form with sensible values, overridden by ``fields``."""
    data = {
        "name": "Wanjiru Kamau",
        "email": "wanjiru@example.org",
        "password": "a long and happy passphrase",
        "confirm": "a long and happy passphrase",
        "country": "KE",
        "language": "en",
    }
    data.update(fields)
    if "password" in fields and "confirm" not in fields:
        data["confirm"] = fields["password"]
    return client.post("/register", data=data)


def sign_in(client: FlaskClient, email: str, password: str, **extra: str):
    return client.post("/login", data={"email": email, "password": password, **extra})


def move_clock(monkeypatch: pytest.MonkeyPatch, seconds: int) -> None:
    """Make signed links believe ``seconds`` have passed since they were made."""
    monkeypatch.setattr(TimestampSigner, "get_timestamp", lambda self: int(time.time()) + seconds)


def text(response) -> str:
    """The page's HTML with entities decoded, so that assertions can quote what a reader sees."""
    return html.unescape(response.get_data(as_text=True))
