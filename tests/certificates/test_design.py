"""The certificate design page: title line, signatories, images (validated), colours, previews."""

from __future__ import annotations

import io
import struct
import zlib

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from judging.audit import AuditEvent
from judging.certificates import assets
from judging.certificates.models import CertificateDesign
from judging.extensions import db
from tests.factories import login

URL = "/manage/sme-awards/certificates/design"


def png(width: int = 2, height: int = 2) -> bytes:
    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    rows = b"".join(b"\x00" + b"\xff\x00\x00" * width for _ in range(height))
    return (
        assets.PNG_SIGNATURE
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )


SVG = b'<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><circle r="4" cx="5" cy="5"/></svg>'


def form(**values) -> dict:
    data = {"primary_colour": "#112233", "accent_colour": "#445566", "title_line": ""}
    data.update(values)
    return data


def design() -> CertificateDesign | None:
    db.session.expire_all()
    return db.session.scalar(select(CertificateDesign))


def test_design_page_shows_defaults_and_preview_links(client, world):
    login(client, world.organiser)

    page = client.get(URL).get_data(as_text=True)

    assert 'value="#0b3d91"' in page
    for kind in ("achievement", "finalist", "participation", "judge"):
        assert f"/manage/sme-awards/certificates/preview/{kind}.pdf" in page


def test_design_saves_title_signatories_colours_and_images(client, world):
    login(client, world.organiser)

    response = client.post(
        URL,
        data=form(
            title_line="Certificate of excellence",
            signatory_1_name="Maria Keller",
            signatory_1_title="Chair of the jury",
            signatory_2_name="Jonas Weber",
            participation="y",
            logo=(io.BytesIO(png()), "logo.png"),
            signature=(io.BytesIO(SVG), "signature.svg"),
        ),
        content_type="multipart/form-data",
        follow_redirects=True,
    )

    assert "Certificate design saved." in response.get_data(as_text=True)
    saved = design()
    assert saved.title_line == "Certificate of excellence"
    assert saved.signatories == {
        "people": [
            {"name": "Maria Keller", "title": "Chair of the jury"},
            {"name": "Jonas Weber", "title": ""},
        ]
    }
    assert (saved.primary_colour, saved.accent_colour, saved.participation) == ("#112233", "#445566", True)
    assert assets.data_uri(saved.logo_file).startswith("data:image/png;base64,")
    assert assets.data_uri(saved.signature_file).startswith("data:image/svg+xml;base64,")
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "certificates.design"))
    assert event.after["title_line"] == "Certificate of excellence"


def test_design_remove_logo_clears_it(client, world):
    login(client, world.organiser)
    client.post(URL, data=form(logo=(io.BytesIO(png()), "l.png")), content_type="multipart/form-data")

    client.post(URL, data=form(remove_logo="y"), content_type="multipart/form-data")

    assert design().logo_file is None


@pytest.mark.parametrize(
    ("upload", "message"),
    [
        (b"<svg xmlns='http://www.w3.org/2000/svg'><script>alert(1)</script></svg>", "scripts"),
        (b"<svg xmlns='http://www.w3.org/2000/svg' onload='alert(1)'/>", "event handlers"),
        (
            b"<svg xmlns='http://www.w3.org/2000/svg' xmlns:xlink='http://www.w3.org/1999/xlink'>"
            b"<image xlink:href='file:///etc/passwd'/></svg>",
            "may not link",
        ),
        (b"<svg xmlns='http://www.w3.org/2000/svg'><style>@import url(http://x/);</style></svg>", "import"),
        (
            b"<?xml version='1.0'?><!DOCTYPE svg [<!ENTITY x 'boom'>]>"
            b"<svg xmlns='http://www.w3.org/2000/svg'>&x;</svg>",
            "DOCTYPE",
        ),
        (
            "<?xml version='1.0' encoding='UTF-16'?><!DOCTYPE svg [<!ENTITY x 'boom'>]>"
            "<svg xmlns='http://www.w3.org/2000/svg'>&x;</svg>".encode("utf-16"),
            "DOCTYPE",
        ),
        (b"GIF89a not an image we accept", "PNG or SVG"),
        (assets.PNG_SIGNATURE + b"\x00" * 40, "damaged"),
    ],
    ids=["script", "onload", "external-href", "css-import", "entity", "entity-utf16", "gif", "bad-png"],
)
def test_design_refuses_unsafe_or_bad_images_and_keeps_typed_values(client, world, upload, message):
    login(client, world.organiser)

    response = client.post(
        URL,
        data=form(title_line="Typed title", logo=(io.BytesIO(upload), "logo.svg")),
        content_type="multipart/form-data",
    )

    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert message in page
    assert 'value="Typed title"' in page
    assert design() is None


def test_design_refuses_an_image_over_the_size_limit(client, world, monkeypatch):
    monkeypatch.setattr(assets, "MAX_BYTES", 1024)  # small, so the test upload stays in memory
    login(client, world.organiser)

    response = client.post(
        URL,
        data=form(signature=(io.BytesIO(png() + b"\x00" * 2048), "s.png")),
        content_type="multipart/form-data",
    )

    assert response.status_code == 400
    assert "The image is too large: at most 1 KB." in response.get_data(as_text=True)


def test_design_refuses_a_bad_colour(client, world):
    login(client, world.organiser)

    response = client.post(URL, data=form(primary_colour="red; background:url(x)"))

    assert response.status_code == 400
    assert "six hexadecimal digits" in response.get_data(as_text=True)
    assert design() is None


def test_design_refuses_a_title_without_a_name(client, world):
    login(client, world.organiser)

    response = client.post(URL, data=form(signatory_2_title="Treasurer"))

    assert response.status_code == 400
    assert "Give the name of the person with this title." in response.get_data(as_text=True)


def test_check_svg_stores_a_sanitised_tree():
    cleaned = assets.check_svg(b"<!-- a comment --><svg xmlns='http://www.w3.org/2000/svg'><rect/></svg>")

    assert b"comment" not in cleaned
    assert b"<rect" in cleaned


def test_check_svg_allows_internal_links_and_embedded_png():
    svg = (
        b"<svg xmlns='http://www.w3.org/2000/svg' xmlns:xlink='http://www.w3.org/1999/xlink'>"
        b"<defs><circle id='c' r='2'/></defs><use xlink:href='#c'/>"
        b"<image href='data:image/png;base64,AAAA'/></svg>"
    )

    assert b"#c" in assets.check_svg(svg)


def test_preview_renders_sample_data_with_the_current_design(client, world):
    login(client, world.organiser)
    client.post(URL, data=form(title_line="Certificate of excellence", signatory_1_name="Maria Keller"))

    response = client.get("/manage/sme-awards/certificates/preview/achievement.pdf")

    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    assert response.headers["Content-Disposition"].startswith("inline")
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(response.data)).pages).casefold()
    assert "certificate of excellence" in text  # the stylesheet may print it in capitals
    assert "maria keller" in text
    assert "digital sme awards" in text
