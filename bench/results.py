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

import argparse
import os
import resource
import sys
import tempfile
import time
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

    from judging import create_app
    from judging.database import utcnow
    from judging.extensions import db
    from tests import bulk

    app = create_app({"DATABASE_URL": url, "SECRET_KEY": "bench-results", "RESULTS_RESAMPLES": RESAMPLES})
    rng = np.random.default_rng(7)
    now = utcnow()
    with app.app_context():
        upgrade()
        categories = [f"Category {i}" for i in range(CATEGORIES)]
        challenge = bulk.add_challenge("bench-results", "Bench Results", categories, now=now)
        [organisation_id] = bulk.add_organisations(1, "Company")
        round_, criterion_ids = bulk.add_round(challenge, CRITERIA, judges_per_entry=PER_ENTRY)
        category_ids = [category.id for category in challenge.categories]
        entry_ids = bulk.add_entries(
            ENTRIES, [challenge.id], category_ids, [organisation_id], submitted_at=now, details=None
        )
        bulk.add_round_entries(round_.id, entry_ids)
        judge_ids = bulk.add_judges(challenge.id, bulk.people(JUDGES, "bench.example"), now=now, ready=False)
        quality = rng.normal(3.0, 0.7, ENTRIES)
        leniency = rng.normal(0.0, 0.5, JUDGES)
        panels = [rng.choice(JUDGES, PER_ENTRY, replace=False) for _ in entry_ids]
        pairs = [
            (judge_ids[j], entry_id) for entry_id, panel in zip(entry_ids, panels, strict=True) for j in panel
        ]
        assignment_ids = bulk.add_assignments(round_.id, pairs, scored=len(pairs))
        marks = [
            np.clip(np.rint(quality[index] + leniency[j] + rng.normal(0, 0.6, len(criterion_ids))), 1, 5)
            for index, panel in enumerate(panels)
            for j in panel
        ]
        bulk.add_sheets(assignment_ids, criterion_ids, marks, now=now, version=2)
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
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--postgres", action="store_true", help="also run on PostgreSQL at BENCH_PG_URL")
    postgres = parser.parse_args().postgres
    ok = True
    with tempfile.TemporaryDirectory() as folder:
        ok &= measure("sqlite", f"sqlite:///{folder}/bench.db")
    if postgres:
        reset_postgres(PG_URL)
        ok &= measure("postgresql", PG_URL)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    line("peak memory", f"{peak:.0f} MB")
    if not ok:
        print("a target was missed", file=sys.stderr)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
