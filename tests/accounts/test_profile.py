"""The account page: profile details, and changing the email address through a confirmation link."""

from __future__ import annotations

from judging.accounts.models import user_by_email
from judging.extensions import db
from tests.accounts.helpers import link_path, mails_to, move_clock, text
from tests.factories import PASSWORD, login, mail_body, make_user


def test_the_profile_saves_name_country_language_and_time_zone(client, world):
    login(client, world.entrant_a)

    response = client.post(
        "/account",
        data={"name": "Amina A. Alpha", "country": "TZ", "language": "fr", "timezone": "Africa/Nairobi"},
        follow_redirects=True,
    )

    assert response.status_code == 200
    db.session.refresh(world.entrant_a)
    assert (world.entrant_a.name, world.entrant_a.country) == ("Amina A. Alpha", "TZ")
    assert (world.entrant_a.language, world.entrant_a.timezone) == ("fr", "Africa/Nairobi")
    page = text(response)
    assert '<html lang="fr"' in page
    assert '<option selected value="Africa/Nairobi">' in page


def test_the_time_zone_may_be_left_to_the_browser(client, world):
    world.entrant_a.timezone = "Europe/Paris"
    db.session.commit()
    login(client, world.entrant_a)

    client.post("/account", data={"name": "Amina Alpha", "country": "KE", "language": "en", "timezone": ""})

    db.session.refresh(world.entrant_a)
    assert world.entrant_a.timezone is None


def test_the_profile_form_explains_problems_and_keeps_what_was_typed(client, world):
    login(client, world.entrant_a)

    response = client.post(
        "/account", data={"name": "", "country": "XX", "language": "tlh", "timezone": "Mars/Olympus"}
    )

    page = text(response)
    assert response.status_code == 200
    assert "Enter your name." in page
    assert "Choose a country from the list." in page
    assert "Choose a language from the list." in page
    assert "Choose a time zone from the list." in page
    assert '<option selected value="XX">' not in page
    db.session.refresh(world.entrant_a)
    assert world.entrant_a.name == "Amina Alpha"


def test_changing_the_email_address_needs_the_password(client, world, outbox):
    login(client, world.entrant_a)

    response = client.post("/account/email", data={"email": "amina@new.example", "password": "not it at all"})

    assert response.status_code == 200
    assert "Your password is not correct." in text(response)
    assert 'value="amina@new.example"' in text(response)
    assert outbox() == []


def test_a_new_address_is_used_only_once_its_link_is_followed(client, world, outbox):
    login(client, world.entrant_a)

    response = client.post(
        "/account/email", data={"email": "Amina@New.example", "password": PASSWORD}, follow_redirects=True
    )

    assert "We have sent a link to amina@new.example." in text(response)
    db.session.refresh(world.entrant_a)
    assert world.entrant_a.email == "a@alpha.example"
    (confirmation,) = mails_to(outbox(), "amina@new.example")

    response = client.get(link_path(confirmation), follow_redirects=True)

    assert "Your email address is now amina@new.example." in text(response)
    db.session.refresh(world.entrant_a)
    assert world.entrant_a.email == "amina@new.example"
    (notice,) = mails_to(outbox(), "a@alpha.example")
    assert "amina@new.example" in mail_body(notice)


def test_an_address_change_link_works_once(client, world, outbox):
    login(client, world.entrant_a)
    client.post("/account/email", data={"email": "amina@new.example", "password": PASSWORD})
    path = link_path(outbox()[0])
    client.get(path)

    response = client.get(path)

    assert response.status_code == 400
    assert "This link has already been used." in text(response)


def test_an_expired_address_change_link_changes_nothing(client, world, outbox, monkeypatch):
    login(client, world.entrant_a)
    client.post("/account/email", data={"email": "amina@new.example", "password": PASSWORD})
    move_clock(monkeypatch, 4 * 24 * 3600)

    response = client.get(link_path(outbox()[0]))

    assert response.status_code == 400
    assert "This link has expired." in text(response)
    assert user_by_email("a@alpha.example") is not None


def test_an_address_used_by_another_account_is_refused(client, world, outbox):
    login(client, world.entrant_a)

    response = client.post("/account/email", data={"email": "B@beta.example", "password": PASSWORD})

    assert "This address cannot be used. Please choose another one." in text(response)
    assert outbox() == []


def test_an_address_taken_between_request_and_confirmation_is_refused(client, world, outbox):
    login(client, world.entrant_a)
    client.post("/account/email", data={"email": "amina@new.example", "password": PASSWORD})
    make_user("amina@new.example")

    response = client.get(link_path(outbox()[0]))

    assert response.status_code == 400
    assert "This address is now used by another account." in text(response)
    db.session.refresh(world.entrant_a)
    assert world.entrant_a.email == "a@alpha.example"
