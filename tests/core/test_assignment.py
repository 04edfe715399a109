"""Assignment of judges to entries: small instances whose optimum is worked out by hand.

Weights (see ``judging.core.assignment``): with P open slots, a language mismatch costs W_L = 2P + 1, a
load unit U = P * W_L + 1, and the t-th entry of a judge costs U * ceil(S * t / capacity), S being the
largest capacity. A second expert from a country already on a panel costs 1, from an organisation 1 more.
"""

from __future__ import annotations

import pytest

from judging.core.assignment import (
    EntrySpec,
    JudgeSpec,
    Pair,
    Problem,
    objective,
    solve,
    validate,
)

A, B = 1, 2  # category ids


def judge(judge_id, expertise=(A,), capacity=10, languages=(), organisation="", country=None) -> JudgeSpec:
    return JudgeSpec(
        id=judge_id,
        expertise=frozenset(expertise),
        languages=frozenset(languages),
        capacity=capacity,
        organisation=organisation,
        country=country,
    )


def entry(entry_id, category=A, language=None) -> EntrySpec:
    return EntrySpec(id=entry_id, category=category, language=language)


def pairs_of(solution) -> set[tuple[int, int]]:
    return {(p.judge, p.entry) for p in solution.pairs}


def test_six_entries_three_equal_judges_get_two_each():
    problem = Problem(
        entries=tuple(entry(e) for e in range(1, 7)),
        judges=(judge(10), judge(11), judge(12)),
        k=1,
    )

    solution = solve(problem)

    # P = 6, W_L = 13, U = 79, S = 10: each judge's steps are ceil(10 t / 10) = 1 + 2; 3 judges -> 9 U.
    assert solution.loads == {10: 2, 11: 2, 12: 2}
    assert solution.objective == 9 * 79
    assert validate(problem, solution) == []


def test_each_entry_gets_the_judge_who_speaks_its_language():
    problem = Problem(
        entries=(entry(1, language="fr"), entry(2, language="en-GB")),
        judges=(judge(10, capacity=1, languages=("FR",)), judge(11, capacity=1, languages=("en",))),
        k=1,
    )

    solution = solve(problem)

    # P = 2, W_L = 5, U = 11, S = 1: two loads of 1 cost 2 U = 22 and nobody reads a foreign language.
    # Swapping the judges would add 2 * W_L = 10.
    assert solution.pairs == (Pair(10, 1, False), Pair(11, 2, False))
    assert solution.objective == 22


def test_load_balance_comes_before_language():
    problem = Problem(
        entries=(entry(1, language="fr"), entry(2, language="fr")),
        judges=(judge(10, capacity=2, languages=("fr",)), judge(11, capacity=2, languages=("en",))),
        k=1,
    )

    solution = solve(problem)

    # P = 2, W_L = 5, U = 11, S = 2. Loads (1, 1): steps 1 + 1 = 2 -> 22, plus one mismatch 5 = 27.
    # Loads (2, 0), both in French: steps 1 + 2 = 3 -> 33. Balance wins.
    assert solution.loads == {10: 1, 11: 1}
    assert solution.objective == 27


def test_second_judge_from_another_country_is_preferred():
    problem = Problem(
        entries=(entry(1, language="fr"),),
        judges=(
            judge(10, capacity=1, languages=("fr",), country="FR", organisation="acme"),
            judge(11, capacity=1, country="FR", organisation="bolt"),
            judge(12, capacity=1, country="DE", organisation="core"),
        ),
        k=2,
    )

    solution = solve(problem)

    # P = 2, W_L = 5, U = 11, S = 1. Two judges of load 1: 22. Judge 10 speaks French, so {10, 12} costs
    # 22 + 5 (12 does not) = 27; {10, 11} costs 22 + 5 + 1 (two French experts) = 28; {11, 12}: 32.
    assert pairs_of(solution) == {(10, 1), (12, 1)}
    assert solution.objective == 27


def test_same_organisation_costs_more_than_same_country():
    problem = Problem(
        entries=(entry(1),),
        judges=(
            judge(10, capacity=1, country="KE", organisation="acme"),
            judge(11, capacity=1, country="KE", organisation="acme"),
            judge(12, capacity=1, country="KE", organisation="bolt"),
        ),
        k=2,
    )

    solution = solve(problem)

    # P = 2, U = 11: loads 22. {10, 12} or {11, 12}: same country only, +1 = 23. {10, 11}: +1 +1 = 24.
    assert (12, 1) in pairs_of(solution)
    assert solution.objective == 23


def test_unknown_country_and_organisation_never_count_as_shared():
    problem = Problem(entries=(entry(1),), judges=(judge(10, capacity=1), judge(11, capacity=1)), k=2)

    assert solve(problem).objective == 22  # P = 2, U = 11, two loads of 1, no diversity cost


def test_loads_follow_capacity():
    problem = Problem(
        entries=tuple(entry(e) for e in range(1, 16)),
        judges=(judge(10, capacity=10), judge(11, capacity=20)),
        k=1,
    )

    solution = solve(problem)

    # S = 20: judge 10's t-th entry costs ceil(2 t) = 2t, judge 11's ceil(t) = t. The 15 cheapest steps
    # are 2, 4, ..., 10 (five for judge 10) and 1..10 (ten for judge 11): both at half capacity.
    assert solution.loads == {10: 5, 11: 10}


def test_kept_pairs_stay_and_count_towards_capacity_and_panels():
    problem = Problem(
        entries=(entry(1), entry(2)),
        judges=(judge(10, capacity=1), judge(11, capacity=2), judge(12, expertise=(B,), capacity=5)),
        k=2,
        keep=frozenset({(12, 1), (10, 2)}),  # judge 12 is not an expert of A but is kept
    )

    solution = solve(problem)

    # Judge 10 is full with entry 2; judge 11 is the only expert left for both open slots.
    assert pairs_of(solution) == {(12, 1), (11, 1), (10, 2), (11, 2)}
    assert {p for p in solution.pairs if p.kept} == {Pair(12, 1, True), Pair(10, 2, True)}
    assert solution.loads == {10: 1, 11: 2, 12: 1}
    assert validate(problem, solution) == []


def test_bridge_gives_each_entry_one_judge_from_outside_its_category():
    problem = Problem(
        entries=(entry(1, A), entry(2, A), entry(3, B)),
        judges=(judge(10, (A,)), judge(11, (A,)), judge(12, (B,)), judge(13, (B,)), judge(14, ())),
        k=2,
        bridge=True,
    )

    solution = solve(problem)

    experts = {10: {A}, 11: {A}, 12: {B}, 13: {B}, 14: set()}
    for entry_id, category in ((1, A), (2, A), (3, B)):
        panel = [p.judge for p in solution.pairs if p.entry == entry_id]
        assert len(panel) == 2
        assert sum(category not in experts[j] for j in panel) == 1
    assert validate(problem, solution) == []


def test_a_kept_outsider_fills_the_bridge_slot():
    problem = Problem(
        entries=(entry(1),),
        judges=(judge(10), judge(11), judge(12, (B,))),
        k=2,
        keep=frozenset({(12, 1)}),
        bridge=True,
    )

    assert pairs_of(solve(problem)) in ({(12, 1), (10, 1)}, {(12, 1), (11, 1)})


def test_judges_are_only_given_entries_of_their_expertise_without_bridges():
    problem = Problem(
        entries=(entry(1, A), entry(2, B)),
        judges=(judge(10, (A,)), judge(11, (B,)), judge(12, (A, B))),
        k=2,
    )

    solution = solve(problem)

    assert pairs_of(solution) == {(10, 1), (12, 1), (11, 2), (12, 2)}


def test_conflicted_pairs_never_meet():
    problem = Problem(
        entries=(entry(1), entry(2)),
        judges=(judge(10), judge(11), judge(12)),
        k=2,
        conflicts=frozenset({(10, 1), (11, 2)}),
    )

    assert pairs_of(solve(problem)) == {(11, 1), (12, 1), (10, 2), (12, 2)}


def test_everything_kept_returns_the_kept_pairs():
    problem = Problem(entries=(entry(1),), judges=(judge(10),), k=1, keep=frozenset({(10, 1)}))

    solution = solve(problem)

    assert solution.pairs == (Pair(10, 1, True),)
    assert solution.objective == objective(problem, [(10, 1)])


def test_the_objective_counts_every_term():
    problem = Problem(
        entries=(entry(1, language="fr"),),
        judges=(
            judge(10, capacity=2, country="FR", organisation="acme"),
            judge(11, capacity=1, country="FR", organisation="acme"),
        ),
        k=2,
    )

    # P = 2, W_L = 5, U = 11, S = 2: judge 10 ceil(2/2) = 1, judge 11 ceil(2/1) = 2 -> 3 U = 33;
    # two mismatches 10; same country 1 and same organisation 1.
    assert objective(problem, [(10, 1), (11, 1)]) == 33 + 10 + 2


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"k": 0}, "k must be at least 1"),
        ({"judges": (judge(10, capacity=-1),)}, "negative capacity"),
        ({"judges": (judge(10), judge(10))}, "judge ids are not unique"),
        ({"entries": (entry(1), entry(1))}, "entry ids are not unique"),
        ({"keep": frozenset({(99, 1)})}, "unknown judges or entries"),
        ({"keep": frozenset({(10, 1)}), "conflicts": frozenset({(10, 1)})}, "kept pairs are conflicts"),
    ],
)
def test_malformed_problems_raise_value_error(change, message):
    values = {"entries": (entry(1),), "judges": (judge(10),), "k": 1}
    values.update(change)

    with pytest.raises(ValueError, match=message):
        solve(Problem(**values))


def test_organisation_counts_even_without_a_country():
    problem = Problem(
        entries=(entry(1),),
        judges=(
            judge(10, capacity=1, organisation="acme"),
            judge(11, capacity=1, organisation="acme"),
            judge(12, capacity=1, organisation="bolt"),
        ),
        k=2,
    )

    # P = 2, U = 11: loads 22. {10, 11} share an organisation (+1); either with 12 costs nothing more.
    solution = solve(problem)

    assert (12, 1) in pairs_of(solution)
    assert solution.objective == 22
