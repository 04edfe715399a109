"""Organisers set up judging rounds: windows in the challenge's zone, and the entries each round holds."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select

from judging.assignments.models import Round, RoundEntry
from judging.audit import AuditEvent
from judging.core.lifecycle import SubmissionStatus
from judging.extensions import db
from tests.accounts.helpers import text
from tests.factories import login, make_assignment, make_organisation, make_round, make_submission

BASE = "/manage/sme-awards/rounds"


def round_data(**overrides) -> dict:
    data = {
        "name": "Final",
        "judges_per_entry": "5",
        "blind": "y",
        "opens_at": "2030-03-01T09:00",
        "closes_at": "2030-03-15T18:00",
    }
    data.update(overrides)
    return data


def held(round_: Round) -> set[int]:
    return set(db.session.scalars(select(RoundEntry.submission_id).where(RoundEntry.round_id == round_.id)))


def audit_actions() -> list[str]:
    return list(db.session.scalars(select(AuditEvent.action).where(AuditEvent.object_type == "Round")))


def eligible(world, title: str, status: SubmissionStatus = SubmissionStatus.ELIGIBLE):
    return make_submission(world.challenge, make_organisation(), status=status, title=title)


def fresh_challenge(world):
    """The world's challenge without its round, so that a new round is the first one."""
    db.session.delete(world.assignment_a)
    db.session.delete(world.assignment_b)
    for entry in db.session.scalars(select(RoundEntry)):
        db.session.delete(entry)
    db.session.delete(world.round)
    db.session.commit()


def test_a_round_is_created_with_its_window_in_the_challenges_zone(client, world):
    login(client, world.organiser)

    response = client.post(f"{BASE}/new", data=round_data())

    round_ = db.session.scalar(select(Round).where(Round.name == "Final"))
    assert response.headers["Location"] == f"{BASE}/{round_.id}"
    # Europe/Paris is UTC+1 in March 2030.
    assert round_.opens_at == datetime(2030, 3, 1, 8, 0, tzinfo=UTC)
    assert round_.closes_at == datetime(2030, 3, 15, 17, 0, tzinfo=UTC)
    assert (round_.position, round_.judges_per_entry, round_.blind, round_.bridge_judges) == (
        2,
        5,
        True,
        False,
    )
    page = text(client.get(f"{BASE}/{round_.id}"))
    assert "Round 2: Final" in page
    assert "1 Mar 2030, 09:00" in page
    assert "Entries arrive here when you shortlist them from the previous round." in page
    assert "0 entries in all" in page
    assert audit_actions() == ["round.create"]


def test_the_edit_form_shows_and_saves_times_in_the_challenges_zone(client, world):
    login(client, world.organiser)
    path = f"{BASE}/{world.round.id}/edit"

    client.post(
        path,
        data=round_data(
            name="Screening", opens_at="2030-07-01T09:00", closes_at="2030-07-20T18:00", bridge_judges="y"
        ),
    )

    db.session.refresh(world.round)
    assert world.round.opens_at == datetime(2030, 7, 1, 7, 0, tzinfo=UTC)  # summer time: UTC+2
    assert world.round.bridge_judges is True
    assert 'value="2030-07-01T09:00"' in text(client.get(path))
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "round.update"))
    assert event.before["judges_per_entry"] == 2 and event.after["judges_per_entry"] == 5


def test_the_round_form_explains_each_problem_and_keeps_what_was_typed(client, world):
    login(client, world.organiser)

    response = client.post(
        f"{BASE}/new",
        data=round_data(name="Final", judges_per_entry="21", closes_at="2030-02-01T09:00"),
    )
    page = text(response)
    assert "Enter a whole number from 1 to 20." in page
    assert 'value="Final"' in page

    response = client.post(f"{BASE}/new", data=round_data(closes_at="2030-02-01T09:00"))
    assert "The closing time must be after the opening time." in text(response)
    response = client.post(f"{BASE}/new", data=round_data(name="screening"))
    assert "Another round of this challenge is called Screening." in text(response)
    response = client.post(f"{BASE}/new", data=round_data(opens_at="2030-03-31T02:30"))
    assert "This time does not exist in Europe/Paris" in text(response)
    assert db.session.scalar(select(Round).where(Round.name == "Final")) is None


def test_a_first_round_takes_in_every_eligible_entry_and_nothing_else(client, world):
    fresh_challenge(world)
    good = eligible(world, "Eligible one")
    other = eligible(world, "Eligible two")
    eligible(world, "Only submitted", SubmissionStatus.SUBMITTED)
    eligible(world, "Ineligible", SubmissionStatus.INELIGIBLE)
    login(client, world.organiser)

    response = client.post(f"{BASE}/new", data=round_data(name="Screening"), follow_redirects=True)

    round_ = db.session.scalar(select(Round).where(Round.name == "Screening"))
    assert round_.position == 1
    assert held(round_) == {good.id, other.id}
    page = text(response)
    assert "2 eligible entries added." in page
    assert "2 entries in all" in page and "Connectivity: 2" in page and "E-health: 0" in page
    assert "Eligible one" in page and "Only submitted" not in page


def test_a_first_round_without_eligible_entries_says_what_to_do(client, world):
    fresh_challenge(world)
    login(client, world.organiser)

    response = client.post(f"{BASE}/new", data=round_data(name="Screening"), follow_redirects=True)

    assert "No entry is eligible yet: screen the entries, then bring the round up to date." in text(response)
    assert "0 entries in all" in text(response)


def test_bringing_the_first_round_up_to_date_adds_and_drops_but_keeps_assigned_entries(client, world):
    for submission in (world.submission_a, world.submission_b):
        submission.status = SubmissionStatus.INELIGIBLE
    late = eligible(world, "Screened late")
    unassigned = eligible(world, "Will turn ineligible")
    db.session.add(RoundEntry(round_id=world.round.id, submission_id=unassigned.id))
    unassigned.status = SubmissionStatus.INELIGIBLE
    db.session.commit()
    login(client, world.organiser)

    response = client.post(f"{BASE}/{world.round.id}/sync", follow_redirects=True)

    page = text(response)
    assert "1 eligible entry added." in page
    assert "1 entry that is no longer eligible was taken out." in page
    assert "kept because judges are assigned to them" in page
    assert "Alpha mesh for clinics" in page and "Beta telehealth" in page
    assert held(world.round) == {world.submission_a.id, world.submission_b.id, late.id}
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "round.sync"))
    assert event.after == {"added": [late.id], "removed": [unassigned.id]}


def test_syncing_again_changes_nothing(client, world):
    for submission in (world.submission_a, world.submission_b):
        submission.status = SubmissionStatus.ELIGIBLE
    db.session.commit()
    login(client, world.organiser)

    response = client.post(f"{BASE}/{world.round.id}/sync", follow_redirects=True)

    assert "The round already holds every eligible entry." in text(response)
    assert audit_actions() == []


def test_a_round_with_assignments_cannot_be_deleted(client, world):
    login(client, world.organiser)

    response = client.post(f"{BASE}/{world.round.id}/delete", follow_redirects=True)

    assert "Screening has assignments, so it cannot be deleted." in text(response)
    assert db.session.get(Round, world.round.id) is not None


def test_deleting_a_round_moves_the_later_ones_up(client, world):
    semi = make_round(world.challenge, "Semi-final", position=2)
    final = make_round(world.challenge, "Final", position=3)
    login(client, world.organiser)

    response = client.post(f"{BASE}/{semi.id}/delete", follow_redirects=True)

    assert "Round “Semi-final” deleted." in text(response)
    assert db.session.get(Round, semi.id) is None
    db.session.refresh(final)
    assert final.position == 2
    assert "round.delete" in audit_actions()


def test_deleting_the_only_round_lets_a_new_first_round_fill_from_screening(client, world):
    fresh_challenge(world)
    make_round(world.challenge, "Old", position=1)
    entry = eligible(world, "Eligible one")
    old = db.session.scalar(select(Round).where(Round.name == "Old"))
    login(client, world.organiser)

    client.post(f"{BASE}/{old.id}/delete")
    client.post(f"{BASE}/new", data=round_data(name="Screening"))

    new = db.session.scalar(select(Round).where(Round.name == "Screening"))
    assert new.position == 1 and held(new) == {entry.id}


def test_the_rounds_page_lists_rounds_in_order(client, world):
    make_round(world.challenge, "Final", position=2, judges_per_entry=7)
    login(client, world.organiser)

    page = text(client.get(BASE))

    assert page.index(">Screening</a>") < page.index(">Final</a>")
    assert "1. <a" in page and "2. <a" in page
    assert "Add a round" in page


def test_assigning_judges_keeps_the_delete_button_away(client, world):
    final = make_round(world.challenge, "Final", position=2, entries=[world.submission_a])
    login(client, world.organiser)
    assert "Delete the round" in text(client.get(f"{BASE}/{final.id}"))

    make_assignment(final, world.judge_membership, world.submission_a)

    assert "Delete the round" not in text(client.get(f"{BASE}/{final.id}"))


def test_the_rounds_of_another_challenge_are_not_found(client, world):
    login(client, world.other_organiser)

    assert client.get(BASE).status_code == 404
    assert client.post(f"{BASE}/{world.round.id}/delete").status_code == 404
    assert client.post(f"{BASE}/new", data=round_data()).status_code == 404
    assert db.session.get(Round, world.round.id) is not None


def test_the_round_page_leads_to_its_judges_and_assignments(client, world):
    login(client, world.organiser)

    html = client.get(f"/manage/sme-awards/rounds/{world.round.id}").get_data(as_text=True)

    assert f'href="/manage/sme-awards/rounds/{world.round.id}/assignments">Judges and assignments</a>' in html
