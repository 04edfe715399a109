"""A blind round leaks nothing about who entered: not in any page a judge opens, not in an error, not in
the deck's name or metadata, not in the mail judges get, and not in status codes (an entry the judge may
not see looks exactly like one that does not exist)."""

from __future__ import annotations

from io import BytesIO

import pytest
from pypdf import PdfWriter
from werkzeug.datastructures import FileStorage

from judging.extensions import db
from judging.scoring import reminders
from judging.submissions.services import attach_deck
from tests.factories import login, mail_body

# Everything that names or locates the entrant of submission_a in the fixture world.
HIDDEN = ("Alpha Mesh Ltd", "Amina Alpha", "https://example.org", "Kenya", "a@alpha.example", "alpha-deck")


@pytest.fixture
def blind(world):
    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    writer.add_metadata({"/Author": "Amina Alpha", "/Title": "Alpha Mesh Ltd pitch", "/Creator": "Alpha"})
    buffer = BytesIO()
    writer.write(buffer)
    buffer.seek(0)
    upload = FileStorage(
        stream=buffer, filename="alpha-deck-Alpha Mesh Ltd.pdf", content_type="application/pdf"
    )
    attach_deck(world.submission_a, upload, actor=world.entrant_a)
    world.round.blind = True
    db.session.commit()
    return world


def _judge_pages(world) -> list[str]:
    slug, assignment = world.challenge.slug, world.assignment_a
    return [
        "/judging/",
        f"/judging/{slug}/entries/{assignment.id}",
        f"/judging/{slug}/entries/{assignment.id}/score",
        f"/judging/{slug}/assignments/{assignment.id}/recuse",
    ]


def _assert_hidden(text: str, where: str) -> None:
    for secret in HIDDEN:
        assert secret not in text, f"{secret!r} shown in {where}"


def test_blind_round_pages_never_name_the_entrant(client, blind):
    login(client, blind.judge)

    for url in _judge_pages(blind):
        response = client.get(url)
        assert response.status_code == 200, url
        _assert_hidden(response.get_data(as_text=True), url)
        _assert_hidden(" ".join(f"{k}: {v}" for k, v in response.headers.items()), f"headers of {url}")


def test_blind_round_deck_has_no_name_or_metadata_of_the_entrant(client, blind):
    login(client, blind.judge)

    response = client.get(f"/judging/{blind.challenge.slug}/entries/{blind.assignment_a.id}/deck")

    assert response.status_code == 200
    _assert_hidden(response.headers["Content-Disposition"], "the deck's file name")
    for secret in HIDDEN:
        assert secret.encode() not in response.data


def test_blind_round_error_on_the_score_sheet_never_names_the_entrant(client, blind):
    login(client, blind.judge)
    url = f"/judging/{blind.challenge.slug}/entries/{blind.assignment_a.id}/score"

    response = client.post(url, data={"version": "0", "feedback": "x" * 100_000, "submit": "1"})

    assert response.status_code in (200, 400, 409)
    _assert_hidden(response.get_data(as_text=True), "the sheet's error page")


def test_blind_round_entry_not_assigned_answers_like_one_that_does_not_exist(client, blind):
    login(client, blind.judge)
    slug = blind.challenge.slug
    not_mine = client.get(f"/judging/{slug}/entries/{blind.assignment_b.id}")  # another judge's
    missing = client.get(f"/judging/{slug}/entries/{10**6}")

    assert not_mine.status_code == missing.status_code == 404
    assert len(not_mine.get_data()) == len(missing.get_data())


def test_blind_round_reminder_mail_never_names_the_entrant(blind, outbox):
    reminders.send_reminders(blind.round, actor=blind.organiser)

    mails = [mail for mail in outbox() if mail["To"] == blind.judge.email]
    assert mails
    for mail in mails:
        _assert_hidden(mail["Subject"] + mail_body(mail), "the reminder mail")
