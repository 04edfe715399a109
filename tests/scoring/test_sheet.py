"""The judge's scoring page: drafts, submission, revision, save-and-next, read-only after close, and
nothing typed lost when the CSRF token or the session expires."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from judging.assignments.models import AssignmentStatus
from judging.audit import AuditEvent
from judging.database import utcnow
from judging.extensions import db
from judging.scoring.models import ScoreSheet, SheetStatus
from tests.factories import csrf_token_in, login, make_assignment, make_sheet, make_submission


def url(world, assignment=None) -> str:
    assignment = assignment or world.assignment_a
    return f"/judging/{world.challenge.slug}/entries/{assignment.id}/score"


def form(world, *, version=0, action="save", marks=(None, None, None), feedback="", note="") -> dict:
    data = {"version": str(version), "action": action, "feedback": feedback, "private_note": note}
    for criterion, value in zip(world.criteria, marks, strict=True):
        if value is not None:
            data[f"mark-{criterion.id}"] = str(value)
    return data


def stored(world, assignment=None) -> ScoreSheet | None:
    db.session.expire_all()
    assignment = assignment or world.assignment_a
    return db.session.query(ScoreSheet).filter_by(assignment_id=assignment.id).one_or_none()


def test_sheet_page_shows_rubric_guides_and_version_field(client, world):
    world.criteria[0].description = "How new is it?"
    world.criteria[0].guide = {"1": "Seen it many times", "5": "Nobody does this yet"}
    db.session.commit()
    page = login(client, world.judge).get(url(world)).get_data(as_text=True)
    assert "How new is it?" in page
    assert "Nobody does this yet" in page
    assert '<input type="hidden" name="version" value="0">' in page
    assert page.count(f'name="mark-{world.criteria[0].id}"') == 5
    assert "<legend>Innovation" in page


def test_blind_sheet_hides_who_entered(client, world):
    world.round.blind = True
    db.session.commit()
    page = login(client, world.judge).get(url(world)).get_data(as_text=True)
    assert "Alpha Mesh Ltd" not in page
    assert "Amina Alpha" not in page


def test_draft_saved_with_some_marks_and_redirects(client, world):
    response = login(client, world.judge).post(
        url(world), data=form(world, marks=(4, None, None), feedback="Strong idea.", note="Check team.")
    )
    assert response.status_code == 303
    sheet = stored(world)
    assert (sheet.status, sheet.version, sheet.marks()) == (SheetStatus.DRAFT, 1, {world.criteria[0].id: 4})
    assert (sheet.feedback, sheet.private_note) == ("Strong idea.", "Check team.")
    assert world.assignment_a.status is AssignmentStatus.ASSIGNED
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Draft saved (version 1)" in page
    assert '<input type="hidden" name="version" value="1">' in page


def test_submit_requires_every_required_mark(client, world):
    response = login(client, world.judge).post(
        url(world), data=form(world, action="submit", marks=(4, None, 3), feedback="Kept text")
    )
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "Choose a mark for this criterion before submitting." in page
    assert "Kept text" in page
    assert stored(world) is None


def test_submit_without_the_independent_optional_criterion(client, world):
    response = login(client, world.judge).post(
        url(world), data=form(world, action="submit", marks=(4, 2, None))
    )
    assert response.status_code == 303
    sheet = stored(world)
    assert sheet.status is SheetStatus.SUBMITTED
    assert world.assignment_a.status is AssignmentStatus.SCORED


def test_out_of_scale_mark_is_a_field_error(client, world):
    response = login(client, world.judge).post(url(world), data=form(world, marks=(9, None, None)))
    assert response.status_code == 200
    assert "Not a valid choice" in response.get_data(as_text=True)
    assert stored(world) is None


def test_submitted_sheet_revised_stays_submitted_and_version_grows(client, world):
    sheet = make_sheet(world.assignment_a, dict(zip(world.criteria[:2], (3, 3), strict=True)), submitted=True)
    response = login(client, world.judge).post(
        url(world), data=form(world, version=sheet.version, action="save", marks=(5, 3, None))
    )
    assert response.status_code == 303
    sheet = stored(world)
    assert (sheet.status, sheet.version, sheet.marks()[world.criteria[0].id]) == (SheetStatus.SUBMITTED, 2, 5)
    assert world.assignment_a.status is AssignmentStatus.SCORED


def test_one_save_adds_changes_and_clears_marks_together(client, world):
    first, second, third = world.criteria
    sheet = make_sheet(world.assignment_a, {first: 2, second: 3})
    response = login(client, world.judge).post(
        url(world), data=form(world, version=sheet.version, marks=(4, None, 5))
    )
    assert response.status_code == 303
    assert stored(world).marks() == {first.id: 4, third.id: 5}
    event = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "score_sheet.save").order_by(AuditEvent.id.desc())
    ).first()
    assert event.before["marks"] == {str(first.id): 2, str(second.id): 3, str(third.id): None}
    assert event.after["marks"] == {str(first.id): 4, str(second.id): None, str(third.id): 5}


def test_closed_round_sheet_is_read_only(client, world):
    make_sheet(world.assignment_a, {world.criteria[0]: 4}, feedback="Kept")
    world.round.closed_at = utcnow()
    db.session.commit()
    page = login(client, world.judge).get(url(world)).get_data(as_text=True)
    assert "This round is closed" in page
    assert '<form method="post" action="/judging' not in page
    assert "Kept" in page


def test_save_next_goes_to_next_unscored_entry_by_title(client, world):
    later = make_submission(world.challenge, world.organisation_b, title="Zeta water")
    earlier = make_submission(world.challenge, world.organisation_b, title="Aardvark pay")
    scored = make_submission(world.challenge, world.organisation_b, title="Beta scored")
    a_zeta = make_assignment(world.round, world.judge_membership, later)
    a_aard = make_assignment(world.round, world.judge_membership, earlier)
    a_scored = make_assignment(world.round, world.judge_membership, scored)
    make_sheet(a_scored, {}, submitted=True)
    login(client, world.judge)
    # "Alpha mesh for clinics" -> next by title, skipping the scored "Beta scored" -> "Zeta water"
    response = client.post(url(world), data=form(world, action="save_next", marks=(2, None, None)))
    assert response.status_code == 303
    assert response.headers["Location"].endswith(url(world, a_zeta))
    # after the last one it wraps to the first unscored: "Aardvark pay"
    response = client.post(url(world, a_zeta), data=form(world, action="save_next"))
    assert response.headers["Location"].endswith(url(world, a_aard))


def test_save_next_on_the_last_entry_goes_to_the_dashboard(client, world):
    response = login(client, world.judge).post(url(world), data=form(world, action="save_next"))
    assert response.status_code == 303
    assert response.headers["Location"].endswith("/judging/")


def test_dashboard_shows_progress_per_round(client, world):
    make_sheet(world.assignment_a, {world.criteria[0]: 4})
    page = login(client, world.judge).get("/judging/").get_data(as_text=True)
    assert "0 of 1 scored, 1 draft in progress" in page
    assert "Score</a>" in page


def test_expired_csrf_token_rerenders_typed_sheet(app, client, world):
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        login(client, world.judge)
        data = form(world, marks=(4, 2, None), feedback="An hour of careful writing.", note="Private bit")
        data["csrf_token"] = "expired-or-forged"
        response = client.post(url(world), data=data)
        page = response.get_data(as_text=True)
        assert response.status_code == 400
        assert "Your session expired; nothing was saved yet." in page
        assert "An hour of careful writing." in page
        assert "Private bit" in page
        mark = f"mark-{world.criteria[0].id}"
        assert f'checked id="{mark}-3" name="{mark}" type="radio" value="4"' in page
        assert stored(world) is None
        # saving again with the fresh token works
        data["csrf_token"] = csrf_token_in(page)
        assert client.post(url(world), data=data).status_code == 303
        assert stored(world).feedback == "An hour of careful writing."
    finally:
        app.config["WTF_CSRF_ENABLED"] = False


def test_expired_session_keeps_typed_text_and_offers_sign_in(app, client, world):
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        data = form(world, marks=(4, None, None), feedback="Typed while signed out")
        data["csrf_token"] = "from-the-lost-session"
        response = client.post(url(world), data=data)  # nobody signed in any more
        page = response.get_data(as_text=True)
        assert response.status_code == 401
        assert "Typed while signed out" in page
        assert 'target="_blank"' in page and "/login" in page
        assert f'name="mark-{world.criteria[0].id}" value="4"' in page
        assert "Alpha mesh" not in page  # nothing of the entry shown to a visitor
        assert stored(world) is None
    finally:
        app.config["WTF_CSRF_ENABLED"] = False


def test_round_closing_soon_shows_the_deadline(client, world):
    world.round.closes_at = utcnow() + timedelta(hours=3)
    db.session.commit()
    page = login(client, world.judge).get(url(world)).get_data(as_text=True)
    assert "Round closes" in page
