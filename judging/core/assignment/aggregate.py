"""The aggregated problem: entries of one class (category, language, slot kind) solved as one node.

A class root ships all its open slots through the same tree as an entry root (country node, organisation
node, judge) and the same load arcs, but a group's first units are free up to the number of the class's
entries that have no kept expert from that group, since each of those entries can take one judge of the
group at no diversity cost; every further unit costs the group's weight. A judge takes at most one slot
of each entry, so the arc class -> judge has the capacity of the class's entries the judge may take.

Every real assignment maps to a flow of this network with no higher cost (load and language terms are
equal; ``sum_e (n_e - 1)^+ >= (sum_e n_e - N)^+`` for the diversity terms), so its optimum is a lower
bound, and a real assignment that reaches it is optimal. It is small (classes times judges) and solves
in a few tens of milliseconds; ``candidates.py`` turns its flow into candidate arcs and a starting
assignment.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from ortools.graph.python import min_cost_flow

from .index import W_COUNTRY, W_ORGANISATION, Index


@dataclass(frozen=True)
class Klass:
    """Entries that share category, language and slot kind (expert or bridge)."""

    cat: int
    lang: int
    bridge: bool
    entries: np.ndarray  # entry positions, in the seeded order
    slots: np.ndarray  # open slots of this kind per entry
    pool: np.ndarray  # judges who may fill these slots (expertise rule, capacity left)


def classes(index: Index) -> list[Klass]:
    """All classes with open slots, expert classes first, each sorted by category then language."""
    out = []
    for bridge in (False, True):
        slots = index.bridge_slots if bridge else index.expert_slots
        entries = np.nonzero(slots > 0)[0]
        entries = entries[np.lexsort((index.entry_order[entries], index.lang[entries], index.cat[entries]))]
        if len(entries) == 0:
            continue
        key = index.cat[entries] * (index.speaks.shape[1] + 1) + index.lang[entries]
        for group in np.split(entries, np.nonzero(np.diff(key))[0] + 1):
            cat = int(index.cat[group[0]])
            pool = np.nonzero((index.expert[:, cat] != bridge) & (index.remaining > 0))[0]
            out.append(Klass(cat, int(index.lang[group[0]]), bridge, group, slots[group], pool))
    return out


class _Network:
    """Arcs gathered as arrays; ``add`` returns the range of arc numbers it used."""

    def __init__(self) -> None:
        self.parts: list[tuple[np.ndarray, ...]] = []
        self.count = 0

    def add(self, tails, heads, caps, costs) -> range:
        arrays = tuple(np.asarray(a, np.int64) for a in (tails, heads, caps, costs))
        self.parts.append(arrays)
        self.count += len(arrays[0])
        return range(self.count - len(arrays[0]), self.count)

    def solve(self, supplies: list[tuple[int, int]]) -> min_cost_flow.SimpleMinCostFlow | None:
        flow = min_cost_flow.SimpleMinCostFlow()
        tails, heads, caps, costs = (np.concatenate([p[i] for p in self.parts]) for i in range(4))
        flow.add_arcs_with_capacity_and_unit_cost(tails.astype(np.int32), heads.astype(np.int32), caps, costs)
        flow.set_nodes_supplies(
            np.array([node for node, _s in supplies], dtype=np.int32),
            np.array([amount for _n, amount in supplies], dtype=np.int64),
        )
        status = flow.solve()
        if status == flow.INFEASIBLE:
            return None
        if status != flow.OPTIMAL:
            raise RuntimeError(f"min-cost flow failed with status {status}")
        return flow


def solve_aggregate(index: Index, klasses: list[Klass]) -> tuple[list[np.ndarray], list[int]] | None:
    """Units each pool judge takes from each class (one array per class) and each class's diversity
    cost in the aggregated optimum (a lower bound of its entries' diversity costs); None if infeasible."""
    J = index.J
    net = _Network()
    nodes = J + 1  # 0..J-1 judges, J sink, then class and group nodes
    supplies, leaves, paid = [], [], []
    for k, not_takeable in zip(klasses, _blocked_per_judge(index, klasses), strict=True):
        root, nodes = nodes, nodes + 1
        supplies.append((root, int(k.slots.sum())))
        takeable = len(k.entries) - not_takeable
        parent, weighted = np.full(len(k.pool), root, dtype=np.int64), []
        if not k.bridge:
            parent, nodes, weighted = _groups(index, k, root, nodes, net, takeable)
        paid.append(weighted)
        cost = np.where(index.speaks[k.pool, k.lang], 0, index.w_language)
        leaves.append(net.add(parent, k.pool, takeable, cost))
    judge, t = index.load_units()
    net.add(judge, np.full(len(judge), J), np.ones(len(judge)), index.load_cost(judge, t))
    flow = net.solve([*supplies, (J, -sum(amount for _n, amount in supplies))])
    if flow is None:
        return None

    def sent(arcs: range) -> np.ndarray:
        return flow.flows(np.arange(arcs.start, arcs.stop, dtype=np.int32))

    shipped = [sent(arcs) for arcs in leaves]
    bounds = [sum(weight * int(sent(arcs).sum()) for arcs, weight in ranges) for ranges in paid]
    return shipped, bounds


def _blocked_per_judge(index: Index, klasses: list[Klass]) -> list[np.ndarray]:
    """For each class, the number of its entries each pool judge may not take (conflict or kept pair)."""
    out: list[np.ndarray | None] = [None] * len(klasses)
    for bridge in (False, True):
        mine = [i for i, k in enumerate(klasses) if k.bridge == bridge]
        klass_of = np.full(index.E, -1, dtype=np.int64)
        for n, i in enumerate(mine):
            klass_of[klasses[i].entries] = n
        of = klass_of[index.blocked_e]
        counts = np.bincount(of[of >= 0] * index.J + index.blocked_j[of >= 0], minlength=len(mine) * index.J)
        for n, i in enumerate(mine):
            out[i] = counts[n * index.J : (n + 1) * index.J][klasses[i].pool]
    return out


def _groups(index: Index, k: Klass, root: int, nodes: int, net: _Network, takeable: np.ndarray):
    """Country and organisation nodes of an expert class, each with a free then a weighted arc.

    Returns each pool judge's parent node, the next free node number, and the weighted arcs' ranges with
    their weights. A group whose members cannot send more units than its free ones gets no node: its
    convex arcs would never charge anything.
    """
    in_class = np.zeros(index.E, dtype=bool)
    in_class[k.entries] = True
    country, org = index.country[k.pool], index.org[k.pool]
    most = np.minimum(np.maximum(index.remaining[k.pool], 0), takeable)  # units a judge can take
    total = int(k.slots.sum())
    weighted = []
    ids = []
    levels = (
        (country, index.kept_pairs_country, index.n_countries + 1, W_COUNTRY),
        (org, index.kept_pairs_org, index.n_orgs + 1, W_ORGANISATION),
    )
    for level, (groups, (kept_e, kept_g), width, weight) in enumerate(levels):
        known = groups >= 0
        free = len(k.entries) - np.bincount(kept_g[in_class[kept_e]], minlength=width)
        sent = np.bincount(groups[known], weights=most[known], minlength=width)
        needed = np.nonzero(sent > free)[0]
        node = np.full(width, -1, dtype=np.int64)  # group -> node (last index: unknown group)
        node[needed] = nodes + np.arange(len(needed))
        nodes += len(needed)
        if level == 0:  # countries hang under the class root
            above = np.full(len(needed), root)
        else:  # an organisation hangs under its country's node, if that has one
            org_country = np.full(width, -1, dtype=np.int64)
            org_country[org[known]] = country[known]
            above = ids[0][org_country[needed]]
            above = np.where((org_country[needed] >= 0) & (above >= 0), above, root)
        net.add(above, node[needed], free[needed], np.zeros(len(needed)))
        paid = net.add(above, node[needed], np.full(len(needed), total), np.full(len(needed), weight))
        weighted.append((paid, weight))
        ids.append(node)
    parent = np.where(org >= 0, ids[1][org], -1)
    parent = np.where((parent < 0) & (country >= 0), ids[0][country], parent)
    return np.where(parent >= 0, parent, root), nodes, weighted
