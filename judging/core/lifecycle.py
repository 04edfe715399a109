"""The state machines of challenges and submissions, and how the clock moves a challenge.

Each machine is an enum plus a table of allowed transitions; services change state only through
``check_transition`` so that a transition missing from the table cannot happen.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime


class ChallengeStatus(enum.Enum):
    DRAFT = "draft"
    OPEN = "open"
    CLOSED = "closed"
    JUDGING = "judging"
    DECIDED = "decided"
    PUBLISHED = "published"
    ARCHIVED = "archived"


CHALLENGE_TRANSITIONS: dict[ChallengeStatus, frozenset[ChallengeStatus]] = {
    ChallengeStatus.DRAFT: frozenset({ChallengeStatus.OPEN}),
    ChallengeStatus.OPEN: frozenset({ChallengeStatus.DRAFT, ChallengeStatus.CLOSED}),
    ChallengeStatus.CLOSED: frozenset({ChallengeStatus.OPEN, ChallengeStatus.JUDGING}),
    ChallengeStatus.JUDGING: frozenset({ChallengeStatus.CLOSED, ChallengeStatus.DECIDED}),
    ChallengeStatus.DECIDED: frozenset({ChallengeStatus.JUDGING, ChallengeStatus.PUBLISHED}),
    ChallengeStatus.PUBLISHED: frozenset({ChallengeStatus.ARCHIVED}),
    ChallengeStatus.ARCHIVED: frozenset(),
}


class SubmissionStatus(enum.Enum):
    DRAFT = "draft"
    SUBMITTED = "submitted"
    ELIGIBLE = "eligible"
    INELIGIBLE = "ineligible"
    WITHDRAWN = "withdrawn"


SUBMISSION_TRANSITIONS: dict[SubmissionStatus, frozenset[SubmissionStatus]] = {
    SubmissionStatus.DRAFT: frozenset({SubmissionStatus.SUBMITTED, SubmissionStatus.WITHDRAWN}),
    SubmissionStatus.SUBMITTED: frozenset(
        {SubmissionStatus.WITHDRAWN, SubmissionStatus.ELIGIBLE, SubmissionStatus.INELIGIBLE}
    ),
    SubmissionStatus.ELIGIBLE: frozenset({SubmissionStatus.INELIGIBLE, SubmissionStatus.WITHDRAWN}),
    SubmissionStatus.INELIGIBLE: frozenset({SubmissionStatus.ELIGIBLE, SubmissionStatus.WITHDRAWN}),
    SubmissionStatus.WITHDRAWN: frozenset({SubmissionStatus.DRAFT}),
}


class TransitionError(ValueError):
    """A state change that the machine's table does not allow."""

    def __init__(self, current: enum.Enum, target: enum.Enum) -> None:
        super().__init__(f"{current.value} -> {target.value}")
        self.current = current
        self.target = target


def check_transition(
    table: dict[enum.Enum, frozenset[enum.Enum]] | dict, current: enum.Enum, target: enum.Enum
) -> None:
    """Raise ``TransitionError`` unless ``table`` allows ``current`` to become ``target``."""
    if target not in table.get(current, frozenset()):
        raise TransitionError(current, target)


@dataclass(frozen=True)
class Window:
    """A submission window in UTC: open from ``opens_at`` (inclusive) to ``closes_at`` (exclusive)."""

    opens_at: datetime | None
    closes_at: datetime | None

    def has_opened(self, now: datetime) -> bool:
        return self.opens_at is None or now >= self.opens_at

    def has_closed(self, now: datetime) -> bool:
        return self.closes_at is not None and now >= self.closes_at

    def accepts(self, now: datetime) -> bool:
        return self.has_opened(now) and not self.has_closed(now)


def clock_status(status: ChallengeStatus, window: Window, now: datetime) -> ChallengeStatus:
    """The status the clock gives: an open challenge whose deadline has passed is closed.

    An open challenge before its opening time stays ``OPEN`` (published and visible) but does not yet
    accept entries; ``Window.accepts`` says when it does.
    """
    if status is ChallengeStatus.OPEN and window.has_closed(now):
        return ChallengeStatus.CLOSED
    return status


def accepts_entries(status: ChallengeStatus, window: Window, now: datetime) -> bool:
    """Whether entrants may create, change, submit or withdraw entries right now."""
    return clock_status(status, window, now) is ChallengeStatus.OPEN and window.accepts(now)
