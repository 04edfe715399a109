"""Checks and explanations around a solution: ``validate``, ``objective``, ``explain`` and
``replacement_candidates``.

These work on any set of pairs (a solver's output, the database's current assignments, a trial pair), so
they are written plainly over dictionaries and never raise for a pair the solver would refuse.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable

import numpy as np

from .index import W_COUNTRY, W_ORGANISATION, Index, cost_of_pairs, language_key, weights
from .model import EntrySpec, Explanation, JudgeSpec, Pair, Problem, Solution

PairsLike = Solution | Iterable[Pair] | Iterable[tuple[int, int]]


def as_pairs(pairs: PairsLike) -> list[tuple[int, int]]:
    """``(judge_id, entry_id)`` tuples from a Solution, Pairs or tuples."""
    items = pairs.pairs if isinstance(pairs, Solution) else pairs
    return [(p.judge, p.entry) if isinstance(p, Pair) else (int(p[0]), int(p[1])) for p in items]


def _org_key(judge: JudgeSpec) -> tuple[str, str] | None:
    return (judge.country or "", judge.organisation) if judge.organisation else None


def validate(problem: Problem, pairs: PairsLike) -> list[str]:
    """Every hard-constraint violation of ``pairs``, as ``"<code> key=value ..."`` strings (empty = valid).

    Codes: ``unknown_judge``, ``unknown_entry``, ``duplicate``, ``conflict``, ``kept_missing``,
    ``coverage`` (an entry without exactly k judges), ``capacity`` (a judge over capacity), ``expertise``
    (a new pair whose judge is not an expert of the entry's category, outside a bridge slot) and
    ``bridge`` (an entry whose bridge slot has not exactly one judge from outside its category).
    """
    items = as_pairs(pairs)
    judges = {j.id: j for j in problem.judges}
    entries = {e.id: e for e in problem.entries}
    problems: list[str] = []
    for (j, e), n in sorted(Counter(items).items()):
        if n > 1:
            problems.append(f"duplicate judge={j} entry={e} times={n}")
    chosen = sorted(set(items))
    problems += [f"unknown_judge judge={j} entry={e}" for j, e in chosen if j not in judges]
    problems += [f"unknown_entry judge={j} entry={e}" for j, e in chosen if e not in entries]
    chosen = [(j, e) for j, e in chosen if j in judges and e in entries]
    problems += [f"conflict judge={j} entry={e}" for j, e in chosen if (j, e) in problem.conflicts]
    have = set(chosen)
    problems += [f"kept_missing judge={j} entry={e}" for j, e in sorted(problem.keep) if (j, e) not in have]
    panels: dict[int, list[int]] = defaultdict(list)
    for j, e in chosen:
        panels[e].append(j)
    for e in sorted(entries):
        if len(panels[e]) != problem.k:
            problems.append(f"coverage entry={e} judges={len(panels[e])} k={problem.k}")
    loads = Counter(j for j, _e in chosen)
    for j in sorted(loads):
        if loads[j] > judges[j].capacity:
            problems.append(f"capacity judge={j} load={loads[j]} capacity={judges[j].capacity}")
    kept_count = Counter(e for _j, e in problem.keep)
    for e in sorted(panels):
        category = entries[e].category
        outsiders = [j for j in panels[e] if category not in judges[j].expertise]
        kept_outsiders = [j for j in outsiders if (j, e) in problem.keep]
        new_outsiders = [j for j in outsiders if (j, e) not in problem.keep]
        bridge_slot = problem.bridge and problem.k >= 2 and problem.k > kept_count[e] and not kept_outsiders
        if bridge_slot and len(new_outsiders) != 1:
            problems.append(f"bridge entry={e} outsiders={len(new_outsiders)} expected=1")
        elif not bridge_slot:
            problems += [f"expertise judge={j} entry={e}" for j in sorted(new_outsiders)]
    return problems


def objective(problem: Problem, pairs: PairsLike) -> int:
    """The documented objective of ``pairs`` (kept pairs included), whether or not they are valid."""
    index = Index(problem)
    items = [(j, e) for j, e in set(as_pairs(pairs)) if j in index.jpos and e in index.epos]
    j = np.array([index.jpos[j] for j, _e in items], dtype=np.int64)
    e = np.array([index.epos[e] for _j, e in items], dtype=np.int64)
    return cost_of_pairs(index, j, e)


def _speaks(judge: JudgeSpec, entry: EntrySpec) -> bool | None:
    wanted = language_key(entry.language)
    if wanted is None:
        return None
    return wanted in {language_key(language) for language in judge.languages}


def explain(problem: Problem, solution: Solution, judge_id: int, entry_id: int) -> Explanation:
    """Why ``judge_id`` is on ``entry_id`` in ``solution``, in the objective's terms.

    The load counts the judge's pairs in ``solution``. Same organisation / country are reported as the
    objective counts them: against the panel's other judges, when both are experts of the category.
    """
    judge = next((j for j in problem.judges if j.id == judge_id), None)
    entry = next((e for e in problem.entries if e.id == entry_id), None)
    if judge is None or entry is None:
        raise ValueError(f"unknown judge {judge_id} or entry {entry_id}")
    items = set(as_pairs(solution))
    judges = {j.id: j for j in problem.judges}
    expert = entry.category in judge.expertise
    panel = [judges[j] for j, e in items if e == entry_id and j != judge_id and j in judges]
    experts = [j for j in panel if entry.category in j.expertise] if expert else []
    return Explanation(
        expert=expert,
        bridge=problem.bridge and problem.k >= 2 and not expert,
        language_match=_speaks(judge, entry),
        load=sum(1 for j, _e in items if j == judge_id),
        capacity=judge.capacity,
        same_organisation_on_panel=_org_key(judge) is not None
        and any(_org_key(o) == _org_key(judge) for o in experts),
        same_country_on_panel=bool(judge.country) and any(o.country == judge.country for o in experts),
    )


def replacement_candidates(
    problem: Problem, solution_or_pairs: PairsLike, entry_id: int, limit: int = 5
) -> list[tuple[int, int]]:
    """The best judges to add to ``entry_id`` given the current pairs, as ``(judge_id, marginal_cost)``.

    Candidates have no conflict with the entry, are not already on it and have capacity left; they follow
    the expertise rule (experts, or an outsider when the entry's bridge slot is open; only outsiders when
    that slot is the last one open). The marginal cost is the objective's increase from adding the pair:
    the judge's next load step, a language mismatch, and the diversity terms. Cheapest first, ties by
    judge id.
    """
    entry = next((e for e in problem.entries if e.id == entry_id), None)
    if entry is None:
        raise ValueError(f"unknown entry {entry_id}")
    items = set(as_pairs(solution_or_pairs))
    judges = {j.id: j for j in problem.judges}
    panel = [judges[j] for j, e in items if e == entry_id and j in judges]
    on_panel = {j.id for j in panel}
    loads = Counter(j for j, _e in items)
    kept = Counter(e for _j, e in problem.keep)
    open_slots = sum(max(problem.k - kept[e.id], 0) for e in problem.entries)
    w_language, unit = weights(open_slots)
    scale = max([1, *(j.capacity for j in problem.judges)])
    experts = [j for j in panel if entry.category in j.expertise]
    bridge_open = problem.bridge and problem.k >= 2 and len(experts) == len(panel)
    only_outsiders = bridge_open and problem.k - len(panel) <= 1
    countries = Counter(j.country for j in experts if j.country)
    orgs = Counter(_org_key(j) for j in experts if _org_key(j))
    ranked = []
    for judge in problem.judges:
        if judge.id in on_panel or (judge.id, entry_id) in problem.conflicts:
            continue
        load = loads[judge.id]
        if load >= judge.capacity:
            continue
        expert = entry.category in judge.expertise
        if (expert and only_outsiders) or (not expert and not bridge_open):
            continue
        cost = unit * -(-scale * (load + 1) // judge.capacity)
        cost += w_language if _speaks(judge, entry) is False else 0
        if expert:
            cost += W_COUNTRY if judge.country and countries[judge.country] else 0
            cost += W_ORGANISATION if _org_key(judge) and orgs[_org_key(judge)] else 0
        ranked.append((cost, judge.id))
    ranked.sort()
    return [(judge_id, cost) for cost, judge_id in ranked[:limit]]
