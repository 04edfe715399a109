"""Judge statistics and Krippendorff's alpha, computed by hand."""

from __future__ import annotations

import math

import pytest

from judging.core.agreement import JudgeStats, judge_statistics, krippendorff_alpha, reading
from judging.core.ranking import Mark


def mark(entry: int, judge: int, total: float) -> Mark:
    return Mark(entry=entry, judge=judge, total=total)


MARKS = [
    mark(1, 1, 8), mark(1, 2, 6), mark(1, 3, 4),
    mark(2, 1, 9), mark(2, 2, 7),
    mark(3, 1, 5), mark(3, 3, 5),
    mark(4, 1, 7),
    mark(5, 4, 6),
]  # fmt: skip


def test_judge_statistics_mean_sd_and_sheets():
    stats = judge_statistics(MARKS)
    first = stats[1]
    assert (first.sheets, first.mean) == (4, 7.25)
    assert first.sd == pytest.approx(math.sqrt(8.75 / 3))


def test_judge_statistics_leniency_against_co_judges():
    stats = judge_statistics(MARKS)
    # Judge 1: 8 - (6 + 4) / 2 = 3, 9 - 7 = 2, 5 - 5 = 0; entry 4 was marked alone.
    assert stats[1].co_judged == 3
    assert stats[1].leniency == pytest.approx(5 / 3)
    # Judge 2: 6 - (8 + 4) / 2 = 0, 7 - 9 = -2.
    assert (stats[2].co_judged, stats[2].leniency) == (2, pytest.approx(-1))


def test_judge_statistics_agreement_is_pearson_with_others_mean():
    # Judge 1's totals 8, 9, 5 against the others' means 5, 7, 5.
    assert judge_statistics(MARKS)[1].agreement == pytest.approx(30 / math.sqrt(78 * 24))


def test_judge_statistics_agreement_none_below_three_shared_entries():
    assert judge_statistics(MARKS)[2].agreement is None


def test_judge_statistics_agreement_none_without_variation():
    marks = [mark(e, 1, 5) for e in (1, 2, 3)] + [mark(e, 2, t) for e, t in ((1, 4), (2, 6), (3, 8))]
    assert judge_statistics(marks)[1].agreement is None


def test_judge_statistics_judge_marking_alone():
    assert judge_statistics(MARKS)[4] == JudgeStats(
        judge=4, sheets=1, mean=6, sd=None, leniency=None, co_judged=0, agreement=None
    )


def test_krippendorff_alpha_interval_by_hand():
    # Values 1, 2 | 3, 3 | 4, 5 (the single value 7 is not pairable): D_o = (2 + 0 + 2) / 6 = 2/3,
    # D_e = 2 (6 * 64 - 18^2) / (6 * 5) = 4, alpha = 1 - (2/3) / 4 = 5/6.
    alpha = krippendorff_alpha({"a": [1, 2], "b": [3, 3], "c": [4, 5], "d": [7]})
    assert alpha == pytest.approx(5 / 6)


def test_krippendorff_alpha_unequal_unit_sizes_by_hand():
    # Units [1, 2, 3] and [5, 5]: D_o = (12 / 2 + 0) / 5 = 1.2; all values: n = 5, sum 16, squares 64,
    # D_e = 2 (5 * 64 - 256) / 20 = 6.4; alpha = 1 - 1.2 / 6.4 = 0.8125.
    assert krippendorff_alpha({1: [1, 2, 3], 2: [5, 5]}) == pytest.approx(0.8125)


def test_krippendorff_alpha_perfect_agreement_is_one():
    assert krippendorff_alpha({1: [3, 3, 3], 2: [7, 7], 3: [5, 5]}) == pytest.approx(1.0)


def test_krippendorff_alpha_systematic_disagreement_is_negative():
    assert krippendorff_alpha({1: [1, 9], 2: [9, 1], 3: [1, 9]}) < 0


@pytest.mark.parametrize(
    "units",
    [{}, {1: [3, 4]}, {1: [3, 4], 2: [5]}, {1: [4, 4], 2: [4, 4]}],
)
def test_krippendorff_alpha_none_without_enough_data(units):
    assert krippendorff_alpha(units) is None


@pytest.mark.parametrize(
    ("alpha", "code"),
    [(None, "not_enough"), (1.0, "good"), (0.8, "good"), (0.7, "tentative"), (0.667, "tentative"),
     (0.5, "poor"), (0.0, "poor"), (-0.1, "systematic")],
)  # fmt: skip
def test_reading_follows_krippendorff_thresholds(alpha, code):
    assert reading(alpha) == code
