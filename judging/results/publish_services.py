"""Publishing results: freezing standings, decisions and feedback into a ResultsSnapshot (layout in
``judging.results.snapshot_data``), the versions published, and how the live state differs from the
latest publication.

Everything public (the results page, the entrant's outcome and feedback report, the audit file,
certificates) is read from ``ResultsSnapshot.data`` and never from live tables, so later changes to marks
or decisions change nothing public until the organisers publish again.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from judging.accounts.models import User
from judging.audit import record
from judging.challenges.models import Challenge
from judging.challenges.services import apply_status
from judging.core.lifecycle import CHALLENGE_TRANSITIONS, ChallengeStatus, check_transition
from judging.core.ranking import Method
from judging.database import begin_write
from judging.errors import DomainError
from judging.extensions import db
from judging.labels import label, outcome_label
from judging.results.codes import judge_codes
from judging.results.models import Decision, Outcome, ResultsSnapshot
from judging.results.snapshot_data import (
    build_snapshot_data,
    challenge_rounds,
    inputs_hash,
    round_block,
    staged_decisions,
)
from judging.submissions.models import Submission

BEFORE_JUDGING = (ChallengeStatus.DRAFT, ChallengeStatus.OPEN, ChallengeStatus.CLOSED)


def _published_meanwhile() -> str:
    return _("The results were published meanwhile by someone else; reload the page.")


def _move_to_published(challenge: Challenge, actor: User) -> None:
    """JUDGING -> DECIDED -> PUBLISHED (or DECIDED -> PUBLISHED), each step audited as a status change."""
    current = challenge.current_status()
    if current is ChallengeStatus.PUBLISHED:
        return
    if current in BEFORE_JUDGING:
        raise DomainError(_("Results can be published only once judging has started."))
    if current is ChallengeStatus.ARCHIVED:
        raise DomainError(_("This challenge is archived: its results can no longer be published."))
    steps = [ChallengeStatus.DECIDED] if current is ChallengeStatus.JUDGING else []
    for target in [*steps, ChallengeStatus.PUBLISHED]:
        check_transition(CHALLENGE_TRANSITIONS, challenge.status, target)
        apply_status(challenge, target, actor=actor)


def _check_can_publish(challenge: Challenge, previous: ResultsSnapshot | None, reason: str | None) -> None:
    if previous is not None and reason is None:
        raise DomainError(_("Say why the results are published again."), "reason")
    if challenge.current_status() is ChallengeStatus.ARCHIVED:
        raise DomainError(_("This challenge is archived: its results can no longer be published."))
    if not db.session.scalar(select(Decision.id).where(Decision.challenge_id == challenge.id).limit(1)):
        raise DomainError(_("Decide the outcome of at least one entry before publishing."))


def publish_results(
    challenge: Challenge, *, reason: str | None, actor: User, seen_version: int | None = None
) -> ResultsSnapshot:
    """Freeze the current standings, decisions and feedback as the next snapshot version and move the
    challenge to PUBLISHED.

    Needs at least one decision; publishing again needs a reason. Takes the write lock first so two
    organisers publishing at once cannot both make version N (the unique constraint backs this up).
    ``seen_version`` (0 for none) is the version the organiser saw when asking: when another has been
    published since, nothing is published, so a repeated request publishes once.
    Audited as ``results.publish`` (first) or ``results.republish``, plus ``challenge.status`` steps.
    """
    begin_write(db.session)
    # PostgreSQL: serialise publishers on the challenge's row (SQLite holds the write lock already).
    db.session.execute(select(Challenge.id).where(Challenge.id == challenge.id).with_for_update())
    reason = (reason or "").strip() or None
    previous = published(challenge)
    if seen_version is not None and seen_version != (previous.version if previous else 0):
        db.session.rollback()
        raise DomainError(_published_meanwhile())
    try:
        _check_can_publish(challenge, previous, reason)
        _move_to_published(challenge, actor)
    except DomainError:
        db.session.rollback()
        raise
    data = build_snapshot_data(challenge)
    snapshot = ResultsSnapshot(
        challenge_id=challenge.id,
        version=(previous.version + 1) if previous else 1,
        published_by_id=actor.id if actor is not None else None,
        reason=reason,
        method=",".join(sorted({block["method"] for block in data["rounds"]})) or "none",
        inputs_hash=inputs_hash(data["rounds"], data["decisions"]),
        data=data,
    )
    db.session.add(snapshot)
    try:
        db.session.flush()
    except IntegrityError as error:
        db.session.rollback()
        raise DomainError(_published_meanwhile()) from error
    record(
        "results.republish" if previous else "results.publish",
        snapshot,
        actor=actor,
        challenge_id=challenge.id,
        before={"version": previous.version, "inputs_hash": previous.inputs_hash} if previous else None,
        after={"version": snapshot.version, "inputs_hash": snapshot.inputs_hash, "reason": reason},
    )
    db.session.commit()
    return snapshot


def published(challenge: Challenge) -> ResultsSnapshot | None:
    """The snapshot in force (the highest version), or None before the first publication."""
    return db.session.scalar(
        select(ResultsSnapshot)
        .where(ResultsSnapshot.challenge_id == challenge.id)
        .order_by(ResultsSnapshot.version.desc())
        .limit(1)
    )


def snapshot_version(challenge: Challenge, version: int) -> ResultsSnapshot | None:
    return db.session.scalar(
        select(ResultsSnapshot).where(
            ResultsSnapshot.challenge_id == challenge.id, ResultsSnapshot.version == version
        )
    )


def history(challenge: Challenge) -> list[ResultsSnapshot]:
    """Every published version, newest first."""
    return list(
        db.session.scalars(
            select(ResultsSnapshot)
            .where(ResultsSnapshot.challenge_id == challenge.id)
            .order_by(ResultsSnapshot.version.desc())
        )
    )


@dataclass(frozen=True)
class DecisionChange:
    submission_id: int
    title: str
    before: str | None  # outcome label, None when the entry had no decision
    after: str | None


@dataclass(frozen=True)
class StandingChange:
    round_name: str
    submission_id: int
    title: str
    rank_before: int | None
    rank_after: int | None
    score_before: float | None
    score_after: float | None


@dataclass(frozen=True)
class Differences:
    """How the live state differs from the latest snapshot (empty when nothing is published)."""

    inputs_changed: bool = False
    decisions: list[DecisionChange] = field(default_factory=list)
    standings: list[StandingChange] = field(default_factory=list)

    @property
    def any(self) -> bool:
        return self.inputs_changed or bool(self.decisions or self.standings)


def _outcome_text(challenge: Challenge, value: str | None) -> str | None:
    return None if value is None else outcome_label(challenge, Outcome(value))


def differences(challenge: Challenge) -> Differences:
    """Compare the live marks, standings and decisions with the latest snapshot.

    Ranks and scores are recomputed without resampling (intervals are not compared); a score counts as
    moved when it differs at three decimals.
    """
    snapshot = published(challenge)
    if snapshot is None:
        return Differences()
    codes = judge_codes(challenge.id)
    rounds = [round_block(round_, codes, resamples=0) for round_ in challenge_rounds(challenge)]
    live_decisions = {d.submission_id: d.outcome.value for d in staged_decisions(challenge)}
    old_decisions = {row["submission"]: row["outcome"] for row in snapshot.data.get("decisions", [])}
    live_hash = inputs_hash(
        rounds, [{"submission": s, "outcome": o} for s, o in sorted(live_decisions.items())]
    )
    titles = dict(
        db.session.execute(
            select(Submission.id, Submission.title).where(Submission.challenge_id == challenge.id)
        ).all()
    )
    decision_changes = [
        DecisionChange(
            entry,
            titles.get(entry, ""),
            _outcome_text(challenge, old_decisions.get(entry)),
            _outcome_text(challenge, live_decisions.get(entry)),
        )
        for entry in sorted(set(live_decisions) | set(old_decisions))
        if live_decisions.get(entry) != old_decisions.get(entry)
    ]
    old_rounds = {block["id"]: block for block in snapshot.data.get("rounds", [])}
    standing_changes = []
    for block in rounds:
        old = {row["entry"]: row for row in old_rounds.get(block["id"], {}).get("standings", [])}
        live = {row["entry"] for row in block["standings"]}
        gone = [{"entry": entry, "rank": None, "score": None} for entry in sorted(set(old) - live)]
        for row in [*block["standings"], *gone]:
            before = old.get(row["entry"], {})
            rank_before, score_before = before.get("rank"), before.get("score")
            moved = _rounded(score_before) != _rounded(row["score"])
            if rank_before != row["rank"] or moved:
                standing_changes.append(
                    StandingChange(
                        block["name"],
                        row["entry"],
                        titles.get(row["entry"], ""),
                        rank_before,
                        row["rank"],
                        score_before,
                        row["score"],
                    )
                )
    return Differences(live_hash != snapshot.inputs_hash, decision_changes, standing_changes)


def _rounded(value: float | None) -> float | None:
    return None if value is None else round(value, 3)


def method_label(value: str) -> str:
    try:
        return label(Method(value))
    except ValueError:
        return value


def staged_summary(challenge: Challenge) -> list[tuple[str, dict[Outcome, int]]]:
    """Per category (in the challenge's order): how many staged decisions give each outcome."""
    rows = db.session.execute(
        select(Submission.category_id, Decision.outcome, func.count())
        .join(Submission, Decision.submission_id == Submission.id)
        .where(Decision.challenge_id == challenge.id)
        .group_by(Submission.category_id, Decision.outcome)
    )
    counts: dict[int, dict[Outcome, int]] = {}
    for category_id, outcome, number in rows:
        counts.setdefault(category_id, {})[outcome] = number
    return [(category.name, counts.get(category.id, {})) for category in challenge.categories]
