"""The min-cost-flow network over a set of candidate judge–entry arcs, and its solve with OR-tools.

Every entry has a *root* node whose supply is its open expert slots, and, when it needs a bridge judge,
a *bridge root* with supply 1. Under an expert root, candidates hang in a tree: root → country node →
organisation node → judge. The arcs from a parent to a group node are convex: the first expert of the
group on the panel (kept ones count) is free, every further one costs ``W_COUNTRY`` (country level) or
``W_ORGANISATION`` (organisation level), which is exactly the diversity term of the objective. Each judge
sends its flow to the sink over unit arcs whose costs are the load costs of its next entries. Bridge
roots connect straight to judges outside the category (diversity leaves the bridge judge out).

``Layout`` sorts the candidate arcs (leaves) by root, country and organisation, so that group nodes are
contiguous segments: the certificate (``certify.py``) works on the same arrays with ``reduceat``. A judge
with unknown organisation gets a one-leaf *pseudo* organisation node, and one with unknown country a
pseudo country node (shared by its organisation's members), both with weight 0, which changes no cost.
Group nodes that can carry at most one unit (one candidate below them, or one open slot) are folded into
the leaf arc's cost when the network is built, which is exact.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from ortools.graph.python import max_flow, min_cost_flow

from .index import W_COUNTRY, W_ORGANISATION, Index


@dataclass(frozen=True)
class Arcs:
    """Candidate judge–entry arcs: entry and judge positions, and whether the arc fills a bridge slot."""

    entry: np.ndarray
    judge: np.ndarray
    bridge: np.ndarray

    def union(self, other: Arcs) -> Arcs:
        """Both sets of arcs, each pair once."""
        entry = np.concatenate([self.entry, other.entry])
        judge = np.concatenate([self.judge, other.judge])
        return Arcs(entry, judge, np.concatenate([self.bridge, other.bridge])).unique()

    def unique(self) -> Arcs:
        """The same arcs, each pair once, in (entry, judge) order."""
        codes = self.entry * (self.judge.max(initial=0) + 1) + self.judge
        order = np.argsort(codes, kind="stable")
        first = np.ones(len(codes), dtype=bool)
        first[1:] = codes[order][1:] != codes[order][:-1]
        keep = order[first]
        return Arcs(self.entry[keep], self.judge[keep], self.bridge[keep])


class Layout:
    """Leaves sorted into roots, country nodes and organisation nodes (see module docstring)."""

    def __init__(self, index: Index, arcs: Arcs) -> None:
        E, NC, NO = index.E, index.n_countries, index.n_orgs
        n = len(arcs.entry)
        pos = np.arange(n, dtype=np.int64)
        country = np.where(arcs.bridge, -1, index.country[arcs.judge])
        org = np.where(arcs.bridge, -1, index.org[arcs.judge])
        # Unknown country: a pseudo country node, shared by the members of one organisation.
        ckey = np.where(country >= 0, country, np.where(org >= 0, NC + org, NC + NO + pos))
        okey = np.where(org >= 0, org, NO + pos)
        root = arcs.entry + E * arcs.bridge
        order = np.lexsort((index.rank[arcs.judge], okey, ckey, root))
        self.entry, self.judge, self.bridge = arcs.entry[order], arcs.judge[order], arcs.bridge[order]
        self.root, ckey, okey = root[order], ckey[order], okey[order]
        self.cost = index.language_cost(self.entry, self.judge)
        self.n = n

        new_root = np.ones(n, dtype=bool)
        new_root[1:] = self.root[1:] != self.root[:-1]
        new_c = new_root.copy()
        new_c[1:] |= ckey[1:] != ckey[:-1]
        new_o = new_c.copy()
        new_o[1:] |= okey[1:] != okey[:-1]
        self.onode = np.cumsum(new_o) - 1  # leaf -> organisation node
        self.o_start = np.nonzero(new_o)[0]
        self.o_cnode = (np.cumsum(new_c) - 1)[self.o_start]  # organisation node -> country node
        self.cnode = self.o_cnode[self.onode]
        c_start = np.nonzero(new_c)[0]
        self.c_start_o = self.onode[c_start]  # first organisation node of each country node
        self.c_rootseg = (np.cumsum(new_root) - 1)[c_start]  # country node -> root segment
        r_start = np.nonzero(new_root)[0]
        self.r_start_c = self.cnode[r_start]  # first country node of each root segment
        self.roots = self.root[r_start]  # root id of each root segment
        self.c_root = self.roots[self.c_rootseg]

        self.c_real = ckey[c_start] < NC
        self.c_key = np.where(self.c_real, ckey[c_start], -1)
        self.o_real = okey[self.o_start] < NO
        self.o_key = np.where(self.o_real, okey[self.o_start], -1)
        c_entry = self.entry[c_start]
        o_entry = self.entry[self.o_start]
        self.c_kept = index.kept_in_country(c_entry, self.c_key) & self.c_real
        self.o_kept = index.kept_in_org(o_entry, self.o_key) & self.o_real
        self.c_weight = np.where(self.c_real, W_COUNTRY, 0)
        self.o_weight = np.where(self.o_real, W_ORGANISATION, 0)
        self.c_leaves = np.diff(np.append(c_start, n))
        self.o_leaves = np.diff(np.append(self.o_start, n))
        self.supply = np.concatenate([index.expert_slots, index.bridge_slots])  # per root id

    def codes(self, width: int) -> np.ndarray:
        """``entry * width + judge`` for every leaf."""
        return self.entry * width + self.judge


def solve_network(index: Index, layout: Layout) -> np.ndarray | None:
    """Solve the min-cost flow on ``layout``'s arcs: the mask of chosen leaves, or None if infeasible."""
    J, E = index.J, index.E
    x = layout.supply[layout.c_root]
    c_needed = layout.c_real & (np.minimum(x, layout.c_leaves) >= 2)
    x_o = layout.supply[layout.c_root[layout.o_cnode]]
    o_needed = layout.o_real & (np.minimum(x_o, layout.o_leaves) >= 2)
    root_node = J + 1 + np.arange(2 * E, dtype=np.int64)
    c_node = np.full(len(c_needed), -1, dtype=np.int64)
    c_node[c_needed] = J + 1 + 2 * E + np.arange(int(c_needed.sum()))
    o_node = np.full(len(o_needed), -1, dtype=np.int64)
    o_node[o_needed] = J + 1 + 2 * E + int(c_needed.sum()) + np.arange(int(o_needed.sum()))

    tails, heads, caps, costs = [], [], [], []

    def group_arcs(tail, head, kept, slots, weight):
        free = ~kept
        tails.extend([tail[free], tail])
        heads.extend([head[free], head])
        caps.extend([np.ones(int(free.sum()), dtype=np.int64), slots])
        costs.extend([np.zeros(int(free.sum()), dtype=np.int64), np.full(len(tail), weight, dtype=np.int64)])

    c_tail = root_node[layout.c_root]
    group_arcs(c_tail[c_needed], c_node[c_needed], layout.c_kept[c_needed], x[c_needed], W_COUNTRY)
    o_parent = np.where(c_needed[layout.o_cnode], c_node[layout.o_cnode], c_tail[layout.o_cnode])
    group_arcs(o_parent[o_needed], o_node[o_needed], layout.o_kept[o_needed], x_o[o_needed], W_ORGANISATION)

    leaf_tail = np.where(o_needed[layout.onode], o_node[layout.onode], o_parent[layout.onode])
    fold = np.where(~c_needed & layout.c_kept, W_COUNTRY, 0)[layout.cnode]
    fold += np.where(~o_needed & layout.o_kept, W_ORGANISATION, 0)[layout.onode]
    first_leaf = len(np.concatenate(tails)) if tails else 0
    tails.append(leaf_tail)
    heads.append(index.rank[layout.judge])
    caps.append(np.ones(layout.n, dtype=np.int64))
    costs.append(layout.cost + fold)

    degree = np.bincount(layout.judge, minlength=J)  # a judge never takes more entries than its arcs
    judge, t = index.load_units(np.minimum(np.maximum(index.remaining, 0), degree))
    tails.append(index.rank[judge])
    heads.append(np.full(len(judge), J, dtype=np.int64))
    caps.append(np.ones(len(judge), dtype=np.int64))
    costs.append(index.load_cost(judge, t))

    flow = min_cost_flow.SimpleMinCostFlow()
    flow.add_arcs_with_capacity_and_unit_cost(
        np.concatenate(tails).astype(np.int32),
        np.concatenate(heads).astype(np.int32),
        np.concatenate(caps).astype(np.int64),
        np.concatenate(costs).astype(np.int64),
    )
    supplies = np.concatenate([index.expert_slots, index.bridge_slots])
    has = np.nonzero(supplies)[0]
    flow.set_nodes_supplies(
        np.append(root_node[has], J).astype(np.int32),
        np.append(supplies[has], -int(supplies.sum())).astype(np.int64),
    )
    status = flow.solve()
    if status == flow.INFEASIBLE:
        return None
    if status != flow.OPTIMAL:
        raise RuntimeError(f"min-cost flow failed with status {status}")
    leaf_arcs = np.arange(first_leaf, first_leaf + layout.n, dtype=np.int32)
    return flow.flows(leaf_arcs) > 0


def max_flow_pairs(index: Index, arcs: Arcs) -> tuple[np.ndarray, np.ndarray]:
    """A maximum flow over ``arcs``: unfilled slots per root id (``2E``) and the mask of arcs used."""
    J, E = index.J, index.E
    source, sink = J + 1 + 2 * E, J
    supplies = np.concatenate([index.expert_slots, index.bridge_slots])
    has = np.nonzero(supplies)[0]
    roots = arcs.entry + E * arcs.bridge
    tails = np.concatenate([np.full(len(has), source), J + 1 + roots, np.arange(J)])
    heads = np.concatenate([J + 1 + has, arcs.judge, np.full(J, sink)])
    caps = np.concatenate([supplies[has], np.ones(len(roots), np.int64), np.maximum(index.remaining, 0)])
    flow = max_flow.SimpleMaxFlow()
    flow.add_arcs_with_capacity(tails.astype(np.int32), heads.astype(np.int32), caps.astype(np.int64))
    if flow.solve(source, sink) != flow.OPTIMAL:
        raise RuntimeError("maximum flow failed")
    sent = flow.flows(np.arange(len(has), dtype=np.int32))
    used = flow.flows(np.arange(len(has), len(has) + len(roots), dtype=np.int32)) > 0
    unmet = np.zeros(2 * E, dtype=np.int64)
    unmet[has] = supplies[has] - sent
    return unmet, used
