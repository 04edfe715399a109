"""Judging rounds of a challenge: create, edit, delete, and the entries the first round holds.

Rounds are numbered 1..n in creation order (deleting one closes the gap). The first round holds every
eligible entry: ``sync_first_round`` adds newly eligible ones and drops those no longer eligible unless a
judge is already assigned to them (those are reported, never silently dropped). Later rounds hold the
entries shortlisted into them (a later issue). Windows are typed in the challenge's zone and stored in
UTC. Every change is audited; each public function commits once.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from judging import audit
from judging.accounts.models import User
from judging.assignments.models import Assignment, Round, RoundEntry
from judging.challenges.models import Challenge
from judging.challenges.services import local_to_utc
from judging.core.lifecycle import SubmissionStatus
from judging.errors import DomainError
from judging.extensions import db
from judging.submissions.models import Submission

MAX_JUDGES_PER_ENTRY = 20


@dataclass(frozen=True)
class RoundDetails:
    """What the round form sets. Times are naive wall-clock times in the challenge's zone."""

    name: str
    judges_per_entry: int
    blind: bool
    bridge_judges: bool
    opens_local: datetime | None
    closes_local: datetime | None


@dataclass
class SyncReport:
    """What ``sync_first_round`` changed: entries added, dropped, and kept because judges hold them."""

    added: list[Submission] = field(default_factory=list)
    removed: list[Submission] = field(default_factory=list)
    kept: list[Submission] = field(default_factory=list)


def rounds_of(challenge: Challenge) -> list[Round]:
    return list(
        db.session.scalars(select(Round).where(Round.challenge_id == challenge.id).order_by(Round.position))
    )


def _fields(challenge: Challenge, details: RoundDetails, current: Round | None) -> dict[str, object]:
    name = " ".join(details.name.split())
    if not name:
        raise DomainError(_("Name the round."), "name")
    if len(name) > 120:
        raise DomainError(_("Use at most %(count)d characters.", count=120), "name")
    for other in rounds_of(challenge):
        if other is not current and other.name.casefold() == name.casefold():
            raise DomainError(
                _("Another round of this challenge is called %(name)s.", name=other.name), "name"
            )
    if not 1 <= details.judges_per_entry <= MAX_JUDGES_PER_ENTRY:
        raise DomainError(
            _("Enter a whole number from 1 to %(max)d.", max=MAX_JUDGES_PER_ENTRY), "judges_per_entry"
        )
    opens_at = local_to_utc(details.opens_local, challenge.timezone, "opens_at")
    closes_at = local_to_utc(details.closes_local, challenge.timezone, "closes_at")
    if opens_at is not None and closes_at is not None and closes_at <= opens_at:
        raise DomainError(_("The closing time must be after the opening time."), "closes_at")
    return {
        "name": name,
        "judges_per_entry": details.judges_per_entry,
        "blind": bool(details.blind),
        "bridge_judges": bool(details.bridge_judges),
        "opens_at": opens_at,
        "closes_at": closes_at,
    }


def create_round(challenge: Challenge, details: RoundDetails, *, actor: User) -> tuple[Round, SyncReport]:
    """Add a round after the last one; a first round takes in every eligible entry at once."""
    fields = _fields(challenge, details, None)
    position = (
        db.session.scalar(select(func.max(Round.position)).where(Round.challenge_id == challenge.id)) or 0
    ) + 1
    round_ = Round(challenge=challenge, position=position, **fields)
    db.session.add(round_)
    db.session.flush()
    audit.record(
        "round.create", round_, actor=actor, challenge_id=challenge.id, after={**fields, "position": position}
    )
    report = _sync(round_, actor) if round_.is_first else SyncReport()
    try:
        db.session.commit()
    except IntegrityError as error:  # another round was added at the same moment
        db.session.rollback()
        raise DomainError(_("Another round was just added. Please check the list and try again.")) from error
    return round_, report


def update_round(round_: Round, details: RoundDetails, *, actor: User) -> None:
    """Change a round's name, panel size, blind and bridge settings and window."""
    fields = _fields(round_.challenge, details, round_)
    if audit.update(round_, fields, "round.update", actor=actor, challenge_id=round_.challenge_id):
        db.session.commit()


def assignment_count(round_: Round) -> int:
    return db.session.scalar(
        select(func.count()).select_from(Assignment).where(Assignment.round_id == round_.id)
    )


def delete_round(round_: Round, *, actor: User) -> None:
    """Delete a round that has no assignments; the rounds after it move up one place."""
    if assignment_count(round_):
        raise DomainError(
            _(
                "%(name)s has assignments, so it cannot be deleted. Remove its assignments first.",
                name=round_.name,
            )
        )
    challenge_id, position = round_.challenge_id, round_.position
    audit.record(
        "round.delete",
        round_,
        actor=actor,
        challenge_id=challenge_id,
        before={"name": round_.name, "position": position},
    )
    for entry in db.session.scalars(select(RoundEntry).where(RoundEntry.round_id == round_.id)):
        db.session.delete(entry)
    db.session.delete(round_)
    db.session.flush()
    later = db.session.scalars(
        select(Round)
        .where(Round.challenge_id == challenge_id, Round.position > position)
        .order_by(Round.position)
    )
    for following in later:  # one at a time, in order, so that positions stay unique at every step
        following.position -= 1
        db.session.flush()
    db.session.commit()


def _sync(round_: Round, actor: User) -> SyncReport:
    eligible = {
        submission.id: submission
        for submission in db.session.scalars(
            select(Submission).where(
                Submission.challenge_id == round_.challenge_id,
                Submission.status == SubmissionStatus.ELIGIBLE,
            )
        )
    }
    held = {entry.submission_id: entry for entry in entries_of(round_)}
    assigned = set(
        db.session.scalars(select(Assignment.submission_id).where(Assignment.round_id == round_.id))
    )
    report = SyncReport()
    for submission_id, submission in sorted(eligible.items()):
        if submission_id not in held:
            db.session.add(RoundEntry(round_id=round_.id, submission_id=submission_id))
            report.added.append(submission)
    for submission_id, entry in sorted(held.items()):
        if submission_id in eligible:
            continue
        if submission_id in assigned:
            report.kept.append(entry.submission)
        else:
            db.session.delete(entry)
            report.removed.append(entry.submission)
    if report.added or report.removed:
        audit.record(
            "round.sync",
            round_,
            actor=actor,
            challenge_id=round_.challenge_id,
            after={
                "added": [submission.id for submission in report.added],
                "removed": [submission.id for submission in report.removed],
            },
        )
    return report


def sync_first_round(round_: Round, *, actor: User) -> SyncReport:
    """Make the first round hold exactly the eligible entries, keeping those judges already hold."""
    if not round_.is_first:
        raise DomainError(_("Only the first round takes its entries from screening."))
    report = _sync(round_, actor)
    db.session.commit()
    return report


def entries_of(round_: Round) -> list[RoundEntry]:
    return list(db.session.scalars(select(RoundEntry).where(RoundEntry.round_id == round_.id)))


def held_submissions(round_: Round) -> list[Submission]:
    """The entries a round holds, by category then title."""
    query = (
        select(Submission)
        .join(RoundEntry, RoundEntry.submission_id == Submission.id)
        .where(RoundEntry.round_id == round_.id)
    )
    return sorted(
        db.session.scalars(query), key=lambda s: (s.category.position, s.category.name, s.title.casefold())
    )


def entry_counts(rounds: list[Round]) -> dict[int, int]:
    """How many entries each round holds, by round id."""
    ids = [round_.id for round_ in rounds]
    rows = db.session.execute(
        select(RoundEntry.round_id, func.count())
        .where(RoundEntry.round_id.in_(ids))
        .group_by(RoundEntry.round_id)
    )
    counts = dict.fromkeys(ids, 0)
    counts.update(dict(rows.all()))
    return counts


def counts_by_category(challenge: Challenge, submissions: list[Submission]) -> list[tuple[str, int]]:
    """(category name, number of entries) for every category of the challenge, in its order."""
    counter = Counter(submission.category_id for submission in submissions)
    return [(category.name, counter[category.id]) for category in challenge.categories]
