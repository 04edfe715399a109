"""The sparse, certified solve against the dense reference on seeded random instances, and determinism."""

from __future__ import annotations

import dataclasses
import itertools
import random

import numpy as np
import pytest

from judging.core.assignment import (
    EntrySpec,
    Infeasible,
    JudgeSpec,
    Problem,
    dense_reference,
    objective,
    solve,
    validate,
)
from judging.core.assignment.certify import lower_bound
from judging.core.assignment.solver import certified_solve

COUNTRIES = ["KE", "NG", "GB", "FR", "DE", "IN"]
LANGUAGES = ["en", "fr", "sw", None]


def random_problem(
    seed: int, entries: int, judges: int, k: int, bridge: bool, conflicts: float, spare: int = 0
) -> Problem:
    """A small programme: 3 categories, experts of 1 or 2, a few organisations and countries; capacities
    around twice the average load, plus ``spare``."""
    rng = random.Random(seed)
    organisations = [(f"org{i}", rng.choice(COUNTRIES)) for i in range(max(2, judges // 3))]
    entry_specs = tuple(
        EntrySpec(id=100 + i, category=rng.choice([1, 2, 3]), language=rng.choice(LANGUAGES))
        for i in range(entries)
    )
    judge_specs = []
    for i in range(judges):
        organisation, country = (
            rng.choice(organisations) if rng.random() < 0.7 else ("", rng.choice(COUNTRIES))
        )
        judge_specs.append(
            JudgeSpec(
                id=1 + i,
                expertise=frozenset(rng.sample([1, 2, 3], rng.choice([1, 1, 2]))),
                languages=frozenset(rng.sample(["en", "fr", "sw"], rng.choice([1, 2]))),
                capacity=rng.randint(0, 2 * entries * k // judges + 2) + spare,
                organisation=organisation,
                country=country if rng.random() < 0.9 else None,
            )
        )
    pairs = frozenset((j.id, e.id) for j in judge_specs for e in entry_specs if rng.random() < conflicts)
    return Problem(entry_specs, tuple(judge_specs), k, conflicts=pairs, bridge=bridge, seed=seed)


def with_kept(problem: Problem, seed: int) -> Problem:
    """The same problem keeping about a third of one of its optimal solutions."""
    rng = random.Random(seed)
    kept = frozenset((p.judge, p.entry) for p in dense_reference(problem).pairs if rng.random() < 0.35)
    return dataclasses.replace(problem, keep=kept)


def instances():
    rng = random.Random(2024)
    found = []
    while len(found) < 50:
        seed = rng.randrange(10**6)
        entries, judges = rng.randint(4, 40), rng.randint(3, 14)
        problem = random_problem(
            seed, entries, judges, rng.randint(1, 3), rng.random() < 0.35, rng.choice([0.0, 0.05, 0.15])
        )
        try:
            dense_reference(problem)
        except Infeasible:
            continue
        found.append(with_kept(problem, seed) if rng.random() < 0.4 else problem)
    return found


@pytest.mark.parametrize("problem", instances(), ids=lambda p: f"seed{p.seed}")
def test_sparse_solve_matches_the_dense_reference(problem):
    sparse, index, certificate, _stats = certified_solve(problem)
    dense = dense_reference(problem)

    assert sparse.objective == dense.objective
    assert validate(problem, sparse) == []
    assert validate(problem, dense) == []
    if certificate is not None:  # the LP dual at the certificate's potentials closes the gap
        assert lower_bound(index, certificate) == sparse.objective


def test_same_problem_and_seed_give_the_same_solution():
    problem = random_problem(7, entries=60, judges=24, k=3, bridge=True, conflicts=0.02, spare=20)

    assert solve(problem) == solve(problem)


def test_another_seed_gives_an_equally_good_solution():
    problem = random_problem(7, entries=60, judges=24, k=3, bridge=False, conflicts=0.02, spare=20)
    reseeded = dataclasses.replace(problem, seed=99)

    first, second = solve(problem), solve(reseeded)

    assert first.objective == second.objective
    assert validate(reseeded, second) == []


def test_every_judge_has_a_load_even_without_entries():
    problem = random_problem(3, entries=5, judges=8, k=1, bridge=False, conflicts=0.0, spare=5)

    solution = solve(problem)

    assert set(solution.loads) == {j.id for j in problem.judges}
    assert sum(solution.loads.values()) == len(solution.pairs) == 5
    assert all(isinstance(v, int) for v in solution.loads.values())


def test_pairs_are_sorted_by_entry_then_judge():
    problem = random_problem(11, entries=30, judges=10, k=2, bridge=False, conflicts=0.0, spare=10)

    pairs = solve(problem).pairs

    assert list(pairs) == sorted(pairs, key=lambda p: (p.entry, p.judge))


def test_loads_are_as_even_as_capacities_allow():
    problem = Problem(
        entries=tuple(EntrySpec(id=i, category=1) for i in range(40)),
        judges=tuple(JudgeSpec(id=100 + j, expertise=frozenset({1}), capacity=20) for j in range(7)),
        k=1,
    )

    loads = np.array(list(solve(problem).loads.values()))

    assert loads.max() - loads.min() <= 1


def brute_force(problem: Problem) -> int | None:
    """The least objective over every valid assignment, by enumeration (tiny problems only)."""
    judge_ids = [j.id for j in problem.judges]
    panels = []
    for e in problem.entries:
        kept = {j for j, entry_id in problem.keep if entry_id == e.id}
        others = [j for j in judge_ids if j not in kept]
        choices = [kept | set(extra) for extra in itertools.combinations(others, problem.k - len(kept))]
        panels.append([[(j, e.id) for j in panel] for panel in choices])
    best = None
    for combination in itertools.product(*panels):
        pairs = [pair for panel in combination for pair in panel]
        if not validate(problem, pairs):
            cost = objective(problem, pairs)
            best = cost if best is None else min(best, cost)
    return best


def tiny_instances():
    rng = random.Random(99)
    found = []
    for _ in range(40):
        problem = random_problem(
            rng.randrange(10**6),
            rng.randint(1, 3),
            rng.randint(2, 5),
            rng.randint(1, 2),
            rng.random() < 0.4,
            0.1,
        )
        if rng.random() < 0.3:
            entry = problem.entries[0]
            candidates = [j.id for j in problem.judges if (j.id, entry.id) not in problem.conflicts]
            problem = dataclasses.replace(problem, keep=frozenset({(rng.choice(candidates), entry.id)}))
        found.append(problem)
    return found


@pytest.mark.parametrize("problem", tiny_instances(), ids=lambda p: f"seed{p.seed}")
def test_solve_matches_brute_force_on_tiny_instances(problem):
    best = brute_force(problem)

    if best is None:
        with pytest.raises(Infeasible):
            solve(problem)
    else:
        assert solve(problem).objective == best


def programme(entries: int, judges: int, seed: int = 5) -> Problem:
    """A programme shaped like the benchmark's: 4 categories, 2% conflicts, capacity 1.0-1.4x the load."""
    rng = random.Random(seed)
    countries = [f"C{i}" for i in range(12)]
    organisations = [(f"org{i}", rng.choice(countries)) for i in range(judges // 3)]
    entry_specs = tuple(
        EntrySpec(id=i, category=rng.randint(1, 4), language=rng.choice(["en", "en", "en", "fr", None]))
        for i in range(entries)
    )
    average = entries * 3 / judges
    judge_specs = tuple(
        JudgeSpec(
            id=1000 + i,
            expertise=frozenset(rng.sample([1, 2, 3, 4], rng.choice([1, 2]))),
            languages=frozenset(["en", "fr"] if rng.random() < 0.3 else ["en"]),
            capacity=round(average * rng.uniform(1.0, 1.4)),
            organisation=(org := rng.choice(organisations))[0],
            country=org[1],
        )
        for i in range(judges)
    )
    conflicts = frozenset(
        (1000 + rng.randrange(judges), rng.randrange(entries)) for _ in range(entries * judges // 50)
    )
    return Problem(entry_specs, judge_specs, k=3, conflicts=conflicts, seed=seed)


def test_a_typical_programme_is_certified_without_a_flow_solve():
    # Speed, not correctness: the start built from the aggregated optimum should already be optimal.
    problem = programme(600, 60)

    solution, index, certificate, stats = certified_solve(problem)

    assert stats.solves == 0
    assert lower_bound(index, certificate) == solution.objective == dense_reference(problem).objective
