"""Publishing results: the frozen snapshot, versions, re-publication, and "differs from published"."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from judging.assignments.models import Assignment, RoundEntry
from judging.audit import AuditEvent
from judging.core.lifecycle import ChallengeStatus
from judging.errors import DomainError
from judging.extensions import db
from judging.results import publish_services
from judging.results.models import Decision, Outcome, ResultsSnapshot
from judging.results.publish_services import differences, publish_results, published
from judging.scoring.models import Score, ScoreSheet
from tests.factories import (
    login,
    make_decision,
    make_judge,
    make_organisation,
    make_sheet,
    make_submission,
    make_user,
    score_entries,
)


def programme(world, *, feedback: bool = True, decide: bool = True):
    """The world's challenge in judging with three scored entries in Connectivity (A, B, Gamma) and
    decisions A winner, B runner-up, Gamma not selected. Returns the Gamma entry."""
    challenge = world.challenge
    challenge.status = ChallengeStatus.JUDGING
    challenge.feedback_to_entrants = feedback
    db.session.commit()
    gamma = make_submission(
        challenge, make_organisation("Gamma Grid", country="FR"), title="Gamma grid", summary="Smart meters."
    )
    db.session.add(RoundEntry(round_id=world.round.id, submission_id=gamma.id))
    db.session.commit()
    innovation, impact, team = world.criteria
    third = make_judge(challenge, make_user(name="Theo Third"))
    make_sheet(
        world.assignment_a, {innovation: 5, impact: 4, team: 3}, submitted=True, feedback="A strong pilot."
    )
    make_sheet(world.assignment_b, {innovation: 3, impact: 3}, submitted=True, feedback="Needs evidence.")
    sheets = score_entries(
        world.round,
        {
            (third, world.submission_a): {innovation: 4, impact: 5},
            (third, world.submission_b): {innovation: 3, impact: 2},
            (third, gamma): {innovation: 2, impact: 2},
            (world.judge_membership, gamma): {innovation: 1, impact: 2},
        },
    )
    sheets[0].feedback = "Great team."
    db.session.commit()
    if decide:
        make_decision(world.submission_a, Outcome.WINNER)
        make_decision(world.submission_b, Outcome.RUNNER_UP)
        make_decision(gamma, Outcome.NOT_SELECTED)
    return gamma


def change_after_publication(world, gamma):
    """Give Gamma full marks on every sheet and turn B's runner-up into an honourable mention."""
    scores = db.session.scalars(
        select(Score)
        .join(ScoreSheet, Score.sheet_id == ScoreSheet.id)
        .join(Assignment, ScoreSheet.assignment_id == Assignment.id)
        .where(Assignment.submission_id == gamma.id)
    )
    for score in scores:
        score.value = 5
    decision = db.session.scalar(select(Decision).where(Decision.submission_id == world.submission_b.id))
    decision.outcome = Outcome.HONOURABLE_MENTION
    db.session.commit()


def test_publish_results_first_version_freezes_standings_and_decisions(world):
    gamma = programme(world)

    snapshot = publish_results(world.challenge, reason=None, actor=world.organiser)

    assert (snapshot.version, snapshot.reason, snapshot.published_by_id) == (1, None, world.organiser.id)
    assert world.challenge.status is ChallengeStatus.PUBLISHED
    data = snapshot.data
    ranks = {row["entry"]: row["rank"] for row in data["rounds"][0]["standings"]}
    assert ranks == {world.submission_a.id: 1, world.submission_b.id: 2, gamma.id: 3}
    rows = {row["submission"]: row for row in data["decisions"]}
    assert rows[world.submission_a.id]["label"] == "Winner"
    assert rows[world.submission_a.id]["organisation"] == {
        "id": world.organisation_a.id,
        "name": "Alpha Mesh Ltd",
        "country": "KE",
    }
    assert rows[gamma.id]["public"] is False
    assert sorted(data["feedback"][str(world.submission_a.id)]) == ["A strong pilot.", "Great team."]
    assert len(snapshot.inputs_hash) == 64


def test_publish_results_audits_the_publication_and_both_status_steps(world):
    programme(world)

    publish_results(world.challenge, reason=None, actor=world.organiser)

    events = db.session.scalars(select(AuditEvent).order_by(AuditEvent.id)).all()
    assert [(e.action, e.after.get("status")) for e in events[-3:]] == [
        ("challenge.status", "decided"),
        ("challenge.status", "published"),
        ("results.publish", None),
    ]
    assert events[-1].after["version"] == 1


def test_publish_results_without_a_decision_is_refused(world):
    programme(world, decide=False)

    with pytest.raises(DomainError, match="at least one entry"):
        publish_results(world.challenge, reason=None, actor=world.organiser)

    assert db.session.scalar(select(ResultsSnapshot.id)) is None
    assert world.challenge.status is ChallengeStatus.JUDGING


def test_publish_results_before_judging_is_refused(world):
    make_decision(world.submission_a)

    with pytest.raises(DomainError, match="once judging has started"):
        publish_results(world.challenge, reason=None, actor=world.organiser)

    assert world.challenge.status is ChallengeStatus.OPEN


def test_publish_results_of_an_archived_challenge_is_refused(world):
    programme(world)
    world.challenge.status = ChallengeStatus.ARCHIVED
    db.session.commit()

    with pytest.raises(DomainError, match="archived"):
        publish_results(world.challenge, reason=None, actor=world.organiser)


def test_overview_before_publication_shows_staged_decisions(client, world):
    programme(world)

    page = login(client, world.organiser).get("/manage/sme-awards/results").get_data(as_text=True)

    assert "Nothing is published yet: entrants, judges and the public see no results." in page
    assert "Differs from published." not in page
    row = page[page.index('<th scope="row">Connectivity</th>') :]
    assert row[: row.index("</tr>")].count("<td>1</td>") == 3  # winner, runner-up, not selected


def test_publish_results_from_decided_publishes(world):
    programme(world)
    world.challenge.status = ChallengeStatus.DECIDED
    db.session.commit()

    publish_results(world.challenge, reason=None, actor=world.organiser)

    assert world.challenge.status is ChallengeStatus.PUBLISHED


def test_publish_results_again_needs_a_reason(world):
    programme(world)
    publish_results(world.challenge, reason=None, actor=world.organiser)

    with pytest.raises(DomainError) as refused:
        publish_results(world.challenge, reason="  ", actor=world.organiser)

    assert refused.value.field == "reason"
    assert published(world.challenge).version == 1


def test_publish_results_again_adds_a_version_and_audits_a_republication(world):
    programme(world)
    publish_results(world.challenge, reason=None, actor=world.organiser)

    second = publish_results(world.challenge, reason="A late sheet was corrected.", actor=world.admin)

    assert (second.version, second.reason) == (2, "A late sheet was corrected.")
    assert published(world.challenge).id == second.id
    event = db.session.scalars(select(AuditEvent).order_by(AuditEvent.id.desc())).first()
    assert (event.action, event.before["version"], event.after["version"]) == ("results.republish", 1, 2)


def test_publish_results_published_meanwhile_is_refused(world, monkeypatch):
    programme(world)
    publish_results(world.challenge, reason=None, actor=world.organiser)
    monkeypatch.setattr(publish_services, "published", lambda challenge: None)

    with pytest.raises(DomainError, match="meanwhile"):
        publish_results(world.challenge, reason=None, actor=world.organiser)

    assert db.session.scalars(select(ResultsSnapshot.version)).all() == [1]


def test_publish_results_leaves_feedback_out_when_entrants_get_none(world):
    programme(world, feedback=False)

    snapshot = publish_results(world.challenge, reason=None, actor=world.organiser)

    assert "feedback" not in snapshot.data


def test_differences_empty_right_after_publication(world):
    programme(world)
    publish_results(world.challenge, reason=None, actor=world.organiser)

    assert differences(world.challenge).any is False


def test_differences_list_changed_marks_ranks_and_decisions(world):
    gamma = programme(world)
    publish_results(world.challenge, reason=None, actor=world.organiser)

    change_after_publication(world, gamma)
    found = differences(world.challenge)

    assert found.inputs_changed is True
    assert [(c.title, c.before, c.after) for c in found.decisions] == [
        ("Beta telehealth", "Runner-up", "Honourable mention")
    ]
    moved = {c.title: (c.rank_before, c.rank_after) for c in found.standings}
    assert moved["Gamma grid"] == (3, 1)


def test_overview_shows_what_differs_from_published(client, world):
    gamma = programme(world)
    publish_results(world.challenge, reason=None, actor=world.organiser)
    change_after_publication(world, gamma)

    page = login(client, world.organiser).get("/manage/sme-awards/results").get_data(as_text=True)

    assert "Differs from published." in page
    assert "Marks, rubric or decisions changed since publication." in page
    assert "Gamma grid" in page
    assert "Honourable mention" in page
    assert "/manage/sme-awards/results/audit-1.json" in page


def test_publish_form_without_confirmation_is_refused_and_keeps_the_reason(client, world):
    programme(world)
    publish_results(world.challenge, reason=None, actor=world.organiser)

    response = login(client, world.organiser).post(
        "/manage/sme-awards/results/publish", data={"reason": "Corrected a typo in a sheet."}
    )

    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Tick the box to confirm." in page
    assert "Corrected a typo in a sheet." in page
    assert published(world.challenge).version == 1


def test_publish_form_again_without_reason_shows_the_error(client, world):
    programme(world)
    publish_results(world.challenge, reason=None, actor=world.organiser)

    response = login(client, world.organiser).post(
        "/manage/sme-awards/results/publish", data={"confirm": "y"}
    )

    assert response.status_code == 400
    assert "Say why the results are published again." in response.get_data(as_text=True)


def test_publish_form_without_decisions_shows_the_error(client, world):
    programme(world, decide=False)

    response = login(client, world.organiser).post(
        "/manage/sme-awards/results/publish", data={"confirm": "y"}
    )

    assert response.status_code == 400
    assert "Decide the outcome of at least one entry before publishing." in response.get_data(as_text=True)


def test_publish_form_publishes_again_and_lists_the_new_version(client, world):
    gamma = programme(world)
    publish_results(world.challenge, reason=None, actor=world.organiser)
    change_after_publication(world, gamma)
    login(client, world.organiser)

    response = client.post(
        "/manage/sme-awards/results/publish", data={"confirm": "y", "reason": "Gamma's sheet was corrected."}
    )
    page = client.get(response.headers["Location"]).get_data(as_text=True)

    assert response.status_code == 302
    assert "Results published (version 2)." in page
    assert "Gamma&#39;s sheet was corrected." in page
    assert "The published results match the current marks and decisions." in page
    assert "/manage/sme-awards/results/audit-2.json" in page
