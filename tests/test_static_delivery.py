"""Static files under content-hashed names, cached for a year; text responses compressed, PDFs not."""

from __future__ import annotations

import gzip
import os
import re
from io import BytesIO
from pathlib import Path

import brotli
from flask import url_for
from pypdf import PdfWriter

from judging.static_files import Fingerprints
from judging.submissions import services
from tests.factories import login
from tests.submissions.helpers import file_storage

STATIC = Path(__file__).resolve().parents[1] / "static"
CSS = (STATIC / "css" / "main.css").read_bytes()
YEAR = "public, max-age=31536000, immutable"
HOUR = "public, max-age=3600"


def _css_url(client) -> str:
    page = client.get("/").get_data(as_text=True)
    return re.search(r'<link rel="stylesheet" href="([^"]+)"', page)[1]


def test_pages_link_static_files_by_a_hash_of_their_content(client, world):
    url = _css_url(client)
    digest = Fingerprints(STATIC).digest("css/main.css")

    assert re.fullmatch(r"/static/css/main\.[0-9a-f]{10}\.css", url)
    assert url == f"/static/css/main.{digest}.css"
    page = client.get("/").get_data(as_text=True)
    assert re.search(r'<script src="/static/js/tz\.[0-9a-f]{10}\.js" defer>', page)


def test_url_for_gives_the_hashed_name(app):
    with app.test_request_context():
        assert re.fullmatch(
            r"/static/css/main\.[0-9a-f]{10}\.css", url_for("static", filename="css/main.css")
        )
        assert url_for("static", filename="no/such.css") == "/static/no/such.css"


def test_a_hashed_name_is_cached_for_a_year(client, world):
    response = client.get(_css_url(client))

    assert response.status_code == 200
    assert response.data == CSS
    assert response.mimetype == "text/css"
    assert response.headers["Cache-Control"] == YEAR
    assert response.headers["ETag"]


def test_the_plain_name_or_an_old_hash_still_works_for_an_hour(client, world, app):
    login(client, world.entrant_a)
    for url in ("/static/css/main.css", "/static/css/main.0123456789.css"):
        response = client.get(url)
        assert response.status_code == 200, url
        assert response.data == CSS
        assert response.headers["Cache-Control"] == HOUR


def test_missing_or_outside_files_are_not_found(client):
    for url in ("/static/css/nope.css", "/static/css/nope.0123456789.css", "/static/../setup.cfg"):
        assert client.get(url).status_code == 404, url


def test_an_unchanged_file_is_not_sent_again(client, world):
    url = _css_url(client)
    first = client.get(url)
    again = client.get(url, headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304 and again.data == b""
    zipped = client.get(url, headers={"Accept-Encoding": "gzip"})
    again = client.get(url, headers={"Accept-Encoding": "gzip", "If-None-Match": zipped.headers["ETag"]})
    assert again.status_code == 304 and again.data == b""


def test_the_hash_changes_when_the_content_changes(tmp_path):
    (tmp_path / "css").mkdir()
    sheet = tmp_path / "css" / "site.css"
    sheet.write_text("body { color: black; }")
    before = Fingerprints(tmp_path).hashed_name("css/site.css")
    sheet.write_text("body { color: navy; }")
    after = Fingerprints(tmp_path).hashed_name("css/site.css")

    assert re.fullmatch(r"css/site\.[0-9a-f]{10}\.css", before)
    assert before != after
    assert Fingerprints(tmp_path).resolve(after)[::2] == ("css/site.css", True)
    assert Fingerprints(tmp_path).resolve(before)[::2] == ("css/site.css", False)


def test_while_debugging_an_edited_file_gets_a_new_hash_at_once(tmp_path):
    sheet = tmp_path / "site.css"
    sheet.write_text("a {}")
    watched = Fingerprints(tmp_path, watch=True)
    before = watched.hashed_name("site.css")
    sheet.write_text("a { color: red; }")
    os.utime(sheet, (sheet.stat().st_atime, sheet.stat().st_mtime + 5))
    assert watched.hashed_name("site.css") != before


def test_text_is_compressed_when_the_client_accepts_it(client, world):
    url = _css_url(client)
    zipped = client.get(url, headers={"Accept-Encoding": "gzip"})
    assert zipped.headers["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in zipped.headers["Vary"]
    assert gzip.decompress(zipped.data) == CSS
    assert len(zipped.data) < len(CSS) / 2

    squeezed = client.get(url, headers={"Accept-Encoding": "br"})
    assert squeezed.headers["Content-Encoding"] == "br"
    assert brotli.decompress(squeezed.data) == CSS

    page = client.get("/", headers={"Accept-Encoding": "gzip"})
    assert page.headers["Content-Encoding"] == "gzip"
    assert b'<html lang="en"' in gzip.decompress(page.data)


def test_nothing_is_compressed_for_a_client_that_does_not_ask(client, world):
    plain = client.get(_css_url(client))
    assert "Content-Encoding" not in plain.headers
    assert "Accept-Encoding" in plain.headers["Vary"]
    page = client.get("/")
    assert "Content-Encoding" not in page.headers
    assert page.data.startswith(b"<!doctype html>")


def test_a_pdf_is_sent_as_it_is(client, world):
    writer = PdfWriter()
    for _page in range(40):  # large enough to be compressed were it text
        writer.add_blank_page(width=200, height=200)
    buffer = BytesIO()
    writer.write(buffer)
    pdf = buffer.getvalue()
    assert len(pdf) > 2000
    services.attach_deck(world.submission_a, file_storage(pdf), actor=world.entrant_a)

    response = login(client, world.organiser).get(
        f"/entries/{world.submission_a.id}/deck", headers={"Accept-Encoding": "gzip, br"}
    )

    assert response.status_code == 200
    assert "Content-Encoding" not in response.headers
    assert response.data == pdf


def test_a_csv_export_is_compressed(client, world):
    login(client, world.organiser)
    plain = client.get(f"/manage/{world.challenge.slug}/entries.csv")
    zipped = client.get(f"/manage/{world.challenge.slug}/entries.csv", headers={"Accept-Encoding": "gzip"})

    assert plain.mimetype == "text/csv" and len(plain.data) > 500
    assert zipped.headers["Content-Encoding"] == "gzip"
    assert gzip.decompress(zipped.data) == plain.data
