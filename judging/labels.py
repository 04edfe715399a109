"""Translated names for the enums users see."""

from __future__ import annotations

import enum

from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext

from judging.challenges.models import ChallengeKind, QuestionKind
from judging.core.lifecycle import ChallengeStatus, SubmissionStatus
from judging.submissions.models import Stage

LABELS: dict[enum.Enum, object] = {
    ChallengeStatus.DRAFT: _l("Draft"),
    ChallengeStatus.OPEN: lazy_pgettext("challenge status", "Open"),
    ChallengeStatus.CLOSED: lazy_pgettext("challenge status", "Closed"),
    ChallengeStatus.JUDGING: lazy_pgettext("challenge status", "Judging"),
    ChallengeStatus.DECIDED: _l("Decided"),
    ChallengeStatus.PUBLISHED: _l("Results published"),
    ChallengeStatus.ARCHIVED: _l("Archived"),
    SubmissionStatus.DRAFT: _l("Draft"),
    SubmissionStatus.SUBMITTED: _l("Submitted"),
    SubmissionStatus.ELIGIBLE: _l("Eligible"),
    SubmissionStatus.INELIGIBLE: _l("Not eligible"),
    SubmissionStatus.WITHDRAWN: _l("Withdrawn"),
    ChallengeKind.CHALLENGE: lazy_pgettext("kind of programme", "Challenge"),
    ChallengeKind.AWARD: lazy_pgettext("kind of programme", "Award"),
    QuestionKind.SHORT_TEXT: _l("Short text"),
    QuestionKind.LONG_TEXT: _l("Long text"),
    QuestionKind.SINGLE_CHOICE: _l("Single choice"),
    QuestionKind.MULTIPLE_CHOICE: _l("Multiple choice"),
    QuestionKind.NUMBER: _l("Number"),
    QuestionKind.URL: _l("Web address (URL)"),
    Stage.IDEA: _l("Idea"),
    Stage.PROTOTYPE: _l("Prototype"),
    Stage.MARKET: _l("On the market"),
    Stage.SCALING: _l("Scaling"),
}

SDG_NAMES = {
    1: _l("No poverty"),
    2: _l("Zero hunger"),
    3: _l("Good health and well-being"),
    4: _l("Quality education"),
    5: _l("Gender equality"),
    6: _l("Clean water and sanitation"),
    7: _l("Affordable and clean energy"),
    8: _l("Decent work and economic growth"),
    9: _l("Industry, innovation and infrastructure"),
    10: _l("Reduced inequalities"),
    11: _l("Sustainable cities and communities"),
    12: _l("Responsible consumption and production"),
    13: _l("Climate action"),
    14: _l("Life below water"),
    15: _l("Life on land"),
    16: _l("Peace, justice and strong institutions"),
    17: _l("Partnerships for the goals"),
}


def label(value: enum.Enum | None) -> str:
    """The reader-language name of an enum member (its value when none is defined)."""
    if value is None:
        return ""
    return str(LABELS.get(value, value.value))


def choices(enum_cls: type[enum.Enum]) -> list[tuple[str, str]]:
    return [(member.value, label(member)) for member in enum_cls]


def _assignment_labels() -> dict[enum.Enum, object]:
    from judging.assignments.models import AssignmentOrigin, AssignmentStatus

    return {
        AssignmentStatus.ASSIGNED: _l("Assigned"),
        AssignmentStatus.RECUSED: _l("Recused"),
        AssignmentStatus.SCORED: _l("Scored"),
        AssignmentOrigin.AUTOMATIC: _l("Automatic"),
        AssignmentOrigin.MANUAL: _l("Manual"),
    }


LABELS.update(_assignment_labels())


def _results_labels() -> dict[enum.Enum, object]:
    from judging.core.ranking import Method
    from judging.results.models import Outcome

    return {
        Outcome.WINNER: _l("Winner"),
        Outcome.RUNNER_UP: _l("Runner-up"),
        Outcome.HONOURABLE_MENTION: _l("Honourable mention"),
        Outcome.FINALIST: _l("Finalist"),
        Outcome.PARTICIPANT: _l("Participant"),
        Outcome.NOT_SELECTED: _l("Not selected"),
        Method.RAW_MEAN: _l("Mean of the judges' totals"),
        Method.Z_SCORE: _l("Standardised per judge (z-score)"),
        Method.JUDGE_BIAS: _l("Adjusted for each judge's leniency"),
    }


LABELS.update(_results_labels())


def _certificate_labels() -> dict[enum.Enum, object]:
    from judging.certificates.models import CertificateKind

    return {
        CertificateKind.ACHIEVEMENT: _l("Achievement"),
        CertificateKind.FINALIST: _l("Finalist"),
        CertificateKind.PARTICIPATION: _l("Participation"),
        CertificateKind.JUDGE: _l("Judge appreciation"),
    }


LABELS.update(_certificate_labels())


def _job_labels() -> dict[enum.Enum, object]:
    from judging.jobs.models import JobStatus

    return {
        JobStatus.QUEUED: lazy_pgettext("job status", "Waiting"),
        JobStatus.RUNNING: lazy_pgettext("job status", "Running"),
        JobStatus.DONE: lazy_pgettext("job status", "Done"),
        JobStatus.FAILED: lazy_pgettext("job status", "Failed"),
    }


LABELS.update(_job_labels())


def outcome_label(challenge: object, outcome: enum.Enum | None) -> str:
    """The name the challenge gives this outcome: the organisers' own label when they renamed it,
    otherwise the translated default."""
    if outcome is None:
        return ""
    custom = (getattr(challenge, "outcome_labels", None) or {}).get(outcome.value)
    return custom or label(outcome)
