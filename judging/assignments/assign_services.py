"""Automatic assignment of a round's entries to judges: the solver's input and the commit.

The database is read once per use case into a ``RoundState``; ``build_problem`` turns it into the pure
solver's ``Problem`` (ready judges only, the round's active entries, active conflicts and recusals as
forbidden pairs, the current assignments as pairs to keep). The preview and the commit run the same
deterministic solve, and the commit refuses to write when the inputs changed since the preview (their
fingerprint differs), so what is written is exactly what the organiser saw. The preview itself is
built in ``assign_preview``.
"""

from __future__ import annotations

import hashlib
import json
import logging
import smtplib
from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import datetime
from functools import cached_property

from flask import current_app, url_for
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from judging import audit, permissions
from judging.accounts.models import User
from judging.assignments.assign_reasons import infeasibility_messages
from judging.assignments.models import (
    Assignment,
    AssignmentOrigin,
    AssignmentStatus,
    Judge,
    Round,
    RoundEntry,
)
from judging.challenges.content_languages import localized
from judging.core import assignment as solver
from judging.core.lifecycle import SubmissionStatus
from judging.core.text import normalise_name
from judging.errors import DomainError
from judging.extensions import db
from judging.mail import external_url, send_template
from judging.submissions.models import Submission

log = logging.getLogger(__name__)

ACTIVE = (AssignmentStatus.ASSIGNED, AssignmentStatus.SCORED)
OUT_OF_THE_RUNNING = (SubmissionStatus.WITHDRAWN, SubmissionStatus.INELIGIBLE, SubmissionStatus.DRAFT)


class StalePreview(DomainError):
    """The judges, entries, conflicts or assignments changed between the preview and the commit."""


class AssignmentImpossible(DomainError):
    """No assignment meets the hard constraints; ``problems`` says which entries and why, in words."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__(_("No assignment meets every rule, so nothing was written."))
        self.problems = problems


class NothingToAssign(DomainError):
    """Every entry already has its judges."""


@dataclass
class RoundState:
    """Everything one use case needs about a round, read in a few queries."""

    round: Round
    entries: list[Submission]  # held by the round, in category then title order
    judges: list[Judge]  # every judge of the challenge
    assignments: list[Assignment]  # every row of the round, recusals included
    conflicts: frozenset[tuple[int, int]]  # active (judge id, submission id) pairs

    @property
    def active_entries(self) -> list[Submission]:
        return [entry for entry in self.entries if is_active_entry(entry)]

    @property
    def ready_judges(self) -> list[Judge]:
        return [judge for judge in self.judges if judge.is_ready]

    def counts(self, assignment: Assignment) -> bool:
        """Whether an assignment counts toward its entry's panel: active, judge ready, no conflict."""
        return (
            assignment.status in ACTIVE
            and assignment.judge.is_ready
            and (assignment.judge_id, assignment.submission_id) not in self.conflicts
            and is_active_entry(assignment.submission)
        )

    @cached_property
    def rows_by_entry(self) -> dict[int, list[Assignment]]:
        """Every assignment row of the round per submission id (recusals included)."""
        rows: dict[int, list[Assignment]] = defaultdict(list)
        for assignment in self.assignments:
            rows[assignment.submission_id].append(assignment)
        return rows

    @cached_property
    def _loads(self) -> Counter:
        return Counter(a.judge_id for a in self.assignments if a.status in ACTIVE)

    def panel(self, submission_id: int) -> list[Assignment]:
        """The assignments that count toward the entry's judges."""
        return [a for a in self.rows_by_entry.get(submission_id, ()) if self.counts(a)]

    def load(self, judge_id: int) -> int:
        """The judge's active (assigned or scored) assignments in this round."""
        return self._loads[judge_id]


def is_active_entry(submission: Submission) -> bool:
    """Withdrawn, ineligible (and draft) entries keep their assignments but are no longer judged."""
    return submission.status not in OUT_OF_THE_RUNNING


def load_round(round_: Round) -> RoundState:
    """Read the round's entries, the challenge's judges, the round's assignments and active conflicts."""
    entries = list(
        db.session.scalars(
            select(Submission)
            .join(RoundEntry, RoundEntry.submission_id == Submission.id)
            .where(RoundEntry.round_id == round_.id)
            .options(selectinload(Submission.category), selectinload(Submission.organisation))
        )
    )
    entries.sort(key=lambda entry: (entry.category.position, entry.title.casefold(), entry.id))
    judges = list(
        db.session.scalars(
            select(Judge)
            .where(Judge.challenge_id == round_.challenge_id)
            .options(selectinload(Judge.expertise), selectinload(Judge.user))
            .order_by(Judge.name, Judge.id)
        )
    )
    assignments = list(
        db.session.scalars(
            select(Assignment)
            .where(Assignment.round_id == round_.id)
            .options(selectinload(Assignment.judge), selectinload(Assignment.submission))
            .order_by(Assignment.id)
        )
    )
    conflicts = frozenset(permissions.active_conflict_pairs(round_.challenge_id))
    return RoundState(round_, entries, judges, assignments, conflicts)


def build_problem(round_: Round, *, keep_existing: bool = True, seed: int = 0) -> solver.Problem:
    """The solver's input for a round (see ``problem_from``)."""
    return problem_from(load_round(round_), keep_existing=keep_existing, seed=seed)


def problem_from(state: RoundState, *, keep_existing: bool = True, seed: int = 0) -> solver.Problem:
    """Ready judges, the round's active entries, forbidden pairs and the pairs to keep.

    Forbidden: active conflicts and recusals in this round (a judge who recused is not given the entry
    again). Kept: every counted assignment when ``keep_existing``; otherwise only scored and manual
    ones (automatic assignments not yet scored may then be replaced).
    """
    entries = state.active_entries
    judges = state.ready_judges
    entry_ids = {entry.id for entry in entries}
    judge_ids = {judge.id for judge in judges}
    recused = {
        (a.judge_id, a.submission_id) for a in state.assignments if a.status is AssignmentStatus.RECUSED
    }
    forbidden = {pair for pair in state.conflicts | recused if pair[0] in judge_ids and pair[1] in entry_ids}
    keep = {
        (a.judge_id, a.submission_id)
        for a in state.assignments
        if state.counts(a)
        and (keep_existing or a.status is AssignmentStatus.SCORED or a.origin is AssignmentOrigin.MANUAL)
    }
    return solver.Problem(
        entries=tuple(
            solver.EntrySpec(
                id=entry.id,
                category=entry.category_id,
                language=entry.language or None,
                organisation=entry.organisation.normalised_name,
                country=entry.organisation.country or None,
            )
            for entry in entries
        ),
        judges=tuple(
            solver.JudgeSpec(
                id=judge.id,
                expertise=frozenset(category.id for category in judge.expertise),
                languages=frozenset(judge.languages or ()),
                capacity=max(0, judge.capacity),
                organisation=normalise_name(judge.affiliation or ""),
                country=judge.country or None,
            )
            for judge in judges
        ),
        k=state.round.judges_per_entry,
        conflicts=frozenset(forbidden),
        keep=frozenset(keep),
        bridge=state.round.bridge_judges,
        seed=seed,
    )


def fingerprint(problem: solver.Problem, state: RoundState) -> str:
    """A short hash of everything the solve depends on, and of the round's assignment rows."""
    canonical = {
        "entries": sorted([e.id, e.category, e.language, e.organisation, e.country] for e in problem.entries),
        "judges": sorted(
            [j.id, sorted(j.expertise), sorted(j.languages), j.capacity, j.organisation, j.country]
            for j in problem.judges
        ),
        "k": problem.k,
        "conflicts": sorted(problem.conflicts),
        "keep": sorted(problem.keep),
        "bridge": problem.bridge,
        "seed": problem.seed,
        "rows": sorted([a.id, a.judge_id, a.submission_id, a.status.value] for a in state.assignments),
    }
    encoded = json.dumps(canonical, separators=(",", ":"), default=list).encode()
    return hashlib.sha256(encoded).hexdigest()[:32]


def replaceable(state: RoundState, keep_existing: bool) -> list[Assignment]:
    """Counted automatic assignments not yet scored: replaced by a solve that does not keep them."""
    if keep_existing:
        return []
    return [
        a
        for a in state.assignments
        if state.counts(a)
        and a.status is AssignmentStatus.ASSIGNED
        and a.origin is AssignmentOrigin.AUTOMATIC
    ]


@dataclass(frozen=True)
class Committed:
    added: int
    removed: int
    judges_told: int


@dataclass(frozen=True)
class Notice:
    """What the mail to one judge says, read before the commit expires the rows."""

    email: str
    name: str
    language: str | None
    count: int
    round_name: str
    challenge_title: str
    closes_at: datetime | None
    timezone: str


def commit_assignments(
    round_: Round, *, keep_existing: bool, seed: int, inputs: str, actor: User
) -> Committed:
    """Write the previewed assignments in one transaction, audit them once, then mail each judge once.

    Raises ``StalePreview`` when the inputs changed since the preview (``inputs`` is its fingerprint),
    ``AssignmentImpossible`` when no assignment meets the rules, ``NothingToAssign`` when nothing
    would change. Side effects: new Assignment rows (automatic), removed replaceable rows when
    ``keep_existing`` is off, one audit row, one mail per judge who got new entries.
    """
    state = load_round(round_)
    problem = problem_from(state, keep_existing=keep_existing, seed=seed)
    if fingerprint(problem, state) != inputs:
        raise StalePreview(
            _(
                "Judges, entries, conflicts or assignments changed since this preview was made, so nothing "
                "was written. Here is a fresh preview: check it and commit again."
            )
        )
    try:
        solution = solver.solve(problem)
    except solver.Infeasible as infeasible:
        raise AssignmentImpossible(infeasibility_messages(infeasible, state)) from None
    existing = {(a.judge_id, a.submission_id) for a in state.assignments}
    chosen = {(pair.judge, pair.entry) for pair in solution.pairs}
    new_pairs = sorted(pair for pair in chosen if pair not in existing)
    dropped = [a for a in replaceable(state, keep_existing) if (a.judge_id, a.submission_id) not in chosen]
    if not new_pairs and not dropped:
        raise NothingToAssign(_("Nothing to assign: every entry of this round already has its judges."))
    db.session.add_all(
        Assignment(
            round_id=round_.id,
            judge_id=judge_id,
            submission_id=submission_id,
            status=AssignmentStatus.ASSIGNED,
            origin=AssignmentOrigin.AUTOMATIC,
            created_by_id=actor.id,
        )
        for judge_id, submission_id in new_pairs
    )
    for assignment in dropped:
        db.session.delete(assignment)
    audit.record(
        "assignments.committed",
        round_,
        actor=actor,
        challenge_id=round_.challenge_id,
        after={
            "added": len(new_pairs),
            "removed": len(dropped),
            "keep_existing": keep_existing,
            "seed": seed,
            "objective": solution.objective,
            "pairs": [list(pair) for pair in new_pairs],
            "removed_pairs": [[a.judge_id, a.submission_id] for a in dropped],
        },
    )
    notices = _notices(state, Counter(judge_id for judge_id, _entry in new_pairs))
    db.session.commit()
    for notice in notices:
        notify_judge(notice)
    return Committed(len(new_pairs), len(dropped), len(notices))


def _notices(state: RoundState, new_per_judge: Counter) -> list[Notice]:
    """The mails' contents, with the round's name and the challenge's title in each judge's language."""
    round_, challenge = state.round, state.round.challenge
    notices = []
    for judge in state.judges:
        if not new_per_judge[judge.id]:
            continue
        language = judge.user.language if judge.user is not None else None
        mail_language = language or current_app.config["BABEL_DEFAULT_LOCALE"]  # as send_template
        notices.append(
            Notice(
                email=judge.email,
                name=judge.name,
                language=language,
                count=new_per_judge[judge.id],
                round_name=localized(round_, "name", mail_language),
                challenge_title=localized(challenge, "title", mail_language),
                closes_at=round_.closes_at,
                timezone=challenge.timezone,
            )
        )
    return notices


def notify_judge(notice: Notice) -> None:
    """One mail telling a judge how many new entries they have in a round (no entry details).

    A failing mail server is logged, not raised: the assignments are already committed.
    """
    try:
        send_template(
            notice.email,
            "assignments_new",
            language=notice.language,
            notice=notice,
            link=external_url(url_for("judge.dashboard")),
        )
    except (OSError, smtplib.SMTPException):
        log.exception("could not mail a judge about %d new assignments", notice.count)
