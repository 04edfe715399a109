"""Judges see their own assignments per round, open each entry read-only and download its deck; in a blind
round nothing tells them who entered. A conflicted pair never meets.
"""

from __future__ import annotations

from io import BytesIO

from pypdf import PdfReader, PdfWriter
from werkzeug.datastructures import FileStorage

from judging.assignments.models import AssignmentStatus, JudgeStatus
from judging.extensions import db
from judging.submissions.services import attach_deck
from tests.factories import login, make_assignment, make_judge, make_round, make_user


def _entry_url(world, assignment=None) -> str:
    return f"/judging/{world.challenge.slug}/entries/{(assignment or world.assignment_a).id}"


def _page(client, url: str) -> str:
    return client.get(url).get_data(as_text=True)


def _deck_with_author(world) -> None:
    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    writer.add_metadata({"/Author": "Amina Alpha", "/Title": "Alpha Mesh Ltd pitch"})
    buffer = BytesIO()
    writer.write(buffer)
    upload = FileStorage(
        BytesIO(buffer.getvalue()), filename="alpha-mesh.pdf", content_type="application/pdf"
    )
    attach_deck(world.submission_a, upload, actor=world.entrant_a)


def test_the_dashboard_lists_the_judges_own_assignments_only(client, world):
    login(client, world.judge)

    page = _page(client, "/judging/")

    assert "Digital SME Awards" in page and "Screening" in page
    assert "Alpha mesh for clinics" in page
    assert "Beta telehealth" not in page
    assert "0 of 1 scored" in page
    assert "Closes" in page and "in 14 days" in page
    assert f'href="{_entry_url(world)}"' in page


def test_progress_counts_scored_entries_and_leaves_recusals_out(client, world):
    make_assignment(world.round, world.judge_membership, world.submission_b, status=AssignmentStatus.SCORED)
    other_round = make_round(world.challenge, "Final", position=2, entries=[world.submission_a])
    make_assignment(other_round, world.judge_membership, world.submission_a, status=AssignmentStatus.RECUSED)
    login(client, world.judge)

    page = _page(client, "/judging/")

    assert "1 of 2 scored" in page
    assert "0 of 0 scored" in page and "Final" in page


def test_a_conflicted_entry_never_appears_even_when_an_assignment_exists(client, world):
    stray = make_assignment(world.round, world.conflicted_membership, world.submission_a)
    login(client, world.conflicted_judge)

    page = _page(client, "/judging/")

    assert "Beta telehealth" in page
    assert "Alpha mesh for clinics" not in page
    assert client.get(_entry_url(world, stray)).status_code == 404


def test_a_judge_who_has_not_accepted_the_terms_is_sent_to_them_and_sees_no_entry(client, world):
    world.judge_membership.terms_accepted_at = None
    db.session.commit()
    login(client, world.judge)

    page = _page(client, "/judging/")

    assert "Read and accept the judging terms" in page
    assert f"/judging/{world.challenge.slug}/terms" in page
    assert "Alpha mesh for clinics" not in page
    assert client.get(_entry_url(world)).status_code == 404


def test_a_judge_of_another_challenge_sees_nothing_of_this_one(client, world):
    login(client, world.other_judge)

    page = _page(client, "/judging/")

    assert "Innovation Challenge" in page
    assert "Digital SME Awards" not in page and "Alpha mesh" not in page
    assert client.get(_entry_url(world)).status_code == 404


def test_the_judging_link_shows_for_judges_only(client, world):
    invited = make_user("ivy@jury.example")
    make_judge(world.challenge, invited, ready=False)

    pages = {}
    for role, user in (("judge", world.judge), ("entrant", world.entrant_a), ("invited", invited)):
        login(client, user)
        pages[role] = _page(client, "/challenges/")

    assert 'href="/judging/"' in pages["judge"]
    assert 'href="/judging/"' not in pages["entrant"]
    assert 'href="/judging/"' not in pages["invited"]  # invited, not yet accepted


def test_an_open_round_shows_who_entered(client, world):
    login(client, world.judge)

    page = _page(client, _entry_url(world))

    assert "Alpha mesh for clinics" in page and "Connectivity" in page
    assert "We connect rural clinics" in page and "A solar-powered mesh." in page
    assert "Alpha Mesh Ltd" in page and "Amina Alpha" in page and "https://example.org" in page
    assert "Kenya" in page


def test_a_blind_round_hides_organisation_people_website_and_country(client, world):
    world.round.blind = True
    db.session.commit()
    login(client, world.judge)

    page = _page(client, _entry_url(world))

    assert "Alpha mesh for clinics" in page and "A solar-powered mesh." in page
    for hidden in ("Alpha Mesh Ltd", "Amina Alpha", "https://example.org", "Kenya", "a@alpha.example"):
        assert hidden not in page


def test_a_blind_deck_has_a_neutral_name_and_no_metadata(client, world):
    _deck_with_author(world)
    world.round.blind = True
    db.session.commit()
    login(client, world.judge)

    response = client.get(_entry_url(world) + "/deck")

    assert response.status_code == 200
    assert (
        response.headers["Content-Disposition"] == f"attachment; filename=entry-{world.submission_a.id}.pdf"
    )
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert "Last-Modified" not in response.headers
    assert b"Amina" not in response.data and b"Alpha Mesh" not in response.data
    assert len(PdfReader(BytesIO(response.data)).pages) == 1


def test_an_open_round_deck_is_named_after_the_entry(client, world):
    _deck_with_author(world)
    login(client, world.judge)

    response = client.get(_entry_url(world) + "/deck")

    assert response.headers["Content-Disposition"] == "attachment; filename=alpha-mesh-for-clinics.pdf"
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_a_revoked_judge_loses_the_entry(client, world):
    world.judge_membership.status = JudgeStatus.REVOKED
    db.session.commit()
    login(client, world.judge)

    assert client.get(_entry_url(world)).status_code == 404
    assert "Alpha mesh" not in _page(client, "/judging/")


def test_a_withdrawn_entry_is_marked_and_no_longer_opens(client, world):
    from judging.core.lifecycle import SubmissionStatus

    world.submission_a.status = SubmissionStatus.WITHDRAWN
    db.session.commit()
    login(client, world.judge)

    page = _page(client, "/judging/")

    assert "Alpha mesh for clinics" in page and "entry withdrawn" in page
    assert client.get(_entry_url(world)).status_code == 404
