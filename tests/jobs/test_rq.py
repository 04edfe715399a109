"""The RQ back-end against the local Redis (skipped when it is not reachable).

Each test uses its own queue name and deletes only that queue and its jobs. Workers run in burst mode in
this process and fork a work-horse per job, as ``flask --app judging worker`` does.
"""

from __future__ import annotations

import os
import subprocess
import sys
import uuid

import pytest
from redis import Redis
from redis.exceptions import RedisError
from rq.results import Result

from judging import jobs
from judging.extensions import db
from judging.jobs import Job, JobStatus, backends
from tests.factories import login

REDIS_URL = "redis://127.0.0.1:6379/0"


def _reachable() -> bool:
    try:
        return bool(Redis.from_url(REDIS_URL, socket_connect_timeout=0.5).ping())
    except RedisError:
        return False


pytestmark = [
    pytest.mark.skipif(not _reachable(), reason="no Redis at 127.0.0.1:6379"),
    pytest.mark.usefixtures("kinds"),
]


@pytest.fixture
def rq_app(app, monkeypatch):
    """The app with the RQ back-end on a queue of its own (deleted afterwards, with its jobs)."""
    name = f"judging-test-{uuid.uuid4().hex[:12]}"
    for key, value in {
        "JOBS_INLINE": False,
        "JOBS_BACKEND": None,
        "REDIS_URL": REDIS_URL,
        "JOBS_QUEUE": name,
    }.items():
        monkeypatch.setitem(app.config, key, value)
    yield app
    from rq.registry import FailedJobRegistry, FinishedJobRegistry

    for queue in (backends.queue(app), backends.queue(app, quick=True)):
        for registry in (FailedJobRegistry(queue=queue), FinishedJobRegistry(queue=queue)):
            for job_id in registry.get_job_ids():
                registry.remove(job_id, delete_job=True)
        queue.delete(delete_jobs=True)


def _work(app) -> None:
    """Run the queued jobs with a forking burst worker, then see what they committed."""
    backends.make_worker(app).work(burst=True, logging_level="WARNING")
    db.session.expire_all()


def test_rq_job_waits_in_redis_until_a_worker_runs_it(rq_app, world):
    job = jobs.enqueue("test.count", {"steps": 3}, challenge=world.challenge)
    assert (job.status, job.backend) == (JobStatus.QUEUED, "rq")
    assert job.backend_id in backends.queue(rq_app).job_ids
    assert jobs.refresh(job).status is JobStatus.QUEUED  # waiting is not stopping

    _work(rq_app)

    job = db.session.get(Job, job.id)
    assert (job.status, job.done, job.total, job.attempts) == (JobStatus.DONE, 3, 3, 1)
    assert job.result["thread"] == "MainThread"


def test_a_worker_takes_quick_jobs_first(rq_app, world):
    long = jobs.enqueue("test.count", {"steps": 1}, challenge=world.challenge)
    quick = jobs.enqueue("test.quick", {"steps": 1}, challenge=world.challenge)
    assert quick.backend_id in backends.queue(rq_app, quick=True).job_ids
    assert long.backend_id in backends.queue(rq_app).job_ids

    _work(rq_app)

    long, quick = db.session.get(Job, long.id), db.session.get(Job, quick.id)
    assert (long.status, quick.status) == (JobStatus.DONE, JobStatus.DONE)
    assert quick.started_at <= long.started_at  # queued second, run first


def test_rq_job_failing_in_its_task_shows_the_message(rq_app, world):
    job = jobs.enqueue("test.refuse", {}, challenge=world.challenge)

    _work(rq_app)

    job = db.session.get(Job, job.id)
    assert (job.status, job.error) == (JobStatus.FAILED, "The list of recipients is empty.")


def test_rq_job_whose_work_horse_is_killed_is_failed_and_can_be_retried(rq_app, client, world):
    job = jobs.enqueue("test.die_once", {}, challenge=world.challenge)

    _work(rq_app)

    job = db.session.get(Job, job.id)
    assert (job.status, job.done, job.total) == (JobStatus.FAILED, 1, 4)
    assert job.error == "The worker stopped without finishing (signal 9)."
    login(client, world.organiser)
    page = client.get(f"/manage/sme-awards/jobs/{job.id}").get_data(as_text=True)
    assert "The job failed: The worker stopped without finishing (signal 9)." in page

    client.post(f"/manage/sme-awards/jobs/{job.id}/retry")
    _work(rq_app)

    job = db.session.get(Job, job.id)
    assert (job.status, job.attempts, job.result) == (JobStatus.DONE, 2, {"attempt": 2})


def test_refresh_fails_a_job_rq_reports_failed(rq_app, world):
    """A job RQ failed without our worker noticing (e.g. a plain ``rq worker``) is failed on the page."""
    job = jobs.enqueue("test.count", {}, challenge=world.challenge)
    rq_job = backends.queue(rq_app).fetch_job(job.backend_id)
    Result.create_failure(rq_job, ttl=60, exc_string="Traceback (most recent call last):\nMemoryError\n")
    rq_job.set_status("failed")

    jobs.refresh(job)

    assert (job.status, job.error) == (
        JobStatus.FAILED,
        "The worker stopped without finishing (MemoryError).",
    )


def test_refresh_fails_a_job_missing_from_redis(rq_app, world):
    job = jobs.enqueue("test.count", {}, challenge=world.challenge)
    backends.queue(rq_app).fetch_job(job.backend_id).delete()

    jobs.refresh(job)

    assert job.status is JobStatus.FAILED
    assert job.error.startswith("The job stopped without finishing")


def test_worker_command_runs_queued_jobs_in_the_configured_app(rq_app, world, tmp_path):
    job = jobs.enqueue("certificates.build", {"build_id": 999999}, challenge=world.challenge)
    environment = {
        **os.environ,
        "JUDGING_INSTANCE_PATH": str(tmp_path),
        "DATABASE_URL": rq_app.config["SQLALCHEMY_DATABASE_URI"],
        "REDIS_URL": REDIS_URL,
        "JUDGING_JOBS_QUEUE": rq_app.config["JOBS_QUEUE"],
    }

    finished = subprocess.run(
        [sys.executable, "-m", "flask", "--app", "judging", "worker", "--burst"],
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )

    assert finished.returncode == 0, finished.stderr
    name = rq_app.config["JOBS_QUEUE"]
    assert f"on queues {name}-quick, {name} (burst)" in finished.stdout
    db.session.expire_all()
    job = db.session.get(Job, job.id)
    assert (job.status, job.attempts, job.error) == (JobStatus.FAILED, 1, "This build no longer exists.")
