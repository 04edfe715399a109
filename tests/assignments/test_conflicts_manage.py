"""Organisers list, add and remove conflicts of interest, run detection, and see the replacements proposed
for entries that lost a judge to a conflict.
"""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from judging.assignments.conflict_services import detect_conflicts
from judging.assignments.models import Assignment, Conflict, ConflictReason, ConflictSource, Judge
from judging.audit import AuditEvent
from judging.extensions import db
from tests.factories import login, make_challenge, make_judge, make_organisation, make_submission, make_user


def _page(response) -> str:
    return response.get_data(as_text=True)


def _url(world, rest: str = "") -> str:
    return f"/manage/{world.challenge.slug}/conflicts{rest}"


def _membership(world, user) -> Judge:
    return db.session.scalar(
        select(Judge).where(Judge.challenge_id == world.challenge.id, Judge.user == user)
    )


def _count(model=Conflict) -> int:
    return db.session.scalar(select(func.count(model.id)))


def test_the_organiser_sees_active_conflicts_with_source_reason_and_note(client, world):
    conflict = db.session.scalar(select(Conflict))
    conflict.note = "Mentored their founder."
    db.session.commit()
    login(client, world.organiser)

    page = _page(client.get(_url(world)))

    assert "Conrad Conflicted" in page
    assert "Alpha mesh for clinics" in page and "(Alpha Mesh Ltd)" in page
    assert "Declared by the judge" in page and "Adviser or mentor" in page
    assert "Mentored their founder." in page
    assert "1 conflict" in page


def test_the_list_filters_by_judge_and_source(client, world):
    make_conflict_row(world, world.judge_membership, world.submission_b, ConflictSource.DETECTED)
    login(client, world.organiser)

    by_judge = _page(client.get(_url(world, f"?judge={world.judge_membership.id}")))
    by_source = _page(client.get(_url(world, "?source=declared")))

    assert "Judy Judge" in by_judge and "Conrad Conflicted</td>" not in by_judge
    assert "Conrad Conflicted</td>" in by_source and "Judy Judge</td>" not in by_source


def make_conflict_row(world, judge, submission, source, reason=ConflictReason.SAME_COUNTRY) -> Conflict:
    conflict = Conflict(
        challenge_id=world.challenge.id, judge=judge, submission=submission, source=source, reason=reason
    )
    db.session.add(conflict)
    db.session.commit()
    return conflict


def test_the_organiser_adds_a_conflict_which_removes_the_assignment_and_is_audited(client, world):
    login(client, world.organiser)

    response = client.post(
        _url(world, "/add"),
        data={
            "judge_id": str(world.judge_membership.id),
            "submission_id": str(world.submission_a.id),
            "reason": "investor",
            "note": "Holds shares.",
        },
    )
    page = _page(client.get(response.headers["Location"]))

    conflict = db.session.scalar(select(Conflict).where(Conflict.judge_id == world.judge_membership.id))
    assert (conflict.source, conflict.reason, conflict.note) == (
        ConflictSource.ORGANISER,
        ConflictReason.INVESTOR,
        "Holds shares.",
    )
    assert conflict.created_by_id == world.organiser.id
    assert db.session.get(Assignment, world.assignment_a.id) is None
    actions = db.session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)).all()
    assert actions[-2:] == ["conflict.added", "assignment.removed_for_conflict"]
    assert "Conflict recorded: Judy Judge will not judge “Alpha mesh for clinics”." in page
    assert "“Alpha mesh for clinics” lost judge Judy Judge in Screening because of this conflict" in page


def test_adding_a_conflict_that_exists_is_refused_on_the_page(client, world):
    login(client, world.organiser)

    response = client.post(
        _url(world, "/add"),
        data={
            "judge_id": str(world.conflicted_membership.id),
            "submission_id": str(world.submission_a.id),
            "reason": "other",
        },
    )

    assert response.status_code == 200
    assert "This conflict is already recorded." in _page(response)
    assert _count() == 1


def test_the_organiser_removes_a_conflict_and_it_moves_to_the_removed_list(client, world):
    conflict = db.session.scalar(select(Conflict))
    login(client, world.organiser)

    response = client.post(_url(world, f"/{conflict.id}/remove"))
    active = _page(client.get(response.headers["Location"]))
    removed = _page(client.get(_url(world, "?state=removed")))

    db.session.refresh(conflict)
    assert conflict.removed_at is not None and conflict.removed_by_id == world.organiser.id
    assert "Conflict removed: Conrad Conflicted may now be given “Alpha mesh for clinics”." in active
    assert "No conflicts match these filters." in active
    assert "Conrad Conflicted" in removed and "Removed conflicts" in removed
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "conflict.removed"))
    assert (event.object_id, event.actor_id, event.challenge_id) == (
        conflict.id,
        world.organiser.id,
        world.challenge.id,
    )


def test_removing_twice_says_so(client, world):
    conflict = db.session.scalar(select(Conflict))
    login(client, world.organiser)
    client.post(_url(world, f"/{conflict.id}/remove"))

    response = client.post(_url(world, f"/{conflict.id}/remove"), follow_redirects=True)

    assert "This conflict was already removed." in _page(response)


def test_other_organisers_see_nothing_and_cannot_touch_another_challenges_conflict(client, world):
    conflict = db.session.scalar(select(Conflict))
    mine = make_challenge("Mine", slug="mine", organisers=[world.other_organiser])
    login(client, world.other_organiser)

    assert client.get(_url(world)).status_code == 404
    assert client.post(_url(world, f"/{conflict.id}/remove")).status_code == 404
    assert client.post(f"/manage/{mine.slug}/conflicts/{conflict.id}/remove").status_code == 404
    assert db.session.get(Conflict, conflict.id).removed_at is None


def _detection_world(world):
    """Four new judges, each in conflict with an entry by one rule (same country asked for)."""
    world.challenge.conflict_same_country = True
    db.session.commit()
    same_name = make_judge(world.challenge, make_user("sam@jury2.example"), affiliation="ALPHA MESH")
    domain = make_judge(world.challenge, make_user("dana@beta.example"), affiliation="Freelance")
    member = make_judge(world.challenge, world.entrant_a)
    country = make_judge(world.challenge, make_user("pia@jury2.example"), country="PE")
    return same_name, domain, member, country


def test_detection_finds_each_rule_and_reports_counts(client, world):
    same_name, domain, member, country = _detection_world(world)
    login(client, world.organiser)

    response = client.post(_url(world, "/detect"))
    page = _page(client.get(response.headers["Location"]))

    found = {
        (c.judge_id, c.submission_id): c.reason
        for c in db.session.scalars(select(Conflict).where(Conflict.source == ConflictSource.DETECTED))
    }
    assert found == {
        (same_name.id, world.submission_a.id): ConflictReason.SAME_ORGANISATION,
        (domain.id, world.submission_b.id): ConflictReason.EMAIL_DOMAIN,
        (member.id, world.submission_a.id): ConflictReason.MEMBER,
        (country.id, world.submission_b.id): ConflictReason.SAME_COUNTRY,
    }
    assert "Detection found 4 new conflicts" in page
    assert "Same organisation: 1; Same email domain: 1; Same country: 1" in page
    events = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "conflict.detected")).all()
    assert len(events) == 4 and {e.actor_id for e in events} == {world.organiser.id}


def test_detection_ignores_same_country_unless_asked_and_webmail_always(app, world):
    make_judge(world.challenge, make_user("pia@jury2.example"), country="PE")
    world.organisation_b.website = "https://gmail.com"
    db.session.commit()
    make_judge(world.challenge, make_user("gus@gmail.com"))

    report = detect_conflicts(world.challenge)

    assert report.total == 0 and _count() == 1


def test_detection_runs_without_an_actor_and_for_chosen_judges(app, world):
    same_name, domain, _member, _country = _detection_world(world)

    report = detect_conflicts(world.challenge, judges=[same_name])

    assert report.total == 1 and report.found["same_organisation"] == 1
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "conflict.detected"))
    assert event.actor_id is None and event.after["rules"] == ["same_organisation"]


def test_detection_never_recreates_a_removed_conflict_nor_duplicates(client, world):
    same_name, *_others = _detection_world(world)
    detect_conflicts(world.challenge)
    detected = db.session.scalar(select(Conflict).where(Conflict.judge_id == same_name.id))
    login(client, world.organiser)
    client.post(_url(world, f"/{detected.id}/remove"))

    report = detect_conflicts(world.challenge)

    assert report.total == 0
    db.session.refresh(detected)
    assert detected.removed_at is not None
    assert _count() == 5


def test_detection_removes_the_assignment_of_a_detected_pair(app, world):
    world.judge_membership.affiliation = "Beta Health Ltd."
    db.session.commit()

    report = detect_conflicts(world.challenge)

    assert report.found["same_organisation"] == 1
    assert [(r.judge_name, r.entry_title, r.scored) for r in report.released] == []
    assert db.session.get(Assignment, world.assignment_a.id) is not None  # Judy judges Alpha, not Beta
    assert (world.judge_membership.id, world.submission_b.id) in {
        (c.judge_id, c.submission_id) for c in db.session.scalars(select(Conflict))
    }


def test_a_detected_conflict_with_an_assigned_pair_releases_it(app, world):
    world.judge_membership.affiliation = "Alpha Mesh"
    db.session.commit()

    report = detect_conflicts(world.challenge)

    assert [(r.judge_name, r.entry_title, r.scored) for r in report.released] == [
        ("Judy Judge", "Alpha mesh for clinics", False)
    ]
    assert db.session.get(Assignment, world.assignment_a.id) is None


def test_the_organisers_navigation_links_to_conflicts(client, world):
    login(client, world.organiser)

    page = _page(client.get(f"/manage/{world.challenge.slug}/"))

    assert f'href="/manage/{world.challenge.slug}/conflicts"' in page


def test_a_conflict_after_assignment_proposes_the_best_replacement(client, world):
    pytest.importorskip("judging.core.assignment")
    login(client, world.judge)
    client.post(
        f"/judging/{world.challenge.slug}/conflicts",
        data={"submission_id": str(world.submission_a.id), "reason": "competitor"},
    )
    login(client, world.organiser)

    page = _page(client.get(_url(world)))

    unassigned = _membership(world, world.unassigned_judge)
    assert "“Alpha mesh for clinics” (Screening) lost judge Judy Judge because of a conflict" in page
    assert "Best replacement: Una Unassigned (expert in Connectivity; load " in page
    assert f'name="judge_id" value="{unassigned.id}"' in page
    assert f"/manage/{world.challenge.slug}/rounds/{world.round.id}/assignments/add" in page


def test_assigning_the_proposed_replacement_clears_the_proposal(client, world):
    pytest.importorskip("judging.core.assignment")
    login(client, world.judge)
    client.post(
        f"/judging/{world.challenge.slug}/conflicts",
        data={"submission_id": str(world.submission_a.id), "reason": "competitor"},
    )
    unassigned = _membership(world, world.unassigned_judge)
    login(client, world.organiser)

    client.post(
        f"/manage/{world.challenge.slug}/rounds/{world.round.id}/assignments/add",
        data={"judge_id": str(unassigned.id), "submission_id": str(world.submission_a.id)},
    )
    page = _page(client.get(_url(world)))

    assert "lost judge Judy Judge" in page  # k = 2: one place is still open
    second = make_judge(world.challenge, make_user("zoe@jury2.example", name="Zoe Zed"))
    client.post(
        f"/manage/{world.challenge.slug}/rounds/{world.round.id}/assignments/add",
        data={"judge_id": str(second.id), "submission_id": str(world.submission_a.id)},
    )
    assert "lost judge Judy Judge" not in _page(client.get(_url(world)))


def test_an_organisation_with_accents_and_legal_form_is_detected(app, world):
    sante = make_organisation("Santé Connectée SARL", country="SN", website="https://sante.example")
    entry = make_submission(world.challenge, sante, title="Dossier médical")
    judge = make_judge(world.challenge, make_user("x@jury2.example"), affiliation="Sante connectee")

    detect_conflicts(world.challenge)

    found = db.session.scalar(select(Conflict).where(Conflict.judge_id == judge.id))
    assert (found.submission_id, found.reason) == (entry.id, ConflictReason.SAME_ORGANISATION)
