"""Assignments changed by hand: add, remove, swap, CSV import, and a judge's recusal.

Every change is checked against the same hard rules as the solver (no conflict, no recusal repeated,
no duplicate, no judge over capacity, no entry with more than k judges, ready judges and active entries
of the round only), refused with a message saying which rule, audited, and committed once.
"""

from __future__ import annotations

import csv
import io
from collections import Counter
from dataclasses import dataclass

from flask_babel import gettext as _

from judging import audit
from judging.accounts.models import User
from judging.assignments.assign_services import RoundState, is_active_entry, load_round
from judging.assignments.models import Assignment, AssignmentOrigin, AssignmentStatus, Judge, Round
from judging.core.text import neutralise_cell
from judging.database import utcnow
from judging.errors import DomainError
from judging.extensions import db
from judging.labels import label
from judging.submissions.models import Submission

MAX_IMPORT_LINES = 5000
RECUSAL_REASON_MAX = 2000


class AssignmentRefused(DomainError):
    """A hand-made change would break a hard rule; the message names it."""


class ImportRefused(DomainError):
    """The CSV file has errors; ``errors`` lists them per line and nothing was imported."""

    def __init__(self, errors: list[str]) -> None:
        super().__init__(_("Nothing was imported: please correct these lines and import the file again."))
        self.errors = errors


@dataclass
class _Plan:
    """Assignments being added in one use case, counted on top of the round's rows."""

    state: RoundState
    extra_load: Counter
    extra_panel: Counter
    pairs: set[tuple[int, int]]


def _plan(state: RoundState) -> _Plan:
    return _Plan(state, Counter(), Counter(), set())


def check_pair(
    plan: _Plan, judge: Judge, submission: Submission, *, replacing: Assignment | None = None
) -> None:
    """Refuse (``AssignmentRefused``) a new pair that breaks a hard rule; else count it in ``plan``."""
    state = plan.state
    round_ = state.round
    held = {entry.id for entry in state.entries}
    values = {"name": judge.name, "title": submission.title}
    if judge.challenge_id != round_.challenge_id:
        raise AssignmentRefused(_("%(name)s is not a judge of this challenge.", **values), field="judge_id")
    if submission.id not in held:
        raise AssignmentRefused(_("“%(title)s” is not held by this round.", **values), field="submission_id")
    if not is_active_entry(submission):
        raise AssignmentRefused(
            _("“%(title)s” has been withdrawn or is not eligible, so it is not judged.", **values),
            field="submission_id",
        )
    if not judge.is_ready:
        raise AssignmentRefused(
            _(
                "%(name)s has not yet accepted the judging terms and confirmed their profile, so they "
                "cannot be given entries.",
                **values,
            ),
            field="judge_id",
        )
    if (judge.id, submission.id) in state.conflicts:
        raise AssignmentRefused(
            _("%(name)s has a conflict of interest with “%(title)s”.", **values), field="judge_id"
        )
    pair = (judge.id, submission.id)
    for row in state.assignments:
        if (row.judge_id, row.submission_id) == pair and row is not replacing:
            if row.status is AssignmentStatus.RECUSED:
                raise AssignmentRefused(
                    _("%(name)s recused from “%(title)s” in this round.", **values), field="judge_id"
                )
            raise AssignmentRefused(
                _("%(name)s is already assigned “%(title)s” in this round.", **values), field="judge_id"
            )
    if pair in plan.pairs:
        raise AssignmentRefused(_("%(name)s is given “%(title)s” twice.", **values), field="judge_id")
    load = state.load(judge.id) + plan.extra_load[judge.id]
    if load >= judge.capacity:
        raise AssignmentRefused(
            _(
                "%(name)s already has %(load)d entries in this round, as many as their capacity "
                "(%(capacity)d).",
                load=load,
                capacity=judge.capacity,
                **values,
            ),
            field="judge_id",
        )
    panel = len(state.panel(submission.id)) + plan.extra_panel[submission.id]
    if replacing is not None and state.counts(replacing):
        panel -= 1
    if panel >= round_.judges_per_entry:
        raise AssignmentRefused(
            _(
                "“%(title)s” already has its %(k)d judges; remove or swap one first.",
                k=round_.judges_per_entry,
                **values,
            ),
            field="submission_id",
        )
    plan.pairs.add(pair)
    plan.extra_load[judge.id] += 1
    plan.extra_panel[submission.id] += 1


def _new(round_: Round, judge: Judge, submission: Submission, actor: User) -> Assignment:
    assignment = Assignment(
        round_id=round_.id,
        judge_id=judge.id,
        submission_id=submission.id,
        status=AssignmentStatus.ASSIGNED,
        origin=AssignmentOrigin.MANUAL,
        created_by_id=actor.id,
    )
    db.session.add(assignment)
    return assignment


def _facts(assignment: Assignment) -> dict[str, object]:
    return {
        "judge_id": assignment.judge_id,
        "judge": assignment.judge.email,
        "submission_id": assignment.submission_id,
        "status": assignment.status,
        "origin": assignment.origin,
    }


def add_assignment(round_: Round, judge: Judge, submission: Submission, *, actor: User) -> Assignment:
    """Give ``judge`` the entry by hand (origin manual). Side effects: one row, one audit row."""
    check_pair(_plan(load_round(round_)), judge, submission)
    assignment = _new(round_, judge, submission, actor)
    db.session.flush()
    audit.record(
        "assignment.added",
        assignment,
        actor=actor,
        challenge_id=round_.challenge_id,
        after=_facts(assignment),
    )
    db.session.commit()
    return assignment


def remove_assignment(assignment: Assignment, *, actor: User) -> None:
    """Delete an assignment that has not been scored. Side effects: row deleted, one audit row."""
    if assignment.status is AssignmentStatus.SCORED:
        raise AssignmentRefused(_("This assignment has been scored, so it cannot be removed."))
    audit.record(
        "assignment.removed",
        assignment,
        actor=actor,
        challenge_id=assignment.round.challenge_id,
        before=_facts(assignment),
    )
    db.session.delete(assignment)
    db.session.commit()


def swap_judge(assignment: Assignment, judge: Judge, *, actor: User) -> Assignment:
    """Replace the assignment's judge by ``judge`` in one step (the new row is manual).

    Side effects: the old row deleted, a new one added, one audit row with both judges.
    """
    if assignment.status is not AssignmentStatus.ASSIGNED:
        raise AssignmentRefused(_("Only an assignment that is not yet scored or recused can be swapped."))
    round_ = assignment.round
    check_pair(_plan(load_round(round_)), judge, assignment.submission, replacing=assignment)
    before = _facts(assignment)
    db.session.delete(assignment)
    db.session.flush()
    replacement = _new(round_, judge, assignment.submission, actor)
    db.session.flush()
    audit.record(
        "assignment.swapped",
        replacement,
        actor=actor,
        challenge_id=round_.challenge_id,
        before=before,
        after=_facts(replacement),
    )
    db.session.commit()
    return replacement


def import_assignments(round_: Round, text: str, *, actor: User) -> list[Assignment]:
    """Add the manual assignments listed in CSV text with columns ``entry_id,judge_email``.

    All or nothing: every line is checked against the hard rules (counting the lines above it) and
    ``ImportRefused`` lists every error by line. Side effects: new rows and one audit row.
    """
    state = load_round(round_)
    plan = _plan(state)
    rows, errors = _read_rows(text)
    entries = {entry.id: entry for entry in state.entries}
    judges = {judge.email.casefold(): judge for judge in state.judges}
    wanted: list[tuple[Judge, Submission]] = []
    for line, values in rows:
        try:
            judge, submission = _row(values, entries, judges)
            check_pair(plan, judge, submission)
        except AssignmentRefused as error:
            errors.append(_("Line %(line)d: %(message)s", line=line, message=error.message))
        else:
            wanted.append((judge, submission))
    if not errors and not wanted:
        errors.append(_("The file lists no assignments."))
    if errors:
        raise ImportRefused(errors)
    created = [_new(round_, judge, submission, actor) for judge, submission in wanted]
    audit.record(
        "assignments.imported",
        round_,
        actor=actor,
        challenge_id=round_.challenge_id,
        after={"added": len(created), "pairs": [[j.id, s.id] for j, s in wanted]},
    )
    db.session.commit()
    return created


def _read_rows(text: str) -> tuple[list[tuple[int, dict[str, str]]], list[str]]:
    """The non-empty data lines as (line number, {column: cell}), and errors that stop the reading."""
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    rows: list[tuple[int, dict[str, str]]] = []
    try:
        columns = {(name or "").strip().lower() for name in reader.fieldnames or []}
        if not {"entry_id", "judge_email"} <= columns:
            return [], [_("Line 1: the first line must name the columns entry_id and judge_email.")]
        for row in reader:
            if reader.line_num > MAX_IMPORT_LINES:
                return rows, [_("The file has more than %(max)d lines.", max=MAX_IMPORT_LINES)]
            values = {(key or "").strip().lower(): _cell(value) for key, value in row.items()}
            if any(values.values()):
                rows.append((reader.line_num, values))
    except csv.Error as error:
        line = reader.line_num + 1  # the line that failed is not counted yet
        message = _("this line cannot be read as CSV (%(error)s).", error=error)
        return rows, [_("Line %(line)d: %(message)s", line=line, message=message)]
    return rows, []


def _cell(value: object) -> str:
    """A cell as typed, without the quote a spreadsheet-safe export puts before = + - @."""
    text = (value if isinstance(value, str) else "").strip()
    if text.startswith("'") and text[1:2] in ("=", "+", "-", "@"):
        text = text[1:]
    return text


def _row(values: dict[str, str], entries: dict[int, Submission], judges: dict[str, Judge]):
    raw_id, email = values.get("entry_id", ""), values.get("judge_email", "")
    if not raw_id.isdigit() or int(raw_id) not in entries:
        raise AssignmentRefused(_("no entry with id “%(id)s” in this round.", id=raw_id))
    judge = judges.get(email.casefold())
    if judge is None:
        raise AssignmentRefused(
            _("no judge of this challenge has the email address “%(email)s”.", email=email)
        )
    return judge, entries[int(raw_id)]


def recuse(assignment: Assignment, reason: str, *, actor: User) -> None:
    """The judge steps away from an entry, with a reason. Side effects: status recused, one audit row."""
    reason = (reason or "").strip()
    if assignment.status is AssignmentStatus.SCORED:
        raise AssignmentRefused(_("You have already scored this entry, so you cannot recuse from it."))
    if assignment.status is AssignmentStatus.RECUSED:
        raise AssignmentRefused(_("You have already recused from this entry."))
    if not reason:
        raise AssignmentRefused(_("Please give a reason."), field="reason")
    if len(reason) > RECUSAL_REASON_MAX:
        raise AssignmentRefused(
            _("Please keep the reason under %(max)d characters.", max=RECUSAL_REASON_MAX), field="reason"
        )
    assignment.status = AssignmentStatus.RECUSED
    assignment.recused_at = utcnow()
    assignment.recusal_reason = reason
    audit.record(
        "assignment.recused",
        assignment,
        actor=actor,
        challenge_id=assignment.round.challenge_id,
        before={"status": AssignmentStatus.ASSIGNED},
        after={"status": AssignmentStatus.RECUSED, "reason": reason},
    )
    db.session.commit()


def assignments_csv(state: RoundState) -> str:
    """Every assignment row of the round as CSV (UTF-8 with BOM), each cell neutralised for spreadsheets.

    The ``entry_id`` and ``judge_email`` columns are those the import reads.
    """
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    header = ["round", "entry_id", "entry_title", "category", "judge_email", "judge_name", "origin", "status"]
    writer.writerow(neutralise_cell(cell) for cell in header)
    order = {entry.id: position for position, entry in enumerate(state.entries)}
    for assignment in sorted(state.assignments, key=lambda a: (order.get(a.submission_id, 0), a.judge.name)):
        entry = assignment.submission
        row = [
            state.round.name,
            entry.id,
            entry.title,
            entry.category.name,
            assignment.judge.email,
            assignment.judge.name,
            label(assignment.origin),
            label(assignment.status),
        ]
        writer.writerow(neutralise_cell(cell) for cell in row)
    return "\ufeff" + buffer.getvalue()
