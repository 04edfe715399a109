"""A problem turned into integer positions and numpy arrays, with the objective's weights.

Entries and judges are numbered in id order; categories, languages, countries and organisations get
small integer codes. Everything the solver, the certificate and the rules need is computed once here.
"""

from __future__ import annotations

from functools import lru_cache
from itertools import chain

import numpy as np

from .model import Problem

W_COUNTRY = 1  # a further expert from a country already on the panel
W_ORGANISATION = 1  # a further expert from an organisation already on the panel (on top of the country)


@lru_cache(maxsize=1024)
def language_key(language: str | None) -> str | None:
    """The primary language subtag, folded: ``"en-GB"`` and ``"EN"`` both read ``"en"``."""
    if not language:
        return None
    return language.replace("_", "-").split("-")[0].strip().casefold() or None


def weights(open_slots: int) -> tuple[int, int]:
    """``(w_language, load_unit)`` for a problem with ``open_slots`` judge slots to fill.

    Diversity adds at most ``W_COUNTRY + W_ORGANISATION = 2`` per new pair, so all of it weighs less
    than one language mismatch ``w_language = 2P + 1``; all mismatches weigh less than ``load_unit =
    P * w_language + 1``, and every load cost is a multiple of ``load_unit``. The sum of the three is
    therefore lexicographic: load balance, then language, then diversity.
    """
    w_language = 2 * open_slots + 1
    return w_language, open_slots * w_language + 1


def load_steps(capacity: np.ndarray, t: np.ndarray, scale: int) -> np.ndarray:
    """``ceil(scale * t / capacity)``: the load cost of a judge's t-th entry, in load units.

    ``scale`` is the largest capacity in the problem, so the steps strictly increase for every judge
    and track the share of capacity used.
    """
    capacity = np.maximum(capacity, 1)
    return (scale * t + capacity - 1) // capacity


class Index:
    """Positions, codes and arrays of one problem (see module docstring)."""

    def __init__(self, problem: Problem) -> None:
        self.problem = problem
        self.judges = sorted(problem.judges, key=lambda j: j.id)
        self.entries = sorted(problem.entries, key=lambda e: e.id)
        self.J, self.E = len(self.judges), len(self.entries)
        self.jpos = {j.id: i for i, j in enumerate(self.judges)}
        self.epos = {e.id: i for i, e in enumerate(self.entries)}
        self.judge_ids = np.array([j.id for j in self.judges], dtype=np.int64)
        self.entry_ids = np.array([e.id for e in self.entries], dtype=np.int64)
        J, E = self.J, self.E

        cats = sorted({e.category for e in self.entries})
        cpos = {c: i for i, c in enumerate(cats)}
        self.categories = cats
        self.cat = np.array([cpos[e.category] for e in self.entries], dtype=np.int64)
        self.expert = np.zeros((J, len(cats)), dtype=bool)
        for i, judge in enumerate(self.judges):
            for c in judge.expertise:
                if c in cpos:
                    self.expert[i, cpos[c]] = True

        langs = sorted({k for e in self.entries if (k := language_key(e.language))})
        lpos = {lang: i for i, lang in enumerate(langs)}
        self.lang = np.array([lpos.get(language_key(e.language), -1) for e in self.entries], dtype=np.int64)
        self.speaks = np.zeros((J, len(langs) + 1), dtype=bool)  # last column: "no language", always True
        self.speaks[:, -1] = True
        for i, judge in enumerate(self.judges):
            for language in judge.languages:
                if (k := language_key(language)) in lpos:
                    self.speaks[i, lpos[k]] = True

        countries = sorted({j.country for j in self.judges if j.country})
        kpos = {c: i for i, c in enumerate(countries)}
        self.country = np.array([kpos[j.country] if j.country else -1 for j in self.judges], dtype=np.int64)
        orgs = sorted({(j.country or "", j.organisation) for j in self.judges if j.organisation})
        opos = {o: i for i, o in enumerate(orgs)}
        self.org = np.array(
            [opos[(j.country or "", j.organisation)] if j.organisation else -1 for j in self.judges],
            dtype=np.int64,
        )
        self.n_countries, self.n_orgs = len(countries), len(orgs)

        self.capacity = np.array([j.capacity for j in self.judges], dtype=np.int64)
        self.load_scale = max(1, int(self.capacity.max(initial=1)))
        keep = sorted((self.jpos[j], self.epos[e]) for j, e in problem.keep)
        self.kept_j = np.array([p[0] for p in keep], dtype=np.int64)
        self.kept_e = np.array([p[1] for p in keep], dtype=np.int64)
        self.kept_load = np.bincount(self.kept_j, minlength=J).astype(np.int64)
        self.remaining = self.capacity - self.kept_load
        kept_count = np.bincount(self.kept_e, minlength=E).astype(np.int64)
        self.kept_count = kept_count
        kept_expert = self.expert[self.kept_j, self.cat[self.kept_e]]
        self.kept_expert = kept_expert
        kept_outsiders = np.bincount(self.kept_e[~kept_expert], minlength=E)
        self.slots = np.maximum(problem.k - kept_count, 0)
        bridges = problem.bridge and problem.k >= 2  # a panel of one is never a bridge judge alone
        self.bridge_slots = ((self.slots >= 1) & (kept_outsiders == 0) & bridges).astype(np.int64)
        self.expert_slots = self.slots - self.bridge_slots

        # Experts already on each panel, per country and per organisation (diversity counts them).
        kj, ke = self.kept_j[kept_expert], self.kept_e[kept_expert]
        self.kept_country_codes = _group_codes(ke, self.country[kj], self.n_countries + 1)
        self.kept_org_codes = _group_codes(ke, self.org[kj], self.n_orgs + 1)
        width = self.n_countries + 1
        self.kept_pairs_country = (self.kept_country_codes // width, self.kept_country_codes % width)
        width = self.n_orgs + 1
        self.kept_pairs_org = (self.kept_org_codes // width, self.kept_org_codes % width)

        pairs = np.fromiter(
            chain.from_iterable(problem.conflicts), dtype=np.int64, count=2 * len(problem.conflicts)
        )
        cj, ce = _positions(self.judge_ids, pairs[0::2]), _positions(self.entry_ids, pairs[1::2])
        known = (cj >= 0) & (ce >= 0)  # conflicts about judges or entries not in this problem are ignored
        self.conflict_codes = unique(ce[known] * J + cj[known])
        self.blocked_codes = unique(np.concatenate([self.conflict_codes, self.kept_e * J + self.kept_j]))
        self.blocked_set = CodeSet(self.blocked_codes, E * J, J)
        self.blocked_e, self.blocked_j = self.blocked_codes // max(J, 1), self.blocked_codes % max(J, 1)
        self.conflict_e, self.conflict_j = self.conflict_codes // max(J, 1), self.conflict_codes % max(J, 1)

        self.open_slots = int(self.slots.sum())
        self.w_language, self.load_unit = weights(self.open_slots)
        # The cost of an artificial arc judge -> sink that the certificate gives judges at capacity. A
        # simple path from the sink costs at least -(S * U) (one load arc back) plus -(w_language + 4)
        # per judge it passes, so big_m closes no negative cycle and the potentials stay finite.
        self.big_m = 2 * (self.load_scale * self.load_unit + (J + 1) * (self.w_language + 4)) + 1
        rng = np.random.default_rng(problem.seed & 0xFFFFFFFFFFFFFFFF)
        self.rank = np.argsort(rng.permutation(J)).astype(np.int64)  # seeded tie-break order of judges
        self.entry_order = np.argsort(rng.permutation(E)).astype(np.int64)  # seeded order of entries

    def language_cost(self, e: np.ndarray, j: np.ndarray) -> np.ndarray:
        """``w_language`` where entry ``e`` has a language judge ``j`` does not speak, else 0."""
        return np.where(self.speaks[j, self.lang[e]], 0, self.w_language).astype(np.int64)

    def blocked(self, e: np.ndarray, j: np.ndarray) -> np.ndarray:
        """True where the pair is a conflict or a kept assignment."""
        return self.blocked_set.has(e * self.J + j)

    def kept_in_country(self, e: np.ndarray, country: np.ndarray) -> np.ndarray:
        """True where panel ``e`` already keeps an expert from ``country`` (``-1`` = unknown: False)."""
        return member(self.kept_country_codes, e * (self.n_countries + 1) + country) & (country >= 0)

    def kept_in_org(self, e: np.ndarray, org: np.ndarray) -> np.ndarray:
        """True where panel ``e`` already keeps an expert from organisation ``org``."""
        return member(self.kept_org_codes, e * (self.n_orgs + 1) + org) & (org >= 0)

    def load_cost(self, j: np.ndarray, t: np.ndarray) -> np.ndarray:
        """The objective's cost of judge ``j``'s t-th entry."""
        return self.load_unit * load_steps(self.capacity[j], t, self.load_scale)

    def load_units(self, units: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
        """``(judge, t)`` for each judge's next ``units`` entries after the kept ones (default: all the
        capacity left): the unit arcs judge -> sink, priced by ``load_cost(judge, t)``."""
        units = np.maximum(self.remaining, 0) if units is None else units
        judge, t = _runs(units)
        return judge, self.kept_load[judge] + t

    def kept_cost(self) -> int:
        """The objective's cost of the kept pairs alone (load, language, diversity)."""
        return cost_of_pairs(self, self.kept_j, self.kept_e)


def cost_of_pairs(index: Index, j: np.ndarray, e: np.ndarray) -> int:
    """The documented objective of a set of pairs given as judge and entry positions (exact integers)."""
    judge, t = _runs(np.bincount(j, minlength=index.J))
    steps = int(load_steps(index.capacity[judge], t, index.load_scale).sum())
    total = index.load_unit * steps + int(index.language_cost(e, j).sum())
    experts = index.expert[j, index.cat[e]]
    je, ee = j[experts], e[experts]
    for groups, width, weight in (
        (index.country[je], index.n_countries + 1, W_COUNTRY),
        (index.org[je], index.n_orgs + 1, W_ORGANISATION),
    ):
        known = groups >= 0
        codes = ee[known] * width + groups[known]
        total += weight * (len(codes) - len(unique(codes)))  # sum over groups of (members - 1)
    return total


def member(sorted_codes: np.ndarray, codes: np.ndarray) -> np.ndarray:
    """``np.isin`` for a sorted, unique haystack, keeping the shape of ``codes``."""
    if len(sorted_codes) == 0:
        return np.zeros(np.shape(codes), dtype=bool)
    pos = np.minimum(np.searchsorted(sorted_codes, codes), len(sorted_codes) - 1)
    return sorted_codes[pos] == codes


def _runs(counts: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``(i, t)`` with ``t = 1..counts[i]`` for every ``i``, as two flat arrays."""
    i = np.repeat(np.arange(len(counts)), counts)
    return i, 1 + np.arange(len(i)) - np.repeat(np.cumsum(counts) - counts, counts)


def _group_codes(entries: np.ndarray, groups: np.ndarray, width: int) -> np.ndarray:
    """Sorted distinct ``entry * width + group`` for the known groups (``group >= 0``)."""
    known = groups >= 0
    return unique(entries[known] * width + groups[known])


def unique(values: np.ndarray) -> np.ndarray:
    """Sorted distinct values (sort-based: much faster than ``np.unique``'s hashing on large int arrays)."""
    values = np.sort(values)
    keep = np.ones(len(values), dtype=bool)
    keep[1:] = values[1:] != values[:-1]
    return values[keep]


def _positions(sorted_ids: np.ndarray, ids: np.ndarray) -> np.ndarray:
    """Position of each id in ``sorted_ids``, or -1 when absent (a lookup table when ids are compact)."""
    if len(sorted_ids) == 0:
        return np.full(len(ids), -1, dtype=np.int64)
    low, span = int(sorted_ids[0]), int(sorted_ids[-1] - sorted_ids[0]) + 1
    if span <= 8 * len(sorted_ids) + 1024:
        table = np.full(span + 1, -1, dtype=np.int64)  # last slot: every id out of range
        table[sorted_ids - low] = np.arange(len(sorted_ids))
        offset = ids - low
        return table[np.where((offset >= 0) & (offset < span), offset, span)]
    pos = np.minimum(np.searchsorted(sorted_ids, ids), len(sorted_ids) - 1)
    return np.where(sorted_ids[pos] == ids, pos, -1)


class CodeSet:
    """A set of pair codes ``entry * J + judge`` with fast vectorised membership.

    Below ``BITMAP_LIMIT`` possible codes it keeps a packed bitmap (one bit per pair: 5 MB for 20,000
    entries and 2,000 judges), which answers far faster than a binary search; above, a sorted array.
    """

    BITMAP_LIMIT = 1 << 31

    def __init__(self, codes: np.ndarray, size: int, width: int = 1) -> None:
        self.codes, self.size, self.width, self.bits, self._bytes = codes, size, width, None, None
        if size <= self.BITMAP_LIMIT:
            flags = np.zeros(size + 8, dtype=bool)
            flags[codes] = True
            self.bits = np.packbits(flags)

    def has(self, codes: np.ndarray) -> np.ndarray:
        """Membership of every code (any shape)."""
        if self.bits is None:
            return member(self.codes, codes)
        return (self.bits[codes >> 3] & (128 >> (codes & 7)).astype(np.uint8)) != 0

    def union(self, codes: np.ndarray) -> CodeSet:
        """This set with ``codes`` added."""
        return CodeSet(unique(np.concatenate([self.codes, codes])), self.size, self.width)

    def checker(self, width: int | None = None):
        """A plain-Python ``blocked(entry, judge) -> bool`` for loops that test one pair at a time."""
        width = self.width if width is None else width
        if self.bits is None:
            codes = set(self.codes.tolist())
            return lambda e, j: e * width + j in codes
        if self._bytes is None:
            self._bytes = self.bits.tobytes()
        bits = self._bytes
        return lambda e, j: bool(bits[(code := e * width + j) >> 3] & (128 >> (code & 7)))
