"""Late writes: deadlines, closed rounds and lost rights are enforced by the server, not by the page.

Each test loads a form while the write is still allowed (as a browser tab left open would), then the
situation changes (the deadline passes, the organiser closes the round, the judge recuses, the
assignment is removed, the results are published) and the old form is posted anyway. The post is
refused with a message the user can read (or a 404 when the object is no longer theirs), never a 500,
and every row it could have touched is the same before and after.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from judging.core.lifecycle import ChallengeStatus, SubmissionStatus
from judging.database import utcnow
from judging.extensions import db
from judging.results.models import ResultsSnapshot
from tests.access.certificates import publish_and_issue
from tests.factories import login, make_sheet
from tests.submissions.helpers import edit_url, entry_form, pdf_upload, stored_files

ENTRY_TABLES = ("submissions", "answers", "decks", "audit_events")
SHEET_TABLES = ("score_sheets", "scores", "assignments", "audit_events")
CLOSED_ROUND = "This round is closed, so nothing was saved"


def rows(*tables: str) -> dict[str, list[tuple]]:
    """Every row of ``tables``, as plain tuples, read fresh from the database."""
    db.session.expire_all()
    return {
        name: sorted((tuple(row) for row in db.session.execute(select(db.metadata.tables[name]))), key=repr)
        for name in tables
    }


def page(response) -> str:
    return response.get_data(as_text=True)


# Entrants ------------------------------------------------------------------------------------------------

ENTRY_POSTS = {
    "save": lambda: entry_form("save"),
    "submit": lambda: entry_form("submit"),
    "upload": lambda: entry_form("save", deck=pdf_upload()),
}


def _post_entry(client, submission, action: str):
    return client.post(
        edit_url(submission),
        data=ENTRY_POSTS[action](),
        content_type="multipart/form-data",
        follow_redirects=True,
    )


@pytest.mark.parametrize("action", sorted(ENTRY_POSTS))
def test_entry_posted_a_second_after_the_deadline_is_refused_and_nothing_changes(app, client, world, action):
    login(client, world.entrant_a)
    assert "Save draft" in page(client.get(edit_url(world.draft_a)))  # the form was loaded in time
    world.challenge.closes_at = utcnow() - timedelta(seconds=1)
    db.session.commit()
    before, files = rows(*ENTRY_TABLES), stored_files(app)

    response = _post_entry(client, world.draft_a, action)

    assert response.status_code == 200
    assert "has passed" in page(response)
    assert (rows(*ENTRY_TABLES), stored_files(app)) == (before, files)


@pytest.mark.parametrize("action", sorted(ENTRY_POSTS))
def test_entry_posted_after_the_organiser_closed_the_call_early_is_refused(app, client, world, action):
    login(client, world.entrant_a)
    assert "Save draft" in page(client.get(edit_url(world.draft_a)))
    world.challenge.status = ChallengeStatus.CLOSED  # the deadline itself is still weeks away
    db.session.commit()
    before, files = rows(*ENTRY_TABLES), stored_files(app)

    response = _post_entry(client, world.draft_a, action)

    assert response.status_code == 200
    assert "Alpha draft" in page(response)
    assert "Your draft has been saved" not in page(response)
    assert "has been submitted" not in page(response)
    assert (rows(*ENTRY_TABLES), stored_files(app)) == (before, files)


@pytest.mark.parametrize("status", [SubmissionStatus.WITHDRAWN, SubmissionStatus.INELIGIBLE])
@pytest.mark.parametrize("action", sorted(ENTRY_POSTS))
def test_entry_no_longer_draft_or_submitted_cannot_be_edited(app, client, world, status, action):
    login(client, world.entrant_a)
    assert "Save draft" in page(client.get(edit_url(world.draft_a)))
    world.draft_a.status = status
    db.session.commit()
    before, files = rows(*ENTRY_TABLES), stored_files(app)

    response = _post_entry(client, world.draft_a, action)

    assert response.status_code == 200
    assert "no longer a draft or submitted, so it cannot be changed" in page(response)
    assert (rows(*ENTRY_TABLES), stored_files(app)) == (before, files)


# Judges --------------------------------------------------------------------------------------------------


def _sheet_url(world) -> str:
    return f"/judging/{world.challenge.slug}/entries/{world.assignment_a.id}/score"


def _marks(world, action: str, version: int) -> dict:
    innovation, impact, _team = world.criteria
    return {
        "version": str(version),
        "action": action,
        f"mark-{innovation.id}": "5",
        f"mark-{impact.id}": "5",
        "feedback": "Changed my mind late.",
    }


@pytest.fixture
def draft_sheet(client, world):
    """Judge Judy's stored draft of entry A, and her scoring page loaded while the round is open."""
    innovation, impact, _team = world.criteria
    sheet = make_sheet(world.assignment_a, {innovation: 2, impact: 2}, feedback="First thoughts.", version=1)
    login(client, world.judge)
    assert 'name="version" value="1"' in page(client.get(_sheet_url(world)))
    return sheet


def _close_by_time(client, world) -> None:
    world.round.closes_at = utcnow() - timedelta(seconds=1)
    db.session.commit()


def _close_by_hand(client, world) -> None:
    login(client, world.organiser)
    closed = client.post(f"/manage/{world.challenge.slug}/rounds/{world.round.id}/close")
    assert closed.status_code == 302
    login(client, world.judge)


@pytest.mark.parametrize("close", [_close_by_time, _close_by_hand], ids=["by-time", "by-organiser"])
@pytest.mark.parametrize("action", ["save", "submit", "save_next"])
def test_score_posted_after_the_round_closed_is_refused_and_the_draft_is_kept(
    client, world, draft_sheet, close, action
):
    close(client, world)
    before = rows(*SHEET_TABLES)

    response = client.post(_sheet_url(world), data=_marks(world, action, version=1))

    assert response.status_code == 409
    assert CLOSED_ROUND in page(response)
    assert "Changed my mind late." in page(response)  # what was typed is shown, not lost
    assert rows(*SHEET_TABLES) == before


@pytest.mark.parametrize("action", ["save", "submit"])
def test_score_posted_before_the_round_opens_is_refused(client, world, action):
    world.round.opens_at = utcnow() + timedelta(days=1)
    db.session.commit()
    login(client, world.judge)
    before = rows(*SHEET_TABLES)

    response = client.post(_sheet_url(world), data=_marks(world, action, version=0))

    assert response.status_code == 409
    assert CLOSED_ROUND in page(response)
    assert rows(*SHEET_TABLES) == before


@pytest.mark.parametrize("action", ["save", "submit"])
def test_score_posted_after_recusing_is_not_written(client, world, draft_sheet, action):
    recused = client.post(
        f"/judging/{world.challenge.slug}/assignments/{world.assignment_a.id}/recuse",
        data={"reason": "I advised this team last year."},
        follow_redirects=True,
    )
    assert "will see your recusal" in page(recused)
    before = rows(*SHEET_TABLES)

    response = client.post(_sheet_url(world), data=_marks(world, action, version=1))

    assert response.status_code == 404
    assert "Alpha mesh for clinics" not in page(response)
    assert rows(*SHEET_TABLES) == before


@pytest.mark.parametrize("action", ["save", "submit"])
def test_score_posted_on_an_assignment_removed_meanwhile_is_not_written(client, world, action):
    login(client, world.judge)
    assert client.get(_sheet_url(world)).status_code == 200
    login(client, world.organiser)
    removed = client.post(
        f"/manage/{world.challenge.slug}/rounds/{world.round.id}/assignments/{world.assignment_a.id}/remove"
    )
    assert removed.status_code == 302
    login(client, world.judge)
    before = rows(*SHEET_TABLES)

    response = client.post(_sheet_url(world), data=_marks(world, action, version=0))

    assert response.status_code == 404
    assert "Alpha mesh for clinics" not in page(response)
    assert rows(*SHEET_TABLES) == before


# Organisers ----------------------------------------------------------------------------------------------


def test_decisions_changed_after_publication_leave_the_published_results_as_they_were(client, world):
    publish_and_issue(world, issue=False)
    snapshots = rows("results_snapshots")
    public_before = page(client.get(f"/challenges/{world.challenge.slug}/results"))
    assert "Alpha mesh for clinics" in public_before
    login(client, world.organiser)

    response = client.post(
        f"/manage/{world.challenge.slug}/decisions",
        data={f"outcome_{world.submission_a.id}": "", f"outcome_{world.submission_b.id}": "winner"},
        follow_redirects=True,
    )

    assert "2 decisions changed." in page(response)
    assert rows("results_snapshots") == snapshots
    assert db.session.scalar(select(ResultsSnapshot.version)) == 1
    login(client, None)
    assert page(client.get(f"/challenges/{world.challenge.slug}/results")) == public_before
