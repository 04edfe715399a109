"""The solver's explanations and refusals in words, in the reader's language.

"expert in E-health; load 12 of 15; speaks Spanish" for a pairing; "E-health has 2 eligible judges
without conflicts for entry “Solar mesh” (3 needed)" for an entry that cannot get its judges.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import replace
from typing import TYPE_CHECKING

from flask_babel import gettext as _
from flask_babel import ngettext

from judging.assignments.models import JudgeStatus
from judging.core import assignment as solver
from judging.i18n import language_label
from judging.submissions.models import Submission

if TYPE_CHECKING:
    from judging.assignments.assign_services import RoundState


def explain_pairs(
    problem: solver.Problem, pairs: Iterable[tuple[int, int]], asked: Iterable[tuple[int, int]] | None = None
) -> dict[tuple[int, int], solver.Explanation]:
    """``solver.explain`` for every pair in ``asked`` (default: all ``pairs``), given the whole ``pairs``.

    ``explain`` finds its judge and entry by scanning the problem and counts a load over every pair it is
    given, so asking it about each pair of a large round one by one takes quadratic time. Each question
    here carries only what ``explain`` reads, so the answers are the same: the entry, the judges of its
    panel, the panel's pairs and the judge's other pairs (for the load).
    """
    pairs = list(pairs)
    entries = {entry.id: entry for entry in problem.entries}
    judges = {judge.id: judge for judge in problem.judges}
    panels: dict[int, list[int]] = defaultdict(list)
    loads: dict[int, list[int]] = defaultdict(list)
    for judge_id, entry_id in pairs:
        panels[entry_id].append(judge_id)
        loads[judge_id].append(entry_id)
    answers = {}
    for judge_id, entry_id in pairs if asked is None else asked:
        panel = panels[entry_id]
        on_panel = [judges[j] for j in panel if j in judges]
        if judge_id not in panel:
            on_panel.append(judges[judge_id])
        small = replace(
            problem,
            entries=(entries[entry_id],),
            judges=tuple(on_panel),
            conflicts=frozenset(),
            keep=frozenset(),
        )
        items = (
            {(j, entry_id) for j in panel} | {(judge_id, e) for e in loads[judge_id]} | {(judge_id, entry_id)}
        )
        solution = solver.Solution(
            pairs=tuple(solver.Pair(j, e, True) for j, e in sorted(items)), objective=0
        )
        answers[(judge_id, entry_id)] = solver.explain(small, solution, judge_id, entry_id)
    return answers


def pair_reason(explanation: solver.Explanation, entry: Submission) -> str:
    """Why this judge has this entry, in a few words joined by semicolons."""
    category = entry.category.name
    parts = []
    if explanation.expert:
        parts.append(_("expert in %(category)s", category=category))
    elif explanation.bridge:
        parts.append(_("bridge judge from outside %(category)s", category=category))
    else:
        parts.append(_("not an expert in %(category)s", category=category))
    parts.append(_("load %(load)d of %(capacity)d", load=explanation.load, capacity=explanation.capacity))
    if explanation.language_match is True:
        parts.append(_("speaks %(language)s", language=language_label(entry.language, mid_sentence=True)))
    elif explanation.language_match is False:
        language = language_label(entry.language, mid_sentence=True)
        parts.append(_("does not speak %(language)s", language=language))
    if explanation.same_organisation_on_panel:
        parts.append(_("same organisation as another judge of this entry"))
    if explanation.same_country_on_panel:
        parts.append(_("same country as another judge of this entry"))
    return "; ".join(parts)


def pair_reasons(
    explained: dict[tuple[int, int], solver.Explanation], entries: dict[int, Submission]
) -> dict[tuple[int, int], str]:
    """``pair_reason`` for many pairs; pairs with the same explanation, category and language share
    one wording (translating thousands of identical phrases one by one is slow)."""
    worded: dict[tuple, str] = {}
    reasons = {}
    for (judge_id, entry_id), explanation in explained.items():
        entry = entries[entry_id]
        key = (explanation, entry.category_id, entry.language)
        if key not in worded:
            worded[key] = pair_reason(explanation, entry)
        reasons[(judge_id, entry_id)] = worded[key]
    return reasons


def shortfall_message(shortfall: solver.Shortfall, entry: Submission) -> str:
    """Why one entry cannot get its judges."""
    values = {
        "category": entry.category.name,
        "title": entry.title,
        "available": shortfall.available,
        "needed": shortfall.needed,
    }
    if shortfall.reason == "conflicts":
        return _(
            "%(category)s has %(available)d eligible judges without conflicts for entry “%(title)s” "
            "(%(needed)d needed).",
            **values,
        )
    if shortfall.reason == "capacity":
        return _(
            "%(category)s has %(available)d eligible judges with capacity left for entry “%(title)s” "
            "(%(needed)d needed).",
            **values,
        )
    if shortfall.reason == "no_bridge":
        return _(
            "No judge from outside %(category)s is free to be the bridge judge for entry “%(title)s”.",
            **values,
        )
    return _(
        "%(category)s has %(available)d eligible judges for entry “%(title)s” (%(needed)d needed).",
        **values,
    )


def infeasibility_messages(infeasible: solver.Infeasible, state: RoundState) -> list[str]:
    """Which entries cannot get their judges and why, then capacity against demand, in words."""
    entries = {entry.id: entry for entry in state.entries}
    judges = {judge.id: judge for judge in state.judges}
    messages = [shortfall_message(shortfall, entries[shortfall.entry]) for shortfall in infeasible.shortfalls]
    for judge_id, load, capacity in infeasible.overloaded:
        messages.append(
            _(
                "%(name)s already has %(load)d entries in this round, more than their capacity of "
                "%(capacity)d.",
                name=judges[judge_id].name,
                load=load,
                capacity=capacity,
            )
        )
    for entry_id, kept, k in infeasible.overfull:
        messages.append(
            _(
                "“%(title)s” already has %(kept)d judges, more than the %(k)d this round needs.",
                title=entries[entry_id].title,
                kept=kept,
                k=k,
            )
        )
    messages.append(
        _(
            "The ready judges have room for %(capacity)d more assignments; this round still needs "
            "%(demand)d.",
            capacity=infeasible.total_capacity,
            demand=infeasible.total_demand,
        )
    )
    messages.extend(unavailable_judges(state))
    return messages


def unavailable_judges(state: RoundState) -> list[str]:
    """Counts of the judges who cannot take entries, and why."""
    notes = []
    ready = state.ready_judges
    if zero := sum(1 for judge in ready if judge.capacity <= 0):
        notes.append(
            ngettext(
                "%(num)d judge has a capacity of 0 and cannot take entries.",
                "%(num)d judges have a capacity of 0 and cannot take entries.",
                zero,
            )
        )
    if no_expertise := sum(1 for judge in ready if not judge.expertise):
        notes.append(
            ngettext(
                "%(num)d judge has no category of expertise.",
                "%(num)d judges have no category of expertise.",
                no_expertise,
            )
        )
    if waiting := sum(
        1 for judge in state.judges if not judge.is_ready and judge.status is JudgeStatus.ACTIVE
    ):
        notes.append(
            ngettext(
                "%(num)d judge has not yet accepted the terms or confirmed their profile: left out.",
                "%(num)d judges have not yet accepted the terms or confirmed their profile: left out.",
                waiting,
            )
        )
    return notes
