"""Time the standings of a large round, read from the database, against a plain SQL aggregate.

A generated round in a fresh database: 5,000 entries in 4 categories, 250 judges with their own
leniency, 5 judges per entry, a 5-criterion 1–5 rubric: 25,000 submitted sheets, 125,000 marks. Then,
in this process:

- the floor: one plain SQL aggregate of the same marks (weighted total per sheet, ``GROUP BY``);
- standings with each method, including the query that loads the marks (no resamples);
- the bootstrap: standings with 1,000 resamples (rank intervals);
- peak memory (``resource.getrusage``).

Targets: standings under 1 s including the query, the bootstrap under 5 s. Runs on SQLite in a temporary
folder; ``--postgres`` also runs on PostgreSQL at ``BENCH_PG_URL`` (database ``bench_results`` is dropped
and created). Prints ``name: value unit (ratio x floor)`` lines; exits non-zero when a target is missed.
"""

from __future__ import annotations

import os
import resource
import sys
import tempfile
import time
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from _loadkit import line, reset_postgres  # noqa: E402

PG_URL = os.environ.get("BENCH_PG_URL", "postgresql://postgres@127.0.0.1:5432/bench_results")
ENTRIES, JUDGES, PER_ENTRY, CATEGORIES = 5000, 250, 5, 4
CRITERIA = [("Innovation", "0.25"), ("Impact", "0.25"), ("Feasibility", "0.2"), ("Scalability", "0.15")]
CRITERIA += [("Team", "0.15")]
RESAMPLES = 1000
TARGET_STANDINGS, TARGET_BOOTSTRAP = 1.0, 5.0  # seconds


def build(url: str):
    """Migrate a fresh database at ``url`` and fill it (bulk inserts); returns the app and the round id."""
    from flask_migrate import upgrade
    from sqlalchemy import insert

    from judging import create_app
    from judging.accounts.models import Organisation
    from judging.assignments.models import Assignment, AssignmentStatus, Judge, JudgeStatus, Round, RoundEntry
    from judging.challenges.models import Category, Challenge, ChallengeKind
    from judging.core.lifecycle import ChallengeStatus, SubmissionStatus
    from judging.database import utcnow
    from judging.extensions import db
    from judging.scoring.models import Criterion, Score, ScoreSheet, SheetStatus
    from judging.submissions.models import Submission

    app = create_app({"DATABASE_URL": url, "SECRET_KEY": "bench-results", "RESULTS_RESAMPLES": RESAMPLES})
    rng = np.random.default_rng(7)
    now = utcnow()
    with app.app_context():
        upgrade()
        challenge = Challenge(
            slug="bench-results",
            title="Bench Results",
            kind=ChallengeKind.AWARD,
            status=ChallengeStatus.JUDGING,
            opens_at=now - timedelta(days=60),
            closes_at=now - timedelta(days=30),
            categories=[Category(name=f"Category {i}", position=i) for i in range(CATEGORIES)],
        )
        round_ = Round(challenge=challenge, name="First round", judges_per_entry=PER_ENTRY)
        organisation = Organisation(name="Company", normalised_name="company", country="KE", employees=12)
        db.session.add_all([challenge, round_, organisation])
        criteria = [
            Criterion(round=round_, position=i, name=name, weight=Decimal(weight))
            for i, (name, weight) in enumerate(CRITERIA)
        ]
        db.session.add_all(criteria)
        db.session.flush()
        category_ids = [category.id for category in challenge.categories]
        db.session.execute(
            insert(Submission),
            [
                {
                    "challenge_id": challenge.id,
                    "category_id": category_ids[i % CATEGORIES],
                    "organisation_id": organisation.id,
                    "status": SubmissionStatus.ELIGIBLE,
                    "title": f"Entry {i:04d}",
                    "submitted_at": now,
                }
                for i in range(ENTRIES)
            ],
        )
        entry_ids = list(db.session.scalars(Submission.__table__.select().with_only_columns(Submission.id)))
        db.session.execute(
            insert(RoundEntry), [{"round_id": round_.id, "submission_id": e} for e in entry_ids]
        )
        db.session.execute(
            insert(Judge),
            [
                {
                    "challenge_id": challenge.id,
                    "email": f"judge{n}@bench.example",
                    "name": f"Judge {n}",
                    "status": JudgeStatus.ACTIVE,
                    "languages": ["en"],
                }
                for n in range(JUDGES)
            ],
        )
        judge_ids = list(db.session.scalars(Judge.__table__.select().with_only_columns(Judge.id)))
        quality = rng.normal(3.0, 0.7, ENTRIES)
        leniency = rng.normal(0.0, 0.5, JUDGES)
        assignments, panels = [], []
        for index, entry_id in enumerate(entry_ids):
            panel = rng.choice(JUDGES, PER_ENTRY, replace=False)
            panels.append((index, panel))
            assignments.extend(
                {
                    "round_id": round_.id,
                    "judge_id": judge_ids[j],
                    "submission_id": entry_id,
                    "status": AssignmentStatus.SCORED,
                }
                for j in panel
            )
        db.session.execute(insert(Assignment), assignments)
        assignment_ids = list(
            db.session.scalars(Assignment.__table__.select().with_only_columns(Assignment.id))
        )
        db.session.execute(
            insert(ScoreSheet),
            [
                {"assignment_id": a, "status": SheetStatus.SUBMITTED, "version": 2, "submitted_at": now}
                for a in assignment_ids
            ],
        )
        sheet_ids = list(db.session.scalars(ScoreSheet.__table__.select().with_only_columns(ScoreSheet.id)))
        scores, position = [], 0
        for index, panel in panels:
            for j in panel:
                base = quality[index] + leniency[j]
                values = np.clip(np.rint(base + rng.normal(0, 0.6, len(criteria))), 1, 5).astype(int)
                scores.extend(
                    {"sheet_id": sheet_ids[position], "criterion_id": c.id, "value": int(v)}
                    for c, v in zip(criteria, values, strict=True)
                )
                position += 1
        db.session.execute(insert(Score), scores)
        db.session.commit()
        return app, round_.id


def measure(label: str, url: str) -> bool:
    from sqlalchemy import func, select

    from judging.assignments.models import Assignment, Round
    from judging.core.ranking import Method
    from judging.extensions import db
    from judging.results.inputs import round_standings
    from judging.scoring.models import Criterion, Score, ScoreSheet

    started = time.perf_counter()
    app, round_id = build(url)
    line(f"{label} build", f"{time.perf_counter() - started:.1f} s")
    ok = True
    with app.app_context():
        aggregate = (
            select(ScoreSheet.id, Assignment.submission_id, func.sum(Criterion.weight * Score.value))
            .join(Assignment, ScoreSheet.assignment_id == Assignment.id)
            .join(Score, Score.sheet_id == ScoreSheet.id)
            .join(Criterion, Score.criterion_id == Criterion.id)
            .where(Assignment.round_id == round_id, Criterion.independent.is_(False))
            .group_by(ScoreSheet.id, Assignment.submission_id)
        )
        floor = min(_timed(lambda: db.session.execute(aggregate).all()) for _ in range(3))
        line(f"{label} floor: SQL aggregate of 125,000 marks", f"{floor * 1000:.0f} ms")
        round_ = db.session.get(Round, round_id)
        for method in Method:
            seconds = min(
                _timed(lambda m=method: round_standings(round_, method=m, resamples=0)) for _ in range(3)
            )
            ok &= seconds < TARGET_STANDINGS
            line(
                f"{label} standings ({method.value}, with the query)",
                f"{seconds * 1000:.0f} ms",
                seconds / floor,
            )
        seconds = _timed(lambda: round_standings(round_, method=Method.JUDGE_BIAS, resamples=RESAMPLES))
        ok &= seconds < TARGET_BOOTSTRAP
        line(
            f"{label} bootstrap ({RESAMPLES} resamples, with the query)", f"{seconds:.2f} s", seconds / floor
        )
        db.session.remove()
    return ok


def _timed(call) -> float:
    started = time.perf_counter()
    call()
    return time.perf_counter() - started


def main() -> int:
    ok = True
    with tempfile.TemporaryDirectory() as folder:
        ok &= measure("sqlite", f"sqlite:///{folder}/bench.db")
    if "--postgres" in sys.argv:
        reset_postgres(PG_URL)
        ok &= measure("postgresql", PG_URL)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    line("peak memory", f"{peak:.0f} MB")
    if not ok:
        print("a target was missed", file=sys.stderr)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
