"""The first candidate arcs of the sparse solve, and a starting assignment, from the aggregated optimum.

Any candidate set is safe (the certificate adds whatever arcs the optimum needs); a good one makes the
first attempt optimal. The aggregated problem (``aggregate.py``) says how many entries of each class every
judge should take. Each class deals its judges' "tickets" round-robin over its entries: the first deal is
the starting assignment (repaired by ``start.py``), ``PASSES - 1`` more deals with other orders and
``EXTRAS`` random pool judges per entry give the alternatives that the certificate's potentials need.
"""

from __future__ import annotations

import numpy as np

from .aggregate import Klass, classes, solve_aggregate
from .index import Index, unique
from .network import Arcs
from .start import repair

PASSES = 2
EXTRAS = 3  # random judges of the pool added to each entry's candidates
SMALL_POOL = 24  # classes served by at most this many judges get all of them as candidates
MARGIN = 2  # extra candidates beyond its open slots that every entry gets at least


def initial_candidates(index: Index) -> tuple[Arcs, Arcs | None] | None:
    """Candidate arcs for every entry and a complete starting assignment when one was found (else None
    in its place); None when even the aggregated problem is infeasible."""
    klasses = classes(index)
    found = solve_aggregate(index, klasses)
    if found is None:
        return None
    shipped, bounds = found
    parts: list[tuple[np.ndarray, np.ndarray, bool]] = []
    start: list[tuple[np.ndarray, np.ndarray, bool]] | None = []
    for k, amount, bound in zip(klasses, shipped, bounds, strict=True):
        dealt = _deal(index, k, amount)
        if start is not None:
            fixed = repair(index, dealt[0][0], dealt[0][1], k.bridge, index.problem.seed, bound)
            start = None if fixed is None else [*start, (dealt[0][0], fixed, k.bridge)]
        active = k.pool[amount > 0]
        if len(active) <= SMALL_POOL:  # few judges serve this class: every entry may use any of them
            e, j = np.repeat(k.entries, len(active)), np.tile(active, len(k.entries))
        else:
            e = np.concatenate([part[0] for part in dealt])
            j = np.concatenate([part[1] for part in dealt])
        e, j = _extras(index, k, e, j)
        e, j = _fill(index, k, e, j)
        parts.append((e, j, k.bridge))
    arcs = _arcs(parts)
    keep = ~index.blocked(arcs.entry, arcs.judge)
    arcs = Arcs(arcs.entry[keep], arcs.judge[keep], arcs.bridge[keep])
    if start is None:
        return arcs.unique(), None
    begin = _arcs(start)
    return arcs.union(begin), begin


def _arcs(parts) -> Arcs:
    if not parts:
        return Arcs(np.zeros(0, np.int64), np.zeros(0, np.int64), np.zeros(0, bool))
    return Arcs(
        np.concatenate([e for e, _j, _b in parts]),
        np.concatenate([j for _e, j, _b in parts]),
        np.concatenate([np.full(len(e), b) for e, _j, b in parts]),
    )


def _deal(index: Index, k: Klass, amount: np.ndarray) -> list[tuple[np.ndarray, np.ndarray]]:
    """Round-robin tickets, one ``(entries, judges)`` pair per pass: pool judge ``i`` appears
    ``amount[i]`` times in each.

    Slots are dealt in rounds (round q: every entry with more than q open slots) and tickets are sorted by
    country and organisation, so an entry's tickets lie a round apart: when no group holds more tickets
    than a round has entries (which the aggregated optimum ensures whenever diversity is free), an entry
    never gets two judges of one country or organisation. Passes after the first order judges within a
    group differently and shift the deal.
    """
    rounds = [k.entries[k.slots > q] for q in range(int(k.slots.max(initial=0)))]
    slot_entry = np.concatenate(rounds) if rounds else np.zeros(0, np.int64)
    used = amount > 0
    judges, counts = k.pool[used], amount[used]
    country, org = index.country[judges], index.org[judges]
    if k.bridge:
        country, org = np.zeros_like(country), np.zeros_like(org)
    rng = np.random.default_rng([index.problem.seed & 0xFFFFFFFF, len(k.entries), int(k.entries[0])])
    out = []
    for p in range(PASSES):
        within = index.rank[judges] if p == 0 else rng.permutation(len(judges))
        order = np.lexsort((within, org, country))
        tickets = np.repeat(judges[order], counts[order])
        n = min(len(tickets), len(slot_entry))
        shift = (p * len(k.entries)) // PASSES
        out.append((np.roll(slot_entry[:n], shift), tickets[:n]))
    return out


def _extras(index: Index, k: Klass, e, j) -> tuple[np.ndarray, np.ndarray]:
    """``EXTRAS`` more candidates per entry, drawn from the pool (language-matching judges first)."""
    if EXTRAS == 0 or len(k.pool) == 0:
        return e, j
    cost = np.where(index.speaks[k.pool, k.lang], 0, 1)
    best = k.pool[cost == cost.min()]
    rng = np.random.default_rng([index.problem.seed & 0xFFFFFFFF, 7, len(k.entries), int(k.entries[0])])
    picks = rng.integers(0, len(best), size=(len(k.entries), EXTRAS))
    return np.concatenate([e, np.repeat(k.entries, EXTRAS)]), np.concatenate([j, best[picks].ravel()])


def _fill(index: Index, k: Klass, e, j) -> tuple[np.ndarray, np.ndarray]:
    """Top up entries with fewer than ``slots + MARGIN`` distinct unblocked candidates."""
    codes = unique(e * index.J + j)
    codes = codes[~index.blocked_set.has(codes)]
    have = np.bincount(codes // index.J, minlength=index.E)
    want = np.minimum(k.slots + MARGIN, len(k.pool))
    short = k.entries[have[k.entries] < want]
    if len(short) == 0:
        return e, j
    want_of = dict(zip(k.entries.tolist(), want.tolist(), strict=True))
    cost = np.where(index.speaks[k.pool, k.lang], 0, index.w_language)
    ranked = k.pool[np.lexsort((index.rank[k.pool], cost))]
    extra_e, extra_j = [], []
    for entry in short.tolist():
        lo, hi = np.searchsorted(codes, [entry * index.J, (entry + 1) * index.J])
        mine = set((codes[lo:hi] % index.J).tolist())
        blocked = index.blocked(np.full(len(ranked), entry), ranked)
        for judge, is_blocked in zip(ranked.tolist(), blocked.tolist(), strict=True):
            if len(mine) >= want_of[entry]:
                break
            if not is_blocked and judge not in mine:
                mine.add(judge)
                extra_e.append(entry)
                extra_j.append(judge)
    return np.concatenate([e, np.array(extra_e, np.int64)]), np.concatenate([j, np.array(extra_j, np.int64)])
