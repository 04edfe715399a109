"""A complete starting assignment built from the aggregated optimum, repaired by swaps within a class.

The aggregated problem (``candidates.py``) says how many entries of each class (category, language,
expert or bridge slot) every judge takes. Dealing those tickets round-robin gives every entry its judges;
it can break a rule (a conflict, a kept pair, the same judge twice) or leave a panel with two experts of
one country or organisation. ``repair`` swaps judges between two slots of the same class: a swap changes
no judge's load and no language cost (both slots are in one class), so the load and language terms stay
at the aggregated optimum, which is a lower bound of the real problem's. When random swaps leave a rule
broken, a maximum flow re-deals the same tickets avoiding every blocked pair; if even that fails,
``repair`` returns None and the solver runs without a start.

The start is only a proposal: it is used when the certificate (``certify.py``) proves it optimal.
"""

from __future__ import annotations

from collections import defaultdict

import numpy as np
from ortools.graph.python import max_flow

from .index import W_COUNTRY, W_ORGANISATION, Index, member, unique

TRIES = 48  # random partner slots tried for each slot to repair, per sweep
SWEEPS = 3


class _Dealt(dict):
    """Entry -> judges dealt to it, read from the slot arrays the first time an entry is asked for."""

    def __init__(self, slot_e: np.ndarray, js: list[int]) -> None:
        super().__init__()
        self.order = np.argsort(slot_e, kind="stable")
        self.sorted_e = slot_e[self.order]
        self.js = js

    def __missing__(self, e: int) -> list[int]:
        lo, hi = np.searchsorted(self.sorted_e, [e, e + 1])
        judges = [self.js[t] for t in self.order[lo:hi].tolist()]
        self[e] = judges
        return judges


class _Panels:
    """Judges dealt to each entry, with the countries and organisations of its kept experts (kept pairs
    themselves are blocked pairs, so no swap can bring a kept judge in twice)."""

    def __init__(self, index: Index, slot_e: np.ndarray, js: list[int], bridge: bool) -> None:
        self.bridge = bridge
        self.country, self.org = index.country.tolist(), index.org.tolist()
        self.dealt = _Dealt(slot_e, js)
        self.kept_countries: dict[int, list[int]] = defaultdict(list)
        self.kept_orgs: dict[int, list[int]] = defaultdict(list)
        in_class = np.zeros(index.E, dtype=bool)
        in_class[slot_e] = True
        mine = in_class[index.kept_e] & index.kept_expert
        for j, e in zip(index.kept_j[mine].tolist(), index.kept_e[mine].tolist(), strict=True):
            if self.country[j] >= 0:
                self.kept_countries[e].append(self.country[j])
            if self.org[j] >= 0:
                self.kept_orgs[e].append(self.org[j])

    def penalty(self, e: int, judges: list[int]) -> int:
        """Diversity cost of entry ``e`` if its dealt judges were ``judges``."""
        if self.bridge:
            return 0
        countries = [c for j in judges if (c := self.country[j]) >= 0] + self.kept_countries[e]
        orgs = [o for j in judges if (o := self.org[j]) >= 0] + self.kept_orgs[e]
        same_country = len(countries) - len(set(countries))
        return W_COUNTRY * same_country + W_ORGANISATION * (len(orgs) - len(set(orgs)))


def _flags(
    index: Index, slot_e: np.ndarray, slot_j: np.ndarray, bridge: bool
) -> tuple[np.ndarray, np.ndarray]:
    """Slots that break a rule (conflict, kept pair, judge twice) and slots on a crowded panel."""
    codes = slot_e * index.J + slot_j
    broken = index.blocked(slot_e, slot_j) | _repeated(codes)
    crowded = np.zeros(len(codes), dtype=bool)
    if not bridge:
        for group, kept_e, kept_g, width in (
            (index.country[slot_j], *index.kept_pairs_country, index.n_countries + 1),
            (index.org[slot_j], *index.kept_pairs_org, index.n_orgs + 1),
        ):
            known = group >= 0
            mine = slot_e * width + group
            kept = kept_e * width + kept_g
            crowded |= known & (_repeated(mine, both=True) | member(kept, mine))
    return broken, crowded


def _repeated(codes: np.ndarray, both: bool = False) -> np.ndarray:
    """True where a code occurs before (or, with ``both``, anywhere else) in ``codes``."""
    order = np.argsort(codes, kind="stable")
    same = codes[order][1:] == codes[order][:-1]
    out = np.zeros(len(codes), dtype=bool)
    out[order[1:]] = same
    if both:
        out[order[:-1]] |= same
    return out


def diversity(index: Index, slot_e: np.ndarray, slot_j: np.ndarray) -> int:
    """Diversity cost the dealt pairs add to their panels (kept experts already there count)."""
    total = 0
    for group, kept, width, weight in (
        (index.country[slot_j], index.kept_pairs_country, index.n_countries + 1, W_COUNTRY),
        (index.org[slot_j], index.kept_pairs_org, index.n_orgs + 1, W_ORGANISATION),
    ):
        known = group >= 0
        codes = slot_e[known] * width + group[known]
        distinct = unique(codes)
        # A group of n new members costs n - 1 on a panel without a kept member of it, n with one.
        total += weight * (
            len(codes) - len(distinct) + int(member(kept[0] * width + kept[1], distinct).sum())
        )
    return total


def repair(
    index: Index, slot_e: np.ndarray, slot_j: np.ndarray, bridge: bool, seed: int, bound: int = 0
) -> np.ndarray | None:
    """``slot_j`` with swaps that remove every broken rule and, while the class's diversity cost is above
    ``bound`` (the aggregated optimum's, which no assignment can beat), reduce it; None if stuck."""
    blocked = index.blocked_set.checker()
    rng = np.random.default_rng([seed & 0xFFFFFFFF, len(slot_e), 11])
    slot_j = _sweeps(index, slot_e, slot_j.copy(), bridge, bound, blocked, rng)
    if _flags(index, slot_e, slot_j, bridge)[0].any():
        slot_j = _match(index, slot_e, slot_j)
        if slot_j is None:
            return None
        slot_j = _sweeps(index, slot_e, slot_j, bridge, bound, blocked, rng)
    return slot_j


def _sweeps(index, slot_e, slot_j, bridge, bound, blocked, rng) -> np.ndarray:
    """Passes of swaps over the slots that break a rule and, while the diversity cost exceeds ``bound``,
    the slots on crowded panels; at most ``SWEEPS`` passes, or more while each lowers the cost."""
    cost = None if bridge else diversity(index, slot_e, slot_j)
    for sweep in range(4 * SWEEPS):
        broken, crowded = _flags(index, slot_e, slot_j, bridge)
        if cost is None or cost <= bound:
            crowded[:] = False
        todo = np.nonzero(broken | crowded)[0]
        if len(todo) == 0:
            break
        es, js = slot_e.tolist(), slot_j.tolist()
        panels = _Panels(index, slot_e, js, bridge)
        partners = rng.integers(0, len(es), size=(len(todo), TRIES)).tolist()
        for s, must, tries in zip(todo.tolist(), broken[todo].tolist(), partners, strict=True):
            _improve(s, tries, must, es, js, panels, blocked)
        slot_j = np.array(js, dtype=np.int64)
        before, cost = cost, None if bridge else diversity(index, slot_e, slot_j)
        if sweep + 1 >= SWEEPS and not broken.any() and (cost is None or before is None or cost >= before):
            break
    return slot_j


def _match(index: Index, slot_e: np.ndarray, slot_j: np.ndarray) -> np.ndarray | None:
    """When swaps fail: the same judges' tickets matched to the same slots by a maximum flow that avoids
    every blocked pair (None if even that cannot place them all)."""
    entries, slots = np.unique(slot_e, return_counts=True)
    judges, tickets = np.unique(slot_j, return_counts=True)
    e = np.repeat(np.arange(len(entries)), len(judges))
    j = np.tile(np.arange(len(judges)), len(entries))
    ok = ~index.blocked(entries[e], judges[j])
    e, j = e[ok], j[ok]
    source, sink = len(entries) + len(judges), len(entries) + len(judges) + 1
    flow = max_flow.SimpleMaxFlow()
    tails = np.concatenate([np.full(len(entries), source), e, len(entries) + np.arange(len(judges))])
    heads = np.concatenate([np.arange(len(entries)), len(entries) + j, np.full(len(judges), sink)])
    caps = np.concatenate([slots, np.ones(len(e), np.int64), tickets])
    flow.add_arcs_with_capacity(tails.astype(np.int32), heads.astype(np.int32), caps.astype(np.int64))
    if flow.solve(source, sink) != flow.OPTIMAL or flow.optimal_flow() < len(slot_e):
        return None
    used = flow.flows(np.arange(len(entries), len(entries) + len(e), dtype=np.int32)) > 0
    order = np.argsort(slot_e, kind="stable")  # slots grouped by entry, as ``used`` pairs are
    matched_e, matched_j = entries[e[used]], judges[j[used]]
    out = np.empty(len(slot_e), dtype=np.int64)
    out[order] = matched_j[np.argsort(matched_e, kind="stable")]
    return out


def _improve(s, tries, must, es, js, panels, blocked) -> None:
    """Swap slot ``s`` with the best partner among ``tries`` (the first that leaves no diversity cost at
    ``s`` and adds none at the partner): fixing a broken rule, or lowering diversity costs."""
    e1, j1 = es[s], js[s]
    d1 = panels.dealt[e1]
    before1 = panels.penalty(e1, d1)
    if not must and before1 == 0:
        return
    best, best_gain = None, None if must else 0
    for t in tries:
        e2, j2 = es[t], js[t]
        if e2 == e1 or j2 == j1 or blocked(e1, j2) or blocked(e2, j1):
            continue
        d2 = panels.dealt[e2]
        if j2 in d1 or j1 in d2 or d2.count(j2) > 1:
            continue
        new1, new2 = _replace_one(d1, j1, j2), _replace_one(d2, j2, j1)
        gain = before1 + panels.penalty(e2, d2) - panels.penalty(e1, new1) - panels.penalty(e2, new2)
        if best_gain is None or gain > best_gain:
            best, best_gain = (t, new1, new2), gain
            if gain >= before1:  # the panel of ``s`` is now clean and the partner's no worse: take it
                break
    if best is None:
        return
    t, new1, new2 = best
    panels.dealt[e1], panels.dealt[es[t]] = new1, new2
    js[s], js[t] = js[t], js[s]


def _replace_one(judges: list[int], old: int, new: int) -> list[int]:
    out = list(judges)
    out[out.index(old)] = new
    return out
