"""Loading a round's submitted marks from the database as plain data for the ranking core.

Counted: submitted sheets of assignments that were not recused, for entries the round holds that are
neither withdrawn nor ineligible, marks on the round's active (not retired) criteria. Drafts never count.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from decimal import Decimal
from typing import NamedTuple

from flask import current_app
from sqlalchemy import select

from judging.assignments.models import Assignment, AssignmentStatus, Round, RoundEntry
from judging.core.lifecycle import SubmissionStatus
from judging.core.ranking import Mark, Method, RankingInput, Standings, standings
from judging.core.scoring import CriterionSpec
from judging.extensions import db
from judging.scoring.models import Criterion, Score, ScoreSheet, SheetStatus
from judging.submissions.models import Submission

EXCLUDED = (SubmissionStatus.WITHDRAWN, SubmissionStatus.INELIGIBLE)


class SheetData(NamedTuple):
    """One submitted sheet: who marked which entry, and the marks (criterion id -> mark)."""

    sheet: int
    judge: int
    entry: int
    marks: dict[int, int]


@dataclass(frozen=True)
class RoundData:
    """A round's counted inputs, in a stable order (criteria by position, sheets by id)."""

    round_id: int
    criteria: tuple[CriterionSpec, ...]
    criterion_names: dict[int, str]
    categories: dict[int, int]  # entry id -> category id, for every entry the round holds
    sheets: tuple[SheetData, ...]
    expected_sheets: int


@contextmanager
def paused_gc() -> Iterator[None]:
    """Pause the cyclic garbage collector while building many small objects that form no cycles (a
    large round's marks): its passes would otherwise take about half the time. Restored on exit."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def load_round_data(round_: Round) -> RoundData:
    """The round's criteria, entries and submitted sheets (four queries, no ORM objects per mark)."""
    with paused_gc():
        return _load_round_data(round_)


def _load_round_data(round_: Round) -> RoundData:
    criteria = list(
        db.session.execute(
            select(Criterion)
            .where(Criterion.round_id == round_.id, Criterion.retired_at.is_(None))
            .order_by(Criterion.position, Criterion.id)
        ).scalars()
    )
    specs = tuple(
        CriterionSpec(
            id=c.id,
            scale_min=c.scale_min,
            scale_max=c.scale_max,
            weight=Decimal(c.weight),
            required=c.required,
            independent=c.independent,
        )
        for c in criteria
    )
    entries = db.session.execute(
        select(Submission.id, Submission.category_id)
        .join(RoundEntry, RoundEntry.submission_id == Submission.id)
        .where(RoundEntry.round_id == round_.id, Submission.status.not_in(EXCLUDED))
    ).all()
    categories: dict[int, int] = dict(entries)  # type: ignore[arg-type]
    active = {spec.id for spec in specs}
    # Core execution (no ORM row processing): a large round has hundreds of thousands of marks.
    connection = db.session.connection()
    sheet_rows = connection.execute(
        select(ScoreSheet.id, Assignment.judge_id, Assignment.submission_id)
        .join(Assignment, ScoreSheet.assignment_id == Assignment.id)
        .where(
            Assignment.round_id == round_.id,
            Assignment.status != AssignmentStatus.RECUSED.value,
            ScoreSheet.status == SheetStatus.SUBMITTED.value,
        )
        .order_by(ScoreSheet.id)
    ).all()
    sheets: dict[int, SheetData] = {
        sheet_id: SheetData(sheet_id, judge_id, entry_id, {})
        for sheet_id, judge_id, entry_id in sheet_rows
        if entry_id in categories
    }
    mark_rows = connection.execute(
        select(Score.sheet_id, Score.criterion_id, Score.value)
        .join(Criterion, Score.criterion_id == Criterion.id)
        .where(Criterion.round_id == round_.id, Criterion.retired_at.is_(None))
    ).all()
    for sheet_id, criterion_id, value in mark_rows:
        sheet = sheets.get(sheet_id)
        if sheet is not None and criterion_id in active:
            sheet.marks[criterion_id] = value
    return RoundData(
        round_id=round_.id,
        criteria=specs,
        criterion_names={c.id: c.name for c in criteria},
        categories=categories,
        sheets=tuple(sheets.values()),
        expected_sheets=round_.judges_per_entry,
    )


def scale_of(criteria: tuple[CriterionSpec, ...]) -> tuple[float, float]:
    """The lowest and highest weighted total a complete sheet can reach."""
    counted = [c for c in criteria if c.counted]
    low = sum(float(c.weight) * c.scale_min for c in counted)
    high = sum(float(c.weight) * c.scale_max for c in counted)
    return (low, high)


def ranking_input(data: RoundData) -> RankingInput:
    """The core's view of the round: one Mark per sheet with a total (sheets with no counted mark are
    left out, as they have no total).

    Totals are computed as ``judging.core.scoring.weighted_total`` does (weight × mark over counted
    criteria, rounded to 0.001), in floating point for speed.
    """
    weights = {c.id: float(c.weight) for c in data.criteria if c.counted}
    marks = []
    for sheet in data.sheets:
        total = 0.0
        counted = False
        for criterion_id, value in sheet.marks.items():
            weight = weights.get(criterion_id)
            if weight is not None:
                total += weight * value
                counted = True
        if counted:
            marks.append(Mark(sheet.entry, sheet.judge, round(total, 3), sheet.marks))
    return RankingInput(
        marks=tuple(marks),
        categories=data.categories,
        scale=scale_of(data.criteria),
        expected_sheets=data.expected_sheets,
    )


def round_input(round_: Round) -> RankingInput:
    return ranking_input(load_round_data(round_))


def round_method(round_: Round) -> Method:
    try:
        return Method(round_.ranking_method)
    except ValueError:
        return Method.JUDGE_BIAS


def round_standings(
    round_: Round,
    *,
    method: Method | None = None,
    resamples: int | None = None,
    data: RoundData | None = None,
) -> Standings:
    """The round's standings under its own settings (method, tie-break, cut-off), seeded by its id so
    the same marks always give the same rank intervals."""
    config = current_app.config
    data = data or load_round_data(round_)
    with paused_gc():
        marks = ranking_input(data)
    return standings(
        marks,
        method=method or round_method(round_),
        tie_break=tuple(round_.tie_break if round_.tie_break is not None else ("median",)),
        cutoff=round_.shortlist_size,
        resamples=config["RESULTS_RESAMPLES"] if resamples is None else resamples,
        seed=round_.id,
        confidence=config["RESULTS_CONFIDENCE"],
    )
