"""Replacements proposed for entries that lost a judge to a conflict: computed on each view, never stored.

An entry is listed when a conflict removed one of its assignments (the audit log's
``assignment.removed_for_conflict`` events say which judge and round), its round has not closed, the
entry is still judged, and its panel is still short of the round's k judges. The best replacement is
the pure solver's cheapest candidate for the round as it stands (ready judges, conflicts and recusals
excluded, capacity respected), explained in the same words as the assignment pages.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass

from sqlalchemy import or_, select
from sqlalchemy.orm import selectinload

from judging import permissions
from judging.assignments.assign_reasons import pair_reason
from judging.assignments.assign_services import is_active_entry, load_round, problem_from
from judging.assignments.models import Assignment, AssignmentStatus, Judge, Round
from judging.audit import AuditEvent
from judging.challenges.models import Challenge
from judging.core import assignment as solver
from judging.database import utcnow
from judging.extensions import db
from judging.submissions.models import Submission

REMOVED_FOR_CONFLICT = "assignment.removed_for_conflict"


@dataclass(frozen=True)
class Proposal:
    """An entry short of judges after a conflict, and who could take the place."""

    round: Round
    entry: Submission
    lost: tuple[str, ...]  # names of the judges the conflicts took away
    missing: int  # judges still needed for a full panel
    replacement: Judge | None  # None when no judge is free and without conflict
    reason: str = ""  # "expert in E-health; load 3 of 10"


def replacement_proposals(challenge: Challenge) -> list[Proposal]:
    """Every entry of the challenge's open rounds that lost a judge to a conflict and is still short."""
    lost = _lost_judges(challenge)
    if not lost:
        return []
    rounds = db.session.scalars(
        select(Round)
        .where(
            Round.challenge_id == challenge.id,
            Round.id.in_({round_id for round_id, _entry in lost}),
            or_(Round.closes_at.is_(None), Round.closes_at > utcnow()),
        )
        .order_by(Round.position)
    )
    proposals: list[Proposal] = []
    for round_ in rounds:
        proposals.extend(_round_proposals(round_, lost))
    return proposals


def scored_in_conflict(challenge: Challenge) -> list[Assignment]:
    """Scored assignments whose judge and entry are now in conflict: kept, for the organisers to decide."""
    pairs = permissions.active_conflict_pairs(challenge.id)
    if not pairs:
        return []
    scored = db.session.scalars(
        select(Assignment)
        .join(Round, Round.id == Assignment.round_id)
        .where(Round.challenge_id == challenge.id, Assignment.status == AssignmentStatus.SCORED)
        .options(
            selectinload(Assignment.judge),
            selectinload(Assignment.submission),
            selectinload(Assignment.round),
        )
        .order_by(Round.position, Assignment.id)
    )
    return [a for a in scored if (a.judge_id, a.submission_id) in pairs]


def _lost_judges(challenge: Challenge) -> dict[tuple[int, int], list[int]]:
    """(round id, entry id) → ids of the judges whose assignment a conflict removed, oldest first."""
    events = db.session.scalars(
        select(AuditEvent)
        .where(AuditEvent.challenge_id == challenge.id, AuditEvent.action == REMOVED_FOR_CONFLICT)
        .order_by(AuditEvent.at, AuditEvent.id)
    )
    lost: dict[tuple[int, int], list[int]] = defaultdict(list)
    for event in events:
        before = event.before or {}
        try:
            key = (int(before["round_id"]), int(before["submission_id"]))
            judge_id = int(before["judge_id"])
        except (KeyError, TypeError, ValueError):
            continue
        if judge_id not in lost[key]:
            lost[key].append(judge_id)
    return lost


def _round_proposals(round_: Round, lost: dict[tuple[int, int], list[int]]) -> list[Proposal]:
    state = load_round(round_)
    problem = problem_from(state, keep_existing=True)
    pairs = tuple(solver.Pair(judge=j, entry=e, kept=True) for j, e in sorted(problem.keep))
    judges = {judge.id: judge for judge in state.judges}
    proposals = []
    for entry in state.entries:
        lost_ids = lost.get((round_.id, entry.id))
        if not lost_ids or not is_active_entry(entry):
            continue
        missing = round_.judges_per_entry - len(state.panel(entry.id))
        if missing <= 0:
            continue
        names = tuple(judges[judge_id].name for judge_id in lost_ids if judge_id in judges)
        best = solver.replacement_candidates(problem, pairs, entry.id, limit=1)
        if not best:
            proposals.append(Proposal(round_, entry, names, missing, None))
            continue
        judge_id = best[0][0]
        chosen = (*pairs, solver.Pair(judge=judge_id, entry=entry.id, kept=False))
        solution = solver.Solution(pairs=chosen, objective=0, loads=dict(Counter(p.judge for p in chosen)))
        explanation = solver.explain(problem, solution, judge_id, entry.id)
        proposals.append(
            Proposal(round_, entry, names, missing, judges[judge_id], pair_reason(explanation, entry))
        )
    return proposals
