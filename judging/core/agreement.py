"""How judges mark: each judge's habits and how far the panel agrees (Krippendorff's alpha).

Pure: plain values in and out (no Flask, SQLAlchemy or I/O).
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass

from judging.core.ranking import Mark

# Krippendorff's conventions for the interval alpha: >= 0.8 reliable, 0.667–0.8 only for tentative
# conclusions, below 0.667 not to be relied on; below 0 the judges disagree systematically (worse than
# chance).
GOOD = 0.8
TENTATIVE = 0.667


@dataclass(frozen=True)
class JudgeStats:
    """One judge's marking habits over the given sheets."""

    judge: int
    sheets: int
    mean: float
    sd: float | None  # sample sd of their totals; None with fewer than two sheets
    leniency: float | None  # mean of (their total - the other judges' mean) over co-judged entries
    co_judged: int  # entries they marked together with at least one other judge
    agreement: float | None  # Pearson r of their totals with the others' means; None below 3 entries


def _mean(values: Sequence[float]) -> float:
    return math.fsum(values) / len(values)


def _sd(values: Sequence[float]) -> float | None:
    if len(values) < 2:
        return None
    centre = _mean(values)
    return math.sqrt(math.fsum((value - centre) ** 2 for value in values) / (len(values) - 1))


def _pearson(xs: Sequence[float], ys: Sequence[float]) -> float | None:
    if len(xs) < 3:
        return None
    mx, my = _mean(xs), _mean(ys)
    sxx = math.fsum((x - mx) ** 2 for x in xs)
    syy = math.fsum((y - my) ** 2 for y in ys)
    if sxx <= 1e-12 or syy <= 1e-12:
        return None
    return math.fsum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True)) / math.sqrt(sxx * syy)


def judge_statistics(marks: Sequence[Mark]) -> dict[int, JudgeStats]:
    """Judge id -> JudgeStats.

    ``leniency`` > 0 means the judge marks above their co-judges (None when they share no entry);
    ``agreement`` is the Pearson correlation between their totals and the mean of the other judges'
    totals on the entries they share (None with fewer than 3 such entries or no variation).
    """
    by_entry: dict[int, list[Mark]] = {}
    by_judge: dict[int, list[float]] = {}
    for mark in marks:
        by_entry.setdefault(mark.entry, []).append(mark)
        by_judge.setdefault(mark.judge, []).append(mark.total)
    own: dict[int, list[float]] = {judge: [] for judge in by_judge}
    others: dict[int, list[float]] = {judge: [] for judge in by_judge}
    for sheets in by_entry.values():
        if len(sheets) < 2:
            continue
        total = math.fsum(sheet.total for sheet in sheets)
        for sheet in sheets:
            own[sheet.judge].append(sheet.total)
            others[sheet.judge].append((total - sheet.total) / (len(sheets) - 1))
    result = {}
    for judge, totals in by_judge.items():
        mine, theirs = own[judge], others[judge]
        result[judge] = JudgeStats(
            judge=judge,
            sheets=len(totals),
            mean=_mean(totals),
            sd=_sd(totals),
            leniency=_mean([m - t for m, t in zip(mine, theirs, strict=True)]) if mine else None,
            co_judged=len(mine),
            agreement=_pearson(mine, theirs),
        )
    return result


def krippendorff_alpha(units: Mapping[Hashable, Sequence[float]]) -> float | None:
    """Krippendorff's alpha for interval data: 1 - observed / expected disagreement.

    A unit is an entry, its values the judges' totals; units with fewer than two values cannot be paired
    and are ignored. With n pairable values in all and m_u in unit u (squared-difference metric):

        D_o = 1/n * sum_u S_u / (m_u - 1),   D_e = S / (n (n - 1)),

    where S_u and S are the sums of (c - k)^2 over ordered pairs of distinct values within the unit and
    over all pairable values, each computed in O(m) as 2 (m * sum x^2 - (sum x)^2). None with fewer than
    two pairable units or when every value is equal (D_e = 0). 1 is perfect agreement, 0 chance level.
    """
    n = 0
    observed = 0.0
    plain = squares = 0.0
    for values in units.values():
        m = len(values)
        if m < 2:
            continue
        s1 = math.fsum(values)
        s2 = math.fsum(value * value for value in values)
        observed += 2 * (m * s2 - s1 * s1) / (m - 1)
        n += m
        plain += s1
        squares += s2
    pairable = sum(1 for values in units.values() if len(values) >= 2)
    if pairable < 2:
        return None
    expected = 2 * (n * squares - plain * plain) / (n * (n - 1))
    if expected <= 1e-12 * max(1.0, squares / n):
        return None
    return 1 - (observed / n) / expected


def reading(alpha: float | None) -> str:
    """A code for the alpha's meaning (templates translate it), after Krippendorff's thresholds:
    ``good`` (>= 0.8), ``tentative`` (>= 0.667), ``poor`` (>= 0), ``systematic`` (< 0, disagreement
    worse than chance), ``not_enough`` (None: too little data)."""
    if alpha is None:
        return "not_enough"
    if alpha >= GOOD:
        return "good"
    if alpha >= TENTATIVE:
        return "tentative"
    if alpha >= 0:
        return "poor"
    return "systematic"
