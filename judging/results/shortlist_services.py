"""Shortlisting: which entries of a round go through to the next one, and telling their entrants.

The next round is the round of the same challenge at the next position. ``advance_entries`` makes it
hold exactly the chosen entries; an entry already assigned to judges there is never dropped silently
(the whole change is refused). ``release_outcomes`` mails every entrant of the round, once, in their
own language, whether their entry goes through. Both are audited and commit once.
"""

from __future__ import annotations

import logging
import smtplib
from dataclasses import dataclass, field

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from judging import audit
from judging.accounts.models import User
from judging.assignments.assign_services import OUT_OF_THE_RUNNING
from judging.assignments.models import Assignment, Round, RoundEntry
from judging.challenges.models import Category
from judging.core.ranking import EntryStanding, Standings
from judging.core.shortlist import above_threshold, top_per_category
from judging.database import utcnow
from judging.errors import DomainError
from judging.extensions import db
from judging.mail import external_url, send_template
from judging.results.inputs import round_standings
from judging.scoring.progress_services import lock_round
from judging.submissions.models import Submission

log = logging.getLogger(__name__)


@dataclass
class AdvanceReport:
    """What ``advance_entries`` changed in the next round."""

    next_round: Round
    added: list[Submission] = field(default_factory=list)
    removed: list[Submission] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return bool(self.added or self.removed)


@dataclass
class ReleaseReport:
    """How many entries were told they go through or not, and how many mails were sent or failed."""

    through: int = 0
    not_through: int = 0
    mailed: int = 0
    failed: int = 0


@dataclass(frozen=True)
class ShortlistRow:
    submission: Submission
    standing: EntryStanding


@dataclass(frozen=True)
class ShortlistPage:
    """What the advance page shows: the round's standings per category, the next round and what it holds."""

    standings: Standings
    categories: list[tuple[Category, list[ShortlistRow]]]
    next_round: Round | None
    current: set[int]  # entries the next round holds now


def shortlist_page(round_: Round) -> ShortlistPage:
    """The round's standings (entries still in the running, per category in standings order)."""
    standings = round_standings(round_)
    submissions = {s.id: s for s in _submissions({standing.entry for standing in standings.entries})}
    categories = []
    for category in round_.challenge.categories:
        rows = [ShortlistRow(submissions[s.entry], s) for s in standings.category(category.id)]
        if rows:
            categories.append((category, rows))
    following = next_round(round_)
    return ShortlistPage(standings, categories, following, held_ids(following) if following else set())


def preview_selection(
    page: ShortlistPage, mode: str, *, n: int | None = None, minimum: float | None = None
) -> set[int]:
    """The entries a choice would send through: ``top`` (n per category), ``threshold`` (score at least
    ``minimum``), anything else: what the next round holds now."""
    if mode == "top" and n is not None:
        return top_per_category(page.standings, n)
    if mode == "threshold" and minimum is not None:
        return above_threshold(page.standings, minimum)
    return set(page.current)


def next_round(round_: Round) -> Round | None:
    """The round after ``round_`` in its challenge, if there is one."""
    return db.session.scalar(
        select(Round).where(Round.challenge_id == round_.challenge_id, Round.position == round_.position + 1)
    )


def held_ids(round_: Round) -> set[int]:
    """Ids of the entries the round holds."""
    return set(db.session.scalars(select(RoundEntry.submission_id).where(RoundEntry.round_id == round_.id)))


def _submissions(ids: set[int]) -> list[Submission]:
    if not ids:
        return []
    return list(
        db.session.scalars(select(Submission).where(Submission.id.in_(ids)).order_by(Submission.title))
    )


def _titles(submissions: list[Submission]) -> str:
    return ", ".join(f"“{submission.title}”" for submission in submissions)


def advance_entries(round_: Round, entry_ids: set[int], *, actor: User) -> AdvanceReport:
    """Make the next round hold exactly ``entry_ids``, which must be entries of ``round_`` still in the
    running. Entries no longer chosen are removed from the next round unless judges are assigned to them
    there; then nothing changes and ``DomainError`` names them. Side effects: round entries added and
    removed, an audit event, one commit.
    """
    following = next_round(round_)
    if following is None:
        raise DomainError(_("This is the last round: add a round to send entries through to."))
    chosen = set(entry_ids)
    foreign = chosen - held_ids(round_)
    if foreign:
        ids = ", ".join(str(i) for i in sorted(foreign))
        raise DomainError(_("Only entries of this round can go through (entry ids: %(ids)s).", ids=ids))
    out = [s for s in _submissions(chosen) if s.status in OUT_OF_THE_RUNNING]
    if out:
        message = _("These entries are withdrawn or not eligible, so they cannot go through: %(titles)s.")
        raise DomainError(message % {"titles": _titles(out)})
    current = held_ids(following)
    leaving = current - chosen
    assigned = set(
        db.session.scalars(
            select(Assignment.submission_id).where(
                Assignment.round_id == following.id, Assignment.submission_id.in_(leaving)
            )
        )
    )
    if assigned:
        raise DomainError(
            _(
                "Judges are already assigned to these entries in %(round)s, so they stay in it: "
                "%(titles)s. Remove their assignments first.",
                round=following.name,
                titles=_titles(_submissions(assigned)),
            )
        )
    report = AdvanceReport(following, _submissions(chosen - current), _submissions(leaving))
    if not report.changed:
        return report
    for submission in report.added:
        db.session.add(RoundEntry(round_id=following.id, submission_id=submission.id))
    for entry in db.session.scalars(
        select(RoundEntry).where(RoundEntry.round_id == following.id, RoundEntry.submission_id.in_(leaving))
    ):
        db.session.delete(entry)
    audit.record(
        "round.advance",
        following,
        actor=actor,
        challenge_id=round_.challenge_id,
        before={"from_round": round_.id, "entries": sorted(current)},
        after={
            "entries": sorted(chosen),
            "added": [s.id for s in report.added],
            "removed": [s.id for s in report.removed],
        },
    )
    try:
        db.session.commit()
    except IntegrityError as error:  # another organiser changed the next round at the same moment
        db.session.rollback()
        raise DomainError(_("The next round was just changed by someone else. Please try again.")) from error
    return report


def _entry_link(submission: Submission) -> str:
    path = current_app.url_map.bind("localhost").build("submissions.view", {"submission_id": submission.id})
    return external_url(path)


def release_outcomes(round_: Round, *, actor: User) -> ReleaseReport:
    """Tell every entrant of ``round_`` whether their entry goes through to the next round.

    Every member of each entry's organisation gets one mail in their own language. Refused when the
    entrants were told already, or when the next round holds no entries (nobody would go through).
    A mail that fails is logged and counted; the release still counts as done. Side effects: mail,
    ``round.outcome_released_at``, an audit event, one commit.
    """
    round_ = lock_round(round_)
    if round_.outcome_released_at is not None:
        raise DomainError(_("Entrants of this round were told already; they are told only once."))
    following = next_round(round_)
    through_ids = held_ids(following) if following is not None else set()
    if not through_ids:
        raise DomainError(_("Choose the entries that go through before telling the entrants."))
    submissions = db.session.scalars(
        select(Submission)
        .join(RoundEntry, RoundEntry.submission_id == Submission.id)
        .where(RoundEntry.round_id == round_.id, Submission.status.not_in(OUT_OF_THE_RUNNING))
        .options(selectinload(Submission.organisation))
        .order_by(Submission.id)
    ).all()
    report = ReleaseReport()
    for submission in submissions:
        through = submission.id in through_ids
        if through:
            report.through += 1
        else:
            report.not_through += 1
        for member in submission.organisation.members:
            try:
                send_template(
                    member.email,
                    "round_outcome_through" if through else "round_outcome_not_through",
                    language=member.language,
                    name=member.name,
                    challenge=round_.challenge,
                    round=round_,
                    next_round=following,
                    submission=submission,
                    link=_entry_link(submission),
                )
            except (OSError, smtplib.SMTPException):
                log.exception("could not tell user %d about entry %d", member.id, submission.id)
                report.failed += 1
            else:
                report.mailed += 1
    now = utcnow()
    round_.outcome_released_at = now
    audit.record(
        "round.outcome_released",
        round_,
        actor=actor,
        challenge_id=round_.challenge_id,
        before={"outcome_released_at": None},
        after={
            "outcome_released_at": now,
            "through": report.through,
            "not_through": report.not_through,
            "mailed": report.mailed,
            "failed": report.failed,
        },
    )
    db.session.commit()
    return report
