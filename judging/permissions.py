"""Named permission predicates and one visibility query per kind of object.

Views and templates call these; nobody re-writes a rule inline. An object that a user may not see is
answered with 404, so every list, page, export and download starts from a ``visible_*`` query.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Select, false, or_, select

from judging.accounts.models import User
from judging.challenges.models import Challenge, challenge_organisers
from judging.core.lifecycle import ChallengeStatus, SubmissionStatus
from judging.submissions.models import Submission


def _signed_in(user: Any) -> bool:
    return user is not None and getattr(user, "is_authenticated", False)


def is_admin(user: Any) -> bool:
    return _signed_in(user) and bool(user.is_admin)


def is_organiser(challenge: Challenge, user: Any) -> bool:
    """Administrators and the challenge's named organisers."""
    if not _signed_in(user):
        return False
    return user.is_admin or any(organiser.id == user.id for organiser in challenge.organisers)


def is_any_organiser(user: Any) -> bool:
    return _signed_in(user) and (user.is_admin or bool(user.organised_challenges))


def can_create_challenge(user: Any) -> bool:
    return is_admin(user)


def can_manage_challenge(challenge: Challenge, user: Any) -> bool:
    return is_organiser(challenge, user)


def can_name_organisers(challenge: Challenge, user: Any) -> bool:
    return is_admin(user)


def can_view_challenge(challenge: Challenge, user: Any) -> bool:
    return challenge.is_public or is_organiser(challenge, user)


def is_member(submission: Submission, user: Any) -> bool:
    """The user belongs to the organisation that owns the entry."""
    return (
        _signed_in(user)
        and user.organisation_id is not None
        and user.organisation_id == submission.organisation_id
    )


def can_enter(challenge: Challenge, user: Any) -> bool:
    """Whether the user may start an entry now (signed in, verified, with an organisation, window open)."""
    return (
        _signed_in(user)
        and user.is_verified
        and user.organisation_id is not None
        and challenge.accepts_entries()
    )


def can_view_submission(submission: Submission, user: Any) -> bool:
    if is_member(submission, user):
        return True
    return submission.status is not SubmissionStatus.DRAFT and is_organiser(submission.challenge, user)


def can_edit_submission(submission: Submission, user: Any) -> bool:
    """Members change their entry while the window is open and the entry is a draft or submitted."""
    return (
        is_member(submission, user)
        and submission.status in (SubmissionStatus.DRAFT, SubmissionStatus.SUBMITTED)
        and submission.challenge.accepts_entries()
    )


def can_withdraw(submission: Submission, user: Any) -> bool:
    return (
        is_member(submission, user)
        and submission.status in (SubmissionStatus.DRAFT, SubmissionStatus.SUBMITTED)
        and submission.challenge.accepts_entries()
    )


def can_reinstate(submission: Submission, user: Any) -> bool:
    return (
        is_member(submission, user)
        and submission.status is SubmissionStatus.WITHDRAWN
        and submission.challenge.accepts_entries()
    )


def can_screen(submission: Submission, user: Any) -> bool:
    return is_organiser(submission.challenge, user) and submission.status in (
        SubmissionStatus.SUBMITTED,
        SubmissionStatus.ELIGIBLE,
        SubmissionStatus.INELIGIBLE,
    )


def can_download_deck(submission: Submission, user: Any) -> bool:
    return can_view_submission(submission, user)


def visible_challenges(user: Any) -> Select[tuple[Challenge]]:
    """Challenges the user may see: every public one, plus drafts they organise (all for admins)."""
    query = select(Challenge)
    if is_admin(user):
        return query
    public = Challenge.status != ChallengeStatus.DRAFT
    if not _signed_in(user):
        return query.where(public)
    organised = Challenge.id.in_(
        select(challenge_organisers.c.challenge_id).where(challenge_organisers.c.user_id == user.id)
    )
    return query.where(or_(public, organised))


def managed_challenges(user: Any) -> Select[tuple[Challenge]]:
    """Challenges the user organises (all of them for administrators)."""
    query = select(Challenge)
    if is_admin(user):
        return query
    if not _signed_in(user):
        return query.where(false())
    return query.where(
        Challenge.id.in_(
            select(challenge_organisers.c.challenge_id).where(challenge_organisers.c.user_id == user.id)
        )
    )


def visible_submissions(user: Any) -> Select[tuple[Submission]]:
    """Entries the user may see: their organisation's, and non-draft entries of challenges they organise."""
    query = select(Submission)
    if not _signed_in(user):
        return query.where(false())
    if user.is_admin:
        return query.where(or_(Submission.status != SubmissionStatus.DRAFT, _own(user)))
    organised = Submission.challenge_id.in_(
        select(challenge_organisers.c.challenge_id).where(challenge_organisers.c.user_id == user.id)
    )
    return query.where(or_(_own(user), organised & (Submission.status != SubmissionStatus.DRAFT)))


def _own(user: User):
    if user.organisation_id is None:
        return false()
    return Submission.organisation_id == user.organisation_id


def is_organisation_member(organisation: Any, user: Any) -> bool:
    """The user belongs to this organisation (members see and edit it, and invite colleagues)."""
    return _signed_in(user) and organisation is not None and user.organisation_id == organisation.id


def menu_roles(user: Any) -> tuple[bool, bool]:
    """Whether the menu shows "Judging" and "Manage": the user has accepted a place on a jury, and the
    user organises a challenge (or administers them all). One query for both, asked on every page."""
    from judging.assignments.models import Judge, JudgeStatus
    from judging.extensions import db

    if not _signed_in(user):
        return False, False
    judge = select(Judge.id).where(Judge.user_id == user.id, Judge.status == JudgeStatus.ACTIVE).exists()
    organisers = challenge_organisers.c
    organiser = select(organisers.user_id).where(organisers.user_id == user.id).exists()
    is_judge, organises = db.session.execute(select(judge, organiser)).one()
    return bool(is_judge), bool(user.is_admin or organises)


def visible_assignments(user: Any) -> Select:
    """A judge's own assignments, only where their membership is ready, never a conflicted pair.

    Every list, page and download a judge reaches starts from this query. Recused assignments are
    included (the dashboard lists them); pages showing an entry refuse them.
    """
    from sqlalchemy import exists

    from judging.assignments.models import Assignment, Conflict, Judge, JudgeStatus

    query = select(Assignment)
    if not _signed_in(user):
        return query.where(false())
    conflicted_pair = exists().where(
        Conflict.judge_id == Assignment.judge_id,
        Conflict.submission_id == Assignment.submission_id,
        Conflict.removed_at.is_(None),
    )
    return (
        query.join(Judge, Judge.id == Assignment.judge_id)
        .where(
            Judge.user_id == user.id,
            Judge.status == JudgeStatus.ACTIVE,
            Judge.terms_accepted_at.is_not(None),
            Judge.profile_confirmed_at.is_not(None),
        )
        .where(~conflicted_pair)
    )


def conflicted(judge_id: int, submission_id: int) -> bool:
    """The judge and the entry have an active conflict of interest: they must never meet."""
    from judging.assignments.models import Conflict
    from judging.extensions import db

    found = db.session.scalar(
        select(Conflict.id)
        .where(
            Conflict.judge_id == judge_id,
            Conflict.submission_id == submission_id,
            Conflict.removed_at.is_(None),
        )
        .limit(1)
    )
    return found is not None


def active_conflict_pairs(challenge_id: int) -> set[tuple[int, int]]:
    """Every (judge id, submission id) pair of the challenge with an active conflict of interest."""
    from judging.assignments.models import Conflict
    from judging.extensions import db

    rows = db.session.execute(
        select(Conflict.judge_id, Conflict.submission_id).where(
            Conflict.challenge_id == challenge_id, Conflict.removed_at.is_(None)
        )
    )
    return {(judge_id, submission_id) for judge_id, submission_id in rows}


def judge_for(challenge: Any, user: Any) -> Any:
    """The user's active (accepted, not revoked) membership of the challenge's jury, or None."""
    from judging.assignments.models import Judge, JudgeStatus
    from judging.extensions import db

    if not _signed_in(user) or challenge is None:
        return None
    return db.session.scalar(
        select(Judge).where(
            Judge.challenge_id == challenge.id,
            Judge.user_id == user.id,
            Judge.status == JudgeStatus.ACTIVE,
        )
    )


def is_ready_judge(challenge: Any, user: Any) -> bool:
    """The user judges this challenge and has accepted its terms and confirmed their profile."""
    judge = judge_for(challenge, user)
    return judge is not None and judge.is_ready
