"""Organisers add, remove and swap assignments by hand; every change that would break a hard rule is
refused with a message saying which, and every change is audited.
"""

from __future__ import annotations

from sqlalchemy import select

from judging.assignments.models import Assignment, AssignmentOrigin, AssignmentStatus, Judge
from judging.audit import AuditEvent
from judging.extensions import db
from tests.factories import login, make_judge, make_submission


def _url(world, rest: str = "") -> str:
    return f"/manage/{world.challenge.slug}/rounds/{world.round.id}/assignments{rest}"


def _membership(world, user) -> Judge:
    return db.session.scalar(
        select(Judge).where(Judge.user_id == user.id, Judge.challenge_id == world.challenge.id)
    )


def _pairs() -> set[tuple[int, int]]:
    return {tuple(row) for row in db.session.execute(select(Assignment.judge_id, Assignment.submission_id))}


def _add(client, world, judge: Judge, submission, **extra):
    data = {"judge_id": str(judge.id), "submission_id": str(submission.id), **extra}
    return client.post(_url(world, "/add"), data=data, follow_redirects=True)


def _actions() -> list[str]:
    return list(db.session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)))


def test_an_organiser_adds_an_assignment_by_hand(client, world):
    login(client, world.organiser)
    una = _membership(world, world.unassigned_judge)

    page = _add(client, world, una, world.submission_a).get_data(as_text=True)

    assert "Una Unassigned now has “Alpha mesh for clinics”." in page
    row = db.session.scalar(select(Assignment).where(Assignment.judge_id == una.id))
    assert row.origin is AssignmentOrigin.MANUAL and row.created_by_id == world.organiser.id
    assert _actions() == ["assignment.added"]
    assert "2 of 2 judges" in page


def test_adding_a_conflicted_pair_is_refused(client, world):
    login(client, world.organiser)
    before = _pairs()

    page = _add(client, world, world.conflicted_membership, world.submission_a).get_data(as_text=True)

    assert "Conrad Conflicted has a conflict of interest with “Alpha mesh for clinics”." in page
    assert _pairs() == before and _actions() == []


def test_adding_beyond_a_judges_capacity_is_refused(client, world):
    login(client, world.organiser)
    una = _membership(world, world.unassigned_judge)
    una.capacity = 0
    db.session.commit()

    page = _add(client, world, una, world.submission_a).get_data(as_text=True)

    assert "Una Unassigned already has 0 entries in this round, as many as their capacity (0)." in page
    assert una.id not in {judge_id for judge_id, _ in _pairs()}


def test_adding_a_duplicate_is_refused(client, world):
    login(client, world.organiser)

    page = _add(client, world, world.judge_membership, world.submission_a).get_data(as_text=True)

    assert "Judy Judge is already assigned “Alpha mesh for clinics” in this round." in page
    assert len(_pairs()) == 2


def test_adding_a_judge_who_is_not_ready_is_refused(client, world):
    login(client, world.organiser)
    waiting = make_judge(world.challenge, ready=False)

    page = _add(client, world, waiting, world.submission_a).get_data(as_text=True)

    assert "has not yet accepted the judging terms and confirmed their profile" in page
    assert len(_pairs()) == 2


def test_adding_an_entry_the_round_does_not_hold_is_refused(client, world):
    login(client, world.organiser)
    outside = make_submission(world.challenge, world.organisation_b, title="Late idea")
    una = _membership(world, world.unassigned_judge)

    page = _add(client, world, una, outside).get_data(as_text=True)

    assert "“Late idea” is not held by this round." in page
    assert len(_pairs()) == 2


def test_adding_a_judge_to_an_entry_with_all_its_judges_is_refused(client, world):
    login(client, world.organiser)
    una = _membership(world, world.unassigned_judge)
    _add(client, world, una, world.submission_a)
    extra = make_judge(world.challenge)

    page = _add(client, world, extra, world.submission_a).get_data(as_text=True)

    assert "“Alpha mesh for clinics” already has its 2 judges; remove or swap one first." in page


def test_a_judge_of_another_challenge_cannot_be_added(client, world):
    login(client, world.organiser)
    outsider = db.session.scalar(select(Judge).where(Judge.user_id == world.other_judge.id))

    page = _add(client, world, outsider, world.submission_a).get_data(as_text=True)

    assert "There is no such judge in this challenge." in page
    assert len(_pairs()) == 2


def test_add_returns_to_the_organisers_page_it_came_from(client, world):
    login(client, world.organiser)
    una = _membership(world, world.unassigned_judge)
    back = f"/manage/{world.challenge.slug}/conflicts"

    response = client.post(
        _url(world, "/add"), data={"judge_id": una.id, "submission_id": world.submission_a.id, "next": back}
    )
    elsewhere = client.post(
        _url(world, "/add"),
        data={"judge_id": una.id, "submission_id": world.submission_b.id, "next": "https://evil.example/"},
    )

    assert response.headers["Location"].endswith(back)
    assert elsewhere.headers["Location"].endswith(_url(world))


def test_an_organiser_removes_an_assignment(client, world):
    login(client, world.organiser)

    page = client.post(_url(world, f"/{world.assignment_a.id}/remove"), follow_redirects=True).get_data(
        as_text=True
    )

    assert "Judy Judge no longer has “Alpha mesh for clinics”." in page
    assert (world.judge_membership.id, world.submission_a.id) not in _pairs()
    event = db.session.scalar(select(AuditEvent))
    assert event.action == "assignment.removed" and event.before["judge"] == "judy@jury.example"


def test_a_scored_assignment_cannot_be_removed(client, world):
    world.assignment_a.status = AssignmentStatus.SCORED
    db.session.commit()
    login(client, world.organiser)

    page = client.post(_url(world, f"/{world.assignment_a.id}/remove"), follow_redirects=True).get_data(
        as_text=True
    )

    assert "This assignment has been scored, so it cannot be removed." in page
    assert db.session.get(Assignment, world.assignment_a.id) is not None


def test_swap_offers_the_best_replacement_first_then_replaces_in_one_step(client, world):
    login(client, world.organiser)
    una = _membership(world, world.unassigned_judge)

    form = client.get(_url(world, f"/{world.assignment_a.id}/swap")).get_data(as_text=True)
    response = client.post(_url(world, f"/{world.assignment_a.id}/swap"), data={"judge_id": una.id})

    assert "Best replacements" in form and "<strong>Una Unassigned</strong>: expert in Connectivity" in form
    assert f'<option selected value="{una.id}">' in form
    assert "Conrad Conflicted</option>" not in form  # conflicted with the entry: never offered
    assert response.status_code == 302
    assert (una.id, world.submission_a.id) in _pairs()
    assert (world.judge_membership.id, world.submission_a.id) not in _pairs()
    event = db.session.scalar(select(AuditEvent))
    assert event.action == "assignment.swapped"
    assert (event.before["judge"], event.after["judge"]) == ("judy@jury.example", "una@jury.example")


def test_swap_to_a_judge_at_capacity_is_refused_on_the_form(client, world):
    login(client, world.organiser)
    una = _membership(world, world.unassigned_judge)
    una.capacity = 0
    db.session.commit()

    page = client.post(_url(world, f"/{world.assignment_a.id}/swap"), data={"judge_id": una.id}).get_data(
        as_text=True
    )

    assert "as many as their capacity (0)" in page
    assert (world.judge_membership.id, world.submission_a.id) in _pairs()
