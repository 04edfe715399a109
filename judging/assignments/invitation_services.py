"""A judge's own use cases: answer the invitation, accept the judging terms, confirm their profile.

The invitation link names the judge and carries a fingerprint of their address and status, so it works
until it is answered (accepted or declined), revoked, or the address is changed, and for at most
``JUDGE_INVITE_MAX_AGE`` seconds. Following it proves the address: an account created through it is
confirmed at once, and an unconfirmed account with that address becomes confirmed on acceptance.
"""

from __future__ import annotations

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from judging import audit
from judging.accounts.models import User, user_by_email
from judging.accounts.passwords import hash_password
from judging.accounts.services import LinkProblem, check_password_rules, normalise_email
from judging.assignments.conflict_services import detect_conflicts
from judging.assignments.judge_details import (
    INVITE_PURPOSE,
    JudgeDetails,
    check_capacity,
    check_details,
    describe,
    fingerprint_of,
    invite_max_age,
)
from judging.assignments.models import Judge, JudgeStatus
from judging.database import begin_write, utcnow
from judging.errors import DomainError, NotAllowed
from judging.extensions import db
from judging.tokens import TokenError, read_token


def judge_from_token(token: str, *, lock: bool = False) -> Judge:
    """The judge whose pending invitation the link answers; ``LinkProblem`` when it cannot be used.

    ``lock``: begin a writing transaction and lock the judge's row first, so that of several answers
    sent at once only the first finds the invitation pending (the others find the link used).
    """
    try:
        payload = read_token(INVITE_PURPOSE, token, max_age=invite_max_age())
    except TokenError as error:
        raise LinkProblem("expired" if error.expired else "invalid") from error
    judge_id = payload.get("jid")
    if not isinstance(judge_id, int):
        raise LinkProblem("invalid")
    if lock:
        begin_write(db.session)
        judge = db.session.get(Judge, judge_id, with_for_update=True, populate_existing=True)
    else:
        judge = db.session.get(Judge, judge_id)
    if judge is None:
        raise LinkProblem("invalid")
    if payload.get("fp") != fingerprint_of(judge):
        # Answered links are "used"; revoked or re-addressed ones simply no longer work.
        answered = judge.status in (JudgeStatus.ACTIVE, JudgeStatus.DECLINED)
        raise LinkProblem("used" if answered else "invalid")
    if judge.status is not JudgeStatus.INVITED:
        raise LinkProblem("invalid")
    return judge


def is_invitee(judge: Judge, user: User) -> bool:
    return normalise_email(user.email) == normalise_email(judge.email)


def _activate(judge: Judge, user: User) -> None:
    clash = db.session.scalar(
        select(Judge.id).where(
            Judge.challenge_id == judge.challenge_id,
            Judge.user_id == user.id,
            Judge.status == JudgeStatus.ACTIVE,
            Judge.id != judge.id,
        )
    )
    if clash is not None:
        raise DomainError(_("You are already a judge of this challenge."))
    judge.status = JudgeStatus.ACTIVE
    judge.user_id = user.id
    judge.accepted_at = utcnow()
    if user.email_verified_at is None:
        user.email_verified_at = utcnow()
    audit.record(
        "judge.accept", judge, actor=user, challenge_id=judge.challenge_id, after={"user_id": user.id}
    )


def accept_invitation(token: str, *, actor: User) -> Judge:
    """The signed-in invitee joins the jury. Someone signed in with another address is refused."""
    judge = judge_from_token(token, lock=True)
    if not is_invitee(judge, actor):
        raise NotAllowed(wrong_user_message(judge, actor))
    _activate(judge, actor)
    db.session.commit()
    return judge


def accept_as_new_user(token: str, *, name: str, password: str, language: str | None) -> tuple[Judge, User]:
    """Create a confirmed account for the invited address and join the jury with it.

    Refused when the address has an account already (its holder signs in instead).
    """
    judge = judge_from_token(token, lock=True)
    if user_by_email(judge.email) is not None:
        raise DomainError(_("An account with this address exists: please sign in to accept."))
    check_password_rules(password)
    if not name.strip():
        raise DomainError(_("Enter your name."), "name")
    user = User(
        email=normalise_email(judge.email),
        name=" ".join(name.split()),
        password_hash=hash_password(password),
        country=judge.country,
        language=language if language in current_app.config["LANGUAGES"] else None,
        email_verified_at=utcnow(),
    )
    db.session.add(user)
    db.session.flush()
    _activate(judge, user)
    try:
        db.session.commit()
    except IntegrityError as error:  # the address was registered at the same moment
        db.session.rollback()
        raise DomainError(_("An account with this address exists: please sign in to accept.")) from error
    return judge, user


def decline_invitation(token: str, *, actor: User | None) -> Judge:
    """Say no to the invitation (anyone holding the link, unless signed in with another address)."""
    judge = judge_from_token(token, lock=True)
    if actor is not None and not is_invitee(judge, actor):
        raise NotAllowed(wrong_user_message(judge, actor))
    judge.status = JudgeStatus.DECLINED
    audit.record(
        "judge.decline",
        judge,
        actor=actor,
        challenge_id=judge.challenge_id,
        before={"status": JudgeStatus.INVITED},
        after={"status": JudgeStatus.DECLINED},
    )
    db.session.commit()
    return judge


def wrong_user_message(judge: Judge, user: User) -> str:
    return _(
        "This invitation is for %(invited)s, but you are signed in as %(email)s. Sign out and open the link "
        "again, or ask the organisers to invite %(email)s instead.",
        invited=judge.email,
        email=user.email,
    )


def accept_terms(judge: Judge, *, actor: User) -> None:
    """Record that the judge agreed to the judging terms (the first agreement's time is kept)."""
    if judge.terms_accepted_at is not None:
        return
    judge.terms_accepted_at = utcnow()
    audit.record(
        "judge.terms_accepted",
        judge,
        actor=actor,
        challenge_id=judge.challenge_id,
        after={"terms_accepted_at": judge.terms_accepted_at},
    )
    db.session.commit()


def confirm_profile(judge: Judge, details: JudgeDetails, *, actor: User) -> None:
    """The judge confirms expertise, languages, capacity, affiliation and country (terms come first).

    Name and address stay as they are. A capacity below the entries already assigned is refused.
    Side effect: conflict detection runs for this judge afterwards (its own transaction).
    """
    if judge.terms_accepted_at is None:
        raise DomainError(_("Please accept the judging terms first."))
    check_details(judge.challenge, details)
    if not details.languages:
        raise DomainError(_("Choose at least one language you can judge entries in."), "languages")
    check_capacity(judge, details.capacity)
    wanted = set(details.expertise)
    fields = {
        "expertise": [category for category in judge.challenge.categories if category.id in wanted],
        "languages": list(dict.fromkeys(details.languages)),
        "capacity": details.capacity,
        "affiliation": (details.affiliation or "").strip() or None,
        "country": (details.country or "").upper() or None,
    }
    before, after = audit.changes(judge, fields)
    for name, value in after.items():
        setattr(judge, name, value)
    first = judge.profile_confirmed_at is None
    judge.profile_confirmed_at = utcnow()
    audit.record(
        "judge.profile_confirmed" if first else "judge.profile_updated",
        judge,
        actor=actor,
        challenge_id=judge.challenge_id,
        before=describe(before),
        after=describe(after),
    )
    db.session.commit()
    # What the judge just confirmed (affiliation, country) may reveal conflicts: look for them now.
    detect_conflicts(judge.challenge, actor=None, judges=[judge])
