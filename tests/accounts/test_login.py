"""Signing in and out: one message for every failure, safe redirects, rate limits, CSRF."""

from __future__ import annotations

import pytest
from argon2 import PasswordHasher

from judging.accounts.views import safe_next
from judging.extensions import db
from tests.accounts.helpers import register, sign_in, text
from tests.factories import PASSWORD, login, make_user

WRONG = "The email address or password is not correct."


def test_signing_in_records_the_time_and_leads_to_the_entries(client, world):
    response = sign_in(client, "A@alpha.example ", PASSWORD)

    assert response.status_code == 302
    assert response.headers["Location"] == "/entries/"
    db.session.refresh(world.entrant_a)
    assert world.entrant_a.last_login_at is not None
    assert client.get("/account").status_code == 200


def test_a_wrong_password_and_an_unknown_address_get_the_same_message(client, world):
    wrong_password = sign_in(client, "a@alpha.example", "not my password")
    unknown_address = sign_in(client, "nobody@alpha.example", "not my password")

    assert wrong_password.status_code == unknown_address.status_code == 200
    assert WRONG in text(wrong_password)
    assert WRONG in text(unknown_address)
    assert 'value="a@alpha.example"' in text(wrong_password)
    assert client.get("/account").status_code == 302


def test_signing_in_upgrades_an_outdated_password_hash(client):
    weak = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1).hash("an old but long password")
    user = make_user("old@example.org")
    user.password_hash = weak
    db.session.commit()

    sign_in(client, "old@example.org", "an old but long password")

    db.session.refresh(user)
    assert user.password_hash != weak
    assert "m=65536" in user.password_hash


def test_signing_in_follows_next_to_a_page_of_this_site(client, world):
    page = text(client.get("/login?next=/organisation"))
    assert 'name="next" type="hidden" value="/organisation"' in page

    response = sign_in(client, "a@alpha.example", PASSWORD, next="/organisation?tab=members")

    assert response.headers["Location"] == "/organisation?tab=members"


UNSAFE_NEXT = [
    "https://evil.example",
    "http://evil.example/login",
    "//evil.example",
    "///evil.example",
    "/\\evil.example",
    "\\/evil",
    "\\\\evil.example",
    "javascript:alert(1)",
    "JavaScript:alert(1)",
    "/\t/evil.example",
    "/\n/evil.example",
    " //evil.example",
    "evil.example",
    "data:text/html,hello",
]


@pytest.mark.parametrize("target", UNSAFE_NEXT)
def test_signing_in_never_leads_off_the_site(client, world, target):
    response = sign_in(client, "a@alpha.example", PASSWORD, next=target)

    assert response.headers["Location"] == "/entries/"


@pytest.mark.parametrize("target", UNSAFE_NEXT)
def test_unsafe_next_values_are_dropped(target):
    assert safe_next(target) is None


def test_next_paths_on_this_site_are_kept_without_control_characters():
    assert safe_next("/challenges/sme-awards") == "/challenges/sme-awards"
    assert safe_next("/entries/?status=draft") == "/entries/?status=draft"
    assert safe_next("/entr\x00ies/") == "/entries/"
    assert safe_next("") is None
    assert safe_next(None) is None


def test_a_signed_in_user_asking_for_the_sign_in_page_goes_to_their_entries(client, world):
    login(client, world.entrant_a)

    response = client.get("/login")

    assert response.headers["Location"] == "/entries/"


def test_signing_out_ends_this_session_only(app, world):
    laptop, phone = app.test_client(), app.test_client()
    sign_in(laptop, "a@alpha.example", PASSWORD)
    sign_in(phone, "a@alpha.example", PASSWORD)

    response = laptop.post("/logout", follow_redirects=True)

    assert "You are signed out." in text(response)
    assert laptop.get("/account").status_code == 302
    assert phone.get("/account").status_code == 200


def test_signing_out_needs_a_post(client, world):
    login(client, world.entrant_a)

    assert client.get("/logout").status_code == 405
    assert client.get("/account").status_code == 200


def test_failed_sign_ins_are_limited_per_account(client, world, app, monkeypatch):
    monkeypatch.setitem(app.config, "LOGIN_LIMIT_PER_ACCOUNT", "3 per 15 minutes")
    for _ in range(3):
        assert sign_in(client, "a@alpha.example", "wrong password").status_code == 200

    blocked = sign_in(client, "A@alpha.example", PASSWORD)

    assert blocked.status_code == 429
    assert "Too many attempts. Please wait a few minutes and try again." in text(blocked)
    # Another account from the same client is not affected by this account's limit.
    assert sign_in(client, "b@beta.example", PASSWORD).status_code == 302


def test_failed_sign_ins_are_limited_per_client_across_accounts(client, world, app, monkeypatch):
    monkeypatch.setitem(app.config, "LOGIN_LIMIT_PER_CLIENT", "4 per 15 minutes")
    for n in range(4):
        sign_in(client, f"guess{n}@example.org", "wrong password")

    assert sign_in(client, "a@alpha.example", PASSWORD).status_code == 429
    other_client = app.test_client()
    response = other_client.post(
        "/login",
        data={"email": "a@alpha.example", "password": PASSWORD},
        environ_base={"REMOTE_ADDR": "192.0.2.7"},
    )
    assert response.status_code == 302


def test_successful_sign_ins_do_not_use_up_the_limit(client, world, app, monkeypatch):
    monkeypatch.setitem(app.config, "LOGIN_LIMIT_PER_ACCOUNT", "2 per 15 minutes")

    for _ in range(4):
        assert sign_in(client, "a@alpha.example", PASSWORD).status_code == 302


def test_registrations_are_limited_per_client(client, app, monkeypatch):
    monkeypatch.setitem(app.config, "REGISTER_LIMIT_PER_CLIENT", "2 per hour")
    register(client, email="one@example.org")
    client.post("/logout")
    register(client, email="two@example.org")
    client.post("/logout")

    response = register(client, email="three@example.org")

    assert response.status_code == 429


def test_password_reset_requests_are_limited_per_address(client, world, app, outbox):
    for _ in range(3):
        assert client.post("/password/forgot", data={"email": "a@alpha.example"}).status_code == 302

    assert client.post("/password/forgot", data={"email": "a@alpha.example"}).status_code == 429
    assert len(outbox()) == 3


def test_a_form_without_its_csrf_token_gets_a_clear_page(client, world, app):
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        page = text(client.get("/login"))
        response = sign_in(client, "a@alpha.example", PASSWORD)
    finally:
        app.config["WTF_CSRF_ENABLED"] = False

    assert 'name="csrf_token"' in page
    assert response.status_code == 400
    assert "This form has expired or did not come from this site, so nothing was saved." in text(response)
    assert client.get("/account").status_code == 302
