"""The preview of an automatic assignment: what a commit with these parameters would write, and the
figures to judge it by (coverage, loads per judge, expertise and language match), without writing.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from judging.assignments.assign_reasons import explain_pairs, infeasibility_messages, pair_reasons
from judging.assignments.assign_services import (
    RoundState,
    fingerprint,
    load_round,
    problem_from,
    replaceable,
)
from judging.assignments.models import Assignment, Judge, Round
from judging.core import assignment as solver
from judging.submissions.models import Submission


@dataclass
class NewPair:
    judge: Judge
    entry: Submission
    reason: str


@dataclass
class LoadRow:
    judge: Judge
    before: int
    after: int
    capacity: int

    @property
    def added(self) -> int:
        return self.after - self.before


@dataclass
class Preview:
    """What a commit with these parameters would write, with the figures to judge it by."""

    state: RoundState
    problem: solver.Problem
    inputs: str
    keep_existing: bool
    seed: int
    solution: solver.Solution | None = None
    problems: list[str] = field(default_factory=list)  # when infeasible: why, in words
    new_pairs: list[NewPair] = field(default_factory=list)
    dropped: list[Assignment] = field(default_factory=list)
    loads: list[LoadRow] = field(default_factory=list)
    covered_before: int = 0
    covered_after: int = 0
    total: int = 0
    expertise_share: float | None = None
    language_share: float | None = None

    @property
    def feasible(self) -> bool:
        return self.solution is not None

    @property
    def changes(self) -> bool:
        return bool(self.new_pairs or self.dropped)


def preview_assignments(round_: Round, *, keep_existing: bool = True, seed: int = 0) -> Preview:
    """Solve the round without writing anything. Infeasibility is reported in ``problems``."""
    state = load_round(round_)
    problem = problem_from(state, keep_existing=keep_existing, seed=seed)
    preview = Preview(state, problem, fingerprint(problem, state), keep_existing, seed)
    k = round_.judges_per_entry
    preview.total = len(state.active_entries)
    preview.covered_before = sum(1 for e in state.active_entries if len(state.panel(e.id)) >= k)
    try:
        solution = solver.solve(problem)
    except solver.Infeasible as infeasible:
        preview.problems = infeasibility_messages(infeasible, state)
        return preview
    preview.solution = solution
    _describe(preview, solution)
    return preview


def _describe(preview: Preview, solution: solver.Solution) -> None:
    state, problem = preview.state, preview.problem
    judges = {judge.id: judge for judge in state.judges}
    entries = {entry.id: entry for entry in state.entries}
    existing = {(a.judge_id, a.submission_id) for a in state.assignments}
    chosen = [(pair.judge, pair.entry) for pair in solution.pairs]
    explained = explain_pairs(problem, chosen)
    new = {pair: explained[pair] for pair in chosen if pair not in existing}
    for pair, reason in pair_reasons(new, entries).items():
        preview.new_pairs.append(NewPair(judges[pair[0]], entries[pair[1]], reason))
    preview.new_pairs.sort(key=lambda p: (p.entry.category.position, p.entry.title.casefold(), p.judge.name))
    kept = set(chosen)
    preview.dropped = [
        a for a in replaceable(state, preview.keep_existing) if (a.judge_id, a.submission_id) not in kept
    ]
    covered = Counter(entry_id for _judge, entry_id in chosen)
    preview.covered_after = sum(1 for entry in state.active_entries if covered[entry.id] >= problem.k)
    counted = Counter(a.judge_id for a in state.assignments if state.counts(a))
    for judge in state.ready_judges:
        preview.loads.append(
            LoadRow(judge, counted[judge.id], solution.loads.get(judge.id, 0), judge.capacity)
        )
    if chosen:
        preview.expertise_share = sum(e.expert for e in explained.values()) / len(chosen)
    with_language = [e.language_match for e in explained.values() if e.language_match is not None]
    if with_language:
        preview.language_share = sum(with_language) / len(with_language)
