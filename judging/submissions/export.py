"""The organisers' CSV export of entries, safe to open in a spreadsheet.

UTF-8 with a byte order mark (so spreadsheets detect the encoding of names in any script); every cell,
headers included, goes through ``neutralise_cell`` so that no cell starting with = + - @ runs as a formula.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from datetime import UTC
from typing import Any

from flask_babel import gettext as _

from judging.challenges.models import Challenge, EntryQuestion
from judging.core.text import neutralise_cell
from judging.labels import label
from judging.submissions.models import Submission

BOM = "\ufeff"


def entries_csv(challenge: Challenge, submissions: Iterable[Submission]) -> str:
    """The whole CSV document (as text, starting with the BOM) for these entries of ``challenge``."""
    questions = list(challenge.questions)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(neutralise_cell(cell) for cell in _header(questions))
    for submission in submissions:
        writer.writerow(neutralise_cell(cell) for cell in _row(submission, questions))
    return BOM + buffer.getvalue()


def _header(questions: list[EntryQuestion]) -> list[str]:
    return [
        "id",
        _("Title"),
        _("Category"),
        _("Status"),
        _("Screening reason"),
        _("Organisation"),
        _("Country"),
        _("Employees"),
        _("Submitted at (UTC)"),
        _("Sustainable Development Goals"),
        _("Stage"),
        _("Language"),
        _("Video link"),
        _("Summary"),
        _("Problem"),
        _("Solution"),
        _("Business model"),
        _("Impact"),
        *[question.label for question in questions],
    ]


def _row(submission: Submission, questions: list[EntryQuestion]) -> list[Any]:
    organisation = submission.organisation
    submitted = submission.submitted_at.astimezone(UTC).isoformat() if submission.submitted_at else ""
    return [
        submission.id,
        submission.title,
        submission.category.name,
        label(submission.status),
        submission.screening_reason,
        organisation.name,
        organisation.country,
        organisation.employees,
        submitted,
        "; ".join(str(goal) for goal in submission.sdgs or []),
        label(submission.stage),
        submission.language,
        submission.video_url,
        submission.summary,
        submission.problem,
        submission.solution,
        submission.business_model,
        submission.impact,
        *[_answer_text(submission.answer_for(question.id)) for question in questions],
    ]


def _answer_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, list):
        return "; ".join(str(item) for item in value)
    return str(value)
