"""Two-factor sign-in: setting it up from the profile, the second sign-in step, recovery codes, turning it
off, and the requirement for organisers and administrators."""

from __future__ import annotations

import re
import time

import pyotp
import pytest

from judging import security
from judging.accounts import two_factor
from judging.accounts.two_factor_views import PENDING_SECONDS
from judging.database import utcnow
from judging.extensions import db
from tests.access.rules import LOGIN
from tests.accounts.helpers import link_path, mails_to, sign_in, text
from tests.factories import PASSWORD, login, mail_body

NOT_CORRECT = "This code is not correct."
ALREADY_USED = "This code has already been used. Wait for the next code from your app."
EXPIRED = "This sign-in has expired. Please sign in again with your email address and password."


def turn_on(user) -> tuple[pyotp.TOTP, list[str]]:
    """Give ``user`` two-factor sign-in directly (no code accepted yet); the app and the recovery codes."""
    secret = pyotp.random_base32()
    codes = two_factor.new_recovery_codes()
    user.totp_secret = secret
    user.two_factor_enabled_at = utcnow()
    user.recovery_codes = [two_factor.hash_code(code) for code in codes]
    db.session.commit()
    return pyotp.TOTP(secret), codes


def next_code(totp: pyotp.TOTP) -> str:
    """The code of the next time step: still accepted (clock drift), and later than any used so far."""
    return totp.at(time.time() + two_factor.STEP_SECONDS)


def setup_secret(page: str) -> str:
    return re.search(r'<code class="secret"[^>]*>([^<]+)</code>', page).group(1).replace(" ", "")


def shown_codes(page: str) -> list[str]:
    return re.search(r'<pre class="recovery-codes"[^>]*>([^<]+)</pre>', page).group(1).split()


def enrol(client) -> tuple[pyotp.TOTP, list[str]]:
    """Set two-factor sign-in up through the pages, as a user does; the app and the codes shown."""
    totp = pyotp.TOTP(setup_secret(text(client.get("/account/two-factor/setup"))))
    response = client.post("/account/two-factor/setup", data={"code": totp.now(), "password": PASSWORD})
    assert response.status_code == 200
    return totp, shown_codes(text(response))


# Setting it up -------------------------------------------------------------------------------------------


def test_setting_up_with_a_correct_code_turns_it_on_and_shows_ten_codes_once(client, world, outbox):
    login(client, world.entrant_a)
    setup = text(client.get("/account/two-factor/setup"))
    secret = setup_secret(setup)

    response = client.post(
        "/account/two-factor/setup", data={"code": pyotp.TOTP(secret).now(), "password": PASSWORD}
    )

    page = text(response)
    assert "Two-factor sign-in is on." in page
    assert "Save these codes now: this is the only time they are shown." in page
    codes = shown_codes(page)
    assert len(codes) == 10
    assert len(set(codes)) == 10
    assert 'download="judging-recovery-codes.txt"' in page
    assert "<svg" in setup
    db.session.refresh(world.entrant_a)
    assert world.entrant_a.has_two_factor
    assert world.entrant_a.totp_secret == secret
    assert not any(code in str(world.entrant_a.recovery_codes) for code in codes)
    status = text(client.get("/account/two-factor"))
    assert "Recovery codes left" in status
    assert not any(code in status for code in codes)
    assert [m["Subject"] for m in mails_to(outbox(), "a@alpha.example")] == [
        "Two-factor sign-in is on for your account on judging"
    ]


def test_the_set_up_secret_stays_the_same_across_pages_and_never_enters_the_session_cookie(client, world):
    login(client, world.entrant_a)

    first = setup_secret(text(client.get("/account/two-factor/setup")))
    again = setup_secret(text(client.get("/account/two-factor/setup")))

    assert first == again
    with client.session_transaction() as session:
        assert first not in str(dict(session))


def test_setting_up_with_a_wrong_code_is_refused_with_a_message(client, world):
    login(client, world.entrant_a)
    secret = setup_secret(text(client.get("/account/two-factor/setup")))
    wrong = "000000" if pyotp.TOTP(secret).now() != "000000" else "111111"

    response = client.post("/account/two-factor/setup", data={"code": wrong, "password": PASSWORD})

    page = text(response)
    assert response.status_code == 200
    assert "This code is not correct. Check that your phone's clock is right" in page
    assert setup_secret(page) == secret
    assert f'value="{wrong}"' not in page
    db.session.refresh(world.entrant_a)
    assert not world.entrant_a.has_two_factor


def test_setting_up_needs_the_password(client, world):
    login(client, world.entrant_a)
    secret = setup_secret(text(client.get("/account/two-factor/setup")))

    response = client.post(
        "/account/two-factor/setup", data={"code": pyotp.TOTP(secret).now(), "password": "not my password"}
    )

    assert "Your password is not correct." in text(response)
    db.session.refresh(world.entrant_a)
    assert not world.entrant_a.has_two_factor


def test_setting_up_signs_out_other_sessions_but_keeps_this_one(app, client, world):
    other_device = app.test_client()
    sign_in(other_device, "a@alpha.example", PASSWORD)
    sign_in(client, "a@alpha.example", PASSWORD)

    enrol(client)

    assert client.get("/account").status_code == 200
    assert other_device.get("/account").status_code == 302


# Signing in ----------------------------------------------------------------------------------------------


def test_signing_in_asks_for_a_code_after_the_password(client, world):
    totp, _codes = turn_on(world.entrant_a)

    response = sign_in(client, "a@alpha.example", PASSWORD, next="/organisation")

    assert response.headers["Location"] == "/login/two-factor"
    assert client.get("/account").status_code == 302
    page = text(client.get("/login/two-factor"))
    assert "enter the 6-digit code it shows" in page
    finished = client.post("/login/two-factor", data={"code": next_code(totp)})
    assert finished.headers["Location"] == "/organisation"
    assert client.get("/account").status_code == 200


def test_a_wrong_code_at_sign_in_is_refused_on_the_same_page(client, world):
    totp, _codes = turn_on(world.entrant_a)
    sign_in(client, "a@alpha.example", PASSWORD)

    response = client.post("/login/two-factor", data={"code": "12345x"})

    assert response.status_code == 200
    assert NOT_CORRECT in text(response)
    assert client.get("/account").status_code == 302
    assert client.post("/login/two-factor", data={"code": next_code(totp)}).status_code == 302


def test_a_code_is_accepted_once_only(app, client, world):
    totp, _codes = turn_on(world.entrant_a)
    code = next_code(totp)
    sign_in(client, "a@alpha.example", PASSWORD)
    assert client.post("/login/two-factor", data={"code": code}).status_code == 302

    other_device = app.test_client()
    sign_in(other_device, "a@alpha.example", PASSWORD)
    replay = other_device.post("/login/two-factor", data={"code": code})

    assert replay.status_code == 200
    assert ALREADY_USED in text(replay)
    assert other_device.get("/account").status_code == 302


def test_a_recovery_code_signs_in_once(app, client, world, outbox):
    _totp, codes = turn_on(world.entrant_a)
    sign_in(client, "a@alpha.example", PASSWORD)

    response = client.post("/login/two-factor", data={"code": codes[3].upper().replace("-", " ")})

    assert response.status_code == 302
    assert "Recovery codes left: 9." in text(client.get("/account"))
    assert "Someone just signed in to your account with a recovery code." in mail_body(outbox()[-1])
    other_device = app.test_client()
    sign_in(other_device, "a@alpha.example", PASSWORD)
    again = other_device.post("/login/two-factor", data={"code": codes[3]})
    assert NOT_CORRECT in text(again)
    assert other_device.get("/account").status_code == 302


def test_the_second_step_expires_after_five_minutes(client, world, monkeypatch):
    totp, _codes = turn_on(world.entrant_a)
    sign_in(client, "a@alpha.example", PASSWORD)
    later = security.now() + PENDING_SECONDS + 1
    monkeypatch.setattr(security, "now", lambda: later)

    response = client.post("/login/two-factor", data={"code": next_code(totp)})

    assert response.status_code == 200
    assert EXPIRED in text(response)
    assert client.get("/account").status_code == 302
    # The pending step is gone: the page now asks to start from the password again.
    assert client.get("/login/two-factor").headers["Location"] == "/login"


def test_wrong_codes_are_limited_per_pending_user(app, client, world, monkeypatch):
    monkeypatch.setitem(app.config, "TWO_FACTOR_LIMIT", "3 per 15 minutes")
    totp, _codes = turn_on(world.entrant_a)
    sign_in(client, "a@alpha.example", PASSWORD)
    for _ in range(3):
        assert client.post("/login/two-factor", data={"code": "000000"}).status_code == 200

    blocked = client.post("/login/two-factor", data={"code": next_code(totp)})

    assert blocked.status_code == 429
    assert "Too many attempts. Please wait a few minutes and try again." in text(blocked)
    # A fresh browser that passes the password step is held by the same limit.
    other_device = app.test_client()
    sign_in(other_device, "a@alpha.example", PASSWORD)
    assert other_device.post("/login/two-factor", data={"code": next_code(totp)}).status_code == 429
    # Another user is not affected.
    totp_b, _codes_b = turn_on(world.entrant_b)
    third = app.test_client()
    sign_in(third, "b@beta.example", PASSWORD)
    assert third.post("/login/two-factor", data={"code": next_code(totp_b)}).status_code == 302


def test_a_wrong_password_never_reaches_the_second_step(client, world):
    turn_on(world.entrant_a)

    response = sign_in(client, "a@alpha.example", "not my password")

    assert "The email address or password is not correct." in text(response)
    second = client.get("/login/two-factor")
    assert second.headers["Location"] == "/login"
    assert client.post("/login/two-factor", data={"code": "123456"}).headers["Location"] == "/login"


def _signed_in_pages():
    """The first page of each blueprint that only signed-in users may open (one world per test is slow)."""
    from tests.test_access import RULES

    first: dict[str, object] = {}
    for rule in RULES:
        if rule.method == "GET" and rule.expect["anonymous"] == LOGIN:
            first.setdefault(rule.endpoint.split(".")[0], rule)
    return list(first.values())


@pytest.mark.parametrize("rule", _signed_in_pages(), ids=lambda rule: f"{rule.endpoint}{rule.note}")
def test_a_password_only_session_cannot_open_a_signed_in_page(client, world, rule):
    turn_on(world.admin)
    sign_in(client, "admin@example.org", PASSWORD)

    response = client.get(rule.url(world))

    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login?")
    with client.session_transaction() as session:
        assert "_user_id" not in session


def test_a_password_only_session_can_still_finish_signing_in(client, world):
    totp, _codes = turn_on(world.admin)
    sign_in(client, "admin@example.org", PASSWORD)
    assert client.get("/account").headers["Location"].startswith("/login?")

    assert client.post("/login/two-factor", data={"code": next_code(totp)}).status_code == 302
    assert client.get("/account").status_code == 200


def test_a_password_reset_still_asks_for_the_code(client, world, outbox):
    totp, _codes = turn_on(world.entrant_a)
    client.post("/password/forgot", data={"email": "a@alpha.example"})
    path = link_path(outbox()[-1])

    response = client.post(
        path, data={"password": "a brand new passphrase", "confirm": "a brand new passphrase"}
    )

    assert response.headers["Location"] == "/login/two-factor"
    assert client.get("/account").status_code == 302
    assert client.post("/login/two-factor", data={"code": next_code(totp)}).status_code == 302
    assert client.get("/account").status_code == 200


# Turning it off and new recovery codes -------------------------------------------------------------------


def test_turning_it_off_needs_the_password_and_a_code(app, client, world, outbox):
    _totp, codes = enrol(login(client, world.entrant_a))
    db.session.refresh(world.entrant_a)
    other_device = login(app.test_client(), world.entrant_a)

    wrong = client.post("/account/two-factor/disable", data={"off-password": PASSWORD, "off-code": "000000"})
    assert NOT_CORRECT in text(wrong)
    response = client.post(
        "/account/two-factor/disable", data={"off-password": PASSWORD, "off-code": codes[0]}
    )

    assert response.headers["Location"] == "/account/two-factor"
    assert "Two-factor sign-in is off." in text(client.get("/account/two-factor"))
    db.session.refresh(world.entrant_a)
    assert not world.entrant_a.has_two_factor
    assert world.entrant_a.recovery_codes == []
    assert other_device.get("/account").status_code == 302
    assert outbox()[-1]["Subject"] == "Two-factor sign-in is off for your account on judging"
    client.post("/logout")
    assert sign_in(client, "a@alpha.example", PASSWORD).headers["Location"] == "/entries/"


def test_turning_it_off_with_a_wrong_password_keeps_it_on(client, world):
    totp, _codes = turn_on(world.entrant_a)
    login(client, world.entrant_a)

    response = client.post(
        "/account/two-factor/disable", data={"off-password": "not my password", "off-code": next_code(totp)}
    )

    assert "Your password is not correct." in text(response)
    db.session.refresh(world.entrant_a)
    assert world.entrant_a.has_two_factor


def test_new_recovery_codes_replace_the_old_ones(client, world):
    totp, old_codes = turn_on(world.entrant_a)
    login(client, world.entrant_a)

    refused = client.post("/account/two-factor/recovery-codes", data={"codes-code": old_codes[0]})
    assert NOT_CORRECT in text(refused)
    response = client.post("/account/two-factor/recovery-codes", data={"codes-code": next_code(totp)})

    page = text(response)
    assert "Your new recovery codes are ready: the old ones no longer work." in page
    new_codes = shown_codes(page)
    assert len(new_codes) == 10
    assert set(new_codes).isdisjoint(old_codes)
    client.post("/logout")
    sign_in(client, "a@alpha.example", PASSWORD)
    assert NOT_CORRECT in text(client.post("/login/two-factor", data={"code": old_codes[1]}))
    assert client.post("/login/two-factor", data={"code": new_codes[1]}).status_code == 302


# Required for staff --------------------------------------------------------------------------------------


@pytest.fixture
def required(app, monkeypatch):
    monkeypatch.setitem(app.config, "TWO_FACTOR_REQUIRED_FOR_STAFF", True)


@pytest.mark.usefixtures("required")
def test_the_requirement_sends_an_organiser_to_set_it_up_from_every_page(client, world):
    login(client, world.organiser)

    response = client.get("/entries/")
    post = client.post("/account", data={"name": "Renamed", "language": "en"})

    assert response.headers["Location"] == "/account/two-factor/setup"
    assert post.headers["Location"] == "/account/two-factor/setup"
    page = text(client.get("/account/two-factor/setup"))
    assert "Organisers and administrators must use two-factor sign-in on this platform." in page
    db.session.refresh(world.organiser)
    assert world.organiser.name == "Olu Organiser"
    assert client.get("/healthz").status_code == 200
    assert client.post("/logout").headers["Location"] == "/"


@pytest.mark.usefixtures("required")
def test_the_requirement_lets_staff_in_once_it_is_on_and_keeps_it_on(client, world):
    login(client, world.admin)
    assert client.get("/account").headers["Location"] == "/account/two-factor/setup"

    _totp, codes = enrol(client)

    assert client.get("/account").status_code == 200
    assert "it cannot be turned off" in text(client.get("/account/two-factor"))
    refused = client.post(
        "/account/two-factor/disable", data={"off-password": PASSWORD, "off-code": codes[0]}
    )
    assert "it cannot be turned off" in text(refused)
    db.session.refresh(world.admin)
    assert world.admin.has_two_factor


@pytest.mark.usefixtures("required")
def test_the_requirement_leaves_entrants_and_judges_alone(client, world):
    login(client, world.entrant_a)
    assert client.get("/entries/").status_code == 200
    login(client, world.judge)
    assert client.get("/account").status_code == 200


def test_without_the_setting_organisers_are_not_asked(client, world):
    login(client, world.organiser)

    assert client.get("/account").status_code == 200
