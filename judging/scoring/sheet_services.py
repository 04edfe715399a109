"""Saving a judge's score sheet: drafts, submission and revision, never a lost or overwritten mark.

One use case, ``save_sheet``, in one write transaction that re-checks everything it depends on:

1. The transaction begins as a writer (``judging.database.begin_write``: SQLite ``BEGIN IMMEDIATE``, so
   the checks below are still true when the rows are written) and, on PostgreSQL, locks the round's row
   ``FOR SHARE``: a close (an UPDATE of that row) and a save serialise, while saves of different judges
   still run side by side. A save that waited for a close re-reads the closed round and is refused.
2. The actor must be the assigned judge (membership ready, ``visible_assignments``), with no active
   conflict (``permissions.conflicted``), the assignment not recused and the entry still judged;
   otherwise ``NotYours`` (views answer 404). The round must be open; otherwise ``RoundClosed``
   (409, nothing written, the stored draft stays).
3. Optimistic locking: the form carries the version it was loaded with (0 before the first save).
   ``UPDATE score_sheets SET ..., version = version + 1 WHERE id = :id AND version = :loaded``; no row
   means someone saved in between: ``SheetStale`` (409). The first sheet of an assignment races on the
   unique ``assignment_id``: the loser's IntegrityError is a ``SheetStale`` too.
4. Every created or changed mark or comment is appended to the audit log, in the same transaction.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import bindparam, delete, insert, select, update
from sqlalchemy.exc import IntegrityError, OperationalError

from judging import permissions
from judging.accounts.models import User
from judging.assignments.assign_services import is_active_entry
from judging.assignments.models import Assignment, AssignmentStatus, Round
from judging.audit import record
from judging.core.scoring import MISSING, CriterionSpec, check_marks
from judging.database import begin_write, utcnow
from judging.errors import ClosedForChanges, DomainError, NotAllowed
from judging.extensions import db
from judging.scoring.models import Criterion, Score, ScoreSheet, SheetStatus


class NotYours(NotAllowed):
    """The assignment is not (or no longer) the actor's to score: views answer 404."""


class RoundClosed(ClosedForChanges):
    """The round is closed: nothing was written and the stored sheet stays as it was."""


class SheetStale(DomainError):
    """The sheet changed since the form was loaded; ``current`` is the stored sheet (None if none)."""

    def __init__(self, message: str, current: ScoreSheet | None) -> None:
        super().__init__(message)
        self.current = current


class Busy(DomainError):
    """The database stayed locked by other writers for too long (SQLite): nothing was written."""


class MarksInvalid(DomainError):
    """Some marks are missing (to submit) or out of scale; ``problems`` maps criterion id to a message."""

    def __init__(self, message: str, problems: dict[int, str]) -> None:
        super().__init__(message)
        self.problems = problems


@dataclass(frozen=True)
class SheetInput:
    """What the judge typed: marks by criterion id (None = not marked) and the two texts."""

    marks: dict[int, int | None]
    feedback: str
    private_note: str


def active_criteria(round_id: int) -> list[Criterion]:
    """The round's rubric as judges see it: criteria not retired, in order."""
    return list(
        db.session.scalars(
            select(Criterion)
            .where(Criterion.round_id == round_id, Criterion.retired_at.is_(None))
            .order_by(Criterion.position, Criterion.id)
        )
    )


def spec(criterion: Criterion) -> CriterionSpec:
    return CriterionSpec(
        id=criterion.id,
        scale_min=criterion.scale_min,
        scale_max=criterion.scale_max,
        weight=criterion.weight,
        required=criterion.required,
        independent=criterion.independent,
    )


def sheet_for(assignment: Assignment) -> ScoreSheet | None:
    return db.session.scalar(select(ScoreSheet).where(ScoreSheet.assignment_id == assignment.id))


def _problem_message(code: str) -> str:
    if code == MISSING:
        return _("Choose a mark for this criterion before submitting.")
    return _("Choose one of the marks shown.")


def _locked_round(round_id: int) -> Round:
    """The round re-read inside the write transaction, its row locked against a concurrent close."""
    return db.session.scalars(
        select(Round)
        .where(Round.id == round_id)
        .with_for_update(read=True)
        .execution_options(populate_existing=True)
    ).one()


def _check_may_write(assignment_id: int, actor: User) -> Assignment:
    assignment = db.session.scalars(
        permissions.visible_assignments(actor)
        .where(Assignment.id == assignment_id)
        .execution_options(populate_existing=True)
    ).one_or_none()
    if (
        assignment is None
        or assignment.status is AssignmentStatus.RECUSED
        or permissions.conflicted(assignment.judge_id, assignment.submission_id)
        or not is_active_entry(assignment.submission)
    ):
        raise NotYours(_("This entry is not assigned to you."))
    return assignment


def save_sheet(
    assignment: Assignment, typed: SheetInput, *, loaded_version: int, submit: bool, actor: User
) -> ScoreSheet:
    """Save ``typed`` as the assignment's sheet (a draft, or submitted when ``submit``); one commit.

    A submitted sheet saved again stays submitted (a revision). Raises ``NotYours``, ``RoundClosed``,
    ``SheetStale`` or ``MarksInvalid``; then nothing is written. Side effects: the sheet and its marks,
    the assignment's status (SCORED on submission), one audit event.
    """
    assignment_id, round_id = assignment.id, assignment.round_id
    begin_write(db.session)
    try:
        round_ = _locked_round(round_id)
        assignment = _check_may_write(assignment_id, actor)
        if not round_.is_open():
            raise RoundClosed(_("This round is closed, so nothing was saved. Your last saved sheet is kept."))
        criteria = active_criteria(round_id)
        sheet = sheet_for(assignment)
        stored_marks = sheet.marks() if sheet is not None else {}
        submitted = submit or (sheet is not None and sheet.status is SheetStatus.SUBMITTED)
        # Marks for retired criteria stay as they are; only the active rubric is checked and written.
        problems = check_marks([spec(c) for c in criteria], typed.marks, complete=submitted)
        if problems:
            raise MarksInvalid(
                _("Some marks need your attention."),
                {criterion_id: _problem_message(code) for criterion_id, code in problems.items()},
            )
        if sheet is None:
            sheet = _create(assignment, typed, loaded_version, submitted)
        else:
            _update(sheet, typed, loaded_version, submitted)
        before, after = _write_marks(sheet.id, criteria, stored_marks, typed.marks)
        _audit(sheet, assignment, before, after, actor=actor)
        if submitted:
            assignment.status = AssignmentStatus.SCORED
        db.session.commit()
    except DomainError:
        db.session.rollback()
        raise
    except OperationalError as error:
        db.session.rollback()
        if "locked" not in str(error.orig).lower() and "busy" not in str(error.orig).lower():
            raise
        raise Busy(_("Many judges are saving right now, so nothing was saved. Please save again.")) from None
    return sheet


def _stale(assignment_id: int) -> SheetStale:
    db.session.rollback()
    current = db.session.scalar(select(ScoreSheet).where(ScoreSheet.assignment_id == assignment_id))
    return SheetStale(
        _(
            "This sheet was saved from another tab or device after you opened it, so yours was not saved. "
            "Compare both versions below, then save again."
        ),
        current,
    )


def _create(assignment: Assignment, typed: SheetInput, loaded_version: int, submitted: bool) -> ScoreSheet:
    assignment_id = assignment.id
    if loaded_version != 0:
        raise _stale(assignment_id)
    now = utcnow()
    sheet = ScoreSheet(
        assignment_id=assignment.id,
        status=SheetStatus.SUBMITTED if submitted else SheetStatus.DRAFT,
        version=1,
        feedback=typed.feedback or None,
        private_note=typed.private_note or None,
        created_at=now,
        updated_at=now,
        submitted_at=now if submitted else None,
    )
    db.session.add(sheet)
    try:
        db.session.flush()
    except IntegrityError:  # another tab created the first sheet meanwhile
        raise _stale(assignment_id) from None
    sheet._audit_before = {}  # type: ignore[attr-defined]
    return sheet


def _update(sheet: ScoreSheet, typed: SheetInput, loaded_version: int, submitted: bool) -> None:
    assignment_id = sheet.assignment_id
    before = _texts(sheet)
    now = utcnow()
    values: dict[str, Any] = {
        "feedback": typed.feedback or None,
        "private_note": typed.private_note or None,
        "status": SheetStatus.SUBMITTED if submitted else SheetStatus.DRAFT,
        "updated_at": now,
        "version": ScoreSheet.version + 1,
    }
    if submitted and sheet.submitted_at is None:
        values["submitted_at"] = now
    result = db.session.execute(
        update(ScoreSheet)
        .where(ScoreSheet.id == sheet.id, ScoreSheet.version == loaded_version)
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        raise _stale(assignment_id)
    db.session.refresh(sheet)
    sheet._audit_before = before  # type: ignore[attr-defined]


def _texts(sheet: ScoreSheet) -> dict[str, Any]:
    return {
        "feedback": sheet.feedback,
        "private_note": sheet.private_note,
        "status": sheet.status.value,
        "version": sheet.version,
    }


def _write_marks(
    sheet_id: int, criteria: list[Criterion], stored: dict[int, int], typed: dict[int, int | None]
) -> tuple[dict[str, int | None], dict[str, int | None]]:
    """Insert, change or clear the marks of the active criteria; the (before, after) of those changed.

    One statement for each of the three kinds of change, whatever the number of criteria."""
    before: dict[str, int | None] = {}
    after: dict[str, int | None] = {}
    added, changed, cleared = [], [], []
    for criterion in criteria:
        old, new = stored.get(criterion.id), typed.get(criterion.id)
        if old == new:
            continue
        before[str(criterion.id)], after[str(criterion.id)] = old, new
        if old is None:
            added.append({"sheet_id": sheet_id, "criterion_id": criterion.id, "value": new})
        elif new is None:
            cleared.append(criterion.id)
        else:
            changed.append({"b_criterion": criterion.id, "b_value": new})
    scores = Score.__table__
    if added:
        db.session.execute(insert(scores), added)
    if cleared:
        db.session.execute(
            delete(scores).where(scores.c.sheet_id == sheet_id, scores.c.criterion_id.in_(cleared))
        )
    if changed:
        db.session.execute(
            update(scores)
            .where(scores.c.sheet_id == sheet_id, scores.c.criterion_id == bindparam("b_criterion"))
            .values(value=bindparam("b_value")),
            changed,
        )
    db.session.expire(db.session.get(ScoreSheet, sheet_id), ["scores"])
    return before, after


def _audit(
    sheet: ScoreSheet, assignment: Assignment, marks_before: dict, marks_after: dict, *, actor: User
) -> None:
    """One audit event with the old and new value of every changed field; marks keyed by criterion id."""
    old = sheet._audit_before  # type: ignore[attr-defined]
    new = _texts(sheet)
    before = {key: value for key, value in old.items() if value != new[key]}
    after = {key: new[key] for key in before} if old else {k: v for k, v in new.items() if v is not None}
    if marks_after:
        before["marks"], after["marks"] = marks_before, marks_after
    before["version"], after["version"] = old.get("version", 0), new["version"]
    record(
        "score_sheet.create" if not old else "score_sheet.save",
        sheet,
        actor=actor,
        challenge_id=assignment.round.challenge_id,
        before=before,
        after=after,
    )


def next_unscored(assignment: Assignment) -> Assignment | None:
    """The judge's next entry to score in the same round, in the dashboard's order (entry title, then id).

    "Unscored" means assigned and not yet scored (no submitted sheet), not recused, entry still judged.
    After the last one it wraps to the first; None when every other entry is scored.
    """
    from judging.submissions.models import Submission

    mine = db.session.scalars(
        select(Assignment)
        .join(Submission, Submission.id == Assignment.submission_id)
        .where(
            Assignment.judge_id == assignment.judge_id,
            Assignment.round_id == assignment.round_id,
            Assignment.status == AssignmentStatus.ASSIGNED,
        )
    ).all()
    candidates = sorted(
        (a for a in mine if is_active_entry(a.submission)
         and not permissions.conflicted(a.judge_id, a.submission_id)),
        key=lambda a: (a.submission.title.casefold(), a.id),
    )  # fmt: skip
    key = (assignment.submission.title.casefold(), assignment.id)
    later = [a for a in candidates if (a.submission.title.casefold(), a.id) > key]
    earlier = [a for a in candidates if (a.submission.title.casefold(), a.id) < key]
    return (later or earlier or [None])[0]
