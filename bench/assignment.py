"""Time the assignment solver on seeded synthetic programmes against a dense reference and an LP bound.

For 1,000x100, 5,000x500 and 20,000x2,000 entries x judges (k = 3): 4 categories, judges expert in 1 or
2 of them, 2% of all judge-entry pairs in conflict, capacities around the average load. Each size runs
in fresh subprocesses (so each peak memory is its own): one solves with ``solve`` and evaluates the LP
dual of the *dense* network at the solution's certificate potentials (a lower bound on any assignment);
another solves the dense reference (min-cost flow over every eligible judge-entry arc). The gap between
the objective and each floor must be 0, else the script exits non-zero.

The dense reference of 20,000x2,000 (about 15 million arcs) needs minutes and gigabytes, so it only runs
with ``--dense-all``; the LP bound certifies that size instead.

Prints ``name: value unit (ratio x floor)`` lines.
"""

from __future__ import annotations

import json
import random
import resource
import subprocess
import sys
import time
from itertools import chain
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from judging.core.assignment import EntrySpec, JudgeSpec, Problem  # noqa: E402

SIZES = [(1000, 100), (5000, 500), (20000, 2000)]
DENSE_LIMIT = 5000  # entries: larger dense references only with --dense-all
TARGETS = {(5000, 500): 0.5, (20000, 2000): 3.0}  # seconds, on the project's 2-core machine
CATEGORIES = [1, 2, 3, 4]
LANGUAGES = ["en"] * 6 + ["fr", "de", "es", "it", None]


def programme(n_entries: int, n_judges: int, k: int = 3, seed: int = 1) -> Problem:
    """A synthetic programme (see module docstring): organisations in 30 countries of uneven size."""
    rng = random.Random(seed)
    countries = [f"C{i:02d}" for i in range(30)]
    weights = [1 / (i + 1) for i in range(30)]
    organisations = [(f"org{i}", rng.choices(countries, weights)[0]) for i in range(max(5, n_judges // 4))]
    entries = tuple(
        EntrySpec(
            id=i + 1,
            category=rng.choice(CATEGORIES),
            language=rng.choice(LANGUAGES),
            organisation=f"entrant {i}",
            country=rng.choices(countries, weights)[0],
        )
        for i in range(n_entries)
    )
    average = n_entries * k / n_judges
    judges = []
    for i in range(n_judges):
        organisation, country = (
            rng.choice(organisations) if rng.random() < 0.7 else ("", rng.choice(countries))
        )
        judges.append(
            JudgeSpec(
                id=10_000 + i,
                expertise=frozenset(rng.sample(CATEGORIES, rng.choice([1, 2]))),
                languages=frozenset(
                    {"en"} | set(rng.sample(["fr", "de", "es", "it"], rng.choice([0, 0, 1, 2])))
                ),
                capacity=max(1, round(average * rng.uniform(1.0, 1.4))),
                organisation=organisation,
                country=country if rng.random() > 0.05 else None,
            )
        )
    pairs = np.random.default_rng(seed)
    count = int(0.02 * n_entries * n_judges)
    judge_ids = (10_000 + pairs.integers(0, n_judges, count)).tolist()
    entry_ids = (1 + pairs.integers(0, n_entries, count)).tolist()
    conflicts = frozenset(zip(judge_ids, entry_ids, strict=True))
    return Problem(entries=entries, judges=tuple(judges), k=k, conflicts=conflicts, seed=seed)


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _child(kind: str, n_entries: int, n_judges: int) -> dict:
    """Run one measurement in this (fresh) process."""
    from judging.core.assignment import dense_reference, validate
    from judging.core.assignment.certify import lower_bound
    from judging.core.assignment.solver import certified_solve

    problem = programme(n_entries, n_judges)
    before = _peak_mb()
    start = time.perf_counter()
    if kind == "solve":
        solution, index, certificate, stats = certified_solve(problem)
        seconds = time.perf_counter() - start
        peak = _peak_mb()
        bound_start = time.perf_counter()
        bound = lower_bound(index, certificate) if certificate else solution.objective
        bound_seconds = time.perf_counter() - bound_start
        read_start = time.perf_counter()  # the least any solver spends: reading the conflicts once
        np.fromiter(chain.from_iterable(problem.conflicts), dtype=np.int64, count=2 * len(problem.conflicts))
        extra = {
            "bound": bound,
            "bound_seconds": bound_seconds,
            "read_seconds": time.perf_counter() - read_start,
            "arcs": stats.arcs,
            "solves": stats.solves,
            "rounds": stats.rounds,
            "added": stats.added,
        }
    else:
        solution = dense_reference(problem)
        seconds = time.perf_counter() - start
        peak = _peak_mb()
        extra = {}
    invalid = len(validate(problem, solution))
    figures = {"seconds": seconds, "peak": peak, "input": before, "objective": solution.objective}
    return {**figures, "invalid": invalid, **extra}


def _run(kind: str, n_entries: int, n_judges: int) -> dict:
    out = subprocess.run(
        [sys.executable, __file__, "--child", kind, str(n_entries), str(n_judges)],
        check=True,
        capture_output=True,
        text=True,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def _line(name: str, value: str, ratio: float | None = None, floor: str = "floor") -> None:
    print(f"{name}: {value}" + (f" ({ratio:.4f} x {floor})" if ratio is not None else ""))


def _report(size: str, n_pairs: int, sparse: dict, dense: dict | None, target: float | None) -> list[int]:
    """Print one size's figures; returns the gaps to the floors (all must be 0)."""
    seconds = sparse["seconds"]
    if dense:
        _line(f"solve {size} time", f"{seconds:.3f} s", seconds / dense["seconds"])
    else:
        _line(f"solve {size} time", f"{seconds:.3f} s", seconds / (target or 1.0), "target")
    read = sparse["read_seconds"]
    _line(f"reading {size} conflicts once", f"{read:.3f} s", read / seconds, "solve time")
    _line(f"solve {size} peak memory", f"{sparse['peak']:.0f} MB", sparse["peak"] / sparse["input"], "input")
    _line(f"solve {size} objective", str(sparse["objective"]), sparse["objective"] / sparse["bound"])
    _line(
        f"lp bound {size}", str(sparse["bound"]), sparse["bound_seconds"] / seconds, "solve time, to compute"
    )
    _line(f"solve {size} arcs", str(sparse["arcs"]), sparse["arcs"] / n_pairs, "all pairs")
    print(
        f"solve {size} work: {sparse['solves']} flow solves, {sparse['rounds']} certificate rounds, "
        f"{sparse['added']} arcs added"
    )
    gaps = [sparse["objective"] - sparse["bound"]]
    if dense:
        _line(f"dense {size} time", f"{dense['seconds']:.3f} s", 1.0)
        _line(f"dense {size} peak memory", f"{dense['peak']:.0f} MB", dense["peak"] / dense["input"], "input")
        _line(f"dense {size} objective", str(dense["objective"]))
        gaps.append(sparse["objective"] - dense["objective"])
    else:
        print(f"dense {size}: not run (about {n_pairs * 3 // 8:,} arcs; --dense-all runs it)")
    against = "dense reference and LP bound" if dense else "LP bound"
    _line(f"gap {size}", f"{max(gaps, key=abs)} (against the {against})")
    if target and seconds > target:
        print(f"note {size}: {seconds:.2f} s is over the {target} s target on this run")
    return gaps


def main(dense_all: bool) -> int:
    failures = 0
    for n_entries, n_judges in SIZES:
        size = f"{n_entries}x{n_judges}"
        sparse = _run("solve", n_entries, n_judges)
        dense = _run("dense", n_entries, n_judges) if dense_all or n_entries <= DENSE_LIMIT else None
        gaps = _report(size, n_entries * n_judges, sparse, dense, TARGETS.get((n_entries, n_judges)))
        invalid = sparse["invalid"] + (dense["invalid"] if dense else 0)
        if any(gaps) or invalid:
            failures += 1
            print(f"FAILED {size}: gaps {gaps}, invalid pairs {invalid}")
    return 1 if failures else 0


if __name__ == "__main__":
    if len(sys.argv) == 5 and sys.argv[1] == "--child":
        print(json.dumps(_child(sys.argv[2], int(sys.argv[3]), int(sys.argv[4]))))
    else:
        sys.exit(main(dense_all="--dense-all" in sys.argv))
