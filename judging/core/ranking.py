"""Standings: who is ahead in a round, by how much, and how sure that is.

Pure: plain values in and out (no Flask, SQLAlchemy or I/O); numpy for the arithmetic. Deterministic:
the bootstrap draws from a generator seeded by the caller.
"""

from __future__ import annotations

import enum
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import scipy.sparse as sp
from scipy.sparse.csgraph import connected_components
from scipy.sparse.linalg import spsolve


class Method(enum.Enum):
    """How an entry's score is computed from its judges' weighted totals."""

    RAW_MEAN = "raw_mean"  # the plain mean of the judges' totals
    Z_SCORE = "z_score"  # each judge's totals standardised, then mapped back onto the rubric's scale
    JUDGE_BIAS = "judge_bias"  # least squares: total = entry quality + judge offset; the score is the quality


# Flags on an entry's standing.
TIE_AT_CUTOFF = "tie_at_cutoff"  # its rank interval crosses the shortlist cut-off
DISAGREEMENT = "disagreement"  # its judges' totals spread widely
FEW_SHEETS = "few_sheets"  # fewer submitted sheets than the round's judges per entry


@dataclass(frozen=True)
class Mark:
    """One submitted score sheet: a judge's weighted total for an entry and the marks behind it."""

    entry: int  # submission id
    judge: int  # judge id
    total: float  # weighted total over the counted criteria (see ``judging.core.scoring``)
    criteria: Mapping[int, int] = field(default_factory=dict)  # criterion id -> mark


@dataclass(frozen=True)
class RankingInput:
    """Everything the standings of one round need.

    ``categories`` names every entry of the round (entry id -> category id), those without a sheet too.
    ``scale`` is the lowest and highest total a sheet can reach under the rubric.
    """

    marks: tuple[Mark, ...]
    categories: Mapping[int, int]
    scale: tuple[float, float]
    expected_sheets: int


@dataclass(frozen=True)
class EntryStanding:
    """One entry's position in its category."""

    entry: int
    category: int
    totals: Mapping[int, float]  # judge id -> weighted total
    sheets: int
    mean: float | None
    median: float | None
    sd: float | None  # sample standard deviation; None with fewer than two sheets
    low: float | None  # lowest and highest total (the range)
    high: float | None
    score: float | None  # under the chosen method; None without sheets
    scores: Mapping[Method, float | None]  # the score under every method, to show them side by side
    rank: int | None  # 1 = first in the category; equal entries share a rank; None without a score
    interval: tuple[int, int] | None  # rank interval from the bootstrap; None without resamples or score
    flags: frozenset[str]


@dataclass(frozen=True)
class Standings:
    """The standings of a round: entries ordered by category, then rank (entries without score last)."""

    method: Method
    tie_break: tuple[str, ...]
    cutoff: int | None
    resamples: int
    seed: int
    confidence: float
    entries: tuple[EntryStanding, ...]
    offsets: Mapping[int, float]  # judge id -> offset estimated by the judge-bias model

    def category(self, category_id: int) -> list[EntryStanding]:
        return [standing for standing in self.entries if standing.category == category_id]

    def entry(self, entry_id: int) -> EntryStanding | None:
        return next((standing for standing in self.entries if standing.entry == entry_id), None)


DISAGREEMENT_SHARE = 0.2  # an entry's sd above this share of the scale's width flags DISAGREEMENT
TIE_BREAK_RULES = ("median", "spread", "sheets")  # plus "criterion:<id>"
CRITERION_PREFIX = "criterion:"
_CHUNK_VALUES = 2_000_000  # bootstrap draws held in memory at once
_EPS = 1e-12


def parse_tie_break(keys: str | Iterable[str]) -> tuple[str, ...]:
    """Check tie-break rule keys; a string is read as a comma-separated list.

    Known keys: ``median`` (higher median first), ``spread`` (lower sd first), ``sheets`` (more sheets
    first) and ``criterion:<id>`` (higher mean mark on that criterion first). Raises ``ValueError`` on
    anything else.
    """
    if isinstance(keys, str):
        keys = [key for key in keys.split(",") if key.strip()]
    rules: list[str] = []
    for raw in keys:
        key = str(raw).strip()
        number = key[len(CRITERION_PREFIX) :].strip() if key.startswith(CRITERION_PREFIX) else ""
        if key not in TIE_BREAK_RULES and not number.isdigit():
            raise ValueError(f"unknown tie-break rule: {key!r}")
        rules.append(f"{CRITERION_PREFIX}{int(number)}" if number else key)
    return tuple(rules)


def percentile(rank: int, count: int) -> int:
    """The share of the category (0–100) that the entry ranks at or above.

    Exactly: ``100 * (count - rank + 1) / count`` rounded half up to a whole number. The top entry of
    ten gets 100, the bottom one 10; the only entry of a category gets 100.
    """
    if count < 1 or not 1 <= rank <= count:
        raise ValueError("rank must lie between 1 and count")
    return math.floor(100 * (count - rank + 1) / count + 0.5)


def criterion_means(marks: Sequence[Mark]) -> dict[int, dict[int, float]]:
    """Entry id -> criterion id -> mean mark over the entry's sheets that carry that criterion."""
    sums: dict[int, dict[int, list[float]]] = {}
    for mark in marks:
        per_entry = sums.setdefault(mark.entry, {})
        for criterion, value in mark.criteria.items():
            acc = per_entry.setdefault(criterion, [0.0, 0.0])
            acc[0] += value
            acc[1] += 1
    return {
        entry: {criterion: total / count for criterion, (total, count) in per_entry.items()}
        for entry, per_entry in sums.items()
    }


@dataclass(frozen=True)
class _Obs:
    """The marks as arrays, one row per sheet, sorted by entry."""

    entries: np.ndarray  # entry ids, ascending
    judges: np.ndarray  # judge ids, ascending
    e: np.ndarray  # per sheet: index into ``entries``
    j: np.ndarray  # per sheet: index into ``judges``
    t: np.ndarray  # per sheet: total
    counts: np.ndarray  # per entry: number of sheets
    starts: np.ndarray  # per entry: index of its first sheet

    def entry_mean(self, values: np.ndarray) -> np.ndarray:
        return np.bincount(self.e, weights=values, minlength=len(self.entries)) / self.counts


def _observations(marks: Sequence[Mark]) -> _Obs:
    n = len(marks)
    entry_ids = np.fromiter((mark.entry for mark in marks), dtype=np.int64, count=n)
    judge_ids = np.fromiter((mark.judge for mark in marks), dtype=np.int64, count=n)
    totals = np.fromiter((mark.total for mark in marks), dtype=np.float64, count=n)
    entries, e = np.unique(entry_ids, return_inverse=True)
    judges, j = np.unique(judge_ids, return_inverse=True)
    order = np.argsort(e, kind="stable")
    e, j, totals = e[order], j[order], totals[order]
    counts = np.bincount(e, minlength=len(entries))
    starts = np.concatenate(([0], np.cumsum(counts)[:-1])).astype(np.int64)
    return _Obs(entries, judges, e, j, totals, counts, starts)


def _z_mapped(obs: _Obs, scale: tuple[float, float]) -> np.ndarray:
    """Per sheet: the judge's z value mapped back onto the scale (see ``method_scores``)."""
    if not len(obs.t):
        return obs.t.copy()
    count = len(obs.judges)
    sheets = np.bincount(obs.j, minlength=count)
    means = np.bincount(obs.j, weights=obs.t, minlength=count) / np.maximum(sheets, 1)
    deviation = obs.t - means[obs.j]
    squares = np.bincount(obs.j, weights=deviation**2, minlength=count)
    sds = np.sqrt(squares / np.maximum(sheets - 1, 1))
    informative = (sheets >= 2) & (sds > _EPS)
    divisor = np.where(informative, sds, 1.0)
    z = np.where(informative[obs.j], deviation / divisor[obs.j], 0.0)
    grand_sd = float(obs.t.std(ddof=1)) if len(obs.t) > 1 else 0.0
    return np.clip(float(obs.t.mean()) + z * grand_sd, scale[0], scale[1])


def _offsets(obs: _Obs) -> np.ndarray:
    """Judge offsets of the model total = quality + offset, centred on 0 in each connected group."""
    count = len(obs.judges)
    offsets = np.zeros(count)
    if count < 2:
        return offsets
    incidence = sp.csr_matrix((np.ones(len(obs.t)), (obs.e, obs.j)), shape=(len(obs.entries), count))
    shared = (incidence.T @ sp.diags(1.0 / obs.counts) @ incidence).tocsr()
    laplacian = (sp.diags(np.bincount(obs.j, minlength=count).astype(float)) - shared).tocsr()
    rhs = np.bincount(obs.j, weights=obs.t - obs.entry_mean(obs.t)[obs.e], minlength=count)
    groups, labels = connected_components(shared, directed=False)
    members = np.argsort(labels, kind="stable")
    bounds = np.searchsorted(labels[members], np.arange(groups + 1))
    for group in range(groups):
        idx = members[bounds[group] : bounds[group + 1]]
        if len(idx) < 2:
            continue
        # Fix the first judge at 0 (the reduced Laplacian of a connected graph is positive definite),
        # solve exactly, then shift the group to mean 0.
        reduced = laplacian[idx[1:]][:, idx[1:]].tocsc()
        solved = np.atleast_1d(spsolve(reduced, rhs[idx[1:]]))
        group_offsets = np.concatenate(([0.0], solved))
        offsets[idx] = group_offsets - group_offsets.mean()
    return offsets


def _per_sheet_values(obs: _Obs, scale: tuple[float, float], offsets: np.ndarray) -> dict[Method, np.ndarray]:
    """Per sheet, the value whose mean over the entry's sheets is the entry's score, per method."""
    return {
        Method.RAW_MEAN: obs.t,
        Method.Z_SCORE: _z_mapped(obs, scale),
        Method.JUDGE_BIAS: obs.t - offsets[obs.j],
    }


def judge_offsets(marks: Sequence[Mark]) -> dict[int, float]:
    """Judge id -> offset b_j of the judge-bias model ``total_ej = q_e + b_j`` (least squares).

    Why: when panels differ, the raw mean penalises an entry that drew harsh judges and rewards one that
    drew lenient judges. Each judge's offset is learnt from the entries they share with other judges, and
    the entry's quality q_e is the mean of its totals with its judges' offsets removed, so entries are
    compared as if every judge had marked them.

    How (exact, no iteration): eliminating q_e = mean over e's judges of (t_ej - b_j) leaves the normal
    equations L b = r, where L is the Laplacian of the graph linking judges who marked the same entry
    (edge weight: sum over shared entries of 1/sheets) and r_j = sum over j's sheets of (t_ej - mean_e).
    L is singular only along one constant per connected group of judges; one judge per group is fixed,
    the rest solved with a sparse direct solver, and the group shifted to offsets summing to zero (the
    minimum-norm least-squares solution).

    Limits: offsets of judges in groups that share no entries cannot be compared; each group is centred
    on 0, so a harsh group and a lenient group look alike. A judge whose entries nobody else marked gets 0.
    """
    obs = _observations(marks)
    return dict(zip(obs.judges.tolist(), _offsets(obs).tolist(), strict=True))


def method_scores(marks: Sequence[Mark], scale: tuple[float, float]) -> dict[Method, dict[int, float]]:
    """Method -> entry id -> score, for every entry with at least one sheet.

    * RAW_MEAN: the mean of the entry's totals.
    * Z_SCORE: each total becomes z = (total - judge's mean) / judge's sample sd over all the judge's
      sheets in ``marks``; a judge with a single sheet, or whose totals are all equal, tells nothing about
      their scale and gets z = 0 on those sheets. z is mapped back as grand mean + z * grand sd (over
      every total in ``marks``, sample sd) and clamped onto ``scale``; the score is the mean of the
      mapped values.
    * JUDGE_BIAS: the entry quality q_e of the model described in ``judge_offsets``.
    """
    obs = _observations(marks)
    ids = obs.entries.tolist()
    return {
        method: dict(zip(ids, obs.entry_mean(values).tolist(), strict=True))
        for method, values in _per_sheet_values(obs, scale, _offsets(obs)).items()
    }


def standings(
    data: RankingInput,
    *,
    method: Method,
    tie_break: Sequence[str] = ("median",),
    cutoff: int | None = None,
    resamples: int = 1000,
    seed: int = 0,
    confidence: float = 0.95,
) -> Standings:
    """Rank every entry of ``data.categories`` within its category.

    Score: the chosen method (see ``method_scores``), compared rounded to three decimals, higher first.
    Ties go through ``tie_break`` in order (see ``parse_tie_break``); entries still equal share a rank
    (1, 2, 2, 4). Entries without a sheet have no score and rank None and come last in their category.
    Sheets of entries missing from ``data.categories`` are ignored.

    Bootstrap (``resamples`` > 0): each resample redraws every entry's per-judge values with replacement
    (as many as it has) and ranks the means within the category (1 + number of entries strictly ahead,
    no tie-breaks). Per-judge values are the totals (RAW_MEAN), the mapped z values (Z_SCORE) or the
    totals minus the fitted judge offsets (JUDGE_BIAS; offsets and z scaling are held at their fitted
    values, not refitted per resample). The interval is the (1 - confidence)/2 quantile of an entry's
    ranks (rounded down to an observed rank) to the 1 - (1 - confidence)/2 quantile (rounded up).
    The same seed gives the same intervals.

    Flags: TIE_AT_CUTOFF when ``cutoff`` is set and interval low <= cutoff < interval high;
    DISAGREEMENT when sd > DISAGREEMENT_SHARE of the scale's width; FEW_SHEETS when sheets <
    ``data.expected_sheets``.
    """
    method = Method(method)
    rules = parse_tie_break(tie_break)
    if not 0 < confidence < 1:
        raise ValueError("confidence must lie strictly between 0 and 1")
    resamples = max(int(resamples), 0)
    marks = [mark for mark in data.marks if mark.entry in data.categories]
    obs = _observations(marks)
    fitted = _offsets(obs)
    values = _per_sheet_values(obs, data.scale, fitted)
    scores = {name: obs.entry_mean(per_sheet) for name, per_sheet in values.items()}
    stats = _entry_statistics(obs, scores[Method.RAW_MEAN])
    criteria = criterion_means(marks) if any(r.startswith(CRITERION_PREFIX) for r in rules) else {}
    offsets = dict(zip(obs.judges.tolist(), fitted.tolist(), strict=True))

    position = {entry: i for i, entry in enumerate(obs.entries.tolist())}
    category_index = np.array([data.categories[entry] for entry in obs.entries.tolist()], dtype=np.int64)
    intervals = (
        _bootstrap(obs, values[method], category_index, resamples, seed, confidence)
        if resamples and len(obs.t)
        else None
    )
    ranks = _rank(data.categories, position, scores[method], stats, rules, criteria)

    width = data.scale[1] - data.scale[0]
    judge_list = obs.judges[obs.j].tolist()
    total_list = obs.t.tolist()
    methods = tuple(Method)
    chosen = scores[method].tolist()
    per_method = list(zip(*(scores[name].tolist() for name in methods), strict=True))
    ordered: list[EntryStanding] = []
    for entry, category, rank in ranks:
        i = position.get(entry)
        if i is None:
            ordered.append(_empty_standing(entry, category, data.expected_sheets))
            continue
        start, count = stats.starts[i], stats.counts[i]
        sd = stats.sd[i] if count > 1 else None
        interval = (intervals[0][i], intervals[1][i]) if intervals is not None else None
        near_cutoff = cutoff is not None and interval is not None and interval[0] <= cutoff < interval[1]
        flags = (
            (TIE_AT_CUTOFF,) * near_cutoff
            + (DISAGREEMENT,) * (sd is not None and sd > DISAGREEMENT_SHARE * width)
            + (FEW_SHEETS,) * (count < data.expected_sheets)
        )
        ordered.append(
            EntryStanding(
                entry=entry,
                category=category,
                totals=dict(
                    zip(judge_list[start : start + count], total_list[start : start + count], strict=True)
                ),
                sheets=count,
                mean=stats.mean[i],
                median=stats.median[i],
                sd=sd,
                low=stats.low[i],
                high=stats.high[i],
                score=chosen[i],
                scores=dict(zip(methods, per_method[i], strict=True)),
                rank=rank,
                interval=interval,
                flags=frozenset(flags),
            )
        )
    return Standings(method, rules, cutoff, resamples, seed, confidence, tuple(ordered), offsets)


@dataclass(frozen=True)
class _Stats:
    """Per entry (index into ``_Obs.entries``) descriptive statistics, as Python lists."""

    starts: list[int]
    counts: list[int]
    mean: list[float]
    median: list[float]
    sd: list[float]  # 0 where fewer than two sheets
    low: list[float]
    high: list[float]


def _entry_statistics(obs: _Obs, mean: np.ndarray) -> _Stats:
    order = np.lexsort((obs.t, obs.e))
    ordered = obs.t[order]
    starts, counts = obs.starts, obs.counts
    median = (ordered[starts + (counts - 1) // 2] + ordered[starts + counts // 2]) / 2
    squares = np.bincount(obs.e, weights=(obs.t - mean[obs.e]) ** 2, minlength=len(obs.entries))
    sd = np.where(counts > 1, np.sqrt(squares / np.maximum(counts - 1, 1)), 0.0)
    return _Stats(
        starts=starts.tolist(),
        counts=counts.tolist(),
        mean=mean.tolist(),
        median=median.tolist(),
        sd=sd.tolist(),
        low=ordered[starts].tolist() if len(ordered) else [],
        high=ordered[starts + counts - 1].tolist() if len(ordered) else [],
    )


def _rank(
    categories: Mapping[int, int],
    position: Mapping[int, int],
    score: np.ndarray,
    stats: _Stats,
    rules: tuple[str, ...],
    criteria: Mapping[int, Mapping[int, float]],
) -> list[tuple[int, int, int | None]]:
    """(entry, category, rank) ordered by category, then rank, then entry id; unscored entries last."""
    rounded = np.round(score, 3).tolist()
    median = np.round(stats.median, 3).tolist()
    spread = np.round(stats.sd, 3).tolist()

    def key(entry: int, i: int) -> tuple[float, ...]:
        parts = [-rounded[i]]
        for rule in rules:
            if rule == "median":
                parts.append(-median[i])
            elif rule == "spread":
                parts.append(spread[i])
            elif rule == "sheets":
                parts.append(-stats.counts[i])
            else:
                value = criteria.get(entry, {}).get(int(rule[len(CRITERION_PREFIX) :]))
                parts.append(math.inf if value is None else -round(value, 3))
        return tuple(parts)

    by_category: dict[int, list[int]] = {}
    for entry, category in categories.items():
        by_category.setdefault(category, []).append(entry)
    result: list[tuple[int, int, int | None]] = []
    for category in sorted(by_category):
        scored = sorted(
            (key(entry, position[entry]), entry) for entry in by_category[category] if entry in position
        )
        previous: tuple[float, ...] | None = None
        rank = 0
        for place, (entry_key, entry) in enumerate(scored, start=1):
            if entry_key != previous:
                rank, previous = place, entry_key
            result.append((entry, category, rank))
        result.extend(
            (entry, category, None) for entry in sorted(by_category[category]) if entry not in position
        )
    return result


def _empty_standing(entry: int, category: int, expected: int) -> EntryStanding:
    return EntryStanding(
        entry=entry,
        category=category,
        **dict.fromkeys(("mean", "median", "sd", "low", "high", "score", "rank", "interval")),
        totals={},
        sheets=0,
        scores=dict.fromkeys(Method),
        flags=frozenset({FEW_SHEETS}) if expected > 0 else frozenset(),
    )


def _rank_rows(scores: np.ndarray) -> np.ndarray:
    """Per row: 1 + number of entries in the row with a strictly higher (integer) score."""
    rows, cols = scores.shape
    shifted = scores - scores.min()
    row_offset = np.arange(rows, dtype=np.int64)[:, None] * (int(shifted.max()) + 1)
    keys = shifted + row_offset  # each row in its own block, so the flattened row-sorts stay sorted
    at_or_below = np.searchsorted(np.sort(keys, axis=1).ravel(), keys.ravel(), side="right")
    at_or_below = at_or_below.reshape(rows, cols) - np.arange(rows)[:, None] * cols
    return (cols - at_or_below + 1).astype(np.int32)


def _bootstrap(
    obs: _Obs,
    values: np.ndarray,
    category: np.ndarray,
    resamples: int,
    seed: int,
    confidence: float,
) -> tuple[list[int], list[int]]:
    """Rank interval per entry (lists of low and high bounds, indexed like ``obs.entries``)."""
    rng = np.random.default_rng(seed)
    first = obs.starts[obs.e]
    size = obs.counts[obs.e]
    groups = [np.flatnonzero(category == value) for value in np.unique(category)]
    ranks = np.empty((resamples, len(obs.entries)), dtype=np.int32)
    chunk = max(1, _CHUNK_VALUES // len(values))
    for begin in range(0, resamples, chunk):
        rows = min(chunk, resamples - begin)
        draw = (rng.random((rows, len(values))) * size).astype(np.int64)
        np.minimum(draw, size - 1, out=draw)
        draw += first
        means = np.add.reduceat(values[draw], obs.starts, axis=1) / obs.counts
        rounded = np.rint(means * 1000).astype(np.int64)  # compare as the organiser sees them
        for columns in groups:
            ranks[begin : begin + rows, columns] = _rank_rows(rounded[:, columns])
    tail = (1 - confidence) / 2
    low = np.quantile(ranks, tail, axis=0, method="lower")
    high = np.quantile(ranks, 1 - tail, axis=0, method="higher")
    return low.astype(int).tolist(), high.astype(int).tolist()
