"""Exports of a round's standings and marks: CSV with a BOM, XLSX, judges by code or name, no formulas."""

from __future__ import annotations

import csv
import io

from openpyxl import load_workbook

from tests.factories import login
from tests.results.test_standings import programme

HYPERLINK = '=HYPERLINK("https://evil.example","Click")'


def _csv(response) -> list[list[str]]:
    text = response.get_data(as_text=True)
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text[1:])))


def _xlsx(response) -> list[tuple]:
    workbook = load_workbook(io.BytesIO(response.get_data()))
    return list(workbook.active.iter_rows(values_only=True))


def test_standings_csv_has_a_bom_a_header_and_one_row_per_entry_in_rank_order(client, world):
    p = programme(world)
    login(client, world.organiser)

    response = client.get(p.url("export/standings.csv"))

    assert response.status_code == 200
    assert (
        response.headers["Content-Disposition"]
        == 'attachment; filename="sme-awards-semi-final-standings.csv"'
    )
    rows = _csv(response)
    header = rows[0]
    assert header[:5] == ["Category", "Rank", "Interval low", "Interval high", "Score"]
    assert "Adjusted for each judge's leniency" in header
    titles = [row[header.index("Title")] for row in rows[1:]]
    assert titles == ["Kilo project", "Lima project", "Mike project", "November project"]
    kilo = rows[1]
    assert (kilo[header.index("Rank")], kilo[header.index("Score")], kilo[header.index("Sheets")]) == (
        "1",
        "9.5",
        "2",
    )
    assert kilo[header.index("Organisation")] == "Kilo Ltd"
    assert rows[4][header.index("Flags")] == "judges disagree"


def test_exports_neutralise_a_formula_in_a_title(client, world):
    p = programme(world, titles={"Kilo": HYPERLINK})
    login(client, world.organiser)

    standings = _csv(client.get(p.url("export/standings.csv")))
    marks = _csv(client.get(p.url("export/marks.csv")))
    workbook_rows = _xlsx(client.get(p.url("export/standings.xlsx")))
    mark_rows = _xlsx(client.get(p.url("export/marks.xlsx")))

    assert standings[1][standings[0].index("Title")] == "'" + HYPERLINK
    assert marks[1][1] == "'" + HYPERLINK
    title_column = workbook_rows[0].index("Title")
    assert workbook_rows[1][title_column] == "'" + HYPERLINK
    assert mark_rows[1][1] == "'" + HYPERLINK
    assert isinstance(workbook_rows[1][workbook_rows[0].index("Score")], float)


def test_marks_export_has_one_row_per_mark(client, world):
    p = programme(world)
    login(client, world.organiser)

    rows = _csv(client.get(p.url("export/marks.csv")))

    header = rows[0]
    assert header == [
        "Entry id",
        "Title",
        "Category",
        "Judge",
        "Criterion",
        "Mark",
        "Weight",
        "Counted in the total",
        "Sheet total",
        "Sheet submitted at (UTC)",
    ]
    assert len(rows) - 1 == 7 * 2  # seven sheets, two criteria each
    mike = [row for row in rows[1:] if row[1] == "Mike project"]
    assert [(row[4], row[5], row[8]) for row in mike] == [("Innovation", "4", "6.0"), ("Impact", "2", "6.0")]


def test_marks_export_gives_judges_by_code_unless_names_are_asked_for(client, world):
    p = programme(world)
    login(client, world.organiser)

    by_code = {row[3] for row in _csv(client.get(p.url("export/marks.csv")))[1:]}
    by_name = {row[3] for row in _csv(client.get(p.url("export/marks.csv?judges=names")))[1:]}
    xlsx_names = {row[3] for row in _xlsx(client.get(p.url("export/marks.xlsx?judges=names")))[1:]}

    assert all(code.startswith("J") and code[1:].isdigit() for code in by_code) and len(by_code) == 2
    assert by_name == xlsx_names == {"Nadia Njoroge", "Omar Okafor"}


def test_export_of_an_unknown_kind_is_not_found(client, world):
    p = programme(world)
    login(client, world.organiser)

    assert client.get(p.url("export/secrets.csv")).status_code == 404
    assert client.get(p.url("export/marks.pdf")).status_code == 404


def test_standings_page_offers_the_exports(client, world):
    p = programme(world)
    login(client, world.organiser)

    html = client.get(p.url()).get_data(as_text=True)

    for name in ("standings.csv", "standings.xlsx", "marks.csv", "marks.xlsx"):
        assert f"/manage/sme-awards/rounds/{p.round.id}/export/{name}" in html
    assert '<option value="names">' in html
