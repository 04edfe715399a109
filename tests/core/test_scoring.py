"""Rubric arithmetic: checking marks, weighted and normalised totals, and which totals a change moves."""

from __future__ import annotations

from decimal import Decimal

from judging.core.scoring import (
    CriterionSpec,
    check_marks,
    default_rubric,
    marks_outside,
    normalised_total,
    totals_affected,
    weighted_total,
)

INNOVATION = CriterionSpec(1, 1, 5, Decimal("2"))
IMPACT = CriterionSpec(2, 1, 5, Decimal("1.5"))
FEASIBILITY = CriterionSpec(3, 1, 5, Decimal("0.25"), required=False)
TEAM = CriterionSpec(4, 1, 5, Decimal("1"), required=False, independent=True)
RUBRIC = [INNOVATION, IMPACT, FEASIBILITY, TEAM]


def test_weighted_total_sums_weight_times_mark_and_leaves_out_the_independent_criterion():
    marks = {1: 4, 2: 3, 3: 2, 4: 5}

    # 2×4 + 1.5×3 + 0.25×2 = 8 + 4.5 + 0.5 = 13; Team (independent) is left out.
    assert weighted_total(RUBRIC, marks) == Decimal("13.000")


def test_weighted_total_skips_an_unmarked_optional_criterion():
    assert weighted_total(RUBRIC, {1: 5, 2: 1}) == Decimal("11.500")


def test_weighted_total_is_none_when_no_counted_criterion_is_marked():
    assert weighted_total(RUBRIC, {}) is None
    assert weighted_total(RUBRIC, {4: 5, 2: None}) is None


def test_weighted_total_is_rounded_half_up_to_three_places():
    thirds = [CriterionSpec(1, 0, 10, Decimal("0.3335"))]

    assert weighted_total(thirds, {1: 1}) == Decimal("0.334")


def test_weighted_total_ignores_marks_for_criteria_not_in_the_rubric():
    assert weighted_total(RUBRIC, {1: 1, 99: 5}) == Decimal("2.000")


def test_check_marks_accepts_a_complete_sheet():
    assert check_marks(RUBRIC, {1: 1, 2: 5}, complete=True) == {}


def test_check_marks_names_marks_out_of_scale_and_unknown_criteria():
    assert check_marks(RUBRIC, {1: 0, 2: 6, 4: 3, 99: 2}, complete=False) == {
        1: "out_of_scale",
        2: "out_of_scale",
        99: "unknown",
    }


def test_check_marks_reports_missing_required_marks_only_when_complete():
    marks = {1: 3, 2: None}

    assert check_marks(RUBRIC, marks, complete=False) == {}
    assert check_marks(RUBRIC, marks, complete=True) == {2: "missing"}


def test_normalised_total_maps_different_scales_onto_0_to_100():
    five = [CriterionSpec(1, 1, 5, Decimal("1")), CriterionSpec(2, 1, 5, Decimal("3"))]
    ten = [CriterionSpec(1, 0, 10, Decimal("1")), CriterionSpec(2, 0, 10, Decimal("3"))]

    # (1×(3−1)/4 + 3×(5−1)/4) / 4 × 100 = (0.5 + 3) / 4 × 100 = 87.5
    assert normalised_total(five, {1: 3, 2: 5}) == Decimal("87.500")
    # (1×5/10 + 3×10/10) / 4 × 100 = 3.5 / 4 × 100 = 87.5: the same standing on another scale.
    assert normalised_total(ten, {1: 5, 2: 10}) == Decimal("87.500")


def test_normalised_total_leaves_out_independent_and_unmarked_criteria():
    # Only Innovation and Impact marked and counted: (2×1 + 1.5×0) / 3.5 × 100 = 57.142857…
    assert normalised_total(RUBRIC, {1: 5, 2: 1, 4: 1}) == Decimal("57.143")
    assert normalised_total(RUBRIC, {4: 5}) is None


def test_totals_affected_lists_only_the_sheets_whose_total_changes():
    reweighted = [
        CriterionSpec(1, 1, 5, Decimal("2")),
        CriterionSpec(2, 1, 5, Decimal("3")),
        FEASIBILITY,
        TEAM,
    ]
    sheets = {10: {1: 4, 2: 2}, 11: {1: 5}, 12: {4: 3}}

    assert totals_affected(RUBRIC, reweighted, sheets) == {10: (Decimal("11.000"), Decimal("14.000"))}


def test_totals_affected_when_a_criterion_stops_counting():
    after = [INNOVATION, IMPACT, FEASIBILITY, CriterionSpec(4, 1, 5, Decimal("1"), independent=False)]

    assert totals_affected(RUBRIC, after, {1: {4: 3}, 2: {1: 1}}) == {1: (None, Decimal("3.000"))}


def test_marks_outside_counts_marks_beyond_a_new_scale():
    assert marks_outside(CriterionSpec(1, 1, 4, Decimal("1")), [1, 4, 5, 5, 0]) == 3


def test_default_rubric_has_five_required_criteria_whose_weights_add_up_to_one():
    rubric = default_rubric()

    assert [item["name"] for item in rubric] == ["Innovation", "Impact", "Feasibility", "Scalability", "Team"]
    assert sum(Decimal(item["weight"]) for item in rubric) == Decimal("1")
    assert all(item["required"] and not item["independent"] for item in rubric)
    assert all((item["scale_min"], item["scale_max"]) == (1, 5) for item in rubric)
    assert "SDG" in rubric[1]["description"]
    assert set(rubric[0]["guide"]) == {"1", "3", "5"}


def test_default_rubric_returns_fresh_copies():
    default_rubric()[0]["guide"]["1"] = "changed"

    assert default_rubric()[0]["guide"]["1"] != "changed"
