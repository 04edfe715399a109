"""Rubric arithmetic: checking a sheet's marks, weighted and normalised totals, and which totals a rubric
change would move.

Pure: plain values in and out (no Flask, SQLAlchemy or I/O), so the judge's workspace, the organisers'
rubric editor and the rankings all compute totals the same way.

Rounding: every total is computed exactly with ``Decimal`` and only the result is rounded, to three
decimal places, half away from zero (``ROUND_HALF_UP``). Two totals are therefore equal exactly when
their rounded values are equal, which is what the organiser sees.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

QUANTUM = Decimal("0.001")

OUT_OF_SCALE = "out_of_scale"
MISSING = "missing"
UNKNOWN = "unknown"


@dataclass(frozen=True)
class CriterionSpec:
    """What the arithmetic needs to know about one criterion of a rubric."""

    id: int
    scale_min: int
    scale_max: int
    weight: Decimal
    required: bool = True
    independent: bool = False

    @property
    def counted(self) -> bool:
        """Whether the criterion's mark goes into the total (independent criteria are shown only)."""
        return not self.independent


def _round(value: Decimal) -> Decimal:
    return value.quantize(QUANTUM, rounding=ROUND_HALF_UP)


def check_marks(
    criteria: Sequence[CriterionSpec], marks: Mapping[int, int | None], *, complete: bool
) -> dict[int, str]:
    """Problems with a sheet's marks, by criterion id; an empty dict means the marks are fine.

    Codes: ``"out_of_scale"`` (a mark outside its criterion's scale), ``"unknown"`` (a mark for a
    criterion not in ``criteria``), and, only when ``complete`` is true (submitting, not saving a draft),
    ``"missing"`` for a required criterion without a mark.
    """
    problems: dict[int, str] = {}
    known = {criterion.id: criterion for criterion in criteria}
    for criterion_id, value in marks.items():
        if value is None:
            continue
        criterion = known.get(criterion_id)
        if criterion is None:
            problems[criterion_id] = UNKNOWN
        elif not criterion.scale_min <= value <= criterion.scale_max:
            problems[criterion_id] = OUT_OF_SCALE
    if complete:
        for criterion in criteria:
            if criterion.required and marks.get(criterion.id) is None:
                problems.setdefault(criterion.id, MISSING)
    return problems


def _counted_marks(
    criteria: Sequence[CriterionSpec], marks: Mapping[int, int | None]
) -> list[tuple[CriterionSpec, int]]:
    return [
        (criterion, value)
        for criterion in criteria
        if criterion.counted and (value := marks.get(criterion.id)) is not None
    ]


def weighted_total(criteria: Sequence[CriterionSpec], marks: Mapping[int, int | None]) -> Decimal | None:
    """The sum of weight × mark over the counted (not independent) criteria that have a mark.

    Unmarked criteria add nothing; marks for criteria not in ``criteria`` are ignored. ``None`` when no
    counted criterion is marked (an empty sheet has no total, which differs from a total of 0).
    """
    counted = _counted_marks(criteria, marks)
    if not counted:
        return None
    return _round(sum((Decimal(criterion.weight) * value for criterion, value in counted), Decimal(0)))


def normalised_total(criteria: Sequence[CriterionSpec], marks: Mapping[int, int | None]) -> Decimal | None:
    """The weighted total mapped onto 0–100, to compare rubrics with different scales.

    sum(weight × (mark − min) / (max − min)) / sum(weight) × 100 over the counted criteria that have a
    mark. A criterion whose scale is a single point counts as fully met. ``None`` when no counted
    criterion is marked or their weights add up to 0.
    """
    counted = _counted_marks(criteria, marks)
    weights = sum((Decimal(criterion.weight) for criterion, _ in counted), Decimal(0))
    if not counted or weights == 0:
        return None
    achieved = Decimal(0)
    for criterion, value in counted:
        span = criterion.scale_max - criterion.scale_min
        share = Decimal(1) if span == 0 else Decimal(value - criterion.scale_min) / Decimal(span)
        achieved += Decimal(criterion.weight) * share
    return _round(achieved / weights * 100)


def totals_affected(
    criteria_before: Sequence[CriterionSpec],
    criteria_after: Sequence[CriterionSpec],
    sheets: Mapping[int, Mapping[int, int]],
) -> dict[int, tuple[Decimal | None, Decimal | None]]:
    """Sheet id → (weighted total before, after) for every sheet whose total a rubric change moves.

    ``sheets`` maps a sheet id to its marks (criterion id → mark). Sheets whose total stays the same
    are left out, so an empty result means the change moves no total.
    """
    affected: dict[int, tuple[Decimal | None, Decimal | None]] = {}
    for sheet_id, marks in sheets.items():
        old = weighted_total(criteria_before, marks)
        new = weighted_total(criteria_after, marks)
        if old != new:
            affected[sheet_id] = (old, new)
    return affected


def marks_outside(criterion: CriterionSpec, values: Sequence[int]) -> int:
    """How many of ``values`` fall outside the criterion's scale (a rescale must leave none outside)."""
    return sum(1 for value in values if not criterion.scale_min <= value <= criterion.scale_max)


def default_rubric() -> list[dict]:
    """The criteria a new round starts from, in order: scale 1–5, weights (Decimal strings) adding up to 1,
    every criterion required and counted.

    Texts are in English; the rubric editor stores them as given and organisers edit them to suit.
    ``guide`` maps a level (as a string) to what that level looks like.
    """
    shared = {"scale_min": 1, "scale_max": 5, "required": True, "independent": False}
    return [{**item, "guide": dict(item["guide"]), **shared} for item in _DEFAULT_CRITERIA]


_DEFAULT_CRITERIA: list[dict] = [
    {
        "name": "Innovation",
        "description": "How new the solution is, in its market or in the way it solves the problem.",
        "guide": {
            "1": "No novelty: the solution copies what already exists.",
            "3": "A clear improvement on existing solutions.",
            "5": "A genuinely new approach with few or no equivalents.",
        },
        "weight": "0.25",
    },
    {
        "name": "Impact",
        "description": (
            "The difference the solution makes for people, the economy and the environment, "
            "including its contribution to the Sustainable Development Goals (SDGs)."
        ),
        "guide": {
            "1": "Little evidence of benefit; no link to the SDGs.",
            "3": "A measurable benefit for a defined group; a plausible link to one or more SDGs.",
            "5": "Strong, evidenced benefit at scale, clearly advancing specific SDG targets.",
        },
        "weight": "0.25",
    },
    {
        "name": "Feasibility",
        "description": "Whether the team can deliver: technology, resources, plan and business model.",
        "guide": {
            "1": "An idea without a working plan or prototype.",
            "3": "A working prototype or pilot and a credible plan.",
            "5": "Proven in use, with paying customers or secured funding.",
        },
        "weight": "0.2",
    },
    {
        "name": "Scalability",
        "description": "How far the solution can grow to new users, regions or markets.",
        "guide": {
            "1": "Tied to one place or customer.",
            "3": "Could grow with effort; some paths to new markets identified.",
            "5": "Designed to grow; expansion already under way.",
        },
        "weight": "0.15",
    },
    {
        "name": "Team",
        "description": "The skills, experience, diversity and commitment of the people behind it.",
        "guide": {
            "1": "Key skills missing; unclear commitment.",
            "3": "The core skills are present and the team is committed.",
            "5": "A complete, experienced team with a track record of delivery.",
        },
        "weight": "0.15",
    },
]
