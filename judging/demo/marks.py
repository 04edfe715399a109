"""The demo's marks: the past edition's screening round with a rubric, assignments and score sheets.

Seeded, so the demo is the same on every machine: each entry has a hidden quality, each judge a
leniency, and marks scatter around their sum. About one sheet in eight is left undone so the progress
and standings pages show unfinished work and flags.
"""

from __future__ import annotations

import random
from decimal import Decimal

from judging.assignments.models import Assignment, AssignmentOrigin, AssignmentStatus, Judge, Round
from judging.core.scoring import default_rubric
from judging.database import utcnow
from judging.scoring.models import Criterion, Score, ScoreSheet, SheetStatus
from judging.submissions.models import Submission

FEEDBACK = [
    "A clear problem and a convincing pilot; the business model needs more evidence.",
    "Strong team. Show how the solution will reach users outside the capital.",
    "Promising impact on the SDGs; the pitch deck would gain from customer figures.",
    "Well argued, but the competition section underestimates existing solutions.",
    "An elegant, affordable design. Explain the maintenance plan in more detail.",
]


def add_marks(
    round_: Round, judges: list[Judge], entries: list[Submission], *, seed: int = 2026, complete: bool = False
) -> int:
    """Give ``round_`` the default rubric, three judges per entry (experts in its category, least loaded
    first) and submitted sheets for most assignments (all when ``complete``); returns the number of
    sheets."""
    from judging.extensions import db

    rng = random.Random(seed)
    criteria = []
    for position, item in enumerate(default_rubric()):
        criterion = Criterion(round=round_, position=position, **{**item, "weight": Decimal(item["weight"])})
        criteria.append(criterion)
    db.session.add_all(criteria)
    leniency = {judge.id: rng.uniform(-0.8, 0.8) for judge in judges}
    load = dict.fromkeys(leniency, 0)
    now = utcnow()
    sheets = 0
    for entry in entries:
        quality = rng.uniform(1.8, 4.4)
        experts = [j for j in judges if entry.category_id in {c.id for c in j.expertise}] or judges
        panel = sorted(experts, key=lambda j: (load[j.id], rng.random()))[: round_.judges_per_entry]
        for judge in panel:
            load[judge.id] += 1
            done = rng.random() < 0.87 or complete
            assignment = Assignment(
                round=round_,
                judge=judge,
                submission=entry,
                origin=AssignmentOrigin.AUTOMATIC,
                status=AssignmentStatus.SCORED if done else AssignmentStatus.ASSIGNED,
            )
            db.session.add(assignment)
            if not done:
                continue
            marks = [
                Score(criterion=criterion, value=_mark(quality + leniency[judge.id] + rng.gauss(0, 0.5)))
                for criterion in criteria
            ]
            db.session.add(
                ScoreSheet(
                    assignment=assignment,
                    status=SheetStatus.SUBMITTED,
                    version=2,
                    feedback=rng.choice(FEEDBACK),
                    submitted_at=now,
                    scores=marks,
                )
            )
            sheets += 1
    return sheets


def _mark(value: float) -> int:
    return max(1, min(5, round(value)))
