"""Reminder mails to judges with unfinished work in an open round, by button or from cron.

A judge is reminded about a round at most once per ``REMINDER_INTERVAL_HOURS``: every mail sent leaves a
``Reminder`` row, and the check and the insert happen in one transaction that holds the round's lock
(``lock_round``: ``SELECT ... FOR UPDATE`` on PostgreSQL, the single write lock on SQLite). Two runs at
once (two organisers pressing the button, or the button and cron) therefore take turns, and the second
sees the first one's rows and skips those judges.

Mails go out while the lock is held, before the commit; a mail that fails is logged and leaves no row
(the judge stays due). Side effects: mail, ``reminders`` rows, one commit per round.
"""

from __future__ import annotations

import logging
import smtplib
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import or_, select

from judging.accounts.models import User
from judging.assignments.models import Judge, JudgeStatus, Round
from judging.database import utcnow
from judging.errors import DomainError
from judging.extensions import db
from judging.jobs import Job, JobError, Run
from judging.mail import external_url, send_template
from judging.scoring.models import Reminder
from judging.scoring.progress_services import counts_by_judge, last_reminders, lock_round

log = logging.getLogger(__name__)


@dataclass
class ReminderReport:
    """Who was reminded, and who was skipped because they were reminded too recently."""

    sent: list[Judge] = field(default_factory=list)
    skipped: list[Judge] = field(default_factory=list)
    failed: list[Judge] = field(default_factory=list)


def interval() -> timedelta:
    return timedelta(hours=float(current_app.config["REMINDER_INTERVAL_HOURS"]))


def _dashboard_link() -> str:
    """The judge's dashboard, from BASE_URL (works without a request, e.g. from cron)."""
    path = current_app.url_map.bind("localhost").build("judge.dashboard")
    return external_url(path)


def send_reminders(round_: Round, *, actor: User | None, now: datetime | None = None) -> ReminderReport:
    """Mail every judge with unfinished work in the open ``round_``, unless reminded within the interval.

    Raises ``DomainError`` when the round is not open. One commit.
    """
    round_ = lock_round(round_)
    now = now or utcnow()
    if not round_.is_open(now):
        db.session.rollback()
        raise DomainError(_("Reminders go only to judges of an open round."))
    by_judge = {judge_id: counts for judge_id, counts in counts_by_judge(round_).items() if counts.unfinished}
    reminded = last_reminders(round_)
    judges = db.session.scalars(
        select(Judge)
        .where(Judge.id.in_(list(by_judge)), Judge.status == JudgeStatus.ACTIVE, Judge.user_id.is_not(None))
        .order_by(Judge.name, Judge.id)
    ).all()
    users = {
        user.id: user
        for user in db.session.scalars(select(User).where(User.id.in_([j.user_id for j in judges])))
    }
    report = ReminderReport()
    link = _dashboard_link()
    for judge in judges:
        last = reminded.get(judge.id)
        if last is not None and now - last < interval():
            report.skipped.append(judge)
            continue
        user = users[judge.user_id]
        unfinished = by_judge[judge.id].unfinished
        try:
            send_template(
                user.email,
                "scoring_reminder",
                language=user.language,
                name=user.name,
                challenge=round_.challenge,
                round=round_,
                unfinished=unfinished,
                link=link,
                timezone=user.timezone or "UTC",
            )
        except (OSError, smtplib.SMTPException):
            log.exception("could not remind judge %d about round %d", judge.id, round_.id)
            report.failed.append(judge)
            continue
        db.session.add(
            Reminder(
                round_id=round_.id,
                judge_id=judge.id,
                sent_at=now,
                sent_by_id=actor.id if actor is not None else None,
                unfinished=unfinished,
            )
        )
        report.sent.append(judge)
    db.session.commit()
    return report


def open_rounds(now: datetime | None = None) -> list[Round]:
    """Every round of every challenge that judges may score in now."""
    now = now or utcnow()
    return list(
        db.session.scalars(
            select(Round)
            .where(
                Round.closed_at.is_(None),
                or_(Round.opens_at.is_(None), Round.opens_at <= now),
                or_(Round.closes_at.is_(None), Round.closes_at > now),
            )
            .order_by(Round.challenge_id, Round.position)
        )
    )


def remind_all(now: datetime | None = None) -> ReminderReport:
    """Send the reminders due in every open round (what ``flask --app judging reminders`` runs)."""
    total = ReminderReport()
    for round_ in open_rounds(now):
        try:
            report = send_reminders(round_, actor=None, now=now)
        except DomainError:  # closed between the listing and the lock
            continue
        total.sent += report.sent
        total.skipped += report.skipped
        total.failed += report.failed
    return total


def reminders_task(run: Run) -> dict[str, object]:
    """The ``scoring.reminders`` job (the organisers' button): ``send_reminders`` for ``params["round_id"]``
    on behalf of the job's creator; the names reminded and skipped, and how many mails failed."""
    round_ = db.session.get(Round, int(run.params["round_id"]))
    if round_ is None:
        raise JobError(_("This round no longer exists."))
    actor = db.session.get(User, run.actor_id) if run.actor_id is not None else None
    try:
        report = send_reminders(round_, actor=actor)
    except DomainError as error:
        raise JobError(error.message) from error
    return {
        "sent": [judge.name for judge in report.sent],
        "skipped": [judge.name for judge in report.skipped],
        "failed": len(report.failed),
    }


def round_link(job: Job) -> str | None:
    """The round's progress page, where the reminders are listed."""
    from flask import url_for

    if job.challenge is None or "round_id" not in (job.params or {}):
        return None
    return url_for("progress.round_progress", slug=job.challenge.slug, round_id=job.params["round_id"])
