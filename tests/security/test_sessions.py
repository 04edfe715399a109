"""Sessions end after SESSION_IDLE_MINUTES without a request or SESSION_ABSOLUTE_HOURS after signing in."""

from __future__ import annotations

from datetime import timedelta

import pytest

from judging import security
from tests.accounts.helpers import sign_in, text
from tests.factories import PASSWORD, csrf_token_in, login
from tests.scoring.test_sheet import form, stored, url

ENDED = "Your session has ended; please sign in again."


class Clock:
    """The clock behind the session limits, moved by hand."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.moment = security.now()
        monkeypatch.setattr(security, "now", lambda: self.moment)

    def advance(self, **delta: float) -> None:
        self.moment += timedelta(**delta).total_seconds()


@pytest.fixture
def clock(monkeypatch) -> Clock:
    return Clock(monkeypatch)


def signed_in(client) -> bool:
    with client.session_transaction() as session:
        return "_user_id" in session


def test_idle_session_ends_and_leads_to_the_sign_in_page(client, world, clock):
    sign_in(client, "a@alpha.example", PASSWORD)
    assert client.get("/account").status_code == 200

    clock.advance(minutes=121)
    response = client.get("/account?tab=details")

    assert response.status_code == 302
    assert response.headers["Location"] == "/login?next=%2Faccount%3Ftab%3Ddetails"
    assert ENDED in text(client.get(response.headers["Location"]))
    assert not signed_in(client)
    assert client.get("/account").status_code == 302


def test_session_ends_after_the_absolute_limit_even_when_active(client, world, clock):
    sign_in(client, "a@alpha.example", PASSWORD)
    for _ in range(23):
        clock.advance(minutes=60)
        assert client.get("/account").status_code == 200

    clock.advance(minutes=61)
    response = client.get("/account")

    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login")
    assert ENDED in text(client.get(response.headers["Location"]))
    assert not signed_in(client)


def test_activity_within_the_idle_limit_keeps_the_session(client, world, clock):
    sign_in(client, "a@alpha.example", PASSWORD)
    for _ in range(3):
        clock.advance(minutes=119)
        response = client.get("/account")
        assert response.status_code == 200
        assert ENDED not in text(response)
    assert signed_in(client)


def test_last_seen_is_written_at_most_once_a_minute(client, world, clock):
    sign_in(client, "a@alpha.example", PASSWORD)
    client.get("/account")  # the first page after signing in may change the session (its messages)
    clock.advance(seconds=30)
    quiet = client.get("/account")
    clock.advance(seconds=45)
    noted = client.get("/account")

    assert not [c for c in quiet.headers.getlist("Set-Cookie") if c.startswith("session=")]
    assert [c for c in noted.headers.getlist("Set-Cookie") if c.startswith("session=")]


def test_limits_follow_the_settings(app, client, world, clock, monkeypatch):
    monkeypatch.setitem(app.config, "SESSION_IDLE_MINUTES", 5)
    sign_in(client, "a@alpha.example", PASSWORD)

    clock.advance(minutes=6)

    assert client.get("/account").status_code == 302
    assert not signed_in(client)


def test_a_session_without_times_starts_counting_at_its_first_request(client, world, clock):
    login(client, world.entrant_a)  # signed in directly through the session, as most tests do
    assert client.get("/account").status_code == 200

    clock.advance(minutes=121)

    assert client.get("/account").status_code == 302
    assert not signed_in(client)


def test_signing_out_and_in_again_restarts_the_clock(client, world, clock):
    sign_in(client, "a@alpha.example", PASSWORD)
    clock.advance(hours=23)
    client.post("/logout")
    sign_in(client, "a@alpha.example", PASSWORD)

    clock.advance(minutes=90)  # past 24 hours since the first sign-in, within every limit of the second

    assert client.get("/account").status_code == 200


def test_scoring_post_after_the_idle_limit_keeps_the_typed_marks(client, world, clock):
    login(client, world.judge)
    assert client.get(url(world)).status_code == 200

    clock.advance(minutes=121)
    response = client.post(url(world), data=form(world, marks=(4, None, None), feedback="Typed, then lunch"))
    page = response.get_data(as_text=True)

    assert response.status_code == 401
    assert "Typed, then lunch" in page
    assert f'name="mark-{world.criteria[0].id}" value="4"' in page
    assert stored(world) is None
    assert not signed_in(client)


def test_scoring_post_with_a_valid_token_after_the_idle_limit_keeps_the_typed_marks(
    app, client, world, clock, monkeypatch
):
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)
    page = login(client, world.judge).get(url(world)).get_data(as_text=True)
    data = form(world, marks=(None, 3, None), feedback="Written before the break")
    data["csrf_token"] = csrf_token_in(page)

    clock.advance(minutes=121)
    response = client.post(url(world), data=data)

    assert response.status_code == 401
    assert "Written before the break" in response.get_data(as_text=True)
    assert stored(world) is None
