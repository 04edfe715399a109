"""Organisers list, read, screen and export the entries of their challenge."""

from __future__ import annotations

import csv
import io

from sqlalchemy import select

from judging.audit import AuditEvent
from judging.core.lifecycle import SubmissionStatus
from judging.extensions import db
from tests.factories import login, make_organisation, make_question, make_submission


def _page(response) -> str:
    return response.get_data(as_text=True)


def _entries_url(world, query: str = "") -> str:
    return f"/manage/{world.challenge.slug}/entries{query}"


def _screen_url(world, submission) -> str:
    return f"/manage/{world.challenge.slug}/entries/{submission.id}/screen"


def test_the_list_shows_submitted_entries_with_counts_and_never_drafts(client, world):
    login(client, world.organiser)

    page = _page(client.get(_entries_url(world)))

    assert "Alpha mesh for clinics" in page
    assert "Beta telehealth" in page
    assert "Alpha draft" not in page
    assert "Showing 2 of 2 entries." in page


def test_the_list_filters_by_category_status_and_country(client, world):
    health = world.challenge.categories[1]
    make_submission(world.challenge, world.organisation_b, category=health, title="Beta e-health records")
    world.submission_a.status = SubmissionStatus.ELIGIBLE
    db.session.commit()
    login(client, world.organiser)

    by_category = _page(client.get(_entries_url(world, f"?category={health.id}")))
    by_status = _page(client.get(_entries_url(world, "?status=eligible")))
    by_country = _page(client.get(_entries_url(world, "?country=PE")))

    assert "Beta e-health records" in by_category and "Beta telehealth" not in by_category
    assert "Alpha mesh for clinics" in by_status and "Beta telehealth" not in by_status
    assert "Beta telehealth" in by_country and "Alpha mesh for clinics" not in by_country
    assert "Showing 2 of 3 entries." in by_country


def test_the_entry_page_shows_answers_organisation_and_deck_link(client, world):
    question = make_question(world.challenge, "Customers so far")
    world.submission_a.answers.append(_answer(question.id, "About forty clinics"))
    db.session.commit()
    login(client, world.organiser)

    page = _page(client.get(f"/manage/{world.challenge.slug}/entries/{world.submission_a.id}"))

    assert "Alpha Mesh Ltd" in page
    assert "Customers so far" in page
    assert "About forty clinics" in page
    assert "Save the decision" in page


def _answer(question_id: int, value):
    from judging.submissions.models import Answer

    return Answer(question_id=question_id, value=value)


def test_marking_an_entry_ineligible_needs_a_reason(client, world):
    login(client, world.organiser)

    response = client.post(
        _screen_url(world, world.submission_a), data={"decision": "ineligible", "reason": " "}
    )

    assert "Give the reason why this entry is not eligible." in _page(response)
    db.session.refresh(world.submission_a)
    assert world.submission_a.status is SubmissionStatus.SUBMITTED
    assert db.session.scalars(select(AuditEvent)).all() == []


def test_screening_stores_the_decision_and_an_audit_row(client, world):
    login(client, world.organiser)

    response = client.post(
        _screen_url(world, world.submission_a),
        data={"decision": "ineligible", "reason": "Registered outside the region."},
        follow_redirects=True,
    )

    assert "is marked not eligible" in _page(response)
    entry = world.submission_a
    db.session.refresh(entry)
    assert (entry.status, entry.screening_reason) == (
        SubmissionStatus.INELIGIBLE,
        "Registered outside the region.",
    )
    assert (entry.screened_by_id, entry.screened_at is not None) == (world.organiser.id, True)
    event = db.session.scalars(select(AuditEvent)).one()
    assert (event.action, event.object_id, event.actor_id) == (
        "submission.screened",
        entry.id,
        world.organiser.id,
    )
    assert event.before == {"status": "submitted", "reason": None}
    assert event.after == {"status": "ineligible", "reason": "Registered outside the region."}


def test_an_ineligible_entry_can_be_marked_eligible_again(client, world):
    login(client, world.organiser)
    client.post(_screen_url(world, world.submission_a), data={"decision": "ineligible", "reason": "Too big"})

    client.post(_screen_url(world, world.submission_a), data={"decision": "eligible", "reason": ""})

    db.session.refresh(world.submission_a)
    assert (world.submission_a.status, world.submission_a.screening_reason) == (
        SubmissionStatus.ELIGIBLE,
        None,
    )
    assert len(db.session.scalars(select(AuditEvent)).all()) == 2


def test_drafts_and_other_challenges_entries_cannot_be_screened(client, world):
    other = make_submission(world.other_challenge, world.organisation_b, title="Elsewhere")
    login(client, world.organiser)

    assert client.post(_screen_url(world, world.draft_a), data={"decision": "eligible"}).status_code == 404
    assert client.post(_screen_url(world, other), data={"decision": "eligible"}).status_code == 404
    db.session.refresh(world.draft_a)
    assert world.draft_a.status is SubmissionStatus.DRAFT


def _csv_rows(response) -> list[list[str]]:
    assert response.data.startswith(b"\xef\xbb\xbf")
    return list(csv.reader(io.StringIO(response.data.decode("utf-8-sig"))))


def test_export_neutralises_cells_that_a_spreadsheet_would_run(client, world):
    hostile = make_organisation("@SUM(A1:A9)", country="GH", employees=3)
    make_submission(
        world.challenge,
        hostile,
        title='=HYPERLINK("http://evil.example","click")',
        summary="+1",
        problem="-2",
    )
    login(client, world.organiser)

    response = client.get(f"/manage/{world.challenge.slug}/entries.csv")

    assert response.headers["Content-Disposition"] == 'attachment; filename="sme-awards-entries.csv"'
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    rows = _csv_rows(response)
    header, hostile_row = rows[0], rows[-1]
    record = dict(zip(header, hostile_row, strict=True))
    assert record["Title"] == '\'=HYPERLINK("http://evil.example","click")'
    assert record["Organisation"] == "'@SUM(A1:A9)"
    assert record["Summary"] == "'+1"
    assert record["Problem"] == "'-2"
    assert record["Country"] == "GH"
    assert all(not cell.startswith(("=", "+", "-", "@")) for row in rows for cell in row)


def test_export_follows_the_filters_and_leaves_out_drafts(client, world):
    question = make_question(world.challenge, "Customers so far")
    world.submission_b.answers.append(_answer(question.id, "12"))
    db.session.commit()
    login(client, world.organiser)

    everything = _csv_rows(client.get(f"/manage/{world.challenge.slug}/entries.csv"))
    peru = _csv_rows(client.get(f"/manage/{world.challenge.slug}/entries.csv?country=PE"))

    assert sorted(row[1] for row in everything[1:]) == ["Alpha mesh for clinics", "Beta telehealth"]
    assert [row[1] for row in peru[1:]] == ["Beta telehealth"]
    record = dict(zip(peru[0], peru[1], strict=True))
    assert (record["Customers so far"], record["Sustainable Development Goals"]) == ("12", "3; 9")
    assert record["Submitted at (UTC)"].endswith("+00:00")
