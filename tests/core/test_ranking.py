"""Standings: the three scoring methods, tie-breaks, bootstrap intervals and flags, computed by hand."""

from __future__ import annotations

import math

import pytest

from judging.core.ranking import (
    DISAGREEMENT,
    FEW_SHEETS,
    TIE_AT_CUTOFF,
    Mark,
    Method,
    RankingInput,
    criterion_means,
    judge_offsets,
    method_scores,
    parse_tie_break,
    percentile,
    standings,
)


def mark(entry: int, judge: int, total: float, **criteria: int) -> Mark:
    return Mark(entry=entry, judge=judge, total=total, criteria={int(k[1:]): v for k, v in criteria.items()})


def data(marks, categories=None, scale=(0.0, 100.0), expected=0) -> RankingInput:
    if categories is None:
        categories = dict.fromkeys(sorted({m.entry for m in marks}), 1)
    return RankingInput(marks=tuple(marks), categories=categories, scale=scale, expected_sheets=expected)


def order(result, category=1):
    return [s.entry for s in result.category(category)]


def ranks(result, category=1):
    return [s.rank for s in result.category(category)]


def test_standings_descriptive_statistics_by_hand():
    marks = [mark(1, 10, 4), mark(1, 11, 6), mark(1, 12, 8), mark(2, 10, 5), mark(2, 11, 9)]
    result = standings(data(marks), method=Method.RAW_MEAN, resamples=0)
    first, second = result.entry(1), result.entry(2)
    assert first.totals == {10: 4, 11: 6, 12: 8}
    assert (first.sheets, first.mean, first.median, first.low, first.high) == (3, 6, 6, 4, 8)
    assert first.sd == pytest.approx(2.0)
    assert (second.mean, second.median) == (7, 7)
    assert second.sd == pytest.approx(math.sqrt(8))
    assert order(result) == [2, 1]
    assert second.scores[Method.RAW_MEAN] == 7
    assert first.interval is None


def test_standings_sd_none_with_one_sheet():
    result = standings(data([mark(1, 10, 4)]), method=Method.RAW_MEAN, resamples=0)
    assert result.entry(1).sd is None
    assert result.entry(1).median == 4


def test_method_scores_z_score_by_hand():
    # Judge 1: 1, 2, 3 (mean 2, sd 1); judge 2: 4, 6, 8 (mean 6, sd 2); judge 3 one sheet -> z = 0.
    # All totals 1, 2, 3, 4, 6, 8, 4: grand mean 4, grand sd sqrt(34 / 6).
    marks = [mark(1, 1, 1), mark(2, 1, 2), mark(3, 1, 3), mark(1, 2, 4), mark(2, 2, 6), mark(3, 2, 8)]
    marks.append(mark(1, 3, 4))
    g = math.sqrt(34 / 6)
    scores = method_scores(marks, (0.0, 10.0))[Method.Z_SCORE]
    assert scores[1] == pytest.approx(((4 - g) + (4 - g) + 4) / 3)
    assert scores[2] == pytest.approx(4)
    assert scores[3] == pytest.approx(4 + g)


def test_method_scores_z_score_clamped_onto_scale():
    marks = [mark(1, 1, 1), mark(2, 1, 2), mark(3, 1, 3), mark(1, 2, 4), mark(2, 2, 6), mark(3, 2, 8)]
    marks.append(mark(1, 3, 4))
    scores = method_scores(marks, (0.0, 5.0))[Method.Z_SCORE]
    assert scores[3] == pytest.approx(5.0)


def test_method_scores_z_score_judge_with_equal_totals_maps_to_grand_mean():
    marks = [mark(1, 1, 6), mark(2, 1, 6), mark(1, 2, 2), mark(2, 2, 4)]
    scores = method_scores(marks, (0.0, 10.0))[Method.Z_SCORE]
    grand_sd = math.sqrt(((6 - 4.5) ** 2 * 2 + 2.5**2 + 0.5**2) / 3)
    z = 1 / math.sqrt(2)  # judge 2: mean 3, sd sqrt(2)
    assert scores[1] == pytest.approx((4.5 + 4.5 - z * grand_sd) / 2)
    assert scores[2] == pytest.approx((4.5 + 4.5 + z * grand_sd) / 2)


def test_judge_bias_recovers_exact_quality_and_offsets():
    quality = {1: 10, 2: 6, 3: 8}
    bias = {"a": 2, "b": -1, "c": -1}
    judge = {"a": 1, "b": 2, "c": 3}
    design = [(1, "a"), (2, "a"), (2, "b"), (3, "b"), (1, "c"), (3, "c")]
    marks = [mark(e, judge[j], quality[e] + bias[j]) for e, j in design]
    scores = method_scores(marks, (0.0, 20.0))[Method.JUDGE_BIAS]
    assert scores == pytest.approx(quality)
    assert judge_offsets(marks) == pytest.approx({1: 2, 2: -1, 3: -1})


def test_judge_bias_least_squares_with_residuals_by_hand():
    # Differences judge 1 - judge 2: +4 and 0, so b1 - b2 = 2 -> b = (1, -1); q = means of t - b.
    marks = [mark(1, 1, 10), mark(2, 1, 8), mark(1, 2, 6), mark(2, 2, 8)]
    assert judge_offsets(marks) == pytest.approx({1: 1, 2: -1})
    assert method_scores(marks, (0.0, 20.0))[Method.JUDGE_BIAS] == pytest.approx({1: 8, 2: 8})


def test_judge_bias_ranks_right_where_raw_mean_is_fooled_by_panels():
    truth = {1: 80, 2: 75, 3: 70, 4: 65}
    harsh, lenient, neutral_a, neutral_b = 1, 2, 3, 4
    bias = {harsh: -10, lenient: 10, neutral_a: 0, neutral_b: 0}
    panels = {1: (harsh, neutral_a), 2: (lenient, neutral_a), 3: (harsh, neutral_b), 4: (lenient, neutral_b)}
    marks = [mark(e, j, truth[e] + bias[j]) for e, panel in panels.items() for j in panel]
    raw = standings(data(marks), method=Method.RAW_MEAN, resamples=0)
    fair = standings(data(marks), method=Method.JUDGE_BIAS, resamples=0)
    assert order(raw) == [2, 1, 4, 3]  # the entries that drew the lenient judge come first
    assert order(fair) == [1, 2, 3, 4]
    assert [s.score for s in fair.category(1)] == pytest.approx([80, 75, 70, 65])
    assert fair.offsets == pytest.approx(bias)


def test_judge_offsets_centred_on_zero_in_each_disconnected_group():
    marks = [mark(1, 1, 10), mark(2, 1, 8), mark(1, 2, 6), mark(2, 2, 8)]  # group {1, 2}
    marks += [mark(3, 3, 5), mark(3, 4, 9)]  # group {3, 4}
    marks += [mark(4, 5, 7)]  # judge 5 shares nothing
    offsets = judge_offsets(marks)
    assert offsets == pytest.approx({1: 1, 2: -1, 3: -2, 4: 2, 5: 0})
    scores = method_scores(marks, (0.0, 20.0))[Method.JUDGE_BIAS]
    assert scores == pytest.approx({1: 8, 2: 8, 3: 7, 4: 7})


def test_method_scores_empty_input():
    assert method_scores([], (0.0, 10.0)) == {method: {} for method in Method}
    assert judge_offsets([]) == {}


def test_tie_break_median_puts_higher_median_first():
    marks = [mark(1, 1, 5), mark(1, 2, 5), mark(1, 3, 8), mark(2, 1, 4), mark(2, 2, 7), mark(2, 3, 7)]
    result = standings(data(marks), method=Method.RAW_MEAN, resamples=0, tie_break=["median"])
    assert order(result) == [2, 1]
    assert ranks(result) == [1, 2]
    assert ranks(standings(data(marks), method=Method.RAW_MEAN, resamples=0, tie_break=())) == [1, 1]


def test_tie_break_spread_puts_lower_sd_first_after_equal_medians():
    marks = [mark(1, 1, 4), mark(1, 2, 8), mark(2, 1, 6), mark(2, 2, 6)]
    result = standings(data(marks), method=Method.RAW_MEAN, resamples=0, tie_break=["median", "spread"])
    assert order(result) == [2, 1]
    assert ranks(result) == [1, 2]


def test_tie_break_sheets_puts_more_sheets_first():
    marks = [mark(1, 1, 6), mark(1, 2, 6), mark(2, 1, 6), mark(2, 2, 6), mark(2, 3, 6)]
    result = standings(data(marks), method=Method.RAW_MEAN, resamples=0, tie_break=["sheets"])
    assert order(result) == [2, 1]


def test_tie_break_criterion_puts_higher_mean_mark_first_and_missing_last():
    marks = [mark(1, 1, 6, c7=4), mark(2, 1, 6, c7=5), mark(3, 1, 6, c8=5)]
    result = standings(data(marks), method=Method.RAW_MEAN, resamples=0, tie_break=["criterion:7"])
    assert order(result) == [2, 1, 3]
    assert ranks(result) == [1, 2, 3]


def test_equal_entries_share_a_competition_rank():
    marks = [mark(1, 1, 10), mark(2, 1, 8), mark(3, 1, 8), mark(4, 1, 6)]
    result = standings(data(marks), method=Method.RAW_MEAN, resamples=0)
    assert order(result) == [1, 2, 3, 4]
    assert ranks(result) == [1, 2, 2, 4]


def test_scores_equal_after_rounding_to_three_decimals_tie():
    marks = [mark(1, 1, 7.0001), mark(2, 1, 7.0002)]
    assert ranks(standings(data(marks), method=Method.RAW_MEAN, resamples=0, tie_break=())) == [1, 1]


def test_entries_without_sheets_come_last_with_rank_none():
    marks = [mark(1, 1, 5), mark(2, 1, 7)]
    categories = {3: 1, 1: 1, 2: 1, 4: 2}
    result = standings(data(marks, categories, expected=1), method=Method.JUDGE_BIAS, resamples=50)
    assert order(result) == [2, 1, 3]
    empty = result.entry(3)
    assert (empty.rank, empty.score, empty.interval, empty.sheets, empty.mean) == (None, None, None, 0, None)
    assert empty.scores == dict.fromkeys(Method)
    assert empty.flags == {FEW_SHEETS}
    assert [s.entry for s in result.entries] == [2, 1, 3, 4]
    assert result.entry(4).rank is None


def test_ranks_are_per_category():
    marks = [mark(1, 1, 5), mark(2, 1, 7), mark(3, 1, 3)]
    result = standings(data(marks, {1: 1, 2: 2, 3: 2}), method=Method.RAW_MEAN, resamples=0)
    assert (result.entry(1).rank, result.entry(2).rank, result.entry(3).rank) == (1, 1, 2)


def _contest():
    marks = []
    panel = {
        1: (95, 96, 95),  # clear leader
        2: (70, 80, 60),  # 2 and 3 nearly tied
        3: (72, 62, 78),
        4: (20, 21, 20),  # clear last
    }
    for entry, totals in panel.items():
        marks += [mark(entry, judge, total) for judge, total in enumerate(totals, start=1)]
    return data(marks, scale=(0.0, 100.0), expected=3)


def test_bootstrap_same_seed_same_intervals():
    first = standings(_contest(), method=Method.RAW_MEAN, resamples=300, seed=7)
    again = standings(_contest(), method=Method.RAW_MEAN, resamples=300, seed=7)
    other = standings(_contest(), method=Method.RAW_MEAN, resamples=300, seed=8)
    assert [s.interval for s in first.entries] == [s.interval for s in again.entries]
    for standing in other.entries:
        low, high = standing.interval
        assert 1 <= low <= high <= 4


@pytest.mark.parametrize("method", list(Method))
def test_bootstrap_clear_leader_interval_is_first_place(method):
    result = standings(_contest(), method=method, resamples=500, seed=1)
    assert result.entry(1).interval == (1, 1)
    assert result.entry(4).interval == (4, 4)
    assert result.entry(2).interval == (2, 3)
    assert result.entry(3).interval == (2, 3)


def test_tie_at_cutoff_flags_near_tie_not_clear_leader():
    result = standings(_contest(), method=Method.RAW_MEAN, resamples=500, seed=1, cutoff=2)
    assert TIE_AT_CUTOFF in result.entry(2).flags
    assert TIE_AT_CUTOFF in result.entry(3).flags
    assert TIE_AT_CUTOFF not in result.entry(1).flags
    assert TIE_AT_CUTOFF not in result.entry(4).flags
    unflagged = standings(_contest(), method=Method.RAW_MEAN, resamples=500, seed=1, cutoff=1)
    assert all(TIE_AT_CUTOFF not in s.flags for s in unflagged.entries)


def test_disagreement_and_few_sheets_flags():
    marks = [mark(1, 1, 2), mark(1, 2, 9), mark(2, 1, 5), mark(2, 2, 6), mark(2, 3, 5)]
    result = standings(data(marks, scale=(0.0, 10.0), expected=3), method=Method.RAW_MEAN, resamples=0)
    assert result.entry(1).flags == {DISAGREEMENT, FEW_SHEETS}  # sd 4.95 > 0.2 * 10
    assert result.entry(2).flags == frozenset()


def test_standings_reports_settings_and_offsets():
    result = standings(_contest(), method="z_score", tie_break="median,spread", resamples=0, seed=3)
    assert result.method is Method.Z_SCORE
    assert result.tie_break == ("median", "spread")
    assert (result.resamples, result.seed) == (0, 3)
    assert set(result.offsets) == {1, 2, 3}


def test_parse_tie_break_accepts_known_rules():
    assert parse_tie_break(["median", "criterion:12", "spread", "sheets"]) == (
        "median",
        "criterion:12",
        "spread",
        "sheets",
    )
    assert parse_tie_break("median, criterion:3") == ("median", "criterion:3")
    assert parse_tie_break([]) == ()


@pytest.mark.parametrize("keys", [["mean"], ["criterion:x"], ["criterion:"], ["median", "random"]])
def test_parse_tie_break_rejects_unknown_rules(keys):
    with pytest.raises(ValueError):
        parse_tie_break(keys)


def test_standings_rejects_unknown_tie_break():
    with pytest.raises(ValueError):
        standings(_contest(), method=Method.RAW_MEAN, tie_break=["luck"], resamples=0)


def test_criterion_means_by_hand():
    marks = [mark(1, 1, 6, c7=4, c8=2), mark(1, 2, 6, c7=5), mark(2, 1, 3, c8=1)]
    assert criterion_means(marks) == {1: {7: 4.5, 8: 2.0}, 2: {8: 1.0}}


@pytest.mark.parametrize(
    ("rank", "count", "expected"), [(1, 10, 100), (10, 10, 10), (1, 1, 100), (2, 3, 67), (3, 8, 75)]
)
def test_percentile_share_at_or_below(rank, count, expected):
    assert percentile(rank, count) == expected


@pytest.mark.parametrize(("rank", "count"), [(0, 5), (6, 5), (1, 0)])
def test_percentile_rejects_rank_outside_category(rank, count):
    with pytest.raises(ValueError):
        percentile(rank, count)
