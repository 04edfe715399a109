"""Every link on every page the demo's people can reach leads somewhere: no 404 and no server error.

For each demo account (and an anonymous visitor) a crawler follows every internal link from the home page,
as that person, and records any link that answers 404 or 5xx, with the page it was found on.
"""

from __future__ import annotations

import re
from collections import deque
from html import unescape
from urllib.parse import urljoin

import pytest
from sqlalchemy import select

from judging.accounts.models import User
from judging.demo import load_demo
from judging.extensions import db
from tests.factories import login

ACCOUNTS = [
    None,
    "admin@example.org",
    "awards.organiser@example.org",
    "challenge.organiser@example.org",
    "amina@meshwave.example",
    "grace.mutua@jury.example",
]
LEAVES = ("/static/", "/logout", "/language")  # files, and links that end the visit or post
LIMIT = 1000  # pages per person; the demo has about 400 for the administrator


def crawl(client) -> tuple[int, list[tuple[int, str, str]]]:
    """(pages read, [(status, broken link, page it was on)]) following links breadth first from ``/``."""
    seen: set[str] = set()
    queue: deque[tuple[str, str]] = deque([("/", "")])
    broken = []
    while queue and len(seen) < LIMIT:
        url, found_on = queue.popleft()
        if url in seen:
            continue
        seen.add(url)
        answer = client.get(url)
        if answer.status_code == 404 or answer.status_code >= 500:
            broken.append((answer.status_code, url, found_on))
            continue
        if answer.status_code != 200 or not answer.content_type.startswith("text/html"):
            continue
        for href in re.findall(r'href="([^"]+)"', answer.get_data(as_text=True)):
            link = urljoin(url, unescape(href)).partition("#")[0]
            if link.startswith("/") and not link.startswith(LEAVES) and link not in seen:
                queue.append((link, url))
    return len(seen), broken


@pytest.mark.parametrize("email", ACCOUNTS, ids=lambda email: email or "anonymous")
def test_no_link_is_broken(app, email):
    load_demo()
    user = db.session.scalar(select(User).where(User.email == email)) if email else None
    assert email is None or user is not None

    read, broken = crawl(login(app.test_client(), user))

    assert broken == []
    assert read > 10 and read < LIMIT
