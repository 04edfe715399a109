"""Organisers' progress pages: counts per judge and per entry, deadlines, and a bounded number of queries."""

from __future__ import annotations

from contextlib import contextmanager
from datetime import timedelta

from sqlalchemy import event

from judging.assignments.models import AssignmentStatus
from judging.database import utcnow
from judging.extensions import db
from judging.scoring.progress_services import challenge_progress, round_progress
from tests.factories import (
    login,
    make_assignment,
    make_criterion,
    make_judge,
    make_organisation,
    make_round,
    make_sheet,
    make_submission,
    make_user,
)


def _programme(challenge, *, entries: int = 3, **round_fields):
    """A round with ``entries`` entries and four judges:
    Nadia (nothing started), Dario (a draft), Sofia (submitted), Rex (recused, so not counted)."""
    submissions = [
        make_submission(challenge, make_organisation(f"Org {index}"), title=f"Entry {chr(65 + index)}")
        for index in range(entries)
    ]
    round_ = make_round(challenge, "Semi-final", position=2, entries=submissions, **round_fields)
    criterion = make_criterion(round_, "Innovation")
    judges = {
        name: make_judge(challenge, make_user(f"{name.lower()}@jury.example", name=name))
        for name in ("Nadia", "Dario", "Sofia", "Rex")
    }
    first = submissions[0]
    make_assignment(round_, judges["Nadia"], first)
    make_sheet(make_assignment(round_, judges["Dario"], first), {criterion: 3})
    make_sheet(make_assignment(round_, judges["Sofia"], first), {criterion: 4}, submitted=True)
    make_sheet(make_assignment(round_, judges["Sofia"], submissions[1]), {criterion: 5}, submitted=True)
    make_assignment(
        round_, judges["Rex"], submissions[1], status=AssignmentStatus.RECUSED, recused_at=utcnow()
    )
    return round_, submissions, judges


def test_round_progress_counts_per_judge_leaving_out_recusals(world):
    round_, _, _ = _programme(world.challenge)

    progress = round_progress(round_)

    rows = {row.judge.name: row.counts for row in progress.judges}
    assert set(rows) == {"Nadia", "Dario", "Sofia"}
    assert (rows["Nadia"].assigned, rows["Nadia"].drafts, rows["Nadia"].submitted) == (1, 0, 0)
    assert (rows["Dario"].assigned, rows["Dario"].drafts, rows["Dario"].submitted) == (1, 1, 0)
    assert (rows["Sofia"].assigned, rows["Sofia"].drafts, rows["Sofia"].submitted) == (2, 0, 2)
    assert rows["Nadia"].not_started == 1
    assert (progress.totals.assigned, progress.totals.drafts, progress.totals.submitted) == (4, 1, 2)


def test_round_progress_lists_entries_missing_sheets_first(world):
    round_, submissions, _ = _programme(world.challenge)

    progress = round_progress(round_)

    received = [
        (row.submission.title, row.counts.submitted, row.counts.assigned, row.counts.drafts)
        for row in progress.entries
    ]
    assert received == [("Entry A", 1, 3, 1), ("Entry C", 0, 0, 0), ("Entry B", 1, 1, 0)]


def test_round_progress_marks_unfinished_work_overdue_after_the_closing_time(world):
    round_, _, _ = _programme(world.challenge, closes_at=utcnow() - timedelta(hours=1))

    progress = round_progress(round_)

    overdue = {row.judge.name: row.overdue for row in progress.judges}
    assert overdue == {"Nadia": True, "Dario": True, "Sofia": False}
    assert progress.overdue


def test_round_progress_marks_unfinished_work_due_soon_near_the_closing_time(world):
    round_, _, _ = _programme(world.challenge, closes_at=utcnow() + timedelta(hours=30))

    progress = round_progress(round_)

    assert {row.judge.name: row.due_soon for row in progress.judges} == {
        "Nadia": True,
        "Dario": True,
        "Sofia": False,
    }
    assert not progress.overdue


def test_progress_page_shows_totals_judges_and_entries(world, client):
    round_, _, _ = _programme(world.challenge, closes_at=utcnow() - timedelta(hours=1))
    login(client, world.organiser)

    page = client.get(f"/manage/sme-awards/rounds/{round_.id}/progress").get_data(as_text=True)

    assert "Progress of round 2: Semi-final" in page
    assert "Nadia" in page and "Sofia" in page and "Rex" not in page
    assert "Overdue" in page
    assert "1 of 3" in page
    assert "2 sheets are overdue" in page


@contextmanager
def _count_statements():
    statements: list[str] = []

    def _record(conn, cursor, statement, parameters, context, executemany):
        statements.append(statement)

    engine = db.engine
    event.listen(engine, "before_cursor_execute", _record)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", _record)


def _page_statements(client, world, assignments: int) -> int:
    round_ = make_round(world.challenge, f"Round {assignments}", position=assignments)
    criterion = make_criterion(round_, "Innovation")
    for index in range(assignments):
        judge = make_judge(world.challenge, make_user(f"j{assignments}-{index}@jury.example"))
        submission = make_submission(world.challenge, make_organisation(f"Org {assignments}-{index}"))
        assignment = make_assignment(round_, judge, submission)
        if index % 2:
            make_sheet(assignment, {criterion: 3}, submitted=index % 4 == 1)
    login(client, world.organiser)
    db.session.expire_all()
    with _count_statements() as statements:
        response = client.get(f"/manage/sme-awards/rounds/{round_.id}/progress")
    assert response.status_code == 200
    return len(statements)


def test_progress_page_query_count_does_not_grow_with_assignments(world, client):
    few = _page_statements(client, world, 5)
    many = _page_statements(client, world, 50)

    assert few == many


def test_challenge_progress_lists_each_round_with_its_completion(world, client):
    make_sheet(world.assignment_a, {world.criteria[0]: 4}, submitted=True)
    login(client, world.organiser)

    page = client.get("/manage/sme-awards/progress").get_data(as_text=True)

    [(round_, counts)] = challenge_progress(world.challenge)
    assert (counts.assigned, counts.submitted, counts.percent) == (2, 1, 50)
    assert "Screening" in page and "50%" in page


def test_progress_page_of_another_organisers_round_is_not_found(world, client):
    login(client, world.other_organiser)

    response = client.get(f"/manage/sme-awards/rounds/{world.round.id}/progress")

    assert response.status_code == 404
