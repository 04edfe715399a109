"""The certificate render step: every kind and script gives a one-page A4 landscape PDF with its text."""

from __future__ import annotations

import io
import subprocess
import unicodedata

import pytest
from pypdf import PdfReader

from judging.certificates.render import (
    KINDS,
    TEXT_KEYS,
    RenderError,
    english_texts,
    grouped_code,
    render_html,
    render_pdf,
    render_pdf_limited,
    sample_data,
    subsetter_available,
)

SCRIPTS = {
    "vietnamese": "Nguyễn Thị Hương",
    "arabic": "مؤسسة الابتكار الرقمي",
    "chinese": "北京智慧城市科技有限公司",
    "cyrillic": "Ирина Смирнова",
    "devanagari": "डिजिटल भारत समाधान",
}


def pdf_text(pdf: bytes) -> str:
    command = ["pdftotext", "-layout", "-", "-"]
    result = subprocess.run(command, input=pdf, capture_output=True, check=True, timeout=60)  # noqa: S603,S607
    return result.stdout.decode()


def flat(text: str) -> str:
    """NFKC (Arabic presentation forms to letters) without spaces, to compare across line breaks."""
    return "".join(unicodedata.normalize("NFKC", text).split())


def font_names(pdf: bytes) -> set[str]:
    names = set()
    for page in PdfReader(io.BytesIO(pdf)).pages:
        fonts = page["/Resources"].get_object().get("/Font", {})
        for font in fonts.values():
            names.add(str(font.get_object().get("/BaseFont")))
    return names


@pytest.mark.parametrize("kind", KINDS)
def test_render_pdf_one_page_a4_landscape_with_all_text(kind):
    data = sample_data(kind)
    pdf = render_pdf(data)

    reader = PdfReader(io.BytesIO(pdf))
    assert len(reader.pages) == 1
    box = reader.pages[0].mediabox
    assert abs(float(box.width) - 841.89) < 2 and abs(float(box.height) - 595.28) < 2
    text = flat(pdf_text(pdf))
    for value in (data.recipient, data.award, data.category, data.challenge_title, data.verify_url):
        assert flat(value) in text
    assert flat(grouped_code(data.code)) in text
    assert "Presentedto" in text and "verificationcode" in text.lower()
    if data.entry_title:
        assert flat(data.entry_title) in text


@pytest.mark.parametrize("script", SCRIPTS)
def test_render_pdf_names_in_any_script_are_extracted(script):
    name = SCRIPTS[script]
    pdf = render_pdf(sample_data("achievement", recipient=name, signatories=((name, "Chair"),)))

    text = flat(pdf_text(pdf))
    if script == "arabic":
        # pdftotext may give presentation forms or visual (reversed) order: accept either order,
        # and require the same letters in the same count.
        words = [flat(word) for word in name.split()]
        assert all(word in text or word[::-1] in text for word in words)
        assert any("Arabic" in font for font in font_names(pdf))
    else:
        assert flat(name) in text
    assert all("Noto" in font or "DejaVu" in font for font in font_names(pdf))
    assert any("Noto" in font for font in font_names(pdf))


def test_render_pdf_embeds_script_fonts():
    pdf = render_pdf(
        sample_data(
            "participation",
            recipient=SCRIPTS["chinese"],
            entry_title=SCRIPTS["devanagari"],
            category=SCRIPTS["cyrillic"],
        )
    )
    fonts = " ".join(font_names(pdf))
    assert "CJK" in fonts and "Devanagari" in fonts and "Noto-Serif" in fonts


def test_render_html_texts_and_colours_come_from_the_data():
    texts = {**english_texts(), "presented_to": "Décerné à"}
    html = render_html(
        sample_data("finalist", texts=texts, primary_colour="#123456", accent_colour="red; x: url(http://a)")
    )
    assert "Décerné à" in html
    assert "--primary: #123456" in html and "http://a" not in html  # a bad colour falls back to the default
    assert set(TEXT_KEYS) == set(english_texts())
    assert 'dir="auto"' in html and '<html lang="en">' in html and "<svg" in html


def test_render_html_skips_images_that_are_not_data_uris():
    html = render_html(sample_data("judge", logo="file:///etc/passwd", signature="http://127.0.0.1:9/s.png"))
    assert "/etc/passwd" not in html and "127.0.0.1" not in html


def test_grouped_code_groups_of_four():
    assert grouped_code("ABCDEFGHIJ") == "ABCD EFGH IJ"
    assert grouped_code("AB CD") == "ABCD"


def test_render_pdf_same_data_same_text():
    data = sample_data("achievement", recipient=SCRIPTS["vietnamese"])
    assert pdf_text(render_pdf(data)) == pdf_text(render_pdf(data))


def test_render_pdf_limited_returns_pdf_and_survives_a_timeout():
    data = sample_data("finalist")
    assert render_pdf_limited(data, timeout=60).startswith(b"%PDF")

    with pytest.raises(RenderError, match="Rendering the certificate took too long."):
        render_pdf_limited(data, timeout=0.001)

    pdf = render_pdf_limited(data, timeout=60)
    assert data.recipient in pdf_text(pdf)


def test_render_pdf_limited_worker_failure_is_a_render_error():
    with pytest.raises(RenderError, match="The certificate could not be rendered."):
        render_pdf_limited(object(), timeout=60)  # not certificate data: the worker raises


def test_subsetter_available_on_this_system():
    assert subsetter_available()
