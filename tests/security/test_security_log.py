"""The security log records sign-ins, failures, refusals and administrative actions, one line each."""

from __future__ import annotations

import logging

import pytest

from judging import audit
from judging.extensions import db
from judging.security_log import clean
from tests.factories import PASSWORD, login


@pytest.fixture
def security_records(caplog):
    caplog.set_level(logging.INFO, logger="judging.security")
    return lambda: [record for record in caplog.records if record.name == "judging.security"]


def _events(records) -> list[str]:
    return [record.event for record in records]


def test_sign_in_and_sign_out_are_logged_with_user_and_address(client, world, security_records):
    client.post("/login", data={"email": world.entrant_a.email, "password": PASSWORD})
    client.post("/logout")

    records = security_records()
    assert _events(records) == ["sign-in", "sign-out"]
    assert [record.user_id for record in records] == [world.entrant_a.id, world.entrant_a.id]
    assert records[0].ip == "127.0.0.1"


def test_failed_sign_in_is_logged_with_the_typed_address(client, world, security_records):
    client.post("/login", data={"email": "nobody@example.org", "password": "wrong-password"})
    client.post("/login", data={"email": world.entrant_a.email, "password": "wrong-password"})

    records = security_records()
    assert _events(records) == ["sign-in failed", "sign-in failed"]
    assert [record.levelname for record in records] == ["WARNING", "WARNING"]
    assert [record.email for record in records] == ["nobody@example.org", world.entrant_a.email]


def test_line_breaks_typed_into_a_request_cannot_forge_a_log_line(client, world, security_records, capsys):
    login(client, world.entrant_a)

    client.get("/manage/x%0D%0A[2026-01-01T00:00:00Z] INFO judging.security: sign-in user_id=1/entries")

    (record,) = security_records()
    assert "\n" not in record.getMessage() and "\r" not in record.getMessage()
    assert record.path.startswith("/manage/x\\r\\n[2026")
    written = [line for line in capsys.readouterr().err.splitlines() if "judging.security" in line]
    assert len(written) == 1


def test_page_refused_to_a_signed_in_user_is_logged(client, world, security_records):
    login(client, world.entrant_a)

    response = client.get(f"/manage/{world.challenge.slug}/entries")

    assert response.status_code == 404
    (record,) = security_records()
    assert (record.event, record.user_id, record.path) == (
        "not found or not permitted",
        world.entrant_a.id,
        f"/manage/{world.challenge.slug}/entries",
    )


def test_missing_page_for_a_visitor_is_not_logged(client, security_records):
    assert client.get("/no/such/page").status_code == 404
    assert security_records() == []


def test_administrative_action_is_logged_once_committed(app, world, security_records):
    audit.record("challenge.renamed", world.challenge, actor=world.organiser, challenge_id=world.challenge.id)
    assert security_records() == []

    db.session.commit()

    (record,) = security_records()
    assert record.event == "audited change"
    assert (record.action, record.object, record.object_id, record.actor_id) == (
        "challenge.renamed",
        "Challenge",
        world.challenge.id,
        world.organiser.id,
    )


def test_administrative_action_rolled_back_is_not_logged(app, world, security_records):
    audit.record("challenge.renamed", world.challenge, actor=world.organiser)
    db.session.rollback()
    db.session.commit()

    assert security_records() == []


def test_clean_escapes_line_breaks_and_controls():
    assert clean("a\r\nb\x1b[31m") == "a\\r\\nb\\x1b[31m"
    assert clean(7) == 7
