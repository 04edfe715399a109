"""The assignment problem's plain data: what goes into the solver, what comes out, and input checks.

Everything is a frozen dataclass of ids and numbers so that callers (services, tests, the benchmark)
build problems without the solver's internals and get back values they can compare and hash.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field


@dataclass(frozen=True)
class EntrySpec:
    """An entry (submission) to be judged."""

    id: int
    category: int  # category id
    language: str | None = None
    organisation: str = ""  # normalised organisation name of the entrant (for information)
    country: str | None = None


@dataclass(frozen=True)
class JudgeSpec:
    """A judge who can take entries."""

    id: int
    expertise: frozenset[int]  # category ids
    languages: frozenset[str] = frozenset()
    capacity: int = 10  # maximum total load, kept assignments included
    organisation: str = ""  # normalised affiliation, for panel diversity ("" = unknown)
    country: str | None = None


@dataclass(frozen=True)
class Problem:
    """One round's assignment question: give every entry ``k`` judges."""

    entries: tuple[EntrySpec, ...]
    judges: tuple[JudgeSpec, ...]
    k: int  # judges per entry
    conflicts: frozenset[tuple[int, int]] = frozenset()  # (judge_id, entry_id) that must never meet
    keep: frozenset[tuple[int, int]] = frozenset()  # (judge_id, entry_id) existing assignments kept
    bridge: bool = False  # one judge per entry from outside its category (when k >= 2)
    seed: int = 0


@dataclass(frozen=True)
class Pair:
    """One judge on one entry."""

    judge: int
    entry: int
    kept: bool  # True when it came from Problem.keep


@dataclass(frozen=True)
class Solution:
    """An optimal assignment: every pair (kept ones included), its cost and each judge's load."""

    pairs: tuple[Pair, ...]  # sorted by (entry, judge)
    objective: int  # total cost of the documented objective (kept pairs included)
    loads: dict[int, int] = field(default_factory=dict)  # judge id -> entries (kept included), all judges


@dataclass(frozen=True)
class Shortfall:
    """An entry that cannot get its judges, and why.

    ``reason`` is one of:

    - ``"too_few_judges"``: fewer experts of the entry's category exist (besides those already on it)
      than the entry still needs, whatever their conflicts and capacity;
    - ``"conflicts"``: there would be enough experts, but conflicts of interest leave too few;
    - ``"capacity"``: after conflicts there are enough experts, but too few have capacity left; also
      used when every entry could be served on its own but the judges' capacity cannot serve them all
      at once (then ``available`` counts the judges free for this entry and ``needed`` what it lacked
      in a maximal partial assignment);
    - ``"no_bridge"``: bridges are on and no judge from outside the category is free for the entry
      (no conflict, capacity left).
    """

    entry: int
    category: int
    available: int  # judges that could still take this entry
    needed: int  # how many more judges the entry needs
    reason: str


class Infeasible(Exception):
    """No assignment meets the hard constraints; nothing should be written.

    ``shortfalls`` names the entries that cannot get ``k`` judges and why; ``total_capacity`` (capacity
    left after kept assignments) and ``total_demand`` (judge slots still to fill) support a global
    message. ``overloaded`` lists ``(judge_id, kept_load, capacity)`` for judges whose kept assignments
    alone exceed their capacity, and ``overfull`` lists ``(entry_id, kept, k)`` for entries with more
    kept judges than ``k``.
    """

    def __init__(
        self,
        shortfalls: tuple[Shortfall, ...],
        total_capacity: int,
        total_demand: int,
        overloaded: tuple[tuple[int, int, int], ...] = (),
        overfull: tuple[tuple[int, int, int], ...] = (),
    ) -> None:
        self.shortfalls = tuple(shortfalls)
        self.total_capacity = total_capacity
        self.total_demand = total_demand
        self.overloaded = tuple(overloaded)
        self.overfull = tuple(overfull)
        super().__init__(self._message())

    def _message(self) -> str:
        parts = [
            f"entry {s.entry} (category {s.category}): {s.available} judges available, "
            f"{s.needed} needed ({s.reason})"
            for s in self.shortfalls[:10]
        ]
        if len(self.shortfalls) > 10:
            parts.append(f"and {len(self.shortfalls) - 10} more entries")
        parts += [f"judge {j} is kept on {load} entries, capacity {cap}" for j, load, cap in self.overloaded]
        parts += [f"entry {e} keeps {n} judges, k is {k}" for e, n, k in self.overfull]
        parts.append(f"capacity left {self.total_capacity}, judge slots needed {self.total_demand}")
        return "no assignment meets the constraints: " + "; ".join(parts)


@dataclass(frozen=True)
class Explanation:
    """Why a judge is (or would be) on an entry, in the terms of the objective."""

    expert: bool  # judge's expertise covers the entry's category
    bridge: bool  # chosen as the entry's bridge judge (outside its category)
    language_match: bool | None  # None when the entry has no language
    load: int  # judge's load in the solution
    capacity: int
    same_organisation_on_panel: bool
    same_country_on_panel: bool


def check_problem(problem: Problem) -> None:
    """Raise ``ValueError`` for a malformed problem (a caller's bug, not an infeasible round).

    Checked: ``k >= 1``; capacities ``>= 0``; entry and judge ids unique; kept pairs name known judges
    and entries and are not conflicts. Conflicts naming unknown judges or entries are ignored (a
    challenge-wide conflict list may mention entries that are not in this round).
    """
    if problem.k < 1:
        raise ValueError(f"k must be at least 1, not {problem.k}")
    for what, ids in (("entry", [e.id for e in problem.entries]), ("judge", [j.id for j in problem.judges])):
        repeated = sorted(i for i, n in Counter(ids).items() if n > 1)
        if repeated:
            raise ValueError(f"{what} ids are not unique: {repeated[:10]}")
    negative = sorted(j.id for j in problem.judges if j.capacity < 0)
    if negative:
        raise ValueError(f"judges with a negative capacity: {negative[:10]}")
    judges = {j.id for j in problem.judges}
    entries = {e.id for e in problem.entries}
    unknown = sorted(p for p in problem.keep if p[0] not in judges or p[1] not in entries)
    if unknown:
        raise ValueError(f"kept pairs name unknown judges or entries: {unknown[:10]}")
    clash = sorted(problem.keep & problem.conflicts)
    if clash:
        raise ValueError(f"kept pairs are conflicts: {clash[:10]}")
