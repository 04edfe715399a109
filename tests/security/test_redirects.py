"""Open redirects: whatever a ``next`` value holds, every way it comes back leads to a path on this site.

``next`` enters through the sign-in page (query and form), the registration page and its "check your
mail" page, and the "send the confirmation link again" form; each is tried with the same corpus of
absolute, scheme-relative, backslashed, encoded and control-prefixed targets.
"""

from __future__ import annotations

import html
import re
from urllib.parse import quote, urlsplit

import pytest
from argon2 import PasswordHasher

from judging.accounts import passwords
from tests.accounts.helpers import register, sign_in
from tests.factories import login, make_user

PASSWORD_AMINA = "a password only for this module"

EVIL = [
    "https://evil.example",
    "http://evil.example/login",
    "HTTPS://evil.example",
    "//evil.example",
    "///evil.example",
    "////evil.example/path",
    "\\\\evil.example",
    "/\\evil.example",
    "\\/evil.example",
    "/\\/evil.example",
    "http:evil.example",
    "http:/evil.example",
    "https:\\\\evil.example",
    "javascript:alert(1)",
    "JaVaScRiPt:alert(1)",
    "java\tscript:alert(1)",
    "data:text/html,<script>alert(1)</script>",
    "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==",
    "%2F%2Fevil.example",
    "/%2F/evil.example",
    "%2F%5Cevil.example",
    "/%5Cevil.example",
    "/%09/evil.example",
    "%20//evil.example",
    " //evil.example",
    "\t//evil.example",
    "\n//evil.example",
    "\x00//evil.example",
    "/\t/evil.example",
    "/\r\n/evil.example",
    "/\x0b/evil.example",
    "\u3000//evil.example",
    "https://judging.example.org@evil.example",
    "//judging.example.org@evil.example",
    "https://evil.example/https://judging.example.org/",
    "evil.example",
    "@evil.example",
]


def same_site(location: str) -> bool:
    """A path on this site, as a browser would read it (backslashes count as slashes, controls vanish)."""
    browser = re.sub(r"[\x00-\x1f\x7f]", "", location).strip().replace("\\", "/")
    parts = urlsplit(browser)
    return browser.startswith("/") and not browser.startswith("//") and not parts.scheme and not parts.netloc


def targets_in(page: str) -> list[str]:
    """Every link, form action and hidden ``next`` value of a page, decoded as a browser reads them."""
    found = re.findall(r'(?:href|action)="([^"]*)"', page)
    found += re.findall(r'name="next"[^>]*value="([^"]*)"', page)
    return [html.unescape(value) for value in found]


def page_leads_home(page: str) -> bool:
    """No link, action or hidden ``next`` of the page leads off the site with the attacker's target."""
    suspicious = [t for t in targets_in(page) if "evil" in t.lower() or "script" in t.lower()]
    hidden = [html.unescape(v) for v in re.findall(r'name="next"[^>]*value="([^"]*)"', page)]
    return all(same_site(t) for t in suspicious) and all(not v or same_site(v) for v in hidden)


@pytest.fixture(autouse=True)
def quick(app, monkeypatch):
    """Cheap password hashing and no rate limits: the corpus is long and hashing is not the subject."""
    monkeypatch.setattr(passwords, "_hasher", PasswordHasher(time_cost=1, memory_cost=8, parallelism=1))
    for setting in ("REGISTER_LIMIT_PER_CLIENT", "VERIFY_RESEND_LIMIT", "LOGIN_LIMIT_PER_ACCOUNT"):
        monkeypatch.setitem(app.config, setting, "1000 per hour")


@pytest.fixture
def amina(app, quick):
    return make_user("amina@example.org", name="Amina Example", password=PASSWORD_AMINA)


def off_site(check) -> list[str]:
    """The targets of the corpus for which ``check(target)`` is false."""
    return [target for target in EVIL if not check(target)]


def encoded(target: str) -> str:
    return quote(target, safe="")


def test_same_site_accepts_paths_and_refuses_everything_else():
    assert same_site("/entries/") and same_site("/login?next=%2F%2Fevil.example")
    assert not any(same_site(target) for target in ("//evil.example", "/\\evil.example", "http:evil.example"))


def test_signing_in_with_next_lands_on_this_site(app, amina):
    def lands_home(target: str) -> bool:
        response = sign_in(app.test_client(), "amina@example.org", PASSWORD_AMINA, next=target)
        return response.status_code == 302 and same_site(response.headers["Location"])

    assert off_site(lands_home) == []


def test_sign_in_page_keeps_no_unsafe_next(client, amina):
    def page_safe(target: str) -> bool:
        response = client.get(f"/login?next={encoded(target)}")
        return response.status_code == 200 and page_leads_home(response.get_data(as_text=True))

    assert off_site(page_safe) == []


def test_signed_in_visit_to_the_sign_in_page_lands_on_this_site(client, amina):
    login(client, amina)

    def lands_home(target: str) -> bool:
        response = client.get(f"/login?next={encoded(target)}")
        return response.status_code == 302 and same_site(response.headers["Location"])

    assert off_site(lands_home) == []


def test_registration_pages_keep_no_unsafe_next(app):
    def pages_safe(target: str) -> bool:
        client = app.test_client()
        form_page = client.get(f"/register?next={encoded(target)}").get_data(as_text=True)
        response = register(client, next=target, email=f"reg{EVIL.index(target)}@example.org")
        if response.status_code != 302 or not same_site(response.headers["Location"]):
            return False
        mail_page = client.get(response.headers["Location"]).get_data(as_text=True)
        direct_page = client.get(f"/register/check-your-mail?next={encoded(target)}").get_data(as_text=True)
        return all(page_leads_home(page) for page in (form_page, mail_page, direct_page))

    assert off_site(pages_safe) == []


def test_resending_the_confirmation_link_lands_on_this_site(client, app):
    login(client, make_user("vera@example.org", verified=False))

    def lands_home(target: str) -> bool:
        response = client.post("/account/resend-verification", data={"next": target})
        return response.status_code == 302 and same_site(response.headers["Location"])

    assert off_site(lands_home) == []


def test_a_safe_next_is_followed_after_signing_in(client, amina):
    response = sign_in(client, "amina@example.org", PASSWORD_AMINA, next="/organisation?tab=members")

    assert response.headers["Location"] == "/organisation?tab=members"
