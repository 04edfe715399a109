"""``validate``, ``explain`` and ``replacement_candidates`` on hand-made pairs."""

from __future__ import annotations

import pytest

from judging.core.assignment import (
    EntrySpec,
    Explanation,
    JudgeSpec,
    Pair,
    Problem,
    Solution,
    explain,
    replacement_candidates,
    solve,
    validate,
)

A, B = 1, 2


def judge(judge_id, expertise=(A,), capacity=3, languages=(), organisation="", country=None) -> JudgeSpec:
    return JudgeSpec(judge_id, frozenset(expertise), frozenset(languages), capacity, organisation, country)


PROBLEM = Problem(
    entries=(EntrySpec(1, A, "fr"), EntrySpec(2, A), EntrySpec(3, B, "en")),
    judges=(
        judge(10, languages=("fr",), organisation="acme", country="FR"),
        judge(11, organisation="acme", country="FR"),
        judge(12, capacity=1, country="FR"),
        judge(13, expertise=(B,), languages=("en",)),
        judge(14, expertise=(A, B), country="KE"),
    ),
    k=2,
    conflicts=frozenset({(14, 1)}),
)


def test_validate_accepts_a_valid_assignment():
    assert validate(PROBLEM, [(10, 1), (11, 1), (10, 2), (12, 2), (13, 3), (14, 3)]) == []


def test_validate_reports_every_broken_rule():
    problems = validate(
        PROBLEM,
        [(10, 1), (14, 1), (11, 1), (13, 2), (12, 2), (12, 3), (99, 3), (13, 3), (13, 3)],
    )

    assert problems == [
        "duplicate judge=13 entry=3 times=2",
        "unknown_judge judge=99 entry=3",
        "conflict judge=14 entry=1",
        "coverage entry=1 judges=3 k=2",
        "capacity judge=12 load=2 capacity=1",
        "expertise judge=13 entry=2",
        "expertise judge=12 entry=3",
    ]


def test_validate_reports_missing_kept_pairs_and_bridges():
    problem = Problem(PROBLEM.entries[:1], PROBLEM.judges, k=2, keep=frozenset({(12, 1)}), bridge=True)

    assert validate(problem, [(10, 1), (11, 1)]) == [
        "kept_missing judge=12 entry=1",
        "bridge entry=1 outsiders=0 expected=1",
    ]


def test_explain_an_expert_who_speaks_the_language():
    solution = Solution(pairs=(Pair(10, 1, False), Pair(11, 1, False), Pair(10, 2, False)), objective=0)

    assert explain(PROBLEM, solution, 10, 1) == Explanation(
        expert=True,
        bridge=False,
        language_match=True,
        load=2,
        capacity=3,
        same_organisation_on_panel=True,
        same_country_on_panel=True,
    )


def test_explain_language_is_none_without_an_entry_language():
    solution = Solution(pairs=(Pair(12, 2, False), Pair(14, 2, False)), objective=0)

    explanation = explain(PROBLEM, solution, 14, 2)

    assert explanation.language_match is None
    assert (explanation.same_country_on_panel, explanation.same_organisation_on_panel) == (False, False)


def test_explain_a_bridge_judge():
    problem = Problem(PROBLEM.entries, PROBLEM.judges, k=2, bridge=True)
    solution = Solution(pairs=(Pair(13, 1, False), Pair(10, 1, False)), objective=0)

    explanation = explain(problem, solution, 13, 1)

    assert (explanation.expert, explanation.bridge, explanation.language_match) == (False, True, False)


def test_explain_an_unknown_judge_raises():
    with pytest.raises(ValueError, match="unknown judge"):
        explain(PROBLEM, Solution(pairs=(), objective=0), 99, 1)


def test_replacement_candidates_rank_by_marginal_cost():
    pairs = [(10, 1), (10, 2), (12, 2)]  # entry 1 lacks a judge; judge 10 has load 2, judge 12 is full

    ranked = replacement_candidates(PROBLEM, pairs, 1)

    # P = 6: W_L = 13, U = 79, S = 3. Judge 11 (load 0): U * ceil(3 / 3) = 79, does not speak French
    # (+13), same country and organisation as judge 10 (+2) -> 94. Judge 14 conflicts, judge 12 is full,
    # judge 13 is not an expert, judge 10 is already on the panel.
    assert ranked == [(11, 94)]


def test_replacement_candidates_prefer_the_lighter_load_and_break_ties_by_id():
    problem = Problem(
        entries=(EntrySpec(1, A), EntrySpec(2, A)),
        judges=(judge(20), judge(21), judge(22)),
        k=1,
    )

    ranked = replacement_candidates(problem, [(20, 2)], 1)

    # P = 2, W_L = 5, U = 11, S = 3: judges 21 and 22 at load 0 cost 11; judge 20 at load 1 costs 22.
    assert ranked == [(21, 11), (22, 11), (20, 22)]


def test_replacement_candidates_offer_only_outsiders_for_the_last_bridge_slot():
    problem = Problem(PROBLEM.entries, PROBLEM.judges, k=2, bridge=True)

    ranked = replacement_candidates(problem, [(10, 1)], 1, limit=10)

    assert [judge_id for judge_id, _cost in ranked] == [13]


def test_replacement_candidates_accept_a_solution():
    solution = solve(Problem(PROBLEM.entries[:2], PROBLEM.judges[:3], k=2))

    ranked = replacement_candidates(PROBLEM, solution, 2, limit=1)

    assert len(ranked) <= 1
