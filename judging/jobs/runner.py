"""Running one job: ``execute(job_id)`` is what every back-end calls, in an application context.

It marks the job RUNNING (one more attempt), calls the kind's task with a ``Run``, and records DONE with
the task's result, or FAILED with a message users may read: a ``JobError``'s own message, or a generic one
naming only the exception's class (the traceback goes to the log). It never raises for a failing task.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import update

from judging.database import utcnow
from judging.extensions import db
from judging.jobs.models import Job, JobStatus
from judging.jobs.registry import task_for

log = logging.getLogger(__name__)


class JobError(Exception):
    """A task's failure with a translated message meant for the users who follow the job."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class Run:
    """What a task gets: its job's id, params and attempt, and ``progress`` to report with."""

    job_id: int
    params: dict[str, Any]
    attempt: int
    challenge_id: int | None
    actor_id: int | None

    def progress(self, done: int, total: int | None = None) -> None:
        """Record ``done`` (of ``total``) and a heartbeat. Side effect: commits the session, so call it
        where the task's own work so far may be kept."""
        values: dict[str, Any] = {"done": done, "heartbeat_at": utcnow()}
        if total is not None:
            values["total"] = total
        db.session.execute(update(Job).where(Job.id == self.job_id).values(**values))
        db.session.commit()


def execute(job_id: int) -> JobStatus | None:
    """Run the QUEUED job ``job_id``; its final status, or None when it is missing or not QUEUED (e.g.
    already taken by another worker). Side effects: the task's, and commits of the job row."""
    claimed = db.session.execute(
        update(Job)
        .where(Job.id == job_id, Job.status == JobStatus.QUEUED)
        .values(
            status=JobStatus.RUNNING,
            started_at=utcnow(),
            heartbeat_at=utcnow(),
            finished_at=None,
            attempts=Job.attempts + 1,
        )
    )
    db.session.commit()
    if claimed.rowcount != 1:
        return None
    job = db.session.get(Job, job_id)
    assert job is not None
    run = Run(job.id, dict(job.params or {}), job.attempts, job.challenge_id, job.created_by_id)
    try:
        result = task_for(job.kind)(run)
    except Exception as error:  # any failure is the job's outcome, shown on its page
        log.exception("job %d (%s) failed", job_id, job.kind)
        db.session.rollback()
        fail(job_id, user_message(error))
        return JobStatus.FAILED
    job = db.session.get(Job, job_id)
    assert job is not None
    job.status, job.result, job.finished_at = JobStatus.DONE, result, utcnow()
    job.heartbeat_at = job.finished_at
    if job.total and job.done < job.total:
        job.done = job.total
    db.session.commit()
    return JobStatus.DONE


def user_message(error: BaseException) -> str:
    if isinstance(error, JobError):
        return error.message
    return _("The job failed unexpectedly (%(reason)s).", reason=type(error).__name__)


def fail(job_id: int, message: str) -> bool:
    """Mark the job FAILED with ``message`` if it is still queued or running. One commit."""
    changed = db.session.execute(
        update(Job)
        .where(Job.id == job_id, Job.status.in_((JobStatus.QUEUED, JobStatus.RUNNING)))
        .values(status=JobStatus.FAILED, error=message, finished_at=utcnow())
    )
    db.session.commit()
    return changed.rowcount == 1
