"""Registering, confirming the address through the mailed link, and the journey to a shared organisation."""

from __future__ import annotations

from sqlalchemy import select

from judging import permissions
from judging.accounts.models import Organisation, User, user_by_email
from judging.extensions import db
from tests.accounts.helpers import link_path, mails_to, move_clock, register, sign_in, text
from tests.factories import login, mail_body, make_user


def test_new_user_registers_verifies_creates_organisation_and_a_colleague_joins(app, client, outbox):
    response = register(client, name="Wanjiru Kamau", email="Wanjiru@Example.org")
    assert response.status_code == 302
    page = text(client.get(response.headers["Location"]))
    assert "Check your email" in page

    (verification,) = mails_to(outbox(), "wanjiru@example.org")
    assert "Confirm your email address" in verification["Subject"]
    response = client.get(link_path(verification), follow_redirects=True)
    assert "Thank you: your email address is confirmed." in text(response)
    assert user_by_email("wanjiru@example.org").is_verified
    sign_in(client, "wanjiru@example.org", "a long and happy passphrase")

    assert "Add your organisation" in text(client.get("/organisation"))
    response = client.post(
        "/organisation/new",
        data={
            "name": "Savanna Solar Ltd",
            "country": "KE",
            "website": "https://savanna.example",
            "employees": "14",
            "founded_year": "2018",
            "sector": "clean-energy",
            "description": "Solar kits for rural clinics.",
        },
        follow_redirects=True,
    )
    assert "Savanna Solar Ltd is saved." in text(response)

    response = client.post(
        "/organisation/invite", data={"email": "otieno@example.org"}, follow_redirects=True
    )
    assert "We have sent an invitation to otieno@example.org." in text(response)
    (invitation,) = mails_to(outbox(), "otieno@example.org")
    assert "Wanjiru Kamau invites you to join Savanna Solar Ltd" in invitation["Subject"]
    join_path = link_path(invitation)

    colleague = app.test_client()
    page = text(colleague.get(join_path))
    assert "Wanjiru Kamau invited otieno@example.org to join Savanna Solar Ltd" in page
    assert f'href="/register?next={join_path}"' in page
    response = register(colleague, name="Otieno Odhiambo", email="otieno@example.org", next=join_path)
    continue_page = text(colleague.get(response.headers["Location"]))
    assert f'href="/login?next={join_path}"' in continue_page
    response = sign_in(colleague, "otieno@example.org", "a long and happy passphrase", next=join_path)
    assert response.headers["Location"] == join_path
    response = colleague.post(join_path, follow_redirects=True)
    assert "Welcome to Savanna Solar Ltd." in text(response)

    organisation = db.session.scalar(select(Organisation).where(Organisation.name == "Savanna Solar Ltd"))
    assert [member.name for member in organisation.members] == ["Otieno Odhiambo", "Wanjiru Kamau"]
    # The invitation went to this very address, so joining through it confirmed the address as well.
    assert user_by_email("otieno@example.org").is_verified


def test_registration_leaves_the_visitor_signed_out_and_unverified_and_they_cannot_enter_yet(
    client, world, outbox
):
    register(client)
    assert client.get("/account").status_code == 302  # signed out, as after registering a taken address
    sign_in(client, "wanjiru@example.org", "a long and happy passphrase")

    user = user_by_email("wanjiru@example.org")
    assert user.is_verified is False
    assert user.country == "KE" and user.language == "en" and user.name == "Wanjiru Kamau"
    assert user.password_hash.startswith("$argon2id$")
    page = text(client.get("/account"))
    assert "not confirmed" in page
    assert "Send me a new link" in page
    user.organisation = world.organisation_a
    assert permissions.can_enter(world.challenge, user) is False


def test_registering_a_taken_address_shows_the_same_page_and_warns_its_holder(client, world, outbox):
    response = register(client, email="A@Alpha.example", name="Someone Else")

    assert response.status_code == 302
    assert response.headers["Location"] == "/register/check-your-mail"
    assert "Check your email" in text(client.get(response.headers["Location"]))
    assert db.session.scalar(select(User).where(User.name == "Someone Else")) is None
    (note,) = outbox()
    assert note["To"] == "a@alpha.example"
    assert "Someone tried to register with your address" in note["Subject"]
    assert "https://judging.example.org/password/forgot" in mail_body(note)
    assert client.get("/account").status_code == 302  # nobody is signed in to the existing account


def test_registration_form_keeps_what_was_typed_and_explains_each_problem(client, outbox):
    response = register(client, name="Ana Lima", email="ana@", password="short", confirm="other")

    page = text(response)
    assert response.status_code == 200
    assert 'value="Ana Lima"' in page
    assert 'value="ana@"' in page
    assert "Enter a valid email address, such as name@example.org." in page
    assert "Use at least 10 characters." in page
    assert "The passwords differ." in page
    assert '<option selected value="KE">' in page
    assert db.session.scalar(select(User)) is None
    assert outbox() == []


def test_registration_accepts_a_long_passphrase(client):
    passphrase = "correct horse battery staple " * 30

    register(client, password=passphrase)
    client.post("/logout")

    response = sign_in(client, "wanjiru@example.org", passphrase)
    assert response.status_code == 302


def test_registration_refuses_a_passphrase_beyond_1024_characters(client):
    response = register(client, password="x" * 1025)

    assert "Use at most 1024 characters." in text(response)


def test_a_used_confirmation_link_is_refused(client, outbox):
    register(client)
    login(client, user_by_email("wanjiru@example.org"))
    path = link_path(outbox()[0])
    client.get(path)

    response = client.get(path)

    assert response.status_code == 400
    page = text(response)
    assert "This link has already been used." in page
    assert "Your email address is already confirmed" in page


def test_an_expired_confirmation_link_is_refused_with_a_way_to_get_a_new_one(client, outbox, monkeypatch):
    register(client)
    login(client, user_by_email("wanjiru@example.org"))
    path = link_path(outbox()[0])
    move_clock(monkeypatch, 3 * 24 * 3600 + 60)

    response = client.get(path)

    assert response.status_code == 400
    assert "This link has expired." in text(response)
    assert 'action="/account/resend-verification"' in text(response)
    assert user_by_email("wanjiru@example.org").is_verified is False


def test_a_tampered_confirmation_link_is_refused(client, outbox):
    register(client)
    path = link_path(outbox()[0])

    response = client.get(path[:-3] + "abc")

    assert response.status_code == 400
    assert "This link is not valid." in text(response)
    assert user_by_email("wanjiru@example.org").is_verified is False


def test_asking_again_mails_a_new_confirmation_link_that_works(client, outbox):
    user = make_user("late@example.org", verified=False)
    login(client, user)

    response = client.post("/account/resend-verification", data={"next": "/organisation"})

    assert response.headers["Location"] == "/organisation"
    (message,) = outbox()
    assert message["To"] == "late@example.org"
    client.get(link_path(message))
    assert user_by_email("late@example.org").is_verified


def test_asking_for_a_link_when_already_confirmed_sends_nothing(client, world, outbox):
    login(client, world.entrant_a)

    response = client.post("/account/resend-verification", follow_redirects=True)

    assert "Your email address is already confirmed." in text(response)
    assert outbox() == []


def test_registering_while_the_mail_server_is_down_keeps_the_account_and_the_link_can_be_resent(
    app, client, outbox, monkeypatch
):
    from tests.ops.faults_kit import free_port

    monkeypatch.setitem(app.config, "MAIL_SERVER", "127.0.0.1")
    monkeypatch.setitem(app.config, "MAIL_PORT", free_port())  # nothing listens there
    response = register(client, email="amara@example.org")

    assert response.status_code == 302  # "check your mail", not an error page
    assert user_by_email("amara@example.org") is not None
    assert outbox() == []

    monkeypatch.delitem(app.config, "MAIL_SERVER")  # the server is back: the outbox stands in for it
    sign_in(client, "amara@example.org", "a long and happy passphrase")
    client.post("/account/resend-verification")
    (verification,) = mails_to(outbox(), "amara@example.org")
    assert "Confirm your email address" in verification["Subject"]
