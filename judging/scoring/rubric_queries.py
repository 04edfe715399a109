"""Reading a round's rubric, and previewing what a rubric change would do to the judges' totals.

Read-only: nothing here writes or commits. ``rubric_services`` holds the use cases that change a rubric.
The value types shared by forms, views and services live here too.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from sqlalchemy import exists, func, select

from judging import permissions
from judging.accounts.models import User
from judging.assignments.models import Round
from judging.challenges.models import Challenge
from judging.core.scoring import CriterionSpec, totals_affected
from judging.extensions import db
from judging.scoring.models import Criterion, Score, ScoreSheet


@dataclass(frozen=True)
class CriterionDetails:
    """What an organiser types for a criterion (the form's shape already checked)."""

    name: str
    description: str | None
    guide: dict[str, str]
    scale_min: int
    scale_max: int
    weight: Decimal
    required: bool
    independent: bool


@dataclass(frozen=True)
class Rescale:
    """The fields only an audited rescale may change once marks exist."""

    scale_min: int
    scale_max: int
    weight: Decimal
    independent: bool


@dataclass(frozen=True)
class TotalChange:
    """One sheet whose weighted total a rubric change moves."""

    sheet_id: int
    entry: str
    judge: str
    old: Decimal | None
    new: Decimal | None


@dataclass
class Preview:
    """What a rubric change would do: the totals it moves and the marks a new scale would leave outside."""

    changes: list[TotalChange] = field(default_factory=list)
    outside: int = 0


def criteria_of(round_: Round, *, retired: bool = False) -> list[Criterion]:
    """The round's active criteria in order (or its retired ones, oldest retirement first)."""
    query = select(Criterion).where(Criterion.round_id == round_.id)
    if retired:
        query = query.where(Criterion.retired_at.is_not(None)).order_by(Criterion.retired_at, Criterion.id)
    else:
        query = query.where(Criterion.retired_at.is_(None)).order_by(Criterion.position, Criterion.id)
    return list(db.session.scalars(query))


def round_has_marks(round_: Round) -> bool:
    """Whether any sheet holds a mark for one of the round's criteria (active or retired)."""
    marked = select(Score.id).join(Criterion, Score.criterion_id == Criterion.id)
    return bool(db.session.scalar(select(exists(marked.where(Criterion.round_id == round_.id)))))


def mark_counts(round_: Round) -> dict[int, int]:
    """Criterion id → number of marks, for the round's criteria that have any."""
    rows = db.session.execute(
        select(Score.criterion_id, func.count(Score.id))
        .join(Criterion, Score.criterion_id == Criterion.id)
        .where(Criterion.round_id == round_.id)
        .group_by(Score.criterion_id)
    )
    return {row[0]: row[1] for row in rows}


def spec(criterion: Criterion, **overrides: Any) -> CriterionSpec:
    values = {
        "id": criterion.id,
        "scale_min": criterion.scale_min,
        "scale_max": criterion.scale_max,
        "weight": Decimal(criterion.weight),
        "required": criterion.required,
        "independent": criterion.independent,
    }
    values.update(overrides)
    return CriterionSpec(**values)


def _sheet_marks(round_: Round) -> dict[int, dict[int, int]]:
    rows = db.session.execute(
        select(Score.sheet_id, Score.criterion_id, Score.value)
        .join(Criterion, Score.criterion_id == Criterion.id)
        .where(Criterion.round_id == round_.id)
    )
    sheets: dict[int, dict[int, int]] = {}
    for sheet_id, criterion_id, value in rows:
        sheets.setdefault(sheet_id, {})[criterion_id] = value
    return sheets


def _preview(round_: Round, before: list[CriterionSpec], after: list[CriterionSpec]) -> Preview:
    affected = totals_affected(before, after, _sheet_marks(round_))
    if not affected:
        return Preview()
    sheets = db.session.scalars(select(ScoreSheet).where(ScoreSheet.id.in_(affected))).all()
    rows = [
        TotalChange(
            sheet.id,
            sheet.assignment.submission.title,
            sheet.assignment.judge.name,
            *affected[sheet.id],
        )
        for sheet in sheets
    ]
    rows.sort(key=lambda row: (row.entry.casefold(), row.judge.casefold(), row.sheet_id))
    return Preview(changes=rows)


def _active_specs(round_: Round) -> list[CriterionSpec]:
    return [spec(criterion) for criterion in criteria_of(round_)]


def preview_rescale(criterion: Criterion, change: Rescale) -> Preview:
    """The totals a rescale would move, and how many existing marks the new scale would leave outside."""
    specs = _active_specs(criterion.round)
    new = spec(criterion, **vars(change))
    preview = _preview(criterion.round, specs, [new if item.id == criterion.id else item for item in specs])
    values = db.session.scalars(select(Score.value).where(Score.criterion_id == criterion.id))
    preview.outside = sum(1 for value in values if not change.scale_min <= value <= change.scale_max)
    return preview


def preview_retire(criterion: Criterion) -> Preview:
    """The totals retiring this (active) criterion would move."""
    specs = _active_specs(criterion.round)
    return _preview(criterion.round, specs, [item for item in specs if item.id != criterion.id])


def preview_restore(criterion: Criterion) -> Preview:
    """The totals restoring this retired criterion would move."""
    specs = _active_specs(criterion.round)
    return _preview(criterion.round, specs, [*specs, spec(criterion)])


def copy_sources(user: User, target: Round) -> list[Round]:
    """Rounds with criteria that ``user`` may copy from: any round of a challenge they organise."""
    managed = permissions.managed_challenges(user).with_only_columns(Challenge.id)
    has_criteria = exists(
        select(Criterion.id).where(Criterion.round_id == Round.id, Criterion.retired_at.is_(None))
    )
    query = (
        select(Round)
        .join(Challenge, Round.challenge_id == Challenge.id)
        .where(Round.challenge_id.in_(managed), Round.id != target.id, has_criteria)
        .order_by(Challenge.title, Round.position)
    )
    return list(db.session.scalars(query))
