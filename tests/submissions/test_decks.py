"""Pitch decks: only readable PDFs are kept, nothing is half-written, and downloads are attachments."""

from __future__ import annotations

from io import BytesIO

import pytest
from pypdf import PdfWriter
from sqlalchemy import select

from judging.extensions import db
from judging.submissions import services
from judging.submissions.models import Deck
from tests.factories import login, minimal_pdf
from tests.submissions.helpers import edit_url, entry_form, file_storage, pdf_upload, stored_files


def _encrypted_pdf() -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    writer.encrypt("secret")
    buffer = BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"Just some notes, renamed to .pdf", "This file is not a PDF."),
        (PNG, "This file is not a PDF."),
        (_encrypted_pdf(), "This PDF is protected by a password."),
        (minimal_pdf()[: len(minimal_pdf()) // 2], "This PDF could not be read"),
        (b"%PDF-1.7\n garbage that is no PDF at all\n%%EOF\n", "This PDF could not be read"),
        (b"", "This file is empty."),
    ],
    ids=["text-file", "png", "encrypted", "truncated", "broken", "empty"],
)
def test_a_file_that_is_not_a_readable_pdf_is_refused(app, client, world, content, message):
    login(client, world.entrant_a)

    response = client.post(
        edit_url(world.draft_a),
        data=entry_form(deck=pdf_upload(content, "deck.pdf")),
        content_type="multipart/form-data",
    )

    page = response.get_data(as_text=True)
    assert message in page
    assert "please choose it again" in page
    assert "Solar mesh for rural clinics" in page  # what was typed is kept
    assert db.session.scalars(select(Deck)).all() == []
    assert stored_files(app) == []
    db.session.refresh(world.draft_a)
    assert world.draft_a.title == "Alpha draft"  # nothing else was saved either


def test_a_file_over_the_size_limit_is_refused(app, client, world, monkeypatch):
    monkeypatch.setitem(app.config, "MAX_DECK_BYTES", 200)
    login(client, world.entrant_a)

    response = client.post(
        edit_url(world.draft_a), data=entry_form(deck=pdf_upload()), content_type="multipart/form-data"
    )

    assert "This file is larger than the limit of" in response.get_data(as_text=True)
    assert db.session.scalars(select(Deck)).all() == []
    assert stored_files(app) == []


def test_a_new_deck_replaces_the_old_one_which_is_kept(app, client, world):
    login(client, world.entrant_a)
    for name in ("first.pdf", "second.pdf"):
        client.post(
            edit_url(world.draft_a),
            data=entry_form(deck=pdf_upload(name=name)),
            content_type="multipart/form-data",
        )

    decks = db.session.scalars(select(Deck).order_by(Deck.id)).all()
    assert [(deck.original_name, deck.replaced_at is None) for deck in decks] == [
        ("first.pdf", False),
        ("second.pdf", True),
    ]
    assert decks[1].pages == 1
    assert len(stored_files(app)) == 2
    assert all(path.name.endswith(".pdf") and "first" not in path.name for path in stored_files(app))


def test_a_file_is_deleted_again_when_the_database_refuses_the_row(app, world, monkeypatch):
    def failing_commit():
        raise RuntimeError("the database went away")

    monkeypatch.setattr(db.session, "commit", failing_commit)

    with app.test_request_context(), pytest.raises(RuntimeError):
        services.attach_deck(world.draft_a, file_storage(), actor=world.entrant_a)

    monkeypatch.undo()
    assert stored_files(app) == []
    assert db.session.scalars(select(Deck)).all() == []


def test_download_is_an_attachment_named_after_the_entry(client, world):
    services.attach_deck(
        world.submission_a, file_storage(name="Secret Internal Name.pdf"), actor=world.entrant_a
    )
    login(client, world.organiser)

    response = client.get(f"/entries/{world.submission_a.id}/deck")

    assert response.status_code == 200
    assert response.data == minimal_pdf()
    assert response.mimetype == "application/pdf"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    disposition = response.headers["Content-Disposition"]
    assert disposition == "attachment; filename=alpha-mesh-for-clinics.pdf"
    assert "Secret" not in disposition


def test_a_deck_can_be_removed_from_a_draft_but_not_from_a_submitted_entry(client, world):
    services.attach_deck(world.draft_a, file_storage(), actor=world.entrant_a)
    services.attach_deck(world.submission_a, file_storage(), actor=world.entrant_a)
    login(client, world.entrant_a)

    removed = client.post(f"/entries/{world.draft_a.id}/deck/remove", follow_redirects=True)
    refused = client.post(f"/entries/{world.submission_a.id}/deck/remove", follow_redirects=True)

    assert "The pitch deck has been removed." in removed.get_data(as_text=True)
    assert "A submitted entry needs a pitch deck" in refused.get_data(as_text=True)
    db.session.expire_all()
    assert world.draft_a.deck is None
    assert world.submission_a.deck is not None
    assert client.get(f"/entries/{world.draft_a.id}/deck").status_code == 404
