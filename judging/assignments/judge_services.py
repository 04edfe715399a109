"""Organisers' use cases for a challenge's jury: invite judges (one by one or from CSV), resend, revoke,
edit a judge's details, and set the judging terms and the same-country setting.

Each public function commits once, records audit events and mails after the commit, so a refused action
leaves no row and no message behind. The rules for a judge's details and the invitation token live in
``judge_details``; the judges' own side (answering, terms, profile) in ``invitation_services``.
"""

from __future__ import annotations

from datetime import timedelta

from flask import current_app
from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import func, select

from judging import audit
from judging.accounts.models import User, user_by_email
from judging.accounts.services import mail_link, normalise_email
from judging.assignments.conflict_services import detect_conflicts
from judging.assignments.judge_details import (
    JudgeDetails,
    check_capacity,
    check_details,
    describe,
    invitation_token,
    judge_fields,
    validity_text,
)
from judging.assignments.judge_import import parse_judges
from judging.assignments.models import Assignment, AssignmentStatus, Judge, JudgeStatus
from judging.challenges.models import Challenge
from judging.database import utcnow
from judging.errors import DomainError
from judging.extensions import db
from judging.mail import queue_mail, send_template

RESEND_INTERVAL = timedelta(minutes=10)


class JudgeImportError(DomainError):
    """A CSV import refused as a whole; ``errors`` holds one message per problem, "Line 4: ..."."""

    def __init__(self, errors: list[str]) -> None:
        super().__init__(
            ngettext(
                "Nothing was imported: %(num)d problem needs fixing first.",
                "Nothing was imported: %(num)d problems need fixing first.",
                len(errors),
            )
        )
        self.errors = errors


def judge_by_email(challenge: Challenge, email: str) -> Judge | None:
    return db.session.scalar(
        select(Judge).where(
            Judge.challenge_id == challenge.id, func.lower(Judge.email) == normalise_email(email)
        )
    )


def _already_on_jury(judge: Judge) -> str:
    return _("%(email)s is already on the jury of this challenge.", email=judge.email)


def _place(challenge: Challenge, fields: dict[str, object], *, actor: User) -> Judge:
    """A new invited judge, or a declined or revoked one invited again (the caller checked the rest)."""
    now = utcnow()
    judge = judge_by_email(challenge, str(fields["email"]))
    if judge is None:
        judge = Judge(challenge=challenge, invited_by_id=actor.id, invited_at=now)
        db.session.add(judge)
        action = "judge.invite"
    else:
        action = "judge.reinvite"
        judge.user_id = None
        judge.accepted_at = judge.terms_accepted_at = judge.profile_confirmed_at = None
    for name, value in fields.items():
        setattr(judge, name, value)
    judge.status = JudgeStatus.INVITED
    judge.last_invited_at = now
    db.session.flush()
    audit.record(action, judge, actor=actor, challenge_id=challenge.id, after=describe(fields))
    return judge


def invite_judge(challenge: Challenge, details: JudgeDetails, *, actor: User) -> Judge:
    """Invite one judge and mail them the link. A declined or revoked judge may be invited again."""
    check_details(challenge, details)
    existing = judge_by_email(challenge, details.email)
    if existing is not None and existing.status in (JudgeStatus.INVITED, JudgeStatus.ACTIVE):
        raise DomainError(_already_on_jury(existing), "email")
    judge = _place(challenge, judge_fields(challenge, details), actor=actor)
    db.session.commit()
    _queue_invitation(judge, actor=actor)
    return judge


def import_judges(challenge: Challenge, csv_text: str, *, actor: User) -> list[Judge]:
    """Invite every judge of a CSV text, or nobody: any problem refuses the whole file.

    Raises ``JudgeImportError`` with one message per problem ("Line 4: unknown category 'E-helth'").
    """
    rows, problems = parse_judges(csv_text, challenge)
    for line, details in rows:
        existing = judge_by_email(challenge, details.email)
        if existing is not None and existing.status in (JudgeStatus.INVITED, JudgeStatus.ACTIVE):
            problems.append((line, _already_on_jury(existing)))
    if problems:
        raise JudgeImportError(
            [
                _("Line %(line)d: %(problem)s", line=line, problem=problem)
                for line, problem in sorted(problems)
            ]
        )
    judges = [_place(challenge, judge_fields(challenge, details), actor=actor) for _line, details in rows]
    db.session.commit()
    for judge in judges:
        _queue_invitation(judge, actor=actor)
    return judges


def resend_invitation(judge: Judge, *, actor: User) -> None:
    """Mail the invitation again (a fresh link); at most once per ten minutes per judge."""
    if judge.status is not JudgeStatus.INVITED:
        raise DomainError(_("Only pending invitations can be sent again."))
    wait = judge.last_invited_at + RESEND_INTERVAL - utcnow()
    if wait > timedelta(0):
        minutes = max(1, int(wait.total_seconds() + 59) // 60)
        raise DomainError(
            ngettext(
                "The invitation to %(email)s was sent less than ten minutes ago. "
                "Please wait %(num)d more minute before sending it again.",
                "The invitation to %(email)s was sent less than ten minutes ago. "
                "Please wait %(num)d more minutes before sending it again.",
                minutes,
                email=judge.email,
            )
        )
    judge.last_invited_at = utcnow()
    audit.record("judge.resend", judge, actor=actor, challenge_id=judge.challenge_id)
    db.session.commit()
    _queue_invitation(judge, actor=actor)


def revoke_judge(judge: Judge, *, actor: User) -> int:
    """Remove a judge from the jury: their link stops working and they see nothing of the challenge.

    Their pending (not yet scored) assignments are removed; returns how many, so the organiser knows how
    many entries need another judge. Scored and recused assignments stay as history.
    """
    if judge.status is JudgeStatus.REVOKED:
        raise DomainError(_("%(name)s is no longer on the jury.", name=judge.name))
    pending = list(
        db.session.scalars(
            select(Assignment).where(
                Assignment.judge_id == judge.id, Assignment.status == AssignmentStatus.ASSIGNED
            )
        )
    )
    for assignment in pending:
        db.session.delete(assignment)
    before = {"status": judge.status}
    judge.status = JudgeStatus.REVOKED
    audit.record(
        "judge.revoke",
        judge,
        actor=actor,
        challenge_id=judge.challenge_id,
        before=before,
        after={"status": judge.status, "assignments_removed": len(pending)},
    )
    db.session.commit()
    return len(pending)


def update_judge(judge: Judge, details: JudgeDetails, *, actor: User) -> None:
    """An organiser changes a judge's details; the address only while the invitation is pending."""
    challenge = judge.challenge
    check_details(challenge, details)
    fields = judge_fields(challenge, details)
    if fields["email"] != judge.email:
        if judge.status is not JudgeStatus.INVITED:
            raise DomainError(
                _("The address of a judge who has answered the invitation cannot be changed."), "email"
            )
        if judge_by_email(challenge, str(fields["email"])) is not None:
            raise DomainError(_("Another judge of this challenge uses this address."), "email")
    check_capacity(judge, details.capacity)
    if audit.update(judge, fields, "judge.update", actor=actor, challenge_id=challenge.id, describe=describe):
        db.session.commit()


def update_jury_settings(
    challenge: Challenge, *, judging_terms: str | None, conflict_same_country: bool, actor: User
) -> None:
    """Set the terms judges accept and whether judges never meet entries from their own country.

    Turning the country rule on runs conflict detection for the whole jury at once.
    """
    fields = {
        "judging_terms": (judging_terms or "").strip() or None,
        "conflict_same_country": bool(conflict_same_country),
    }
    after = audit.update(challenge, fields, "jury.settings", actor=actor, challenge_id=challenge.id)
    if not after:
        return
    db.session.commit()
    if after.get("conflict_same_country"):
        detect_conflicts(challenge, actor=actor)


def _mail_language(judge: Judge, actor: User | None) -> str | None:
    """The invitee's language if they have an account, else an organiser's, else the default."""
    languages = current_app.config["LANGUAGES"]
    invitee = user_by_email(judge.email)
    organisers = list(judge.challenge.organisers)
    if actor is not None and actor in organisers:
        organisers.insert(0, actor)
    for person in ([invitee] if invitee else []) + organisers:
        if person.language in languages:
            return person.language
    return None


def _queue_invitation(judge: Judge, *, actor: User | None) -> None:
    queue_mail(
        "judge_invitation",
        challenge=judge.challenge,
        judge_id=judge.id,
        actor_id=actor.id if actor is not None else None,
    )


def mail_invitation(judge_id: int, actor_id: int | None) -> bool:
    """Mail a pending invitation's link (the ``judge_invitation`` mail); nothing once it is answered or
    revoked."""
    judge = db.session.get(Judge, judge_id)
    if judge is None or judge.status is not JudgeStatus.INVITED:
        return False
    actor = db.session.get(User, actor_id) if actor_id is not None else None
    send_template(
        judge.email,
        "judge_invitation",
        language=_mail_language(judge, actor),
        judge=judge,
        challenge=judge.challenge,
        inviter=actor,
        link=mail_link("judging.invitation", token=invitation_token(judge)),
        validity=validity_text(),
    )
    return True
