"""What the organiser's round page shows: assignments per entry with their reasons, loads, coverage,
entries short of judges with the best replacement, and recusals. Read-only.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from flask_babel import gettext as _

from judging.assignments.assign_reasons import explain_pairs, pair_reason, pair_reasons
from judging.assignments.assign_services import ACTIVE, RoundState, is_active_entry, load_round, problem_from
from judging.assignments.models import Assignment, AssignmentStatus, Judge, Round
from judging.core import assignment as solver
from judging.submissions.models import Submission

MAX_PROPOSALS = 50


@dataclass
class AssignmentRow:
    assignment: Assignment
    reason: str | None = None  # why this judge, when the pair counts
    note: str | None = None  # why it does not count, when it does not


@dataclass
class EntryRow:
    entry: Submission
    active: bool
    rows: list[AssignmentRow] = field(default_factory=list)
    counted: int = 0
    needed: int = 0  # judges still missing
    best: Judge | None = None  # the best replacement, when judges are missing
    proposed: bool = False  # whether the best replacement was looked up


@dataclass
class JudgeLoad:
    judge: Judge
    load: int
    capacity: int


@dataclass
class Overview:
    state: RoundState
    entries: list[EntryRow]
    loads: list[JudgeLoad]
    covered: int
    total: int

    @property
    def short(self) -> list[EntryRow]:
        return [row for row in self.entries if row.needed > 0]

    @property
    def proposals(self) -> list[EntryRow]:
        """The entries short of judges for which the best replacement was looked up."""
        return [row for row in self.entries if row.proposed]

    @property
    def recusals(self) -> list[tuple[Assignment, EntryRow]]:
        return [
            (item.assignment, row)
            for row in self.entries
            for item in row.rows
            if item.assignment.status is AssignmentStatus.RECUSED
        ]


def round_overview(round_: Round) -> Overview:
    """The round's assignments grouped by entry, with the solver's explanation of every counted pair.

    The best replacement is looked up for at most ``MAX_PROPOSALS`` entries short of judges, those with
    a recusal first (before a first automatic assignment every entry is short, and the automatic
    assignment is then the better tool).
    """
    state = load_round(round_)
    problem = problem_from(state, keep_existing=True)
    kept = sorted(problem.keep)
    reasons = pair_reasons(explain_pairs(problem, kept), {entry.id: entry for entry in state.entries})
    k = round_.judges_per_entry
    entries = []
    for entry in state.entries:
        row = EntryRow(entry, is_active_entry(entry))
        row.rows = [_row(state, reasons, a) for a in state.rows_by_entry.get(entry.id, ())]
        row.rows.sort(
            key=lambda item: (item.assignment.status is AssignmentStatus.RECUSED, item.assignment.id)
        )
        row.counted = len(state.panel(entry.id))
        if row.active and row.counted < k:
            row.needed = k - row.counted
        entries.append(row)
    _propose(state, problem, kept, entries)
    shown = {judge.id for judge in state.ready_judges} | {
        a.judge_id for a in state.assignments if a.status in ACTIVE
    }
    loads = [JudgeLoad(j, state.load(j.id), j.capacity) for j in state.judges if j.id in shown]
    active = [row for row in entries if row.active]
    covered = sum(1 for row in active if row.counted >= k)
    return Overview(state, entries, loads, covered, len(active))


def _propose(state: RoundState, problem, kept: list[tuple[int, int]], entries: list[EntryRow]) -> None:
    judges = {judge.id: judge for judge in state.judges}
    recused = {a.submission_id for a in state.assignments if a.status is AssignmentStatus.RECUSED}
    short = sorted((row for row in entries if row.needed), key=lambda row: row.entry.id not in recused)
    for row in short[:MAX_PROPOSALS]:
        best = solver.replacement_candidates(problem, kept, row.entry.id, limit=1)
        row.proposed = True
        row.best = judges[best[0][0]] if best else None


def round_summary(state: RoundState) -> tuple[int, int, int, int]:
    """(entries with all their judges, entries judged, entries short of judges, recusals), no solver."""
    k = state.round.judges_per_entry
    active = state.active_entries
    covered = sum(1 for entry in active if len(state.panel(entry.id)) >= k)
    recusals = sum(1 for a in state.assignments if a.status is AssignmentStatus.RECUSED)
    return covered, len(active), len(active) - covered, recusals


def _row(state: RoundState, reasons: dict[tuple[int, int], str], assignment: Assignment) -> AssignmentRow:
    if assignment.status is AssignmentStatus.RECUSED:
        return AssignmentRow(assignment)
    if not is_active_entry(assignment.submission):
        return AssignmentRow(assignment, note=_("entry withdrawn or not eligible: not counted"))
    if not assignment.judge.is_ready:
        return AssignmentRow(assignment, note=_("judge not ready: not counted"))
    if (assignment.judge_id, assignment.submission_id) in state.conflicts:
        return AssignmentRow(assignment, note=_("conflict of interest: not counted"))
    return AssignmentRow(assignment, reason=reasons[(assignment.judge_id, assignment.submission_id)])


@dataclass
class Candidate:
    judge: Judge
    reason: str


def swap_candidates(assignment: Assignment, limit: int = 5) -> tuple[list[Candidate], list[Judge]]:
    """The best judges to take over ``assignment`` (with why), then every other judge who could.

    The replaced judge and judges already on the entry's panel are left out.
    """
    state = load_round(assignment.round)
    problem = problem_from(state, keep_existing=True)
    replaced = (assignment.judge_id, assignment.submission_id)
    pairs = [pair for pair in sorted(problem.keep) if pair != replaced]
    on_panel = {a.judge_id for a in state.assignments if a.submission_id == assignment.submission_id}
    judges = {judge.id: judge for judge in state.judges}
    ranked = solver.replacement_candidates(
        problem, pairs, assignment.submission_id, limit=limit + len(on_panel)
    )
    chosen = [judge_id for judge_id, _cost in ranked if judge_id not in on_panel][:limit]
    trials = [(judge_id, assignment.submission_id) for judge_id in chosen]
    explained = explain_pairs(problem, pairs, asked=trials)
    suggestions = [
        Candidate(judges[j], pair_reason(explained[(j, e)], assignment.submission)) for j, e in trials
    ]
    suggested = {item.judge.id for item in suggestions}
    blocked = {j for j, e in problem.conflicts if e == assignment.submission_id}
    others = [
        judge
        for judge in state.ready_judges
        if judge.id not in suggested and judge.id not in on_panel and judge.id not in blocked
    ]
    return suggestions, others
