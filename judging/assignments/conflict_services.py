"""Conflicts of interest: judges declare them, organisers add and remove them, detection finds the rest.

A conflicted pair never meets. Creating a conflict (by any source) therefore removes the pair's
assignments in every round of the challenge, except those already scored, which are kept and reported
so that the organisers decide (issue 4 deals with scores). Every creation, removal and released
assignment is recorded in the audit log. A removed conflict is kept, marked removed; detection never
brings it back (the unique pair row is the memory), though a judge or an organiser may record it again.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from judging import permissions
from judging.accounts.models import Organisation, User
from judging.assignments.models import (
    Assignment,
    AssignmentStatus,
    Conflict,
    ConflictReason,
    ConflictSource,
    Judge,
    JudgeStatus,
    Round,
)
from judging.audit import record
from judging.challenges.models import Challenge
from judging.core.conflicts import EntryFacts, JudgeFacts, Rule, detect
from judging.core.lifecycle import SubmissionStatus
from judging.database import utcnow
from judging.errors import DomainError, NotAllowed
from judging.extensions import db
from judging.submissions.models import Submission

JUDGE_REASONS = (
    ConflictReason.EMPLOYER,
    ConflictReason.INVESTOR,
    ConflictReason.ADVISER,
    ConflictReason.COMPETITOR,
    ConflictReason.PERSONAL,
    ConflictReason.OTHER,
)
"""Reasons a person gives; the others (same organisation, email domain...) are set by detection only."""

DECLARABLE_STATUSES = (SubmissionStatus.SUBMITTED, SubmissionStatus.ELIGIBLE)
"""Entries a conflict may be recorded against: those that may still be judged."""

DETECTABLE_JUDGES = (JudgeStatus.INVITED, JudgeStatus.ACTIVE)
NOTE_MAX_LENGTH = 2000


@dataclass(frozen=True)
class Released:
    """An assignment a new conflict touched: removed, or kept because it was already scored."""

    round_id: int
    round_name: str
    judge_id: int
    judge_name: str
    submission_id: int
    entry_title: str
    scored: bool


@dataclass(frozen=True)
class ConflictOutcome:
    """The recorded conflict and the assignments it released."""

    conflict: Conflict
    released: tuple[Released, ...] = ()


@dataclass(frozen=True)
class DetectionReport:
    """What a detection run found: new conflicts per rule (keyed by rule value) and released assignments."""

    found: Mapping[str, int] = field(default_factory=dict)
    released: tuple[Released, ...] = ()

    @property
    def total(self) -> int:
        return sum(self.found.values())


def declarable_entries(challenge: Challenge) -> list[Submission]:
    """The challenge's entries a conflict may be declared against, by organisation then title."""
    return list(
        db.session.scalars(
            select(Submission)
            .join(Submission.organisation)
            .where(Submission.challenge_id == challenge.id, Submission.status.in_(DECLARABLE_STATUSES))
            .options(selectinload(Submission.organisation))
            .order_by(Organisation.normalised_name, Submission.title, Submission.id)
        )
    )


def challenge_judges(challenge: Challenge) -> list[Judge]:
    """Judges of the challenge a conflict may concern: invited or active, by name."""
    return list(
        db.session.scalars(
            select(Judge)
            .where(Judge.challenge_id == challenge.id, Judge.status.in_(DETECTABLE_JUDGES))
            .order_by(Judge.name, Judge.id)
        )
    )


def declare_conflict(
    judge: Judge, submission: Submission, reason: ConflictReason | None, note: str | None, *, actor: User
) -> ConflictOutcome:
    """The judge (``actor``, ready to judge) declares a conflict with an entry; its assignments go.

    Side effects: one Conflict row (source ``declared``), audit rows, released assignments; one commit.
    """
    if not (judge.is_ready and judge.user_id == actor.id):
        raise NotAllowed(_("Only the judge may declare their own conflicts."))
    return _create(judge, submission, ConflictSource.DECLARED, reason, note, actor=actor)


def add_conflict(
    judge: Judge, submission: Submission, reason: ConflictReason | None, note: str | None, *, actor: User
) -> ConflictOutcome:
    """An organiser records a conflict between a judge and an entry of their challenge.

    Side effects: one Conflict row (source ``organiser``), audit rows, released assignments; one commit.
    """
    if not permissions.is_organiser(judge.challenge, actor):
        raise NotAllowed(_("Only the challenge's organisers may add conflicts."))
    if judge.status not in DETECTABLE_JUDGES:
        raise DomainError(_("This person is no longer on the jury."), field="judge")
    return _create(judge, submission, ConflictSource.ORGANISER, reason, note, actor=actor)


def remove_conflict(conflict: Conflict, *, actor: User) -> None:
    """An organiser removes a conflict; it stays recorded as removed and detection will not re-create it."""
    if not permissions.is_organiser(conflict.judge.challenge, actor):
        raise NotAllowed(_("Only the challenge's organisers may remove conflicts."))
    if not conflict.is_active:
        raise DomainError(_("This conflict was already removed."))
    conflict.removed_at = utcnow()
    conflict.removed_by_id = actor.id
    record(
        "conflict.removed",
        conflict,
        actor=actor,
        challenge_id=conflict.challenge_id,
        before=_describe(conflict),
        after={"removed_at": conflict.removed_at},
    )
    db.session.commit()


def detect_conflicts(
    challenge: Challenge, *, actor: User | None = None, judges: Iterable[Judge] | None = None
) -> DetectionReport:
    """Find and record conflicts by the rules of ``judging.core.conflicts`` for the challenge's entries.

    ``judges`` limits the run (e.g. to a judge who has just accepted); by default every invited or
    active judge. Pairs that already have a conflict, active or removed, are left alone. ``actor`` is
    who started the run (None when the application runs it on its own). Side effects: Conflict rows
    (source ``detected``), audit rows, released assignments; one commit.
    """
    chosen = challenge_judges(challenge) if judges is None else list(judges)
    chosen = [j for j in chosen if j.challenge_id == challenge.id and j.status in DETECTABLE_JUDGES]
    entries = list(
        db.session.scalars(
            select(Submission)
            .where(Submission.challenge_id == challenge.id, Submission.status.in_(DECLARABLE_STATUSES))
            .options(selectinload(Submission.organisation).selectinload(Organisation.members))
        )
    )
    rows = db.session.execute(
        select(Conflict.judge_id, Conflict.submission_id).where(Conflict.challenge_id == challenge.id)
    )
    known = frozenset((judge_id, submission_id) for judge_id, submission_id in rows)
    findings = detect(
        [_judge_facts(judge) for judge in chosen],
        [_entry_facts(entry) for entry in entries],
        same_country=challenge.conflict_same_country,
        skip=known,
    )
    judges_by_id = {judge.id: judge for judge in chosen}
    entries_by_id = {entry.id: entry for entry in entries}
    found: Counter[str] = Counter()
    released: list[Released] = []
    for finding in findings:
        conflict = Conflict(
            challenge_id=challenge.id,
            judge=judges_by_id[finding.judge_id],
            submission=entries_by_id[finding.entry_id],
            source=ConflictSource.DETECTED,
            reason=ConflictReason(finding.rule.value),
        )
        db.session.add(conflict)
        db.session.flush()
        record(
            "conflict.detected",
            conflict,
            actor=actor,
            challenge_id=challenge.id,
            after={**_describe(conflict), "rules": [rule.value for rule in finding.rules]},
        )
        released.extend(_release(conflict, actor))
        found[finding.rule.value] += 1
    db.session.commit()
    return DetectionReport(found={rule.value: found[rule.value] for rule in Rule}, released=tuple(released))


def _create(
    judge: Judge,
    submission: Submission,
    source: ConflictSource,
    reason: ConflictReason | None,
    note: str | None,
    *,
    actor: User,
) -> ConflictOutcome:
    if submission.challenge_id != judge.challenge_id or submission.status not in DECLARABLE_STATUSES:
        raise DomainError(_("Choose one of this challenge's entries."), field="submission_id")
    if reason not in JUDGE_REASONS:
        raise DomainError(_("Choose a reason."), field="reason")
    note = (note or "").strip() or None
    if note is not None and len(note) > NOTE_MAX_LENGTH:
        raise DomainError(_("Use at most %(num)d characters.", num=NOTE_MAX_LENGTH), field="note")
    conflict = db.session.scalar(
        select(Conflict).where(Conflict.judge_id == judge.id, Conflict.submission_id == submission.id)
    )
    if conflict is not None and conflict.is_active:
        raise DomainError(_("This conflict is already recorded."), field="submission_id")
    action = "conflict.declared" if source is ConflictSource.DECLARED else "conflict.added"
    before = _describe(conflict) if conflict is not None else None
    if conflict is None:
        conflict = Conflict(challenge_id=judge.challenge_id, judge=judge, submission=submission)
        db.session.add(conflict)
    conflict.source, conflict.reason, conflict.note = source, reason, note
    conflict.created_at, conflict.created_by_id = utcnow(), actor.id
    conflict.removed_at = conflict.removed_by_id = None
    try:
        db.session.flush()
    except IntegrityError:  # the same pair recorded at the same moment by someone else
        db.session.rollback()
        raise DomainError(_("This conflict is already recorded."), field="submission_id") from None
    record(
        action,
        conflict,
        actor=actor,
        challenge_id=judge.challenge_id,
        before=before,
        after=_describe(conflict),
    )
    released = _release(conflict, actor)
    db.session.commit()
    return ConflictOutcome(conflict, tuple(released))


def _release(conflict: Conflict, actor: User | None) -> list[Released]:
    """Remove the pair's unscored assignments in every round of the challenge; report scored ones kept."""
    assignments = db.session.scalars(
        select(Assignment)
        .join(Round, Round.id == Assignment.round_id)
        .where(
            Round.challenge_id == conflict.challenge_id,
            Assignment.judge_id == conflict.judge_id,
            Assignment.submission_id == conflict.submission_id,
        )
        .options(selectinload(Assignment.round))
        .order_by(Round.position, Assignment.id)
    )
    released = []
    for assignment in assignments:
        scored = assignment.status is AssignmentStatus.SCORED
        released.append(
            Released(
                round_id=assignment.round_id,
                round_name=assignment.round.name,
                judge_id=conflict.judge.id,
                judge_name=conflict.judge.name,
                submission_id=conflict.submission.id,
                entry_title=conflict.submission.title,
                scored=scored,
            )
        )
        if scored:
            continue
        record(
            "assignment.removed_for_conflict",
            assignment,
            actor=actor,
            challenge_id=conflict.challenge_id,
            before={
                "round_id": assignment.round_id,
                "judge_id": assignment.judge_id,
                "submission_id": assignment.submission_id,
                "status": assignment.status,
            },
            after={"conflict_id": conflict.id},
        )
        db.session.delete(assignment)
    return released


def _describe(conflict: Conflict) -> dict[str, object]:
    return {
        "judge_id": conflict.judge_id,
        "submission_id": conflict.submission_id,
        "source": conflict.source,
        "reason": conflict.reason,
        "note": conflict.note,
    }


def _judge_facts(judge: Judge) -> JudgeFacts:
    return JudgeFacts(
        id=judge.id,
        email=judge.email,
        affiliation=judge.affiliation,
        country=judge.country,
        user_id=judge.user_id,
    )


def _entry_facts(submission: Submission) -> EntryFacts:
    organisation = submission.organisation
    return EntryFacts(
        id=submission.id,
        organisation=organisation.name,
        country=organisation.country,
        website=organisation.website,
        member_emails=tuple(member.email for member in organisation.members),
        member_ids=frozenset(member.id for member in organisation.members),
    )
