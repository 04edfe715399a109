"""The challenge and submission state machines, and how the clock opens and closes a challenge."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from judging.core.lifecycle import (
    CHALLENGE_TRANSITIONS,
    SUBMISSION_TRANSITIONS,
    ChallengeStatus,
    SubmissionStatus,
    TransitionError,
    Window,
    accepts_entries,
    check_transition,
    clock_status,
)

S = ChallengeStatus
OPENS = datetime(2027, 1, 10, 9, 0, tzinfo=UTC)
CLOSES = datetime(2027, 2, 28, 23, 0, tzinfo=UTC)
WINDOW = Window(OPENS, CLOSES)


@pytest.mark.parametrize(
    ("current", "target"),
    [
        (S.DRAFT, S.OPEN),
        (S.OPEN, S.CLOSED),
        (S.OPEN, S.DRAFT),
        (S.CLOSED, S.OPEN),
        (S.CLOSED, S.JUDGING),
        (S.JUDGING, S.DECIDED),
        (S.DECIDED, S.PUBLISHED),
        (S.PUBLISHED, S.ARCHIVED),
    ],
)
def test_challenge_transition_allowed_along_the_lifecycle(current, target):
    check_transition(CHALLENGE_TRANSITIONS, current, target)


@pytest.mark.parametrize(
    ("current", "target"),
    [
        (S.DRAFT, S.CLOSED),
        (S.DRAFT, S.PUBLISHED),
        (S.OPEN, S.JUDGING),
        (S.CLOSED, S.DRAFT),
        (S.JUDGING, S.OPEN),
        (S.PUBLISHED, S.DECIDED),
        (S.ARCHIVED, S.PUBLISHED),
        (S.OPEN, S.OPEN),
    ],
)
def test_challenge_transition_refused_when_not_in_the_table(current, target):
    with pytest.raises(TransitionError) as raised:
        check_transition(CHALLENGE_TRANSITIONS, current, target)
    assert (raised.value.current, raised.value.target) == (current, target)


def test_archived_challenge_is_the_end_of_the_line():
    assert CHALLENGE_TRANSITIONS[S.ARCHIVED] == frozenset()


def test_every_status_has_a_row_in_the_transition_tables():
    assert set(CHALLENGE_TRANSITIONS) == set(ChallengeStatus)
    assert set(SUBMISSION_TRANSITIONS) == set(SubmissionStatus)


def test_submission_transition_withdrawn_back_to_draft_only():
    check_transition(SUBMISSION_TRANSITIONS, SubmissionStatus.WITHDRAWN, SubmissionStatus.DRAFT)
    with pytest.raises(TransitionError):
        check_transition(SUBMISSION_TRANSITIONS, SubmissionStatus.WITHDRAWN, SubmissionStatus.SUBMITTED)


def test_submission_transition_draft_cannot_be_screened():
    with pytest.raises(TransitionError):
        check_transition(SUBMISSION_TRANSITIONS, SubmissionStatus.DRAFT, SubmissionStatus.ELIGIBLE)


def test_clock_one_second_before_the_deadline_still_accepts():
    now = CLOSES - timedelta(seconds=1)
    assert clock_status(S.OPEN, WINDOW, now) is S.OPEN
    assert accepts_entries(S.OPEN, WINDOW, now) is True


def test_clock_at_exactly_the_deadline_is_closed():
    assert clock_status(S.OPEN, WINDOW, CLOSES) is S.CLOSED
    assert accepts_entries(S.OPEN, WINDOW, CLOSES) is False


def test_clock_at_exactly_the_opening_time_accepts():
    assert accepts_entries(S.OPEN, WINDOW, OPENS) is True
    assert accepts_entries(S.OPEN, WINDOW, OPENS - timedelta(microseconds=1)) is False


def test_clock_open_before_opening_time_is_published_but_not_accepting():
    early = OPENS - timedelta(days=3)
    assert clock_status(S.OPEN, WINDOW, early) is S.OPEN
    assert accepts_entries(S.OPEN, WINDOW, early) is False


@pytest.mark.parametrize("status", [S.DRAFT, S.CLOSED, S.JUDGING, S.DECIDED, S.PUBLISHED, S.ARCHIVED])
def test_clock_never_moves_or_opens_a_challenge_that_is_not_open(status):
    during = OPENS + timedelta(days=1)
    after = CLOSES + timedelta(days=1)
    assert clock_status(status, WINDOW, during) is status
    assert clock_status(status, WINDOW, after) is status
    assert accepts_entries(status, WINDOW, during) is False


def test_clock_without_times_keeps_an_open_challenge_open():
    window = Window(None, None)
    now = datetime(2030, 1, 1, tzinfo=UTC)
    assert clock_status(S.OPEN, window, now) is S.OPEN
    assert accepts_entries(S.OPEN, window, now) is True
