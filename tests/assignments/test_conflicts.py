"""A judge declares conflicts of interest from a list of the challenge's entries (organisation and title
only); a declared conflict takes the entry off the judge's assignments and only organisers can remove it.
"""

from __future__ import annotations

from sqlalchemy import select

from judging.assignments.invitation_services import confirm_profile
from judging.assignments.judge_details import JudgeDetails
from judging.assignments.models import (
    Assignment,
    AssignmentStatus,
    Conflict,
    ConflictReason,
    ConflictSource,
    JudgeStatus,
)
from judging.audit import AuditEvent
from judging.core.lifecycle import SubmissionStatus
from judging.extensions import db
from tests.factories import login, make_judge, make_organisation, make_submission, make_user


def _page(response) -> str:
    return response.get_data(as_text=True)


def _url(world, query: str = "") -> str:
    return f"/judging/{world.challenge.slug}/conflicts{query}"


def _declare(client, world, submission, reason="employer", note="I advised them in 2023."):
    return client.post(
        _url(world), data={"submission_id": str(submission.id), "reason": reason, "note": note}
    )


def test_the_list_shows_organisation_and_title_of_judgeable_entries_only(client, world):
    make_submission(world.challenge, world.organisation_b, status=SubmissionStatus.WITHDRAWN, title="Gone")
    make_submission(world.challenge, world.organisation_b, status=SubmissionStatus.INELIGIBLE, title="Out")
    make_submission(
        world.challenge, world.organisation_b, status=SubmissionStatus.ELIGIBLE, title="Beta eligible"
    )
    login(client, world.unassigned_judge)

    page = _page(client.get(_url(world)))

    assert "Alpha Mesh Ltd" in page and "Alpha mesh for clinics" in page
    assert "Beta Health" in page and "Beta telehealth" in page and "Beta eligible" in page
    assert "Alpha draft" not in page and "Gone" not in page and "Out" not in page
    assert "We connect rural clinics" not in page  # no summary, no people, no other data
    assert "Amina Alpha" not in page and "a@alpha.example" not in page
    assert "Showing 3 of 3 entries." in page


def test_the_list_filters_by_text_ignoring_case_and_accents(client, world):
    sante = make_organisation("Santé Connectée SARL", country="SN")
    make_submission(world.challenge, sante, title="Dossier médical partagé")
    login(client, world.unassigned_judge)

    by_organisation = _page(client.get(_url(world, "?q=SANTE")))
    by_title = _page(client.get(_url(world, "?q=beta+tele")))

    assert "Dossier médical partagé" in by_organisation and "Beta telehealth" not in by_organisation
    assert "Showing 1 of 3 entries." in by_organisation
    assert "Beta telehealth" in by_title and "Alpha mesh for clinics" not in by_title


def test_choosing_an_entry_shows_the_declaration_form_with_judge_reasons_only(client, world):
    login(client, world.unassigned_judge)

    page = _page(client.get(_url(world, f"?entry={world.submission_b.id}")))

    assert "Declare a conflict with “Beta telehealth” (Beta Health)" in page
    assert "Employer (now or recently)" in page and "Competitor" in page
    assert "Same email domain" not in page and "Same country" not in page


def test_a_judge_declares_a_conflict_and_it_is_recorded_and_audited(client, world):
    login(client, world.unassigned_judge)

    response = _declare(client, world, world.submission_b)
    page = _page(client.get(response.headers["Location"]))

    conflict = db.session.scalar(select(Conflict).where(Conflict.submission_id == world.submission_b.id))
    assert conflict.judge.user_id == world.unassigned_judge.id
    assert (conflict.source, conflict.reason) == (ConflictSource.DECLARED, ConflictReason.EMPLOYER)
    assert conflict.note == "I advised them in 2023."
    assert conflict.created_by_id == world.unassigned_judge.id
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "conflict.declared"))
    assert (event.object_id, event.challenge_id, event.actor_id) == (
        conflict.id,
        world.challenge.id,
        world.unassigned_judge.id,
    )
    assert "Your conflict with “Beta telehealth” (Beta Health) is recorded." in page
    assert "Declared" in page and "(Employer (now or recently))" in page


def test_the_page_says_only_organisers_remove_a_conflict_and_a_second_declaration_is_refused(client, world):
    login(client, world.conflicted_judge)

    page = _page(client.get(_url(world)))
    again = _declare(client, world, world.submission_a)

    assert "Only the organisers can remove a conflict once it is declared." in page
    assert again.status_code == 200
    assert "This conflict is already recorded." in _page(again)
    assert db.session.scalar(select(db.func.count(Conflict.id))) == 1


def test_conflicts_recorded_by_the_organisers_are_marked_without_their_reason(client, world):
    make_judge_conflict = Conflict(
        challenge_id=world.challenge.id,
        judge=world.judge_membership,
        submission=world.submission_b,
        source=ConflictSource.DETECTED,
        reason=ConflictReason.SAME_COUNTRY,
    )
    db.session.add(make_judge_conflict)
    db.session.commit()
    login(client, world.judge)

    page = _page(client.get(_url(world)))

    assert "Recorded by the organisers" in page
    assert "Same country" not in page


def test_declaring_needs_a_reason_and_a_judgeable_entry_of_the_challenge(client, world):
    other_entry = make_submission(world.other_challenge, world.organisation_b, title="Elsewhere")
    login(client, world.unassigned_judge)

    no_reason = _declare(client, world, world.submission_b, reason="")
    detection_reason = _declare(client, world, world.submission_b, reason="same_country")
    draft = _declare(client, world, world.draft_a)
    elsewhere = _declare(client, world, other_entry)

    assert no_reason.status_code == 200 and "Choose a reason." in _page(no_reason)
    assert detection_reason.status_code == 200 and "Not a valid choice" in _page(detection_reason)
    for response in (draft, elsewhere):
        assert response.status_code == 200
        assert "Choose one of this challenge&#39;s entries." in _page(response)
    assert db.session.scalar(select(db.func.count(Conflict.id))) == 1  # the world's own


def test_declaring_after_assignment_removes_the_assignment_in_every_round(client, world):
    from tests.factories import make_assignment, make_round

    final = make_round(world.challenge, "Final", position=2, entries=[world.submission_a])
    make_assignment(final, world.judge_membership, world.submission_a)
    login(client, world.judge)

    _declare(client, world, world.submission_a)

    left = db.session.scalars(select(Assignment).where(Assignment.judge_id == world.judge_membership.id))
    assert list(left) == []
    removed = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "assignment.removed_for_conflict")
    ).all()
    assert sorted(event.before["round_id"] for event in removed) == sorted([world.round.id, final.id])


def test_a_scored_assignment_is_kept_when_a_conflict_is_declared(client, world):
    world.assignment_a.status = AssignmentStatus.SCORED
    db.session.commit()
    login(client, world.judge)

    _declare(client, world, world.submission_a)
    login(client, world.organiser)
    page = _page(client.get(f"/manage/{world.challenge.slug}/conflicts"))

    assert db.session.get(Assignment, world.assignment_a.id) is not None
    assert "Scored before the conflict was known" in page
    assert "Judy Judge scored “Alpha mesh for clinics” in Screening." in page


def test_a_judge_who_has_not_accepted_the_terms_is_sent_to_the_terms(client, world):
    newcomer = make_user("nina@jury.example", name="Nina New")
    make_judge(world.challenge, newcomer, ready=False, status=JudgeStatus.ACTIVE)
    login(client, newcomer)

    response = client.get(_url(world))

    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/judging/{world.challenge.slug}/terms")


def test_an_invited_or_revoked_judge_and_a_judge_of_another_challenge_get_404(client, world):
    invited = make_user("ivan@jury.example")
    make_judge(world.challenge, invited, ready=False)
    revoked = make_user("rita@jury.example")
    make_judge(world.challenge, revoked, status=JudgeStatus.REVOKED)

    for user in (invited, revoked, world.other_judge):
        login(client, user)
        assert client.get(_url(world)).status_code == 404
        assert _declare(client, world, world.submission_b).status_code == 404
    assert db.session.scalar(select(db.func.count(Conflict.id))) == 1


def test_a_declaration_without_the_form_token_is_refused(app, client, world):
    login(client, world.unassigned_judge)
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        response = _declare(client, world, world.submission_b)
    finally:
        app.config["WTF_CSRF_ENABLED"] = False

    assert response.status_code == 400
    assert db.session.scalar(select(db.func.count(Conflict.id))) == 1


def test_the_permission_helpers_see_active_conflicts_only(app, world):
    from judging import permissions
    from judging.database import utcnow

    judge_id, entry_id = world.conflicted_membership.id, world.submission_a.id

    before = (
        permissions.conflicted(judge_id, entry_id),
        permissions.active_conflict_pairs(world.challenge.id),
    )
    conflict = db.session.scalar(select(Conflict))
    conflict.removed_at = utcnow()
    db.session.commit()
    after = (
        permissions.conflicted(judge_id, entry_id),
        permissions.active_conflict_pairs(world.challenge.id),
    )

    assert before == (True, {(judge_id, entry_id)})
    assert after == (False, set())
    assert permissions.active_conflict_pairs(world.other_challenge.id) == set()


def test_confirming_a_profile_detects_the_judges_conflicts(client, world):
    person = make_user("rafa@alpha.example", name="Rafa")  # same email domain as organisation A's member
    judge = make_judge(world.challenge, person)
    judge.profile_confirmed_at = None
    db.session.commit()
    details = JudgeDetails(
        name=judge.name,
        email=judge.email,
        expertise=tuple(c.id for c in world.challenge.categories),
        languages=("en",),
        capacity=5,
        affiliation="Independent",
        country="GB",
    )

    confirm_profile(judge, details, actor=person)

    found = db.session.scalars(select(Conflict).where(Conflict.judge_id == judge.id)).all()
    assert [(c.submission_id, c.source, c.reason) for c in found] == [
        (world.submission_a.id, ConflictSource.DETECTED, ConflictReason.EMAIL_DOMAIN)
    ]
