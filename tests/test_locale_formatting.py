"""Numbers and dates follow the reader's language: decimal comma and French months in French, and so on."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from flask_babel import force_locale

from judging.extensions import db
from judging.templating import decimal, number
from tests.factories import login
from tests.results.test_publication import programme


def _as(client, world, language: str, url: str) -> str:
    world.organiser.language = language
    db.session.commit()
    return login(client, world.organiser).get(url).get_data(as_text=True)


def _first_row_cells(page: str) -> list[str]:
    body = page[page.index("<tbody>") :]
    row = body[: body.index("</tr>")]
    return [re.sub(r"<[^>]+>", "", cell) for cell in re.findall(r"<td>(.*?)</td>", row, re.S)]


def test_scores_and_dates_are_written_as_the_reader_writes_them(client, world):
    programme(world)
    standings = f"/manage/sme-awards/rounds/{world.round.id}/standings"

    english = _first_row_cells(_as(client, world, "en", standings))
    french = _first_row_cells(_as(client, world, "fr", standings))
    arabic_page = _as(client, world, "ar", standings)

    mean = next(cell for cell in english if re.fullmatch(r"\d+\.\d\d", cell))
    assert mean.replace(".", ",") in french  # e.g. 4.50 → 4,50
    assert mean not in french
    assert '<html lang="ar" dir="rtl">' in arabic_page

    dates = {
        language: re.findall(
            r"<time [^>]*>([^<]*)</time>", _as(client, world, language, "/challenges/sme-awards")
        )
        for language in ("en", "fr", "ar")
    }
    month = world.challenge.closes_at.month
    english_months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
    assert any(english_months[month - 1] in text for text in dates["en"])
    french_months = ["janv.", "févr.", "mars", "avr.", "mai", "juin"]
    french_months += ["juil.", "août", "sept.", "oct.", "nov.", "déc."]
    assert any(french_months[month - 1] in text for text in dates["fr"])
    assert re.search(r"[\u0600-\u06ff]", " ".join(dates["ar"]))  # Arabic day and month names
    assert dates["en"] != dates["fr"] != dates["ar"]


@pytest.mark.parametrize(
    ("language", "mean", "signed", "weight"),
    [
        ("en", "1,234.50", "\u22120.25", "1.5"),
        ("fr", "1\u202f234,50", "\u22120,25", "1,5"),
        ("ru", "1\u00a0234,50", "\u22120,25", "1,5"),
        ("es", "1.234,50", "\u22120,25", "1,5"),
    ],
)
def test_number_filters_follow_the_locale(app, language, mean, signed, weight):
    with app.test_request_context(), force_locale(language):
        assert decimal(1234.5) == mean
        assert decimal(-0.25, signed=True) == signed
        assert decimal(0.25, signed=True).startswith("+")
        assert number(Decimal("1.500")) == weight
        assert decimal(None) == ""


@pytest.mark.parametrize(
    ("reader", "code", "options", "label"),
    [
        ("en", "es", {}, "Spanish"),
        ("fr", "es", {}, "Espagnol"),  # a list item starts with a capital
        ("fr", "es", {"mid_sentence": True}, "espagnol"),  # "parle espagnol"
        ("fr", "sw", {"own_name": True}, "Swahili (Kiswahili)"),
        ("ar", "zh", {"own_name": True}, "الصينية (中文)"),
        ("en", "en", {"own_name": True}, "English"),  # its own name is the same: once
        ("zh", "pt-BR", {}, "葡萄牙语 (巴西)"),
        ("en", "qx", {}, "qx"),  # no name anywhere: the code as it was given
        ("en", None, {}, ""),
    ],
)
def test_a_language_is_named_in_the_readers_language(app, reader, code, options, label):
    from judging.i18n import language_label

    with app.test_request_context(), force_locale(reader):
        assert language_label(code, **options) == label
