"""Each main page issues the same number of SQL statements whether it lists 10 rows or 1,000.

A page whose query count grows with its rows (a lazy load per row, the "N+1" pattern) gets slower with
every entry a programme adds; these tests build the same programme twice, small and large, and count the
statements each page sends to the database during one request.
"""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import event

from judging.extensions import db
from judging.results.publish_services import publish_results
from tests.bulk import entrant_with_entries, judged_round
from tests.conftest import _empty_database
from tests.factories import login

SIZES = (10, 1000)


def statements_during(client, url: str) -> tuple[list[str], str]:
    """The SQL statements the request to ``url`` issues, and the page it answers."""
    statements: list[str] = []

    def count(conn, cursor, statement, parameters, context, executemany):
        statements.append(statement)

    db.session.expunge_all()  # nothing cached from building the data
    event.listen(db.engine, "before_cursor_execute", count)
    try:
        response = client.get(url)
    finally:
        event.remove(db.engine, "before_cursor_execute", count)
    assert response.status_code == 200, (url, response.status_code)
    return statements, response.get_data(as_text=True)


def counts_for(app, build: Callable[[int], tuple[object, str, str]]) -> dict[int, int]:
    """Build each size in a clean database, then count the statements of the page built for it.

    Prints the statements of each size, so a failing comparison shows which query repeats.

    ``build(n)`` returns the user to sign in, the page's address and a text the page must show (so an
    empty page cannot pass for a cheap one).
    """
    counts = {}
    for size in SIZES:
        _empty_database()
        user, url, expected = build(size)
        client = login(app.test_client(), user)
        client.get(url)  # warm caches kept per process (translations, templates)
        statements, page = statements_during(client, url)
        print(f"{size} rows: {len(statements)} statements", *statements, sep="\n")
        counts[size] = len(statements)
        assert expected in page
        db.session.remove()
    return counts


def test_entrant_dashboard_queries_do_not_grow_with_entries(app):
    def build(n):
        return entrant_with_entries(n), "/entries/", f"Entry {n - 1:04d}"

    counts = counts_for(app, build)

    assert counts[10] == counts[1000]


def test_judge_dashboard_queries_do_not_grow_with_assignments(app):
    def build(n):
        programme = judged_round(n, sheets=n // 2)
        return programme.judge, "/judging/", "Entry 0000"

    counts = counts_for(app, build)

    assert counts[10] == counts[1000]


def test_scoring_page_queries_do_not_grow_with_criteria_and_answers(app):
    def build(n):
        programme = judged_round(n, criteria=n, questions=n, sheets=1)
        url = f"/judging/bulk-awards/entries/{programme.assignment_ids[0]}/score"
        return programme.judge, url, f"Criterion {n - 1:04d}"

    counts = counts_for(app, build)

    assert counts[10] == counts[1000]


def test_organiser_entry_list_queries_do_not_grow_with_entries(app):
    def build(n):
        programme = judged_round(n, sheets=0)
        return programme.organiser, "/manage/bulk-awards/entries", "Company 0000"

    counts = counts_for(app, build)

    assert counts[10] == counts[1000]


def test_standings_queries_do_not_grow_with_marks(app, monkeypatch):
    monkeypatch.setitem(app.config, "RESULTS_RESAMPLES", 10)

    def build(n):
        programme = judged_round(n)
        url = f"/manage/bulk-awards/rounds/{programme.round.id}/standings"
        return programme.organiser, url, f"Entry {n - 1:04d}"

    counts = counts_for(app, build)

    assert counts[10] == counts[1000]


def test_public_results_queries_do_not_grow_with_winners(app, monkeypatch):
    monkeypatch.setitem(app.config, "RESULTS_RESAMPLES", 10)

    def build(n):
        programme = judged_round(n, decided=True)
        publish_results(programme.challenge, reason=None, actor=programme.organiser)
        return None, "/challenges/bulk-awards/results", "Company 0000"

    counts = counts_for(app, build)

    assert counts[10] == counts[1000]
