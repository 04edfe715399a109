"""Integrity of score sheets: only the assigned judge writes, only while the round is open, never a
silent overwrite (versions), one sheet per assignment and one mark per criterion, every change audited.

The concurrency tests use two real threads, each with its own application context and database session,
against the test database (a file on SQLite, or PostgreSQL with TEST_DATABASE_URL).
"""

from __future__ import annotations

import threading
import time

import pytest
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from judging.accounts.models import User
from judging.assignments.models import Assignment, Round
from judging.audit import AuditEvent
from judging.database import utcnow
from judging.extensions import db
from judging.scoring.models import Score, ScoreSheet
from judging.scoring.sheet_services import NotYours, RoundClosed, SheetInput, SheetStale, save_sheet
from tests.factories import login, make_assignment, make_conflict, make_sheet
from tests.scoring.test_sheet import form, stored, url


def test_other_judges_get_404_and_nothing_is_written(client, world):
    for user in (world.unassigned_judge, world.conflicted_judge, world.other_judge, world.organiser):
        response = login(client, user).post(url(world), data=form(world, marks=(1, 1, None)))
        assert response.status_code == 404
    assert stored(world) is None


def test_conflict_declared_after_assignment_gives_404(client, world):
    make_conflict(world.judge_membership, world.submission_a)
    response = login(client, world.judge).post(url(world), data=form(world, marks=(1, None, None)))
    assert response.status_code == 404
    assert stored(world) is None


def test_service_refuses_a_conflicted_pair_even_with_an_assignment(world):
    assignment = make_assignment(world.round, world.conflicted_membership, world.submission_a)
    with pytest.raises(NotYours):
        save_sheet(
            assignment, SheetInput({}, "", ""), loaded_version=0, submit=False, actor=world.conflicted_judge
        )
    assert stored(world, assignment) is None


def test_closed_round_answers_409_and_keeps_the_draft(client, world):
    make_sheet(world.assignment_a, {world.criteria[0]: 2}, feedback="Stored draft")
    world.round.closed_at = utcnow()
    db.session.commit()
    response = login(client, world.judge).post(
        url(world), data=form(world, version=1, marks=(5, 5, None), feedback="Too late text")
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 409
    assert "This round is closed, so nothing was saved." in page
    assert "Too late text" in page
    sheet = stored(world)
    assert (sheet.version, sheet.feedback, sheet.marks()) == (1, "Stored draft", {world.criteria[0].id: 2})


def test_stale_version_answers_409_with_both_versions_and_typed_text(client, world):
    make_sheet(world.assignment_a, {world.criteria[0]: 2}, feedback="From the phone")
    login(client, world.judge)
    response = client.post(
        url(world), data=form(world, version=0, marks=(5, None, None), feedback="From laptop")
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 409
    assert "From the phone" in page and "From laptop" in page
    assert "Saved version 1" in page
    assert '<input type="hidden" name="version" value="1">' in page
    sheet = stored(world)
    assert (sheet.version, sheet.feedback) == (1, "From the phone")
    # a deliberate re-save from the 409 page replaces the stored version
    response = client.post(
        url(world), data=form(world, version=1, marks=(5, None, None), feedback="From laptop")
    )
    assert response.status_code == 303
    assert (stored(world).version, stored(world).feedback) == (2, "From laptop")


def test_one_sheet_per_assignment_and_one_mark_per_criterion_in_the_database(world):
    sheet = make_sheet(world.assignment_a, {world.criteria[0]: 2})
    db.session.add(ScoreSheet(assignment_id=world.assignment_a.id))
    with pytest.raises(IntegrityError):
        db.session.flush()
    db.session.rollback()
    db.session.add(Score(sheet_id=sheet.id, criterion_id=world.criteria[0].id, value=3))
    with pytest.raises(IntegrityError):
        db.session.flush()
    db.session.rollback()


def test_every_save_is_audited_with_old_and_new_values(client, world):
    login(client, world.judge)
    client.post(url(world), data=form(world, marks=(2, None, None), feedback="First"))
    client.post(
        url(world), data=form(world, version=1, action="submit", marks=(4, 3, None), feedback="First")
    )
    events = db.session.scalars(
        select(AuditEvent).where(AuditEvent.object_type == "ScoreSheet").order_by(AuditEvent.id)
    ).all()
    innovation, impact = str(world.criteria[0].id), str(world.criteria[1].id)
    assert [e.action for e in events] == ["score_sheet.create", "score_sheet.save"]
    assert events[0].after["marks"] == {innovation: 2} and events[0].after["feedback"] == "First"
    assert events[1].before == {"status": "draft", "version": 1, "marks": {innovation: 2, impact: None}}
    assert events[1].after == {"status": "submitted", "version": 2, "marks": {innovation: 4, impact: 3}}
    assert all(e.actor_id == world.judge.id and e.at.tzinfo is not None for e in events)


def _in_thread(app, work, results, index, barrier):
    """Run ``work(barrier)`` with its own application context (its own session and connection)."""
    with app.app_context():
        try:
            results[index] = work(barrier)
        except Exception as error:  # noqa: BLE001  (the test inspects what each writer got)
            results[index] = error
        finally:
            db.session.remove()


def _run_two(app, first, second):
    barrier = threading.Barrier(2, timeout=10)
    results: list[object] = [None, None]
    threads = [
        threading.Thread(target=_in_thread, args=(app, work, results, i, barrier))
        for i, work in enumerate((first, second))
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    return results


def _saver(assignment_id: int, user_id: int, version: int, feedback: str):
    def work(barrier):
        assignment = db.session.get(Assignment, assignment_id)
        actor = db.session.get(User, user_id)
        _ = assignment.round.challenge, assignment.submission  # load before the race
        db.session.commit()
        barrier.wait()
        sheet = save_sheet(assignment, SheetInput({}, feedback, ""), loaded_version=version, submit=False,
                           actor=actor)  # fmt: skip
        return sheet.version

    return work


@pytest.mark.parametrize("existing", [False, True], ids=["first-sheet", "existing-sheet"])
def test_two_concurrent_writers_from_the_same_version_one_wins_one_is_stale(app, world, existing):
    version = make_sheet(world.assignment_a, {}).version if existing else 0
    ids = (world.assignment_a.id, world.judge.id)
    db.session.commit()
    results = _run_two(app, _saver(*ids, version, "tab one"), _saver(*ids, version, "tab two"))
    assert sorted(type(r).__name__ for r in results) == ["SheetStale", "int"]
    winner = results.index(next(r for r in results if isinstance(r, int)))
    sheet = stored(world)
    assert sheet.version == version + 1
    assert sheet.feedback == ("tab one", "tab two")[winner]
    assert db.session.scalar(select(db.func.count(AuditEvent.id))) == 1


def test_a_save_racing_a_close_is_refused_never_saved_after(app, world):
    round_id = world.round.id
    ids = (world.assignment_a.id, world.judge.id)
    db.session.commit()

    def closer(barrier):
        with db.engine.connect() as connection:
            transaction = connection.begin()
            connection.execute(update(Round).where(Round.id == round_id).values(closed_at=utcnow()))
            barrier.wait()
            time.sleep(0.5)  # the saver starts now and must wait for this close
            transaction.commit()
        return "closed"

    results = _run_two(app, closer, _saver(*ids, 0, "late"))
    assert results[0] == "closed"
    assert isinstance(results[1], RoundClosed)
    assert stored(world) is None


def test_a_save_that_commits_before_the_close_is_kept(app, world):
    sheet = save_sheet(world.assignment_a, SheetInput({}, "early", ""), loaded_version=0, submit=False,
                       actor=world.judge)  # fmt: skip
    world.round.closed_at = utcnow()
    db.session.commit()
    kept = stored(world)
    assert kept.feedback == "early" and kept.updated_at <= world.round.closed_at
    with pytest.raises(RoundClosed):
        save_sheet(world.assignment_a, SheetInput({}, "late", ""), loaded_version=sheet.version, submit=False,
                   actor=world.judge)  # fmt: skip
    assert stored(world).feedback == "early"


def test_stale_service_error_carries_the_stored_sheet(world):
    make_sheet(world.assignment_a, {}, feedback="stored")
    with pytest.raises(SheetStale) as stale:
        save_sheet(world.assignment_a, SheetInput({}, "mine", ""), loaded_version=0, submit=False,
                   actor=world.judge)  # fmt: skip
    assert stale.value.current.feedback == "stored"
