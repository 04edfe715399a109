"""A forgotten password (reset through a mailed link) and a password change from the account page."""

from __future__ import annotations

from judging.accounts.passwords import verify_password
from judging.extensions import db
from tests.accounts.helpers import BASE_URL, link_path, mails_to, move_clock, sign_in, text
from tests.factories import PASSWORD, links_in, login, make_user

NEW_PASSWORD = "a brand new passphrase"
SAME_MESSAGE = "If an account exists for this address, we have sent it a link to choose a new password."


def test_asking_for_a_reset_says_the_same_whether_or_not_the_address_has_an_account(client, world, outbox):
    known = client.post("/password/forgot", data={"email": "a@alpha.example"}, follow_redirects=True)
    unknown = client.post("/password/forgot", data={"email": "nobody@alpha.example"}, follow_redirects=True)

    assert SAME_MESSAGE in text(known)
    assert SAME_MESSAGE in text(unknown)
    assert [message["To"] for message in outbox()] == ["a@alpha.example"]


def test_reset_links_are_built_from_the_base_url_never_the_request_host(client, world, outbox):
    client.post(
        "/password/forgot",
        data={"email": "a@alpha.example"},
        headers={"Host": "evil.example", "X-Forwarded-Host": "evil.example"},
    )

    (message,) = outbox()
    (link,) = links_in(message)
    assert link.startswith(BASE_URL + "/password/reset/")
    assert "evil.example" not in message.as_string()


def test_resetting_the_password_signs_in_here_and_ends_every_other_session(app, world, outbox):
    other_device = app.test_client()
    sign_in(other_device, "a@alpha.example", PASSWORD)
    client = app.test_client()
    client.post("/password/forgot", data={"email": "a@alpha.example"})
    path = link_path(outbox()[0])

    assert "Choose a new password" in text(client.get(path))
    response = client.post(
        path, data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD}, follow_redirects=True
    )

    assert "Your new password is saved. You are signed in." in text(response)
    assert client.get("/account").status_code == 200
    assert other_device.get("/account").status_code == 302
    db.session.refresh(world.entrant_a)
    assert verify_password(world.entrant_a.password_hash, NEW_PASSWORD)
    assert "Your password on judging was changed" in outbox()[-1]["Subject"]


def test_a_reset_link_works_once(client, world, outbox):
    client.post("/password/forgot", data={"email": "a@alpha.example"})
    path = link_path(outbox()[0])
    client.post(path, data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})

    response = client.get(path)

    assert response.status_code == 400
    assert "This link has already been used." in text(response)
    assert 'href="/password/forgot"' in text(response)


def test_an_expired_reset_link_is_refused_and_the_password_stays(client, world, outbox, monkeypatch):
    client.post("/password/forgot", data={"email": "a@alpha.example"})
    path = link_path(outbox()[0])
    move_clock(monkeypatch, 3600 + 60)

    response = client.post(path, data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})

    assert response.status_code == 400
    assert "This link has expired." in text(response)
    db.session.refresh(world.entrant_a)
    assert verify_password(world.entrant_a.password_hash, PASSWORD)


def test_a_short_new_password_is_explained_and_nothing_changes(client, world, outbox):
    client.post("/password/forgot", data={"email": "a@alpha.example"})
    path = link_path(outbox()[0])

    response = client.post(path, data={"password": "too short", "confirm": "too short"})

    assert response.status_code == 200
    assert "Use at least 10 characters." in text(response)
    db.session.refresh(world.entrant_a)
    assert verify_password(world.entrant_a.password_hash, PASSWORD)


def test_a_reset_confirms_an_unconfirmed_address(client, outbox):
    user = make_user("new@example.org", verified=False)
    client.post("/password/forgot", data={"email": "new@example.org"})

    client.post(link_path(outbox()[0]), data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})

    db.session.refresh(user)
    assert user.is_verified


def test_changing_the_password_needs_the_current_one(client, world, outbox):
    login(client, world.entrant_a)

    response = client.post(
        "/account/password",
        data={"current_password": "a wrong guess", "new_password": NEW_PASSWORD, "confirm": NEW_PASSWORD},
    )

    assert response.status_code == 200
    assert "Your current password is not correct." in text(response)
    db.session.refresh(world.entrant_a)
    assert verify_password(world.entrant_a.password_hash, PASSWORD)
    assert outbox() == []


def test_changing_the_password_keeps_this_session_and_ends_the_others(app, world, outbox):
    here, elsewhere = app.test_client(), app.test_client()
    sign_in(here, "a@alpha.example", PASSWORD)
    sign_in(elsewhere, "a@alpha.example", PASSWORD)

    response = here.post(
        "/account/password",
        data={"current_password": PASSWORD, "new_password": NEW_PASSWORD, "confirm": NEW_PASSWORD},
        follow_redirects=True,
    )

    assert "You have been signed out everywhere else." in text(response)
    assert here.get("/account").status_code == 200
    assert elsewhere.get("/account").status_code == 302
    (notice,) = mails_to(outbox(), "a@alpha.example")
    assert "was changed" in notice["Subject"]


def test_a_new_password_must_be_long_enough_and_repeated(client, world):
    login(client, world.entrant_a)

    response = client.post(
        "/account/password",
        data={"current_password": PASSWORD, "new_password": "short", "confirm": "different"},
    )

    page = text(response)
    assert "Use at least 10 characters." in page
    assert "The passwords differ." in page


def test_reset_mail_built_outside_a_request_still_links_to_the_base_url(app, world, outbox):
    from judging.accounts.services import request_password_reset

    request_password_reset("a@alpha.example")  # as a CLI command would, with no request at all

    (link,) = links_in(outbox()[0])
    assert link.startswith(BASE_URL + "/password/reset/")
