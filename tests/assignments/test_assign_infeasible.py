"""When no assignment meets the rules, organisers read which entries and why, and nothing is written.

Judges with a capacity of 0 or without expertise cannot take entries, and the message counts them; an
entry withdrawn after assignment keeps its assignments but no longer counts.
"""

from __future__ import annotations

import re

from sqlalchemy import func, select

from judging.assignments.models import Assignment, AssignmentOrigin, RoundEntry
from judging.audit import AuditEvent
from judging.core.lifecycle import SubmissionStatus
from judging.extensions import db
from tests.factories import (
    login,
    make_assignment,
    make_challenge,
    make_conflict,
    make_judge,
    make_organisation,
    make_round,
    make_submission,
    make_user,
)


def _programme(judges: int = 3, k: int = 3):
    """One E-health entry, "Solar mesh", in a round of ``k`` judges per entry, with ``judges`` experts."""
    organiser = make_user(name="Olga Organiser")
    challenge = make_challenge(organisers=[organiser], categories=("Connectivity", "E-health"))
    e_health = challenge.categories[1]
    entry = make_submission(challenge, make_organisation("Sunny Ltd"), category=e_health, title="Solar mesh")
    round_ = make_round(challenge, entries=[entry], judges_per_entry=k)
    panel = [make_judge(challenge, expertise=("E-health",)) for _ in range(judges)]
    return organiser, challenge, round_, entry, panel


def _url(challenge, round_, rest: str = "") -> str:
    return f"/manage/{challenge.slug}/rounds/{round_.id}/assignments{rest}"


def _inputs(page: str) -> str:
    return re.search(r'name="inputs"[^>]*value="([0-9a-f]{32})"', page).group(1)


def _count() -> int:
    return db.session.scalar(select(func.count(Assignment.id)))


def test_conflicts_that_leave_too_few_judges_are_named_and_nothing_is_offered(client, app):
    organiser, challenge, round_, entry, panel = _programme()
    make_conflict(panel[2], entry)
    login(client, organiser)

    page = client.get(_url(challenge, round_, "/preview")).get_data(as_text=True)

    assert "No assignment meets every rule" in page
    assert "E-health has 2 eligible judges without conflicts for entry “Solar mesh” (3 needed)." in page
    assert "this round still needs 3." in page
    assert "Commit these assignments" not in page
    assert _count() == 0


def test_a_commit_that_became_infeasible_writes_nothing(client, app, outbox):
    organiser, challenge, round_, entry, panel = _programme()
    login(client, organiser)
    page = client.get(_url(challenge, round_, "/preview")).get_data(as_text=True)
    make_conflict(panel[0], entry)  # declared between the preview and the commit

    response = client.post(
        _url(challenge, round_, "/commit"), data={"keep_existing": "1", "seed": "0", "inputs": _inputs(page)}
    )

    text = response.get_data(as_text=True)
    assert "nothing was written" in text
    assert "E-health has 2 eligible judges without conflicts for entry “Solar mesh” (3 needed)." in text
    assert _count() == 0 and outbox() == []
    assert db.session.scalar(select(AuditEvent)) is None


def test_judges_with_no_capacity_or_no_expertise_cannot_take_entries_and_are_counted(client, app):
    organiser, challenge, round_, entry, panel = _programme(judges=2)
    make_judge(challenge, expertise=("E-health",), capacity=0)
    make_judge(challenge, expertise=())
    login(client, organiser)

    page = client.get(_url(challenge, round_, "/preview")).get_data(as_text=True)

    assert "No assignment meets every rule" in page
    assert "“Solar mesh”" in page and "(3 needed)" in page
    assert "1 judge has a capacity of 0 and cannot take entries." in page
    assert "1 judge has no category of expertise." in page
    assert _count() == 0


def test_a_withdrawn_entry_keeps_its_assignments_but_leaves_coverage_and_the_commit(client, app):
    organiser, challenge, round_, entry, panel = _programme(judges=4, k=2)
    other = make_submission(
        challenge, make_organisation("Moon Ltd"), category=entry.category, title="Moon link"
    )
    db.session.add(RoundEntry(round_id=round_.id, submission_id=other.id))
    db.session.commit()
    make_assignment(round_, panel[0], entry, origin=AssignmentOrigin.AUTOMATIC)
    entry.status = SubmissionStatus.WITHDRAWN
    db.session.commit()
    login(client, organiser)

    overview = client.get(_url(challenge, round_)).get_data(as_text=True)
    page = client.get(_url(challenge, round_, "/preview")).get_data(as_text=True)
    client.post(
        _url(challenge, round_, "/commit"), data={"keep_existing": "1", "seed": "0", "inputs": _inputs(page)}
    )

    assert "entry withdrawn" in overview and "Solar mesh" in overview
    assert "0 of 1 entry has all its judges" in overview
    assert "0 of 1 entries have all their judges now; 1 of 1 after the commit." in page
    pairs = [tuple(row) for row in db.session.execute(select(Assignment.judge_id, Assignment.submission_id))]
    assert (panel[0].id, entry.id) in pairs  # kept, not deleted
    assert sorted(submission for _judge, submission in pairs) == [entry.id, other.id, other.id]
