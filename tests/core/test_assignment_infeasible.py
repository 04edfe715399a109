"""Infeasible assignment problems: which entries cannot get their judges, and why; nothing is returned."""

from __future__ import annotations

import pytest

from judging.core.assignment import EntrySpec, Infeasible, JudgeSpec, Problem, Shortfall, solve

A, B = 1, 2


def judge(judge_id, expertise=(A,), capacity=10) -> JudgeSpec:
    return JudgeSpec(id=judge_id, expertise=frozenset(expertise), capacity=capacity)


def entries(*ids, category=A) -> tuple[EntrySpec, ...]:
    return tuple(EntrySpec(id=i, category=category) for i in ids)


def infeasible(problem: Problem) -> Infeasible:
    with pytest.raises(Infeasible) as caught:
        solve(problem)
    return caught.value


def test_too_few_experts_in_the_category():
    problem = Problem(entries(1), (judge(10), judge(11, (B,))), k=2)

    error = infeasible(problem)

    assert error.shortfalls == (
        Shortfall(entry=1, category=A, available=1, needed=2, reason="too_few_judges"),
    )


def test_conflicts_leave_too_few_experts():
    problem = Problem(entries(1, 2), (judge(10), judge(11)), k=2, conflicts=frozenset({(11, 2)}))

    error = infeasible(problem)

    assert error.shortfalls == (Shortfall(entry=2, category=A, available=1, needed=2, reason="conflicts"),)


def test_capacity_leaves_too_few_experts():
    problem = Problem(entries(1), (judge(10), judge(11, capacity=0)), k=2)

    error = infeasible(problem)

    assert error.shortfalls == (Shortfall(entry=1, category=A, available=1, needed=2, reason="capacity"),)


def test_kept_assignments_use_up_capacity():
    problem = Problem(entries(1, 2), (judge(10, capacity=1), judge(11)), k=2, keep=frozenset({(10, 1)}))

    error = infeasible(problem)

    assert error.shortfalls == (Shortfall(entry=2, category=A, available=1, needed=2, reason="capacity"),)


def test_no_outsider_for_the_bridge_slot():
    problem = Problem(entries(1), (judge(10), judge(11), judge(12)), k=2, bridge=True)

    error = infeasible(problem)

    assert error.shortfalls == (Shortfall(entry=1, category=A, available=0, needed=1, reason="no_bridge"),)


def test_capacity_too_small_for_all_entries_together():
    # Each entry alone has an expert free, but the only expert can take two of the three.
    problem = Problem(entries(1, 2, 3), (judge(10, capacity=2), judge(11, (B,))), k=1)

    error = infeasible(problem)

    assert (error.total_capacity, error.total_demand) == (12, 3)
    assert len(error.shortfalls) == 1
    short = error.shortfalls[0]
    assert (short.category, short.available, short.needed, short.reason) == (A, 1, 1, "capacity")


def test_total_capacity_below_demand_is_reported_with_the_entries_left_short():
    problem = Problem(entries(1, 2, 3, 4), (judge(10, capacity=1), judge(11, capacity=1)), k=1)

    error = infeasible(problem)

    assert (error.total_capacity, error.total_demand) == (2, 4)
    assert len(error.shortfalls) == 2
    assert all(s.reason == "capacity" for s in error.shortfalls)


def test_kept_pairs_over_a_judges_capacity():
    problem = Problem(
        entries(1, 2), (judge(10, capacity=1), judge(11)), k=1, keep=frozenset({(10, 1), (10, 2)})
    )

    error = infeasible(problem)

    assert error.overloaded == ((10, 2, 1),)


def test_more_kept_judges_than_k():
    problem = Problem(entries(1), (judge(10), judge(11)), k=1, keep=frozenset({(10, 1), (11, 1)}))

    error = infeasible(problem)

    assert error.overfull == ((1, 2, 1),)


def test_the_message_names_the_entries_and_reasons():
    problem = Problem(entries(1), (judge(10),), k=2)

    assert "entry 1 (category 1): 1 judges available, 2 needed (too_few_judges)" in str(infeasible(problem))
