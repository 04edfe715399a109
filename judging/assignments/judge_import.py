"""Reading a jury from CSV: ``name,email,expertise,languages,capacity,affiliation,country``.

Columns may come in any order (the header names them); ``expertise`` holds category names and
``languages`` ISO 639-1 codes, each separated by ``;``. Category names match case-insensitively; an empty
capacity means the default of 10. A byte order mark and Windows or old Mac line endings are accepted.
Every problem is reported with its line number; the caller imports nothing when there is any.
"""

from __future__ import annotations

import csv
import io

from flask_babel import gettext as _

from judging.accounts.services import normalise_email
from judging.assignments.judge_details import JudgeDetails, detail_problems
from judging.challenges.models import Challenge

COLUMNS = ("name", "email", "expertise", "languages", "capacity", "affiliation", "country")
REQUIRED_COLUMNS = ("name", "email", "expertise")
DEFAULT_CAPACITY = 10
MAX_ROWS = 2000

Problem = tuple[int, str]  # (line number, translated message without the "Line N:" prefix)


def decode_upload(data: bytes) -> str:
    """The text of an uploaded file (UTF-8, with or without a byte order mark); ValueError if not UTF-8."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise ValueError("not UTF-8") from error


def _split(cell: str) -> list[str]:
    return [part.strip() for part in cell.split(";") if part.strip()]


def _header(cells: list[str]) -> tuple[list[str], list[str]]:
    """The column names of the header row, and the problems with it."""
    names = [cell.strip().lower() for cell in cells]
    problems: list[str] = []
    if len(names) == 1 and ";" in names[0]:
        problems.append(_("Separate the columns with commas (,); semicolons (;) separate several values."))
        return names, problems
    for name in names:
        if name not in COLUMNS:
            problems.append(
                _("unknown column '%(name)s' (use: %(columns)s).", name=name, columns=",".join(COLUMNS))
            )
    for name in REQUIRED_COLUMNS:
        if name not in names:
            problems.append(_("the header has no '%(name)s' column.", name=name))
    for name in sorted({name for name in names if names.count(name) > 1}):
        problems.append(_("the column '%(name)s' appears twice.", name=name))
    return names, problems


def _row(challenge: Challenge, values: dict[str, str]) -> tuple[JudgeDetails, list[str]]:
    """The details of one judge line and its problems."""
    problems: list[str] = []
    by_name = {category.name.casefold(): category for category in challenge.categories}
    expertise: list[int] = []
    for name in _split(values.get("expertise", "")):
        category = by_name.get(name.casefold())
        if category is None:
            problems.append(_("unknown category '%(name)s'.", name=name))
        elif category.id not in expertise:
            expertise.append(category.id)
    raw_capacity = values.get("capacity", "").strip()
    capacity = DEFAULT_CAPACITY
    if raw_capacity:
        try:
            capacity = int(raw_capacity)
        except ValueError:
            problems.append(_("the capacity '%(value)s' is not a whole number.", value=raw_capacity))
    details = JudgeDetails(
        name=values.get("name", ""),
        email=values.get("email", "").strip(),
        expertise=tuple(expertise),
        languages=tuple(code.lower() for code in _split(values.get("languages", ""))),
        capacity=capacity,
        affiliation=values.get("affiliation", "").strip() or None,
        country=values.get("country", "").strip().upper() or None,
    )
    for field, message in detail_problems(challenge, details):
        if field == "expertise" and problems and not expertise:
            continue  # the unknown names are already reported
        problems.append(message)
    return details, problems


def parse_judges(text: str, challenge: Challenge) -> tuple[list[tuple[int, JudgeDetails]], list[Problem]]:
    """The judges of a CSV text with the line each starts on, and every problem found."""
    reader = csv.reader(io.StringIO(text.lstrip("\ufeff"), newline=""))
    rows: list[tuple[int, JudgeDetails]] = []
    problems: list[Problem] = []
    seen: dict[str, int] = {}
    names: list[str] | None = None
    previous_end = 0
    try:
        for cells in reader:
            line, previous_end = previous_end + 1, reader.line_num
            if not any(cell.strip() for cell in cells):
                continue
            if names is None:
                names, header_problems = _header(cells)
                if header_problems:
                    return [], [(line, problem) for problem in header_problems]
                continue
            if len(rows) >= MAX_ROWS:
                problems.append((line, _("at most %(count)d judges per import.", count=MAX_ROWS)))
                break
            if len(cells) > len(names):
                problems.append(
                    (
                        line,
                        _(
                            "%(found)d values, but the header names %(columns)d columns.",
                            found=len(cells),
                            columns=len(names),
                        ),
                    )
                )
                continue
            details, row_problems = _row(challenge, dict(zip(names, cells, strict=False)))
            problems.extend((line, problem) for problem in row_problems)
            address = normalise_email(details.email)
            if address and address in seen:
                problems.append(
                    (line, _("%(email)s is already on line %(line)d.", email=address, line=seen[address]))
                )
            seen.setdefault(address, line)
            rows.append((line, details))
    except csv.Error as error:
        problems.append(
            (previous_end + 1, _("this line cannot be read as CSV (%(error)s).", error=str(error)))
        )
    if names is None or (not rows and not problems):
        problems.append((1, _("no judges found: give a header line, then one line per judge.")))
    return rows, problems
