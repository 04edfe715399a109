"""Right-to-left pages: the direction comes from CLDR, and the stylesheet mirrors by itself."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from judging.extensions import db
from judging.i18n import text_direction
from tests.factories import login

STYLESHEET = Path(__file__).resolve().parents[1] / "static" / "css" / "main.css"
# Properties and values tied to the physical left or right side, which do not mirror.
PHYSICAL_PROPERTY = re.compile(r"(^|-)(left|right)(-|$)")
PHYSICAL_VALUE = {"float", "clear", "text-align", "caption-side", "resize"}


def physical_declarations(css: str) -> list[str]:
    """Every ``property: value`` of ``css`` that names the left or right side."""
    css = re.sub(r"/\*.*?\*/", "", css, flags=re.S)
    found = []
    for block in re.findall(r"\{([^{}]*)\}", css):
        for declaration in block.split(";"):
            if ":" not in declaration:
                continue
            prop, value = (part.strip().lower() for part in declaration.split(":", 1))
            sided_value = prop in PHYSICAL_VALUE and re.search(r"\b(left|right)\b", value)
            if PHYSICAL_PROPERTY.search(prop) or sided_value:
                found.append(f"{prop}:{value}")
    return found


def test_the_stylesheet_uses_logical_sides_only():
    assert physical_declarations(STYLESHEET.read_text()) == []


def test_the_check_finds_physical_sides():
    css = """a { margin-left:1rem; padding-right: 2px } b { float: left; text-align:right; left:0 }
    /* margin-left: 0 in a comment is fine */ c { border-top-right-radius:2px; margin-inline-start:1rem;
    text-align:start; inset-inline-end:0 } @media (max-width:40rem) { d { right: 1px; } }"""
    assert physical_declarations(css) == [
        "margin-left:1rem", "padding-right:2px", "float:left", "text-align:right", "left:0",
        "border-top-right-radius:2px", "right:1px",
    ]  # fmt: skip


@pytest.mark.parametrize(("code", "direction"), [("ar", "rtl"), ("fa", "rtl"), ("he", "rtl"), ("fr", "ltr")])
def test_the_direction_comes_from_cldr(app, code, direction):
    assert text_direction(code) == direction


def test_an_arabic_page_is_right_to_left(client, world):
    page = client.get("/", headers={"Accept-Language": "ar"}).get_data(as_text=True)
    assert '<html lang="ar" dir="rtl">' in page


def test_other_languages_stay_left_to_right(client, world):
    for code in ("en", "fr", "es", "zh", "ru"):
        page = client.get("/", headers={"Accept-Language": code}).get_data(as_text=True)
        assert f'<html lang="{code}" dir="ltr">' in page


def test_an_email_address_keeps_its_order_in_right_to_left_text(client, world):
    world.entrant_a.language = "ar"
    db.session.commit()
    page = login(client, world.entrant_a).get("/account").get_data(as_text=True)
    assert '<html lang="ar" dir="rtl">' in page
    assert f'<bdi dir="ltr">{world.entrant_a.email}</bdi>' in page


def test_codes_keep_their_order_in_right_to_left_text():
    css = STYLESHEET.read_text()
    assert re.search(r"code, kbd, samp, pre, \.ltr \{ direction:ltr; unicode-bidi:isolate; \}", css)
