"""``solve`` (sparse, certified) and ``dense_reference`` (every arc), with the infeasibility report.

``solve``:

1. solve the aggregated problem, pick candidate arcs and build a starting assignment from it
   (``candidates.py``, ``start.py``);
2. compute potentials for the assignment and check every arc of the dense network (``certify.py``);
3. if some dense arcs fail, add them and recompute the potentials (cheap). If Bellman–Ford does not
   settle within ``CHEAP_STEPS`` steps, or a cycle through the sink is negative, the assignment can be
   improved: solve the min-cost flow on the arcs gathered so far with OR-tools and go back to 2.

Arcs are only ever added, so the loop ends, and it returns only an assignment whose potentials hold on
every dense arc: an optimum of the dense problem, not an approximation.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .candidates import initial_candidates
from .certify import Certificate, NotConverged, Tree, potentials
from .index import Index, cost_of_pairs, member, unique
from .model import Infeasible, Pair, Problem, Shortfall, Solution, check_problem
from .network import Arcs, Layout, max_flow_pairs, solve_network

CHEAP_STEPS = 64
EXACT_LIMIT = 2**51  # potentials and costs stay exact float64 integers below 2**53


@dataclass
class Stats:
    """How the sparse solve went: flow solves, certificate rounds and arcs, for the benchmark."""

    solves: int = 0
    rounds: int = 0
    arcs: int = 0
    added: int = 0


def solve(problem: Problem) -> Solution:
    """An optimal assignment of ``problem`` (see the package docstring for the objective).

    Raises ``Infeasible`` (nothing partial is returned) and ``ValueError`` for a malformed problem.
    Deterministic: the same problem, seed included, gives the same solution.
    """
    return certified_solve(problem)[0]


def certified_solve(problem: Problem) -> tuple[Solution, Index, Certificate | None, Stats]:
    """``solve``, also returning the index, the optimality certificate and statistics."""
    index = prepare(problem)
    stats = Stats()
    if index.open_slots == 0:
        return _solution(index, None, None), index, None, stats
    found = initial_candidates(index)
    if found is None:
        raise _diagnose(index)
    arcs, start = found
    chosen = None if start is None else unique(start.entry * index.J + start.judge)
    fresh = False  # a start is a proposal; a flow from OR-tools is optimal on its arcs
    while True:
        if chosen is None:
            layout = Layout(index, arcs)
            flow = solve_network(index, layout)
            stats.solves += 1
            if flow is None:  # the candidates admit no complete assignment: add a feasible one
                arcs = arcs.union(_feasible_pairs(index))
                continue
            chosen, fresh = np.sort(layout.codes(index.J)[flow]), True
        outcome = _certify(index, arcs, chosen, fresh, stats)
        if isinstance(outcome, tuple):
            layout, flow, certificate = outcome
            stats.arcs = layout.n
            return _solution(index, layout, flow), index, certificate, stats
        arcs, chosen = outcome, None


def _certify(index: Index, arcs: Arcs, chosen: np.ndarray, fresh: bool, stats: Stats):
    """Prove the assignment ``chosen`` (sorted pair codes) optimal over every dense arc.

    Returns ``(layout, chosen mask, certificate)`` on success, or the grown arc set when the assignment
    turned out improvable (a negative cycle) and must be solved again.
    """
    layout = Layout(index, arcs)
    tree = Tree(index, layout, member(chosen, layout.codes(index.J)))
    try:
        d = potentials(tree, max_steps=None if fresh else CHEAP_STEPS)
    except NotConverged:
        if fresh:
            raise RuntimeError("no potentials for an optimal flow") from None
        return arcs  # the start is not optimal even on its own arcs
    while True:
        stats.rounds += 1
        certificate = Certificate(index, tree, d)
        bad = certificate.internal_violations()
        if bad and fresh:
            raise RuntimeError(f"optimality certificate broken on {bad} arcs")
        if bad:
            return arcs  # a negative cycle through the sink: the assignment can improve
        extra = certificate.violations()
        if len(extra.entry) == 0:
            return layout, tree.chosen, certificate
        stats.added += len(extra.entry)
        grown = arcs.union(extra)
        if len(grown.entry) == len(arcs.entry):
            raise RuntimeError("the certificate asks for arcs the sparse network already has")
        arcs, fresh = grown, False
        layout = Layout(index, arcs)
        tree = Tree(index, layout, member(chosen, layout.codes(index.J)))
        try:
            d = potentials(tree, start=d, max_steps=CHEAP_STEPS)
        except NotConverged:
            return arcs


def dense_reference(problem: Problem) -> Solution:
    """The same objective solved over every eligible judge–entry arc at once (for tests and the benchmark)."""
    index = prepare(problem)
    if index.open_slots == 0:
        return _solution(index, None, None)
    layout = Layout(index, dense_arcs(index))
    chosen = solve_network(index, layout)
    if chosen is None:
        raise _diagnose(index)
    return _solution(index, layout, chosen)


def prepare(problem: Problem) -> Index:
    """Check the problem, index it and rule out the infeasibility that counting can show."""
    check_problem(problem)
    index = Index(problem)
    if index.big_m >= EXACT_LIMIT:
        raise ValueError(f"{index.open_slots} open slots are too many for exact lexicographic weights")
    _precheck(index)
    return index


def dense_arcs(index: Index) -> Arcs:
    """Every eligible arc: experts for the expert slots, outsiders for bridge slots; no conflict, no kept
    pair, capacity left."""
    entries, judges, bridges = [], [], []
    for bridge in (False, True):
        slots = index.bridge_slots if bridge else index.expert_slots
        open_entries = np.nonzero(slots > 0)[0]
        for cat in np.unique(index.cat[open_entries]):
            pool = np.nonzero((index.expert[:, cat] != bridge) & (index.remaining > 0))[0]
            group = open_entries[index.cat[open_entries] == cat]
            e, j = np.repeat(group, len(pool)), np.tile(pool, len(group))
            keep = ~index.blocked(e, j)
            entries.append(e[keep])
            judges.append(j[keep])
            bridges.append(np.full(int(keep.sum()), bridge))
    if not entries:
        return Arcs(np.zeros(0, np.int64), np.zeros(0, np.int64), np.zeros(0, bool))
    return Arcs(np.concatenate(entries), np.concatenate(judges), np.concatenate(bridges))


def _solution(index: Index, layout: Layout | None, chosen: np.ndarray | None) -> Solution:
    """The kept pairs plus the chosen leaves, sorted, with the objective and every judge's load."""
    kj, ke = index.kept_j, index.kept_e
    nj = layout.judge[chosen] if layout is not None else np.zeros(0, np.int64)
    ne = layout.entry[chosen] if layout is not None else np.zeros(0, np.int64)
    j, e = np.concatenate([kj, nj]), np.concatenate([ke, ne])
    kept = np.concatenate([np.ones(len(kj), bool), np.zeros(len(nj), bool)])
    order = np.lexsort((j, e))  # positions follow id order, so this is (entry id, judge id) order
    judge_ids, entry_ids = index.judge_ids[j[order]].tolist(), index.entry_ids[e[order]].tolist()
    pairs = tuple(
        Pair(judge=a, entry=b, kept=c)
        for a, b, c in zip(judge_ids, entry_ids, kept[order].tolist(), strict=True)
    )
    loads = np.bincount(j, minlength=index.J)
    return Solution(
        pairs=pairs,
        objective=cost_of_pairs(index, j, e),
        loads=dict(zip(index.judge_ids.tolist(), loads.tolist(), strict=True)),
    )


def _counts_by_entry(
    index: Index, mask_of_judges: np.ndarray, pairs: tuple[np.ndarray, np.ndarray]
) -> np.ndarray:
    """How many of the pairs ``(entries, judges)`` per entry have a judge for which the mask holds."""
    e, j = pairs
    return np.bincount(e[mask_of_judges[j, index.cat[e]]], minlength=index.E)


def _precheck(index: Index) -> None:
    """Raise ``Infeasible`` for what counting shows: kept pairs over limits, entries short of judges,
    and more slots than capacity."""
    p = index.problem
    overloaded = tuple(
        (int(index.judge_ids[j]), int(index.kept_load[j]), int(index.capacity[j]))
        for j in np.nonzero(index.remaining < 0)[0]
    )
    overfull = tuple(
        (int(index.entry_ids[e]), int(index.kept_count[e]), p.k)
        for e in np.nonzero(index.kept_count > p.k)[0]
    )
    full = index.remaining <= 0
    conflicts = (index.conflict_e, index.conflict_j)
    kept = (index.kept_e, index.kept_j)
    shortfalls = []
    for bridge in (False, True):
        member = index.expert != bridge  # J x C: judge may take a slot of this kind in category c
        slots = index.bridge_slots if bridge else index.expert_slots
        total = member.sum(axis=0)[index.cat] - _counts_by_entry(index, member, kept)
        conflicted = _counts_by_entry(index, member, conflicts)
        busy = (member & full[:, None]).sum(axis=0)[index.cat]
        busy -= _counts_by_entry(index, member & full[:, None], kept)
        busy -= _counts_by_entry(index, member & full[:, None], conflicts)
        available = total - conflicted - busy
        for e in np.nonzero(available < slots)[0]:
            if bridge:
                reason = "no_bridge"
            elif total[e] < slots[e]:
                reason = "too_few_judges"
            else:
                reason = "conflicts" if total[e] - conflicted[e] < slots[e] else "capacity"
            entry = Shortfall(
                int(index.entry_ids[e]),
                index.categories[index.cat[e]],
                int(available[e]),
                int(slots[e]),
                reason,
            )
            shortfalls.append((e, bridge, entry))
    capacity = int(np.maximum(index.remaining, 0).sum())
    if overloaded or overfull or shortfalls:
        shortfalls.sort(key=lambda item: item[:2])
        found = tuple(entry for _e, _b, entry in shortfalls)
        raise Infeasible(found, capacity, index.open_slots, overloaded, overfull)
    if index.open_slots > capacity:
        raise _diagnose(index)  # names the entries a maximum flow leaves short


def _feasible_pairs(index: Index) -> Arcs:
    """The arcs of a feasible assignment over all eligible arcs; raises ``Infeasible`` if there is none."""
    arcs = dense_arcs(index)
    unmet, used = max_flow_pairs(index, arcs)
    if unmet.any():
        raise _infeasible_from(index, arcs, unmet)
    return Arcs(arcs.entry[used], arcs.judge[used], arcs.bridge[used])


def _diagnose(index: Index) -> Infeasible:
    arcs = dense_arcs(index)
    unmet, _used = max_flow_pairs(index, arcs)
    if not unmet.any():
        raise RuntimeError("the aggregated problem is infeasible but the dense one is not")
    return _infeasible_from(index, arcs, unmet)


def _infeasible_from(index: Index, arcs: Arcs, unmet: np.ndarray) -> Infeasible:
    """Entries a maximum flow leaves short: the judges' capacity cannot serve them all at once."""
    roots = arcs.entry + index.E * arcs.bridge
    eligible = np.bincount(roots, minlength=2 * index.E)
    shortfalls = []
    for root in np.nonzero(unmet)[0]:
        e, bridge = root % index.E, root >= index.E
        shortfalls.append(
            Shortfall(
                entry=int(index.entry_ids[e]),
                category=index.categories[index.cat[e]],
                available=int(eligible[root]),
                needed=int(unmet[root]),
                reason="no_bridge" if bridge else "capacity",
            )
        )
    shortfalls.sort(key=lambda s: (s.entry, s.reason == "no_bridge"))
    capacity = int(np.maximum(index.remaining, 0).sum())
    return Infeasible(tuple(shortfalls), capacity, index.open_slots)
