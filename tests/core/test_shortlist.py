"""Shortlisting and decision rules: top N per category, a score threshold, winners per category."""

from __future__ import annotations

import pytest

from judging.core.ranking import EntryStanding, Method, Standings
from judging.core.shortlist import above_threshold, check_decisions, suggest_outcomes, top_per_category


def standing(entry: int, category: int, rank: int | None, score: float | None) -> EntryStanding:
    return EntryStanding(
        entry=entry,
        category=category,
        totals={},
        sheets=0 if score is None else 2,
        mean=score,
        median=score,
        sd=None,
        low=score,
        high=score,
        score=score,
        scores={Method.RAW_MEAN: score},
        rank=rank,
        interval=None,
        flags=frozenset(),
    )


def table(*rows: tuple[int, int, int | None, float | None]) -> Standings:
    return Standings(
        method=Method.RAW_MEAN,
        tie_break=("median",),
        cutoff=None,
        resamples=0,
        seed=0,
        confidence=0.95,
        entries=tuple(standing(*row) for row in rows),
        offsets={},
    )


# Category 1: 11 (80), 12 (70), 13 (70, tied), 14 (50), 15 (no sheet). Category 2: 21 (90), 22 (60.0004).
STANDINGS = table(
    (11, 1, 1, 80.0),
    (12, 1, 2, 70.0),
    (13, 1, 2, 70.0),
    (14, 1, 4, 50.0),
    (15, 1, None, None),
    (21, 2, 1, 90.0),
    (22, 2, 2, 60.0004),
)


def test_top_per_category_takes_n_from_each_category():
    assert top_per_category(STANDINGS, 1) == {11, 21}


def test_top_per_category_keeps_every_entry_tied_at_the_cutoff():
    assert top_per_category(STANDINGS, 2) == {11, 12, 13, 21, 22}


def test_top_per_category_never_takes_an_entry_without_a_score():
    assert top_per_category(STANDINGS, 10) == {11, 12, 13, 14, 21, 22}


def test_top_per_category_with_zero_takes_nothing():
    assert top_per_category(STANDINGS, 0) == set()


def test_above_threshold_includes_the_minimum_itself():
    assert above_threshold(STANDINGS, 70.0) == {11, 12, 13, 21}


def test_above_threshold_compares_scores_as_shown():
    assert above_threshold(STANDINGS, 60.0) == {11, 12, 13, 21, 22}
    assert 22 not in above_threshold(STANDINGS, 60.001)


def test_above_threshold_leaves_out_entries_without_a_score():
    assert above_threshold(STANDINGS, -1000) == {11, 12, 13, 14, 21, 22}


def test_check_decisions_accepts_winners_within_the_limit():
    outcomes = {11: "winner", 12: "runner_up", 21: "winner"}
    categories = {11: 1, 12: 1, 21: 2}

    assert check_decisions(outcomes, categories, winners_per_category=1) == {}


def test_check_decisions_names_categories_over_the_limit_with_their_count():
    outcomes = {11: "winner", 12: "winner", 13: "winner", 21: "winner", 22: "finalist"}
    categories = {11: 1, 12: 1, 13: 1, 21: 2, 22: 2}

    assert check_decisions(outcomes, categories, winners_per_category=2) == {1: 3}
    assert check_decisions(outcomes, categories, winners_per_category=1) == {1: 3}
    assert check_decisions(outcomes, categories, winners_per_category=3) == {}


def test_check_decisions_refuses_an_entry_without_a_category():
    with pytest.raises(KeyError):
        check_decisions({99: "winner"}, {}, winners_per_category=1)


def test_suggest_outcomes_follows_the_ranks():
    assert suggest_outcomes(STANDINGS.entries, 3) == {
        11: "winner",
        12: "runner_up",
        13: "runner_up",
        14: "not_selected",
        15: "not_selected",
        21: "winner",
        22: "runner_up",
    }


def test_suggest_outcomes_makes_finalists_of_the_rest_of_the_top():
    assert suggest_outcomes(STANDINGS.entries, 4)[14] == "finalist"
