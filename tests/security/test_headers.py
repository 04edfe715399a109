"""Security headers on every kind of response, HSTS over HTTPS only, no-store for signed-in users,
and session cookies marked Secure when the site's address is https://."""

from __future__ import annotations

import pytest

from judging import create_app
from judging.security import CONTENT_SECURITY_POLICY
from tests.accounts.helpers import sign_in
from tests.factories import PASSWORD, login

BROWSER_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=()",
}


def assert_protected(response) -> None:
    for name, value in BROWSER_HEADERS.items():
        assert response.headers.get(name) == value, name


def test_public_page_has_the_headers_and_may_be_cached(client, world):
    response = client.get("/")

    assert response.status_code == 200
    assert_protected(response)
    assert "no-store" not in response.headers.get("Cache-Control", "")


def test_signed_in_page_has_the_headers_and_is_never_stored(client, world):
    response = login(client, world.entrant_a).get("/account")

    assert response.status_code == 200
    assert_protected(response)
    assert response.headers["Cache-Control"] == "no-store"


def test_missing_page_has_the_headers(client, world):
    response = client.get("/no-such-page")

    assert response.status_code == 404
    assert_protected(response)


def test_redirect_has_the_headers(client, world):
    response = client.get("/account")  # nobody signed in: off to the sign-in page

    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login")
    assert_protected(response)


def test_static_file_keeps_its_caching_for_a_signed_in_user(client, world):
    response = login(client, world.entrant_a).get("/static/css/main.css")
    response.close()

    assert response.status_code == 200
    assert_protected(response)
    assert "no-store" not in response.headers.get("Cache-Control", "")


def test_view_headers_win_over_the_defaults(client, world):
    response = client.get("/password/reset/not-a-real-token")  # mailed-link pages never pass the link on

    assert response.headers["Referrer-Policy"] == "no-referrer"
    assert response.headers["X-Frame-Options"] == "DENY"


def test_hsts_only_over_https(client, world):
    secure = client.get("/", base_url="https://localhost")
    plain = client.get("/")

    assert secure.headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"
    assert "Strict-Transport-Security" not in plain.headers


def test_content_security_policy_allows_no_inline_script(client, world):
    policy = dict(
        part.strip().split(" ", 1) for part in client.get("/").headers["Content-Security-Policy"].split(";")
    )

    assert policy["script-src"] == "'self'"
    assert "'unsafe-inline'" not in policy["script-src"]
    assert policy["object-src"] == "'none'"
    assert policy["frame-ancestors"] == "'none'"


def session_cookie(response) -> str:
    (cookie,) = [c for c in response.headers.getlist("Set-Cookie") if c.startswith("session=")]
    return cookie


def test_session_cookie_from_the_sign_in_form_is_secure_httponly_and_lax(app, client, world):
    assert app.config["BASE_URL"].startswith("https://")

    response = sign_in(client, "a@alpha.example", PASSWORD)

    assert response.status_code == 302
    attributes = [part.strip() for part in session_cookie(response).split(";")]
    assert "Secure" in attributes
    assert "HttpOnly" in attributes
    assert "SameSite=Lax" in attributes


@pytest.mark.parametrize(
    ("settings", "secure"),
    [
        ({"BASE_URL": "https://awards.example.org"}, True),
        ({"BASE_URL": "http://127.0.0.1:5000"}, False),
        ({"BASE_URL": "https://awards.example.org", "SESSION_COOKIE_SECURE": False}, False),
        ({"BASE_URL": "http://127.0.0.1:5000", "SESSION_COOKIE_SECURE": True}, True),
    ],
)
def test_secure_cookies_follow_the_base_url_unless_set(tmp_path, settings, secure):
    app = create_app({"SECRET_KEY": "x", "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}", **settings})

    assert app.config["SESSION_COOKIE_SECURE"] is secure
    assert app.config["REMEMBER_COOKIE_SECURE"] is settings["BASE_URL"].startswith("https://")
