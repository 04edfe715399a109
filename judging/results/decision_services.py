"""Staged decisions: the outcome of each entry, chosen by the organisers from the last round's standings.

Decisions are staged: changing them here changes nothing public until the results are published (see the
publication pages). ``stage_decisions`` writes all rows of the decisions page at once and refuses more
winners in a category than the challenge allows (nothing is written then). ``update_results_settings``
renames outcome labels and sets the winners per category and whether entrants get feedback.
Both are audited and commit once.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from judging import audit
from judging.accounts.models import User
from judging.assignments.models import Round, RoundEntry
from judging.challenges.models import Category, Challenge
from judging.core.ranking import EntryStanding
from judging.core.shortlist import check_decisions, suggest_outcomes
from judging.errors import DomainError
from judging.extensions import db
from judging.results.inputs import round_standings
from judging.results.models import Decision, Outcome
from judging.submissions.models import Submission

MAX_LABEL = 60
MAX_WINNERS = 20
DEFAULT_FINALISTS = 3


@dataclass(frozen=True)
class DecisionRow:
    """One entry on the decisions page: its standing in the last round and its staged outcome."""

    submission: Submission
    standing: EntryStanding | None
    outcome: Outcome | None


@dataclass(frozen=True)
class DecisionTable:
    """The decisions page: the round the entries come from and one list of rows per category."""

    round: Round | None
    categories: list[tuple[Category, list[DecisionRow]]]

    @property
    def rows(self) -> list[DecisionRow]:
        return [row for _category, rows in self.categories for row in rows]


def decision_round(challenge: Challenge) -> Round | None:
    """The last round (highest position) of the challenge that holds entries."""
    return db.session.scalar(
        select(Round)
        .where(Round.challenge_id == challenge.id)
        .where(select(func.count()).where(RoundEntry.round_id == Round.id).scalar_subquery() > 0)
        .order_by(Round.position.desc())
        .limit(1)
    )


def staged_outcomes(challenge: Challenge) -> dict[int, Outcome]:
    """Submission id -> staged outcome, for every decision of the challenge."""
    rows = db.session.execute(
        select(Decision.submission_id, Decision.outcome).where(Decision.challenge_id == challenge.id)
    )
    return dict(rows.all())


def decision_table(challenge: Challenge) -> DecisionTable:
    """The entries of the last round holding entries, per category in the challenge's order, each in
    that round's standings order (rank, then entries without a score), with their staged outcome."""
    round_ = decision_round(challenge)
    if round_ is None:
        return DecisionTable(None, [])
    standings = round_standings(round_)
    submissions = {
        s.id: s
        for s in db.session.scalars(
            select(Submission)
            .where(Submission.id.in_([standing.entry for standing in standings.entries]))
            .options(selectinload(Submission.organisation))
        )
    }
    outcomes = staged_outcomes(challenge)
    categories = []
    for category in challenge.categories:
        rows = [
            DecisionRow(submissions[standing.entry], standing, outcomes.get(standing.entry))
            for standing in standings.category(category.id)
        ]
        if rows:
            categories.append((category, rows))
    return DecisionTable(round_, categories)


def suggested_outcomes(table: DecisionTable) -> dict[int, Outcome]:
    """Submission id -> outcome suggested by the standings (not saved): winner for rank 1, runner-up for
    rank 2, finalist for the rest of the top N (N = the round's shortlist size, else 3), not selected
    for the others."""
    if table.round is None:
        return {}
    finalists = table.round.shortlist_size or DEFAULT_FINALISTS
    standings = [row.standing for row in table.rows if row.standing is not None]
    return {entry: Outcome(value) for entry, value in suggest_outcomes(standings, finalists).items()}


def _category_names(challenge: Challenge, ids) -> str:
    names = {category.id: category.name for category in challenge.categories}
    return ", ".join(names.get(category_id, str(category_id)) for category_id in sorted(ids))


def stage_decisions(challenge: Challenge, outcomes: Mapping[int, Outcome | None], *, actor: User) -> int:
    """Stage the outcome of each entry in ``outcomes`` (None clears it); returns how many changed.

    Refused, with nothing written: an entry that is not in the challenge, or more winners in a category
    than ``challenge.winners_per_category`` (counting the decisions not in ``outcomes`` too). Side effects:
    decision rows created, updated or deleted, one audit event per changed entry, one commit.
    """
    ids = set(outcomes)
    categories: dict[int, int] = dict(
        db.session.execute(
            select(Submission.id, Submission.category_id).where(Submission.challenge_id == challenge.id)
        ).all()
    )
    foreign = ids - set(categories)
    if foreign:
        raise DomainError(
            _("These entries are not in this challenge: %(ids)s.", ids=", ".join(map(str, sorted(foreign))))
        )
    existing = {
        decision.submission_id: decision
        for decision in db.session.scalars(select(Decision).where(Decision.challenge_id == challenge.id))
    }
    merged = {submission_id: decision.outcome for submission_id, decision in existing.items()}
    for submission_id, outcome in outcomes.items():
        if outcome is None:
            merged.pop(submission_id, None)
        else:
            merged[submission_id] = outcome
    over = check_decisions(
        {entry: outcome.value for entry, outcome in merged.items()},
        categories,
        winners_per_category=challenge.winners_per_category,
    )
    if over:
        raise DomainError(
            _(
                "Too many winners in %(categories)s: at most %(limit)d per category.",
                categories=_category_names(challenge, over),
                limit=challenge.winners_per_category,
            )
        )
    changed = 0
    for submission_id in sorted(ids):
        decision = existing.get(submission_id)
        old = decision.outcome if decision is not None else None
        new = outcomes[submission_id]
        if old == new:
            continue
        if new is None:
            db.session.delete(decision)
        elif decision is None:
            db.session.add(
                Decision(
                    challenge_id=challenge.id,
                    submission_id=submission_id,
                    outcome=new,
                    decided_by_id=actor.id,
                )
            )
        else:
            decision.outcome = new
            decision.decided_by_id = actor.id
        audit.record(
            "decision.staged",
            db.session.get(Submission, submission_id),
            actor=actor,
            challenge_id=challenge.id,
            before={"outcome": old},
            after={"outcome": new},
        )
        changed += 1
    db.session.commit()
    return changed


def update_results_settings(
    challenge: Challenge,
    *,
    labels: Mapping[Outcome, str],
    winners_per_category: int,
    feedback_to_entrants: bool,
    actor: User,
) -> None:
    """Rename outcome labels (blank = the translated default), set the winners allowed per category and
    whether entrants read feedback once results are published. Refuses a limit below the winners
    already staged in a category. Side effects: the challenge's settings, an audit event, one commit.
    """
    renamed: dict[str, str] = {}
    for outcome, text in labels.items():
        text = " ".join((text or "").split())
        if len(text) > MAX_LABEL:
            raise DomainError(
                _("Use at most %(count)d characters.", count=MAX_LABEL), f"label_{outcome.value}"
            )
        if text:
            renamed[outcome.value] = text
    if not 1 <= winners_per_category <= MAX_WINNERS:
        raise DomainError(
            _("Enter a whole number from 1 to %(max)d.", max=MAX_WINNERS), "winners_per_category"
        )
    categories = dict(
        db.session.execute(
            select(Submission.id, Submission.category_id).where(Submission.challenge_id == challenge.id)
        ).all()
    )
    over = check_decisions(
        {entry: outcome.value for entry, outcome in staged_outcomes(challenge).items()},
        categories,
        winners_per_category=winners_per_category,
    )
    if over:
        raise DomainError(
            _(
                "More winners are already staged in %(categories)s: change those decisions first.",
                categories=_category_names(challenge, over),
            ),
            "winners_per_category",
        )
    fields = {
        "outcome_labels": renamed,
        "winners_per_category": winners_per_category,
        "feedback_to_entrants": bool(feedback_to_entrants),
    }
    if audit.update(challenge, fields, "challenge.results_settings", actor=actor, challenge_id=challenge.id):
        db.session.commit()
