"""Assignments leave as a spreadsheet-safe CSV and come back from CSV, all or nothing."""

from __future__ import annotations

import csv
import io

from sqlalchemy import select

from judging.assignments.models import Assignment, AssignmentOrigin
from judging.audit import AuditEvent
from judging.extensions import db
from tests.factories import login


def _url(world, rest: str = "") -> str:
    return f"/manage/{world.challenge.slug}/rounds/{world.round.id}/assignments{rest}"


def _pairs() -> set[tuple[int, int]]:
    return {tuple(row) for row in db.session.execute(select(Assignment.judge_id, Assignment.submission_id))}


def test_the_export_lists_every_assignment_with_neutralised_cells(client, world):
    world.submission_a.title = '=HYPERLINK("https://evil.example")'
    db.session.commit()
    login(client, world.organiser)

    response = client.get(_url(world, ".csv"))

    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert (
        response.headers["Content-Disposition"]
        == 'attachment; filename="sme-awards-screening-assignments.csv"'
    )
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
    assert rows[0] == [
        "round",
        "entry_id",
        "entry_title",
        "category",
        "judge_email",
        "judge_name",
        "origin",
        "status",
    ]
    assert sorted(rows[1:]) == sorted(
        [
            ["Screening", str(world.submission_a.id), "'=HYPERLINK(\"https://evil.example\")", "Connectivity",
             "judy@jury.example", "Judy Judge", "Manual", "Assigned"],
            ["Screening", str(world.submission_b.id), "Beta telehealth", "Connectivity",
             "conrad@jury.example", "Conrad Conflicted", "Manual", "Assigned"],
        ]
    )  # fmt: skip


def test_an_import_with_errors_writes_nothing_and_names_each_bad_line(client, world):
    login(client, world.organiser)
    text = (
        "entry_id,judge_email\n"
        f"{world.submission_b.id},una@jury.example\n"
        f"{world.submission_a.id},conrad@jury.example\n"
        f"{world.submission_a.id},nobody@example.org\n"
        "abc,una@jury.example\n"
    )

    page = client.post(_url(world, "/import"), data={"csv_text": text}).get_data(as_text=True)

    assert "Nothing was imported" in page
    assert "Line 3: Conrad Conflicted has a conflict of interest with “Alpha mesh for clinics”." in page
    assert "Line 4: no judge of this challenge has the email address “nobody@example.org”." in page
    assert "Line 5: no entry with id “abc” in this round." in page
    assert "Line 2" not in page
    assert f"{world.submission_a.id},nobody@example.org" in page  # the text is kept to correct it
    assert len(_pairs()) == 2
    assert db.session.scalar(select(AuditEvent)) is None


def test_an_import_counts_the_lines_above_against_capacity_and_panel_size(client, world):
    login(client, world.organiser)
    text = (
        "entry_id,judge_email\n"
        f"{world.submission_a.id},una@jury.example\n"
        f"{world.submission_a.id},una@jury.example\n"
    )

    page = client.post(_url(world, "/import"), data={"csv_text": text}).get_data(as_text=True)

    assert "Line 3: Una Unassigned is given “Alpha mesh for clinics” twice." in page
    assert len(_pairs()) == 2


def test_a_clean_import_adds_manual_assignments_and_one_audit_row(client, world):
    login(client, world.organiser)
    text = f"judge_email,entry_id\nUNA@jury.example,{world.submission_a.id}\n\n"

    page = client.post(_url(world, "/import"), data={"csv_text": text}, follow_redirects=True).get_data(
        as_text=True
    )

    assert "1 assignment imported." in page
    added = db.session.scalar(select(Assignment).where(Assignment.id > world.assignment_b.id))
    assert added.origin is AssignmentOrigin.MANUAL and added.submission_id == world.submission_a.id
    assert [event.action for event in db.session.scalars(select(AuditEvent))] == ["assignments.imported"]


def test_an_import_from_a_file_keeps_its_text_on_error(client, world):
    login(client, world.organiser)
    data = f"entry_id,judge_email\n{world.submission_a.id},judy@jury.example\n".encode()

    page = client.post(
        _url(world, "/import"),
        data={"csv_text": "", "csv_file": (io.BytesIO(b"\xef\xbb\xbf" + data), "assignments.csv")},
        content_type="multipart/form-data",
    ).get_data(as_text=True)

    assert "Line 2: Judy Judge is already assigned “Alpha mesh for clinics” in this round." in page
    assert f"{world.submission_a.id},judy@jury.example" in page


def test_an_import_without_the_columns_is_refused(client, world):
    login(client, world.organiser)

    page = client.post(_url(world, "/import"), data={"csv_text": "entry,who\n1,x@example.org\n"}).get_data(
        as_text=True
    )

    assert "Line 1: the first line must name the columns entry_id and judge_email." in page


def test_an_exported_file_can_be_edited_and_imported(client, world):
    login(client, world.organiser)
    exported = client.get(_url(world, ".csv")).get_data(as_text=True)
    rows = list(csv.DictReader(io.StringIO(exported.lstrip("\ufeff"))))
    text = "entry_id,judge_email,judge_name\n" + f"{rows[0]['entry_id']},una@jury.example,Una\n"

    response = client.post(_url(world, "/import"), data={"csv_text": text})

    assert response.status_code == 302
    assert len(_pairs()) == 3


def test_an_unreadable_file_is_refused_line_by_line_not_with_an_error_page(client, world):
    login(client, world.organiser)
    text = f"entry_id,judge_email\n{world.submission_a.id},una@jury.example\n3,{'x' * 140_000}\n"

    response = client.post(_url(world, "/import"), data={"csv_text": text})

    assert response.status_code == 200
    assert "Line 3: this line cannot be read as CSV" in response.get_data(as_text=True)
    assert len(_pairs()) == 2
