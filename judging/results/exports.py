"""The organisers' exports of a round: its standings (one row per entry) and its marks (one per mark).

Safe to open in a spreadsheet: every CSV cell, headers included, goes through ``neutralise_cell`` and
the CSV starts with a byte order mark (as ``judging.submissions.export`` does); in XLSX numbers stay
numbers and every text goes through ``neutralise_cell`` too, so no cell starting with = + - @ is a formula.
Judges appear by code (J01...) unless the organisers ask for names.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from datetime import UTC
from typing import Any

from flask_babel import gettext as _
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from sqlalchemy import select

from judging.assignments.models import Assignment, Round
from judging.core.ranking import DISAGREEMENT, FEW_SHEETS, TIE_AT_CUTOFF, Method
from judging.core.text import neutralise_cell, slugify
from judging.extensions import db
from judging.labels import label
from judging.results.codes import judge_codes, judge_names
from judging.results.inputs import load_round_data
from judging.results.standings_services import standings_page
from judging.scoring.models import ScoreSheet, SheetStatus
from judging.submissions.models import Submission

BOM = "\ufeff"
KINDS = ("standings", "marks")
FORMATS = ("csv", "xlsx")
Table = tuple[list[str], list[list[Any]]]


def flag_words() -> dict[str, str]:
    """The short word shown for each flag (the standings page's legend explains them)."""
    return {
        TIE_AT_CUTOFF: _("tie at cut-off"),
        DISAGREEMENT: _("judges disagree"),
        FEW_SHEETS: _("few sheets"),
    }


def _number(value: float | None) -> float | None:
    return None if value is None else round(value, 3)


def standings_table(round_: Round) -> Table:
    """One row per entry of the round, category by category in rank order."""
    page = standings_page(round_)
    words = flag_words()
    header = [
        _("Category"),
        _("Rank"),
        _("Interval low"),
        _("Interval high"),
        _("Score"),
        *[label(method) for method in Method],
        _("Mean"),
        _("Median"),
        _("Standard deviation"),
        _("Lowest total"),
        _("Highest total"),
        _("Sheets"),
        _("Flags"),
        "id",
        _("Title"),
        _("Organisation"),
    ]
    rows = []
    for table in page.tables:
        for row in table.rows:
            s = row.standing
            rows.append(
                [
                    table.category.name,
                    s.rank,
                    s.interval[0] if s.interval else None,
                    s.interval[1] if s.interval else None,
                    _number(s.score),
                    *[_number(s.scores.get(method)) for method in Method],
                    _number(s.mean),
                    _number(s.median),
                    _number(s.sd),
                    _number(s.low),
                    _number(s.high),
                    s.sheets,
                    "; ".join(words[flag] for flag in sorted(s.flags)),
                    row.entry.id,
                    row.entry.title,
                    row.entry.organisation.name,
                ]
            )
    return header, rows


def marks_table(round_: Round, *, names: bool = False) -> Table:
    """One row per mark of every submitted sheet counted in the round's standings."""
    data = load_round_data(round_)
    judges = judge_names(round_.challenge_id) if names else judge_codes(round_.challenge_id)
    criteria = {spec.id: spec for spec in data.criteria}
    entries = dict(
        db.session.execute(
            select(Submission.id, Submission.title).where(Submission.id.in_(list(data.categories)))
        ).all()
    )
    category_names = {category.id: category.name for category in round_.challenge.categories}
    submitted_at = dict(
        db.session.execute(
            select(ScoreSheet.id, ScoreSheet.submitted_at)
            .join(Assignment, ScoreSheet.assignment_id == Assignment.id)
            .where(Assignment.round_id == round_.id, ScoreSheet.status == SheetStatus.SUBMITTED)
        ).all()
    )
    header = [
        _("Entry id"),
        _("Title"),
        _("Category"),
        _("Judge"),
        _("Criterion"),
        _("Mark"),
        _("Weight"),
        _("Counted in the total"),
        _("Sheet total"),
        _("Sheet submitted at (UTC)"),
    ]
    yes, no = _("yes"), _("no")
    rows = []
    for sheet in data.sheets:
        counted = [
            float(criteria[cid].weight) * value for cid, value in sheet.marks.items() if criteria[cid].counted
        ]
        total = round(sum(counted), 3) if counted else None
        when = submitted_at.get(sheet.sheet)
        when_text = when.replace(tzinfo=when.tzinfo or UTC).astimezone(UTC).isoformat() if when else None
        for spec in data.criteria:
            if spec.id not in sheet.marks:
                continue
            rows.append(
                [
                    sheet.entry,
                    entries.get(sheet.entry, ""),
                    category_names.get(data.categories[sheet.entry], ""),
                    judges.get(sheet.judge, ""),
                    data.criterion_names[spec.id],
                    sheet.marks[spec.id],
                    float(spec.weight),
                    yes if spec.counted else no,
                    total,
                    when_text,
                ]
            )
    return header, rows


def to_csv(table: Table) -> str:
    """The whole CSV document as text, starting with the BOM."""
    header, rows = table
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(neutralise_cell(cell) for cell in header)
    for row in rows:
        writer.writerow(neutralise_cell(cell) for cell in row)
    return BOM + buffer.getvalue()


def _xlsx_cell(value: Any) -> Any:
    if value is None or isinstance(value, bool):
        return "" if value is None else str(value)
    if isinstance(value, int | float):
        return value
    return ILLEGAL_CHARACTERS_RE.sub("", neutralise_cell(value))


def to_xlsx(table: Table, sheet_title: str) -> bytes:
    """A one-sheet workbook: the header row, then the rows (numbers as numbers, texts as plain text)."""
    header, rows = table
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=sheet_title[:31])
    for row in _rows([header], rows):
        sheet.append([_xlsx_cell(value) for value in row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _rows(*groups: Iterable[list[Any]]) -> Iterable[list[Any]]:
    for group in groups:
        yield from group


def filename(round_: Round, what: str, fmt: str) -> str:
    """E.g. ``sme-awards-screening-standings.csv``."""
    return f"{round_.challenge.slug}-{slugify(round_.name) or round_.id}-{what}.{fmt}"


def export(round_: Round, what: str, fmt: str, *, names: bool = False) -> tuple[bytes, str]:
    """The file's bytes and MIME type."""
    table = standings_table(round_) if what == "standings" else marks_table(round_, names=names)
    if fmt == "csv":
        return to_csv(table).encode("utf-8"), "text/csv; charset=utf-8"
    title = _("Standings") if what == "standings" else _("Marks")
    return to_xlsx(table, title), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
