"""The job interface with the inline and thread back-ends: outcome, progress, retry, and stopped jobs."""

from __future__ import annotations

import logging
import threading
import time
from datetime import timedelta

import pytest
from flask import g
from sqlalchemy import select

from judging import jobs
from judging.audit import AuditEvent
from judging.database import utcnow
from judging.errors import DomainError
from judging.extensions import db
from judging.jobs import Job, JobStatus

pytestmark = pytest.mark.usefixtures("kinds")


def test_enqueue_inline_records_done_with_result_and_progress(world):
    job = jobs.enqueue("test.count", {"steps": 4}, challenge=world.challenge, actor=world.organiser)

    db.session.refresh(job)
    assert (job.status, job.done, job.total, job.attempts, job.error) == (JobStatus.DONE, 4, 4, 1, None)
    assert job.result["steps"] == 4
    assert (job.backend, job.challenge_id, job.created_by_id) == (
        "inline",
        world.challenge.id,
        world.organiser.id,
    )
    assert job.started_at <= job.heartbeat_at <= job.finished_at


def test_enqueue_inline_runs_now_in_a_fresh_context(world):
    g.caller = True

    job = jobs.enqueue("test.count", {"steps": 1})

    assert job.result["thread"] == threading.current_thread().name
    assert job.result["saw_callers_g"] is False
    assert db.session.get(Job, job.id).status is JobStatus.DONE


def test_failed_job_shows_the_tasks_message(world):
    job = jobs.enqueue("test.refuse", {}, challenge=world.challenge)

    assert (job.status, job.error) == (JobStatus.FAILED, "The list of recipients is empty.")
    assert job.finished_at is not None


def test_crashed_job_shows_only_the_error_class_and_logs_the_traceback(world, caplog):
    with caplog.at_level(logging.ERROR, logger="judging.jobs"):
        job = jobs.enqueue("test.crash", {})

    assert job.status is JobStatus.FAILED
    assert job.error == "The job failed unexpectedly (RuntimeError)."
    assert "postgres://" in caplog.text
    assert "Traceback" in caplog.text


def test_retry_runs_a_failed_job_again_and_is_audited(world):
    job = jobs.enqueue("test.flaky", {}, challenge=world.challenge, actor=world.organiser)
    assert job.status is JobStatus.FAILED

    jobs.retry(job, actor=world.organiser)

    db.session.refresh(job)
    assert (job.status, job.error, job.attempts, job.result) == (JobStatus.DONE, None, 2, {"attempt": 2})
    event = db.session.scalars(select(AuditEvent)).one()
    assert (event.action, event.object_id, event.actor_id) == ("job.retried", job.id, world.organiser.id)
    assert event.before == {"status": "failed", "error": "The mail server did not answer."}


def test_retry_refuses_a_job_that_did_not_fail(world):
    job = jobs.enqueue("test.count", {})

    with pytest.raises(DomainError, match="Only a failed job"):
        jobs.retry(job, actor=world.organiser)


def _running(*, heartbeat_minutes_ago: float, backend: str = "threads") -> Job:
    job = Job(
        kind="test.count",
        params={},
        status=JobStatus.RUNNING,
        backend=backend,
        attempts=1,
        started_at=utcnow() - timedelta(hours=1),
        heartbeat_at=utcnow() - timedelta(minutes=heartbeat_minutes_ago),
    )
    db.session.add(job)
    db.session.commit()
    return job


def test_refresh_marks_a_job_without_heartbeat_failed(app):
    job = _running(heartbeat_minutes_ago=11)

    jobs.refresh(job)

    assert job.status is JobStatus.FAILED
    assert job.error.startswith("The job stopped without finishing")


def test_refresh_keeps_a_job_with_a_recent_heartbeat(app):
    job = _running(heartbeat_minutes_ago=9)

    jobs.refresh(job)

    assert (job.status, job.error) == (JobStatus.RUNNING, None)


def test_refresh_marks_a_job_queued_in_a_lost_process_failed(app):
    job = Job(kind="test.count", params={}, backend="threads", created_at=utcnow() - timedelta(minutes=30))
    db.session.add(job)
    db.session.commit()

    jobs.refresh(job)

    assert job.status is JobStatus.FAILED


def test_stopped_job_can_be_retried(world):
    job = _running(heartbeat_minutes_ago=60)
    jobs.refresh(job)

    jobs.retry(job, actor=None)

    db.session.refresh(job)
    assert (job.status, job.attempts) == (JobStatus.DONE, 2)


def test_execute_skips_a_job_that_is_not_queued(app):
    job = _running(heartbeat_minutes_ago=0)

    assert jobs.execute(job.id) is None
    assert jobs.execute(job.id + 1000) is None


def test_threads_backend_runs_the_job_in_a_background_thread(app, monkeypatch):
    monkeypatch.setitem(app.config, "JOBS_INLINE", False)
    monkeypatch.setitem(app.config, "JOBS_BACKEND", "threads")

    job_id = jobs.enqueue("test.count", {"steps": 2}).id

    for _ in range(200):  # the pool thread commits; wait until it did (bounded, not timed)
        db.session.expire_all()
        if db.session.get(Job, job_id).status is JobStatus.DONE:
            break
        time.sleep(0.05)
    job = db.session.get(Job, job_id)
    assert (job.status, job.backend) == (JobStatus.DONE, "threads")
    assert job.result["thread"].startswith("judging-job")


def _wait_for(job_id: int, status: JobStatus) -> Job:
    for _ in range(200):  # another thread commits; wait until it did (bounded, not timed)
        db.session.expire_all()
        if db.session.get(Job, job_id).status is status:
            break
        time.sleep(0.05)
    return db.session.get(Job, job_id)


def test_a_quick_job_runs_while_long_ones_hold_every_thread_of_the_pool(app, monkeypatch):
    from tests.jobs.tasks import RELEASE

    monkeypatch.setitem(app.config, "JOBS_INLINE", False)
    monkeypatch.setitem(app.config, "JOBS_BACKEND", "threads")
    RELEASE.clear()
    try:
        long_ids = [jobs.enqueue("test.block", {}).id for _ in range(app.config["JOBS_THREADS"] + 1)]
        quick = _wait_for(jobs.enqueue("test.quick", {"steps": 1}).id, JobStatus.DONE)

        assert quick.status is JobStatus.DONE and quick.result["thread"].startswith("judging-quick-job")
        db.session.expire_all()
        assert JobStatus.DONE not in {db.session.get(Job, job_id).status for job_id in long_ids}
    finally:
        RELEASE.set()
    assert {_wait_for(job_id, JobStatus.DONE).status for job_id in long_ids} == {JobStatus.DONE}


def test_unreachable_queue_fails_the_job_with_its_reason(app, monkeypatch):
    monkeypatch.setitem(app.config, "JOBS_INLINE", False)
    monkeypatch.setitem(app.config, "JOBS_BACKEND", "rq")
    monkeypatch.setitem(app.config, "REDIS_URL", "redis://127.0.0.1:1/0")

    job = jobs.enqueue("test.count", {})

    assert job.status is JobStatus.FAILED
    assert job.error == "The job could not be queued (ConnectionError)."


def test_unknown_kind_is_refused(app):
    with pytest.raises(KeyError):
        jobs.enqueue("test.nobody-registered-this", {})
