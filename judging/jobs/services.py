"""Use cases of background jobs: enqueue one, retry a failed one, and notice one that stopped.

``enqueue`` records the job (QUEUED) and hands it to the configured back-end (``judging.jobs.backends``);
``create`` + ``dispatch`` do the same in two steps for callers that link the job to their own row in the
same commit. A job can die without recording it (its process was restarted or killed): ``refresh`` marks
such a job FAILED — when its RQ job failed or vanished, or when a running job's heartbeat (or a job queued
in-process) is older than ``JOBS_STALE_MINUTES``. Pages call ``refresh`` before showing a job.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from typing import Any

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import Select, func, select
from sqlalchemy.orm import joinedload

from judging import audit
from judging.accounts.models import User
from judging.challenges.models import Challenge
from judging.database import utcnow
from judging.errors import DomainError
from judging.extensions import db
from judging.jobs import backends, runner
from judging.jobs.models import Job, JobStatus
from judging.jobs.registry import is_quick, kind_of

log = logging.getLogger(__name__)


def create(
    kind: str, params: dict[str, Any], *, challenge: Challenge | None = None, actor: User | None = None
) -> Job:
    """Add a QUEUED job of a registered ``kind`` to the session (flushed, not committed, not started)."""
    kind_of(kind)  # KeyError for a kind nobody registered: a programming error
    job = Job(
        kind=kind,
        params=dict(params),
        status=JobStatus.QUEUED,
        challenge_id=challenge.id if challenge is not None else None,
        created_by_id=actor.id if actor is not None else None,
    )
    db.session.add(job)
    db.session.flush()
    return job


def dispatch(job: Job) -> Job:
    """Hand a committed QUEUED job to the back-end. When the back-end cannot take it (e.g. Redis is down)
    the job is FAILED with that reason, so its page offers a retry. Side effects: commits."""
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    job_id = job.id
    try:
        name = backends.backend_name(app)
        job.backend = name
        db.session.commit()
        backend_id = backends.start(app, name, job_id, quick=is_quick(job.kind))
    except Exception as error:  # noqa: BLE001 (any failure to hand over is shown on the job's page)
        log.exception("job %d could not be queued", job_id)
        db.session.rollback()
        runner.fail(job_id, _("The job could not be queued (%(reason)s).", reason=type(error).__name__))
        return db.session.get(Job, job_id)  # type: ignore[return-value]
    if backend_id is not None:
        db.session.get(Job, job_id).backend_id = backend_id  # type: ignore[union-attr]
        db.session.commit()
    return db.session.get(Job, job_id)  # type: ignore[return-value]


def enqueue(
    kind: str, params: dict[str, Any], *, challenge: Challenge | None = None, actor: User | None = None
) -> Job:
    """Record a job of ``kind`` with ``params`` and start it on the configured back-end. One commit before
    the hand-over (the worker must see the row), then the back-end's."""
    job = create(kind, params, challenge=challenge, actor=actor)
    db.session.commit()
    return dispatch(job)


def retry(job: Job, *, actor: User | None) -> Job:
    """Queue a FAILED job again with the same params (progress and error cleared) and start it.
    Refused unless it failed. Side effects: an audit event, a commit, the back-end's hand-over."""
    if job.status is not JobStatus.FAILED:
        raise DomainError(_("Only a failed job can be retried."))
    before = {"status": job.status, "error": job.error}
    job.status, job.error, job.done, job.result = JobStatus.QUEUED, None, 0, None
    job.started_at = job.finished_at = job.heartbeat_at = None
    job.backend_id = None
    audit.record(
        "job.retried",
        job,
        actor=actor,
        challenge_id=job.challenge_id,
        before=before,
        after={"status": job.status, "attempts": job.attempts},
    )
    db.session.commit()
    return dispatch(job)


def stale_after() -> timedelta:
    return timedelta(minutes=float(current_app.config["JOBS_STALE_MINUTES"]))


def _stopped() -> str:
    return _("The job stopped without finishing: the process running it ended or stopped answering.")


def stopped_reason(job: Job, *, now: datetime | None = None) -> str | None:
    """Why an active job will never finish, or None when it may still be going."""
    if not job.active:
        return None
    if job.backend == "rq" and job.backend_id:
        status, reason = backends.rq_state(current_app._get_current_object(), job.backend_id)  # type: ignore[attr-defined]
        if status in ("failed", "stopped", "canceled"):
            return _("The worker stopped without finishing (%(reason)s).", reason=reason or status)
        if status == "missing":
            return _stopped()
        if status in ("queued", "deferred", "scheduled"):
            return None  # waiting for a worker: it may take a while, it is not lost
    last = job.heartbeat_at or job.started_at
    if job.status is JobStatus.QUEUED:
        if job.backend == "rq":
            return None
        last = job.created_at
    if last is None:
        return None
    return _stopped() if (now or utcnow()) - last > stale_after() else None


def refresh(job: Job, *, now: datetime | None = None) -> Job:
    """Mark an active job that stopped without finishing as FAILED with the reason. Redis unreachable
    leaves the job as it is (logged). Side effect: a commit when it changed."""
    try:
        reason = stopped_reason(job, now=now)
    except Exception:  # noqa: BLE001 (a page must still show the job when Redis is unreachable)
        log.warning("could not check job %d with its back-end", job.id, exc_info=True)
        return job
    if reason is not None and runner.fail(job.id, reason):
        log.warning("job %d (%s) marked failed: %s", job.id, job.kind, reason)
        db.session.refresh(job)
    return job


def site_job(job_id: int) -> Job | None:
    """The job with this id if it belongs to no challenge (mail about an account, for one)."""
    job = db.session.get(Job, job_id)
    return job if job is not None and job.challenge_id is None else None


def _listed(query: Select, statuses: tuple[JobStatus, ...] | None) -> Select:
    return query.where(Job.status.in_(statuses)) if statuses else query


def count_jobs(statuses: tuple[JobStatus, ...] | None = None) -> int:
    """How many jobs of the whole site there are (of these statuses, when given)."""
    return db.session.scalar(_listed(select(func.count()).select_from(Job), statuses)) or 0


def list_jobs(
    statuses: tuple[JobStatus, ...] | None = None, *, offset: int = 0, limit: int = 100
) -> list[Job]:
    """The site's jobs of every challenge and of none, newest first, each with its challenge loaded."""
    newest = (Job.created_at.desc(), Job.id.desc())
    query = _listed(select(Job), statuses).options(joinedload(Job.challenge)).order_by(*newest)
    return list(db.session.scalars(query.offset(offset).limit(limit)))


def challenge_job(challenge: Challenge, job_id: int) -> Job | None:
    """The job with this id if it belongs to ``challenge``."""
    job = db.session.get(Job, job_id)
    return job if job is not None and job.challenge_id == challenge.id else None
