"""Closing and reopening a round by hand: audited, and a passed closing time must be replaced."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from sqlalchemy import select

from judging.assignments.models import Round
from judging.audit import AuditEvent
from judging.challenges.services import utc_to_local
from judging.database import utcnow
from judging.errors import DomainError
from judging.extensions import db
from judging.scoring.progress_services import close_round, reopen_round
from tests.factories import login


def _events(action: str) -> list[AuditEvent]:
    return list(db.session.scalars(select(AuditEvent).where(AuditEvent.action == action)))


def test_closing_a_round_stops_scoring_and_is_audited(world, client):
    login(client, world.organiser)

    page = client.post(f"/manage/sme-awards/rounds/{world.round.id}/close", follow_redirects=True).get_data(
        as_text=True
    )

    db.session.expire_all()
    assert not world.round.is_open()
    assert world.round.closed_at is not None
    assert "closed: judges can no longer change their sheets" in page
    assert "Reopen the round" in page
    [event] = _events("round.closed")
    assert (event.actor_id, event.object_id, event.challenge_id) == (
        world.organiser.id,
        world.round.id,
        world.challenge.id,
    )


def test_closing_a_closed_round_is_refused(world):
    close_round(world.round, actor=world.organiser)

    with pytest.raises(DomainError, match="already closed"):
        close_round(world.round, actor=world.organiser)


def test_reopening_a_round_closed_by_hand_before_its_closing_time(world, client):
    close_round(world.round, actor=world.organiser)
    login(client, world.organiser)

    page = client.post(f"/manage/sme-awards/rounds/{world.round.id}/reopen", follow_redirects=True).get_data(
        as_text=True
    )

    db.session.expire_all()
    assert world.round.is_open()
    assert "reopened: judges can revise their sheets" in page
    [event] = _events("round.reopened")
    assert event.after == {"closed_at": None}


def test_reopening_after_the_closing_time_asks_for_a_new_one(world, client):
    world.round.closes_at = utcnow() - timedelta(hours=2)
    db.session.commit()
    login(client, world.organiser)

    response = client.post(f"/manage/sme-awards/rounds/{world.round.id}/reopen", data={"closes_at": ""})

    assert response.status_code == 400
    assert "give a new closing time to reopen the round" in response.get_data(as_text=True)
    db.session.expire_all()
    assert not world.round.is_open()
    assert _events("round.reopened") == []


def test_reopening_refuses_a_new_closing_time_in_the_past(world, client):
    world.round.closes_at = utcnow() - timedelta(hours=2)
    db.session.commit()
    login(client, world.organiser)
    past = utc_to_local(utcnow() - timedelta(hours=1), world.challenge.timezone)

    response = client.post(
        f"/manage/sme-awards/rounds/{world.round.id}/reopen", data={"closes_at": f"{past:%Y-%m-%dT%H:%M}"}
    )

    assert response.status_code == 400
    assert "The new closing time must be in the future." in response.get_data(as_text=True)


def test_reopening_with_a_new_closing_time_in_the_challenges_zone(world, client):
    world.challenge.timezone = "Europe/Paris"
    world.round.closes_at = utcnow() - timedelta(hours=2)
    world.round.closed_at = utcnow() - timedelta(hours=3)
    db.session.commit()
    login(client, world.organiser)

    response = client.post(
        f"/manage/sme-awards/rounds/{world.round.id}/reopen", data={"closes_at": "2030-03-15T18:00"}
    )

    assert response.status_code == 302
    db.session.expire_all()
    assert world.round.is_open()
    assert world.round.closes_at.isoformat() == "2030-03-15T17:00:00+00:00"  # 18:00 in Paris (CET)
    [event] = _events("round.reopened")
    assert event.after == {"closed_at": None, "closes_at": "2030-03-15T17:00:00+00:00"}


def test_reopening_an_open_round_is_refused(world):
    with pytest.raises(DomainError, match="open already"):
        reopen_round(world.round, actor=world.organiser)


def test_another_organiser_cannot_close_the_round(world, client):
    login(client, world.other_organiser)

    response = client.post(f"/manage/sme-awards/rounds/{world.round.id}/close")

    assert response.status_code == 404
    db.session.expire_all()
    assert world.round.is_open()


def test_closing_waits_for_a_concurrent_writer_holding_the_round(world, app):
    """A save in progress holds the round's row (PostgreSQL) or the write lock (SQLite): close waits."""
    round_id = world.round.id
    db.session.remove()
    holder = db.engine.connect()
    if holder.dialect.name == "postgresql":
        holder.execute(select(Round).where(Round.id == round_id).with_for_update())
    else:
        holder.exec_driver_sql("UPDATE rounds SET id = id WHERE id = ?", (round_id,))
    done = threading.Event()
    errors: list[BaseException] = []

    def close() -> None:
        with app.app_context():
            try:
                close_round(db.session.get(Round, round_id), actor=None)
            except BaseException as error:  # reported below, in the test's thread
                errors.append(error)
            finally:
                db.session.remove()
                done.set()

    thread = threading.Thread(target=close)
    thread.start()
    waited = not done.wait(0.5)
    holder.commit()
    holder.close()
    thread.join(timeout=10)

    assert waited
    assert errors == []
    assert db.session.get(Round, round_id).closed_at is not None
