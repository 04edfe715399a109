"""Uploads disguised as a pitch deck: files that only claim to be PDFs, and names built to mislead.

``tests/submissions/test_decks.py`` covers text, PNG, encrypted, truncated, broken and empty files, the
size limit and the download's headers. Here: HTML or script sent as ``application/pdf``, HTML before the
PDF header (also a whole kilobyte of it), Windows programs and ZIP archives named ``.pdf``, and file names
with path traversal, NUL and right-to-left override characters. Refused files are explained on the same
page with what was typed kept; accepted decks are stored under a generated name and served only as
attachments under a name made from the entry's title.
"""

from __future__ import annotations

import io
import unicodedata
import zipfile

import pytest
from sqlalchemy import select

from judging.extensions import db
from judging.submissions.models import Deck
from tests.factories import login, minimal_pdf
from tests.submissions.helpers import edit_url, entry_form, stored_files

HTML = b"<!doctype html><html><body><script>alert(document.cookie)</script></body></html>\n"


def _zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("deck.pdf", minimal_pdf())
    return buffer.getvalue()


DISGUISED = {
    "html-as-pdf": HTML,
    "svg-as-pdf": b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>',
    "html-prefix": HTML + minimal_pdf(),
    "polyglot-after-1kb": HTML + b" " * (1024 - len(HTML)) + minimal_pdf(),
    "bom-then-pdf": b"\xef\xbb\xbf" + minimal_pdf(),
    "exe": b"MZ\x90\x00\x03" + b"\x00" * 58 + b"PE\x00\x00" + b"\x00" * 200,
    "zip": _zip(),
}


def upload(client, world, content: bytes, name: str = "deck.pdf", mimetype: str = "application/pdf"):
    login(client, world.entrant_a)
    deck = (io.BytesIO(content), name, mimetype)
    return client.post(
        edit_url(world.draft_a), data=entry_form(deck=deck), content_type="multipart/form-data"
    )


@pytest.mark.parametrize("content", DISGUISED.values(), ids=DISGUISED.keys())
def test_a_file_disguised_as_a_pdf_is_refused_on_the_same_page(app, client, world, content):
    response = upload(client, world, content)

    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "This file is not a PDF." in page
    assert "please choose it again" in page
    assert "Solar mesh for rural clinics" in page  # what was typed is kept
    assert "alert(" not in page
    assert db.session.scalars(select(Deck)).all() == []
    assert stored_files(app) == []


def bidi_or_control(text: str) -> list[str]:
    return [hex(ord(c)) for c in text if unicodedata.category(c) in ("Cc", "Cf")]


NAMES = {
    "traversal": "../../../etc/passwd.pdf",
    "windows-traversal": "..\\..\\windows\\system32\\deck.pdf",
    "absolute": "/var/www/static/deck.pdf",
    "nul": "deck.pdf\x00.html",
    "rtl-override": "invoice\u202egpj.exe.pdf",
    "zero-width": "deck\u200b\u2066.pdf",
    "markup": "<img src=x onerror=alert(1)>.pdf",
}


@pytest.mark.parametrize("name", NAMES.values(), ids=NAMES.keys())
def test_a_misleading_file_name_never_reaches_the_disk_or_the_pages(app, client, world, name):
    response = upload(client, world, minimal_pdf(), name=name)

    assert response.status_code == 302
    (deck,) = db.session.scalars(select(Deck)).all()
    assert "/" not in deck.original_name and "\\" not in deck.original_name
    assert bidi_or_control(deck.original_name) == []
    folder = app.config["UPLOAD_FOLDER"]
    assert [path.name for path in stored_files(app)] == [deck.storage_name.rsplit("/", 1)[-1]]
    assert all(str(path).startswith(folder) and ".." not in path.parts for path in stored_files(app))
    page = client.get(edit_url(world.draft_a)).get_data(as_text=True)
    assert "\u202e" not in page and "<img src=x" not in page

    download = client.get(f"/entries/{world.draft_a.id}/deck")

    assert download.status_code == 200
    assert download.mimetype == "application/pdf"
    assert download.headers["X-Content-Type-Options"] == "nosniff"
    assert download.headers["Content-Disposition"] == "attachment; filename=solar-mesh-for-rural-clinics.pdf"


def test_a_valid_pdf_carrying_html_is_kept_but_only_ever_served_as_an_attachment(app, client, world):
    content = minimal_pdf().replace(b"\n", b"\n%" + HTML.strip() + b"\n", 1)

    response = upload(client, world, content, name="page.html", mimetype="text/html")

    assert response.status_code == 302
    download = client.get(f"/entries/{world.draft_a.id}/deck")
    assert download.data == content
    assert download.mimetype == "application/pdf"
    assert download.headers["X-Content-Type-Options"] == "nosniff"
    assert download.headers["Content-Disposition"] == "attachment; filename=solar-mesh-for-rural-clinics.pdf"
    assert download.headers["Cache-Control"] == "private, no-store"


NUL_POSTS = {
    "entry-title": ("entrant_a", "/entries/{draft}/edit", {**entry_form(), "title": "Alpha\x00draft"}),
    "profile-name": ("entrant_a", "/account", {"name": "Amina\x00", "country": "KE", "language": "en"}),
    "sign-in": (None, "/login", {"email": "a@alpha.example\x00", "password": "a wrong password"}),
    "reset": (None, "/password/forgot", {"email": "a@alpha.example\x00"}),
    "search": ("organiser", "/manage/sme-awards/entries?q=alpha%00", None),
}


@pytest.mark.parametrize(("role", "url", "data"), NUL_POSTS.values(), ids=NUL_POSTS.keys())
def test_a_nul_character_in_a_form_never_causes_a_server_error(client, world, outbox, role, url, data):
    login(client, world.user(role) if role else None)
    url = url.format(draft=world.draft_a.id)

    response = client.get(url) if data is None else client.post(url, data=data)

    assert response.status_code in (200, 302, 303)
    assert "\x00" not in response.get_data(as_text=True)
    assert "\x00" not in world.draft_a.title + world.entrant_a.name
    assert [message["To"] for message in outbox()] == (["a@alpha.example"] if "forgot" in url else [])
