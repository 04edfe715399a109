"""Optimality certificate: node potentials that prove a sparse solution optimal for the dense network.

A feasible flow is a minimum-cost flow if and only if node potentials ``y`` exist with ``y[head] <= y[tail]
+ cost`` on every arc of its residual graph (no negative cycle). The sparse solve only saw candidate arcs;
the *dense* network has an arc from every entry to every judge who may take it. So:

1. ``potentials`` finds judge potentials on the sparse residual graph: ``D[v]`` = shortest distance from
   ``v`` to the sink, computed by Bellman–Ford in which one step moves across a whole entry tree at once
   (vectorised with ``reduceat``); ``y = -D``. The step count is the number of exchanges on the longest
   shortest path, usually a handful.
2. ``Certificate`` sets every tree node to the *largest* potential its chosen judges allow and then checks
   every dense arc: the judges' load arcs, the tree arcs, and every eligible judge–entry arc, including
   the ones the sparse solve never saw. The check of an arc not in the sparse graph uses the potential its
   group node would have in the dense graph. The check runs class by class (category, language): judges
   sorted by ``y - language cost``, an entry only needs a closer look when the best judge it does not
   have beats its root's potential, which is at most every node potential in its tree. Arcs that fail
   are returned; the solver adds them and tries again. No failing arc means the potentials are valid
   for the dense residual graph, so the solution is optimal for the dense problem: exact, not
   approximate.
3. ``lower_bound`` independently evaluates the LP dual of the dense network at those potentials
   (``sum b*pi - sum u * max(0, pi_tail - pi_head - cost)``, valid for any potentials by weak duality).
   When it equals the objective the certificate is checked by a second, simpler computation.

Judges at capacity get an artificial arc to the sink of cost ``Index.big_m`` (too dear to close a negative
cycle), so every potential is finite. Values are float64 holding integers below 2**53 (``solver.py``
refuses weights that could exceed it), so the arithmetic is exact.
"""

from __future__ import annotations

import numpy as np

from .index import W_COUNTRY, W_ORGANISATION, Index
from .network import Arcs, Layout

FAST_PATH_WIDTH = 32


class NotConverged(Exception):
    """Bellman–Ford did not settle within its step budget (a negative cycle, or a long chain)."""


class Tree:
    """Per-node flows and marginal costs of a layout with a chosen set of leaves."""

    def __init__(self, index: Index, layout: Layout, chosen: np.ndarray) -> None:
        self.layout, self.chosen = layout, chosen
        self.f_o = np.add.reduceat(chosen.astype(np.int64), layout.o_start) if layout.n else np.zeros(0, int)
        self.f_c = np.add.reduceat(self.f_o, layout.c_start_o) if layout.n else np.zeros(0, int)
        n_o = layout.o_kept + self.f_o
        n_c = layout.c_kept + self.f_c
        self.next_o = np.where(n_o >= 1, layout.o_weight, 0).astype(float)
        self.last_o = np.where(n_o >= 2, layout.o_weight, 0).astype(float)
        self.next_c = np.where(n_c >= 1, layout.c_weight, 0).astype(float)
        self.last_c = np.where(n_c >= 2, layout.c_weight, 0).astype(float)
        self.cost = layout.cost.astype(float)
        self.load = index.kept_load + np.bincount(layout.judge[chosen], minlength=index.J)
        cap = index.capacity
        nxt = index.load_cost(np.arange(index.J), self.load + 1).astype(float)
        self.d_load = np.where(self.load < cap, nxt, float(index.big_m))  # big_m: see Index.big_m
        self.last_load = index.load_cost(np.arange(index.J), np.maximum(self.load, 1)).astype(float)
        self.has_new = self.load > index.kept_load
        self.chosen_idx = np.nonzero(chosen)[0]


def potentials(tree: Tree, start: np.ndarray | None = None, max_steps: int | None = None) -> np.ndarray:
    """Distances ``D`` from each judge to the sink in the residual graph; ``y = -D`` are potentials.

    One step relaxes every judge through every entry tree that holds it; the loop stops when nothing
    changes, or raises ``NotConverged`` after ``max_steps`` (default: enough for any simple path).
    ``start`` must be an upper bound of the answer (an earlier answer on fewer arcs is one).
    """
    lay = tree.layout
    d = tree.d_load.copy() if start is None else np.minimum(start, tree.d_load)
    ci = tree.chosen_idx
    steps = max_steps if max_steps is not None else len(d) + 2
    for _ in range(steps):
        value = np.where(tree.chosen, np.inf, tree.cost + d[lay.judge])
        down_o = np.minimum.reduceat(value, lay.o_start)
        down_c = np.minimum.reduceat(down_o + tree.next_o, lay.c_start_o)
        down_r = np.minimum.reduceat(down_c + tree.next_c, lay.r_start_c)
        d_c = np.minimum(down_c, np.where(tree.f_c > 0, down_r[lay.c_rootseg] - tree.last_c, np.inf))
        d_o = np.minimum(down_o, np.where(tree.f_o > 0, d_c[lay.o_cnode] - tree.last_o, np.inf))
        new = tree.d_load.copy()
        np.minimum.at(new, lay.judge[ci], d_o[lay.onode[ci]] - tree.cost[ci])
        new = np.minimum(new, d)
        if np.array_equal(new, d):
            return d
        d = new
    raise NotConverged


class Certificate:
    """Largest tree potentials for given judge potentials, and the check of every dense arc."""

    def __init__(self, index: Index, tree: Tree, d: np.ndarray) -> None:
        lay = tree.layout
        self.index, self.tree, self.layout = index, tree, lay
        self.y = -d
        hi_leaf = np.where(tree.chosen, self.y[lay.judge] - tree.cost, np.inf)
        hi_o = np.minimum.reduceat(hi_leaf, lay.o_start)
        hi_c = np.minimum.reduceat(np.where(tree.f_o > 0, hi_o - tree.last_o, np.inf), lay.c_start_o)
        hi_r = np.minimum.reduceat(np.where(tree.f_c > 0, hi_c - tree.last_c, np.inf), lay.r_start_c)
        self.y_root = np.full(2 * index.E, np.inf)
        self.y_root[lay.roots] = hi_r
        self.y_c = np.minimum(hi_c, hi_r[lay.c_rootseg] + tree.next_c)
        self.y_o = np.minimum(hi_o, self.y_c[lay.o_cnode] + tree.next_o)
        NC, NO = index.n_countries + 1, index.n_orgs + 1
        real_c = np.nonzero(lay.c_real)[0]
        self.c_codes = lay.c_root[real_c] * NC + lay.c_key[real_c]  # sorted (layout order)
        self.c_ids = real_c
        real_o = np.nonzero(lay.o_real)[0]
        o_codes = lay.c_root[lay.o_cnode[real_o]] * NO + lay.o_key[real_o]
        order = np.argsort(o_codes, kind="stable")
        self.o_codes, self.o_ids = o_codes[order], real_o[order]

    def internal_violations(self) -> int:
        """Arcs of the sparse graph (and load arcs) that the potentials break: 0 when all is well."""
        t, lay, y = self.tree, self.layout, self.y
        bad = int(np.sum((y[lay.judge] - t.cost > self.y_o[lay.onode]) & ~t.chosen))  # forward leaf arcs
        bad += int(np.sum((y[lay.judge] - t.cost < self.y_o[lay.onode]) & t.chosen))  # backward ones
        y_r = self.y_root[lay.c_root]
        bad += int(np.sum(self.y_c > y_r + t.next_c) + np.sum((self.y_c < y_r + t.last_c) & (t.f_c > 0)))
        y_p = self.y_c[lay.o_cnode]
        bad += int(np.sum(self.y_o > y_p + t.next_o) + np.sum((self.y_o < y_p + t.last_o) & (t.f_o > 0)))
        bad += int(np.sum(-y > t.d_load))  # forward load arcs: y_sink <= y_j + next load cost
        bad += int(np.sum((-y < t.last_load) & t.has_new))  # backward load arcs
        return bad

    def parent_potential(self, e: np.ndarray, j: np.ndarray, bridge: np.ndarray) -> np.ndarray:
        """The potential of the node above the dense leaf (entry ``e``, judge ``j``)."""
        index = self.index
        root = e + index.E * bridge
        y = self.y_root[root].copy()
        country = np.where(bridge, -1, index.country[j])
        org = np.where(bridge, -1, index.org[j])
        has_c = country >= 0
        y_c = y + np.where(index.kept_in_country(e, country), W_COUNTRY, 0)
        found, node = _lookup(self.c_codes, self.c_ids, root * (index.n_countries + 1) + country)
        y_c = np.where(found & has_c, self.y_c[node], y_c)
        y = np.where(has_c, y_c, y)
        has_o = org >= 0
        y_o = y + np.where(index.kept_in_org(e, org), W_ORGANISATION, 0)
        found, node = _lookup(self.o_codes, self.o_ids, root * (index.n_orgs + 1) + org)
        y_o = np.where(found & has_o, self.y_o[node], y_o)
        return np.where(has_o, y_o, y)

    def violations(self) -> Arcs:
        """Dense judge–entry arcs outside the layout whose reduced cost is negative."""
        index, lay = self.index, self.layout
        skip = index.blocked_set.union(lay.codes(index.J))
        found_e, found_j, found_b = [], [], []
        for bridge in (False, True):
            slots = index.bridge_slots if bridge else index.expert_slots
            entries = np.nonzero(slots > 0)[0]
            for cat in np.unique(index.cat[entries]):
                pool = np.nonzero((index.expert[:, cat] != bridge) & (index.remaining > 0))[0]
                in_cat = entries[index.cat[entries] == cat]
                for lang in np.unique(index.lang[in_cat]):
                    group = in_cat[index.lang[in_cat] == lang]
                    e, j = self._suspects(pool, group, lang, bridge, skip)
                    if len(e):
                        b = np.full(len(e), bridge)
                        value = self.y[j] - index.language_cost(e, j)
                        bad = value > self.parent_potential(e, j, b)
                        found_e.append(e[bad])
                        found_j.append(j[bad])
                        found_b.append(b[bad])
        if not found_e:
            return Arcs(np.zeros(0, np.int64), np.zeros(0, np.int64), np.zeros(0, bool))
        return Arcs(np.concatenate(found_e), np.concatenate(found_j), np.concatenate(found_b))

    def _suspects(self, pool, group, lang, bridge, skip):
        """Pairs (entry, judge) of ``group`` × ``pool`` not in ``skip`` whose value beats the root."""
        index = self.index
        if len(pool) == 0:
            return np.zeros(0, np.int64), np.zeros(0, np.int64)
        cost = np.where(index.speaks[pool, lang], 0, index.w_language) if lang >= 0 else 0
        value = self.y[pool] - cost
        order = np.lexsort((index.rank[pool], -value))
        pool, value = pool[order], value[order]
        y_root = self.y_root[group + index.E * bridge]
        width = min(FAST_PATH_WIDTH, len(pool))
        codes = group[:, None] * index.J + pool[None, :width]
        free = ~skip.has(codes)
        first = np.argmax(free, axis=1)
        top = np.where(free.any(axis=1), value[first], -np.inf)
        suspect = (top > y_root) | (~free.any(axis=1) & (len(pool) > width))
        found_e, found_j = [], []
        for row in np.nonzero(suspect)[0]:
            count = int(np.searchsorted(-value, -y_root[row], side="left"))  # values > y_root
            cand = pool[:count]
            cand = cand[~skip.has(group[row] * index.J + cand)]
            found_e.append(np.full(len(cand), group[row]))
            found_j.append(cand)
        if not found_e:
            return np.zeros(0, np.int64), np.zeros(0, np.int64)
        return np.concatenate(found_e), np.concatenate(found_j)


def _lookup(codes: np.ndarray, ids: np.ndarray, query: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    if len(codes) == 0:
        return np.zeros(len(query), bool), np.zeros(len(query), np.int64)
    pos = np.minimum(np.searchsorted(codes, query), len(codes) - 1)
    return codes[pos] == query, ids[pos]


def lower_bound(index: Index, cert: Certificate, block: int = 1 << 18) -> int:
    """The LP dual of the dense network at the certificate's potentials, plus the kept pairs' cost.

    Weak duality makes this a lower bound on the dense optimum for any potentials; it equals the
    solution's objective exactly when the certificate holds. Enumerates every dense arc, in blocks of
    about ``block`` pairs. Potentials are integers, so the sum is exact.
    """
    lay = cert.layout
    supply = np.concatenate([index.expert_slots, index.bridge_slots])
    has = supply > 0
    total = -int(np.sum(supply[has] * _ints(cert.y_root[has])))
    # Group arcs: a free first unit when the group keeps no expert yet, then units of weight W.
    x_c = supply[lay.c_root]
    total -= _group_terms(cert.y_c, cert.y_root[lay.c_root], lay.c_kept, x_c, lay.c_weight, lay.c_real)
    o_parent = cert.y_c[lay.o_cnode]
    total -= _group_terms(cert.y_o, o_parent, lay.o_kept, x_c[lay.o_cnode], lay.o_weight, lay.o_real)
    # Load arcs: judge -> sink for each unit of capacity left.
    judge, t = index.load_units()
    total -= int(np.sum(np.maximum(0, -_ints(cert.y[judge]) - index.load_cost(judge, t))))
    # Judge-entry arcs: every eligible pair of the dense network.
    for bridge in (False, True):
        slots = index.bridge_slots if bridge else index.expert_slots
        entries = np.nonzero(slots > 0)[0]
        for cat in np.unique(index.cat[entries]):
            pool = np.nonzero((index.expert[:, cat] != bridge) & (index.remaining > 0))[0]
            in_cat = entries[index.cat[entries] == cat]
            rows = max(1, block // max(len(pool), 1))
            for start in range(0, len(in_cat), rows):
                chunk = in_cat[start : start + rows]
                e, j = np.repeat(chunk, len(pool)), np.tile(pool, len(chunk))
                keep = ~index.blocked(e, j)
                e, j = e[keep], j[keep]
                parent = cert.parent_potential(e, j, np.full(len(e), bridge))
                gain = _ints(cert.y[j]) - index.language_cost(e, j) - _ints(parent)
                total -= int(np.sum(np.maximum(0, gain)))
    return total + index.kept_cost()


def _ints(values: np.ndarray) -> np.ndarray:
    """Integer-valued float potentials as exact int64 (they are finite by construction)."""
    if not np.all(np.isfinite(values)):
        raise ValueError("potentials must be finite")
    return values.astype(np.int64)


def _group_terms(y_node, y_parent, kept, slots, weight, real) -> int:
    gap = _ints(np.where(real, y_node - y_parent, 0.0))
    first = np.where(~kept & real, np.maximum(0, gap), 0)
    rest = np.where(real, slots * np.maximum(0, gap - weight), 0)
    return int(np.sum(first) + np.sum(rest))
