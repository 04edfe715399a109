"""Organisers' view of scoring progress in a round, and closing or reopening a round by hand.

Progress is read with a fixed number of aggregate queries (GROUP BY judge, GROUP BY entry, latest
reminder per judge, plus one query each for the judges and the entries), so the page costs the same
for 5 or 500 assignments. An assignment counts while it is active: not recused, on an entry still in
the running (withdrawn or ineligible entries keep their assignments but are no longer judged).

"Overdue" is unfinished work after the round's closing time; "due soon" is unfinished work within
``DUE_SOON`` of it. Closing and reopening lock the round's row (``lock_round``) so that they serialise
with a judge's save, which locks the same row; both are audited.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from flask_babel import gettext as _
from sqlalchemy import and_, case, func, select, text
from sqlalchemy.orm import selectinload

from judging import audit
from judging.accounts.models import User
from judging.assignments.assign_services import OUT_OF_THE_RUNNING
from judging.assignments.models import Assignment, AssignmentStatus, Judge, Round, RoundEntry
from judging.challenges.models import Challenge
from judging.challenges.services import local_to_utc
from judging.database import utcnow
from judging.errors import DomainError
from judging.extensions import db
from judging.scoring.models import Reminder, ScoreSheet, SheetStatus
from judging.submissions.models import Submission

DUE_SOON = timedelta(hours=48)


@dataclass(frozen=True)
class Counts:
    """Active assignments, and how many of them have a draft or a submitted sheet."""

    assigned: int = 0
    drafts: int = 0
    submitted: int = 0

    @property
    def not_started(self) -> int:
        return self.assigned - self.drafts - self.submitted

    @property
    def unfinished(self) -> int:
        return self.assigned - self.submitted

    @property
    def percent(self) -> int:
        return round(100 * self.submitted / self.assigned) if self.assigned else 100


@dataclass(frozen=True)
class JudgeProgress:
    judge: Judge
    counts: Counts
    last_reminded: datetime | None
    overdue: bool
    due_soon: bool


@dataclass(frozen=True)
class EntryProgress:
    submission: Submission
    counts: Counts


@dataclass(frozen=True)
class RoundProgress:
    round: Round
    totals: Counts
    judges: list[JudgeProgress]
    entries: list[EntryProgress]
    overdue: bool  # the closing time has passed with work unfinished
    due_soon: bool  # the closing time is near with work unfinished


def _active():
    """The condition for an assignment that still counts (joined with its submission)."""
    return and_(Assignment.status != AssignmentStatus.RECUSED, Submission.status.not_in(OUT_OF_THE_RUNNING))


def _count_columns():
    return (
        func.count(Assignment.id),
        func.coalesce(func.sum(case((ScoreSheet.status == SheetStatus.DRAFT, 1), else_=0)), 0),
        func.coalesce(func.sum(case((ScoreSheet.status == SheetStatus.SUBMITTED, 1), else_=0)), 0),
    )


def counts_by_judge(round_: Round) -> dict[int, Counts]:
    """Judge id -> counts of their active assignments in the round (one query)."""
    rows = db.session.execute(
        select(Assignment.judge_id, *_count_columns())
        .join(Submission, Submission.id == Assignment.submission_id)
        .outerjoin(ScoreSheet, ScoreSheet.assignment_id == Assignment.id)
        .where(Assignment.round_id == round_.id, _active())
        .group_by(Assignment.judge_id)
    )
    return {judge_id: Counts(int(a), int(d), int(s)) for judge_id, a, d, s in rows}


def last_reminders(round_: Round) -> dict[int, datetime]:
    """Judge id -> when they were last reminded about this round (one query)."""
    rows = db.session.execute(
        select(Reminder.judge_id, func.max(Reminder.sent_at))
        .where(Reminder.round_id == round_.id)
        .group_by(Reminder.judge_id)
    )
    return dict(rows.all())


def _deadline_state(round_: Round, unfinished: int, now: datetime) -> tuple[bool, bool]:
    if not unfinished or round_.closes_at is None:
        return False, False
    return now >= round_.closes_at, now < round_.closes_at <= now + DUE_SOON


def round_progress(round_: Round, *, now: datetime | None = None) -> RoundProgress:
    """Per judge and per entry counts, entries and judges with the most missing first."""
    now = now or utcnow()
    by_judge = counts_by_judge(round_)
    reminded = last_reminders(round_)
    judges = db.session.scalars(select(Judge).where(Judge.id.in_(list(by_judge)))).all()
    judge_rows = []
    for judge in judges:
        counts = by_judge[judge.id]
        overdue, due_soon = _deadline_state(round_, counts.unfinished, now)
        judge_rows.append(JudgeProgress(judge, counts, reminded.get(judge.id), overdue, due_soon))
    judge_rows.sort(key=lambda row: (-row.counts.unfinished, row.judge.name.casefold()))

    assignment_on = and_(
        Assignment.submission_id == RoundEntry.submission_id,
        Assignment.round_id == round_.id,
        Assignment.status != AssignmentStatus.RECUSED,
    )
    rows = db.session.execute(
        select(RoundEntry.submission_id, *_count_columns())
        .join(Submission, Submission.id == RoundEntry.submission_id)
        .outerjoin(Assignment, assignment_on)
        .outerjoin(ScoreSheet, ScoreSheet.assignment_id == Assignment.id)
        .where(RoundEntry.round_id == round_.id, Submission.status.not_in(OUT_OF_THE_RUNNING))
        .group_by(RoundEntry.submission_id)
    ).all()
    by_entry = {submission_id: Counts(int(a), int(d), int(s)) for submission_id, a, d, s in rows}
    submissions = db.session.scalars(
        select(Submission).where(Submission.id.in_(list(by_entry))).options(selectinload(Submission.category))
    ).all()
    entries = [EntryProgress(submission, by_entry[submission.id]) for submission in submissions]
    entries.sort(
        key=lambda row: (-row.counts.unfinished, row.counts.assigned, row.submission.title.casefold())
    )

    totals = Counts(
        sum(c.assigned for c in by_judge.values()),
        sum(c.drafts for c in by_judge.values()),
        sum(c.submitted for c in by_judge.values()),
    )
    overdue, due_soon = _deadline_state(round_, totals.unfinished, now)
    return RoundProgress(round_, totals, judge_rows, entries, overdue, due_soon)


def challenge_progress(challenge: Challenge) -> list[tuple[Round, Counts]]:
    """Every round of the challenge with its totals (two queries)."""
    rounds = db.session.scalars(
        select(Round).where(Round.challenge_id == challenge.id).order_by(Round.position)
    ).all()
    rows = db.session.execute(
        select(Assignment.round_id, *_count_columns())
        .join(Round, Round.id == Assignment.round_id)
        .join(Submission, Submission.id == Assignment.submission_id)
        .outerjoin(ScoreSheet, ScoreSheet.assignment_id == Assignment.id)
        .where(Round.challenge_id == challenge.id, _active())
        .group_by(Assignment.round_id)
    )
    by_round = {round_id: Counts(int(a), int(d), int(s)) for round_id, a, d, s in rows}
    return [(round_, by_round.get(round_.id, Counts())) for round_ in rounds]


def lock_round(round_: Round) -> Round:
    """Take the round's row lock for the rest of the transaction and reread it.

    PostgreSQL: ``SELECT ... FOR UPDATE``, which a judge's save takes too, so a close and a save run one
    after the other. SQLite has a single writer: a no-op UPDATE takes the write lock now (waiting up to
    the busy timeout), so the reads that follow see every committed change and no other writer can
    interleave until this transaction ends. The read transaction before it is ended first, so that its
    snapshot cannot be stale when the write begins (objects loaded before are re-read).
    """
    if db.session.get_bind().dialect.name == "postgresql":
        return db.session.scalars(
            select(Round)
            .where(Round.id == round_.id)
            .with_for_update()
            .execution_options(populate_existing=True)
        ).one()
    round_id = round_.id
    db.session.rollback()
    db.session.execute(text("UPDATE rounds SET id = id WHERE id = :id"), {"id": round_id})
    db.session.refresh(round_)
    return round_


def close_round(round_: Round, *, actor: User) -> Round:
    """Close the round now: judges' sheets become read-only. Audited; one commit."""
    round_ = lock_round(round_)
    if round_.closed_at is not None:
        raise DomainError(_("This round is already closed."))
    now = utcnow()
    round_.closed_at = now
    audit.record(
        "round.closed",
        round_,
        actor=actor,
        challenge_id=round_.challenge_id,
        before={"closed_at": None},
        after={"closed_at": now},
    )
    db.session.commit()
    return round_


def needs_new_closing_time(round_: Round, now: datetime | None = None) -> bool:
    """Reopening needs a new closing time when the old one has passed."""
    return round_.closes_at is not None and round_.closes_at <= (now or utcnow())


def reopen_round(round_: Round, closes_local: datetime | None = None, *, actor: User) -> Round:
    """Reopen a round closed by hand (or whose closing time passed) so judges can revise their sheets.

    ``closes_local`` is a wall-clock time in the challenge's zone; it is required, and must be in the
    future, when the round's closing time has passed. Audited; one commit.
    """
    round_ = lock_round(round_)
    now = utcnow()
    if round_.closed_at is None and not needs_new_closing_time(round_, now):
        raise DomainError(_("This round is open already."))
    closes_at = local_to_utc(closes_local, round_.challenge.timezone, "closes_at")
    if closes_at is None and needs_new_closing_time(round_, now):
        raise DomainError(
            _("The closing time has passed: give a new closing time to reopen the round."), "closes_at"
        )
    if closes_at is not None and closes_at <= now:
        raise DomainError(_("The new closing time must be in the future."), "closes_at")
    if closes_at is not None and round_.opens_at is not None and closes_at <= round_.opens_at:
        raise DomainError(_("The closing time must be after the opening time."), "closes_at")
    fields: dict[str, object] = {"closed_at": None}
    if closes_at is not None:
        fields["closes_at"] = closes_at
    before, after = audit.changes(round_, fields)
    for name, value in fields.items():
        setattr(round_, name, value)
    audit.record(
        "round.reopened", round_, actor=actor, challenge_id=round_.challenge_id, before=before, after=after
    )
    db.session.commit()
    return round_
