"""A job's page: progress while it runs (refreshing itself), the error when it failed, and Retry."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from judging.audit import AuditEvent
from judging.database import utcnow
from judging.extensions import db
from judging.jobs import Job, JobStatus
from tests.factories import login

pytestmark = pytest.mark.usefixtures("kinds")


def _job(world, **fields) -> Job:
    values = {"kind": "test.flaky", "params": {}, "challenge_id": world.challenge.id, "backend": "threads"}
    values.update(fields)
    job = Job(**values)
    db.session.add(job)
    db.session.commit()
    return job


def _page(client, job: Job) -> str:
    return client.get(f"/manage/sme-awards/jobs/{job.id}").get_data(as_text=True)


def test_job_page_shows_progress_and_refreshes_while_running(client, world):
    now = utcnow()
    job = _job(world, status=JobStatus.RUNNING, done=12, total=40, started_at=now, heartbeat_at=now)
    login(client, world.organiser)

    page = _page(client, job)

    assert "Running." in page
    assert '<progress max="40" value="12"' in page
    assert "12 of 40 (30%)." in page
    assert '<meta http-equiv="refresh" content="2">' in page
    assert "Retry" not in page


def test_job_page_shows_the_error_and_a_retry_button_when_failed(client, world):
    job = _job(world, status=JobStatus.FAILED, error="The mail server did not answer.", attempts=1)
    login(client, world.organiser)

    page = _page(client, job)

    assert "The job failed: The mail server did not answer." in page
    assert f'action="/manage/sme-awards/jobs/{job.id}/retry"' in page
    assert "http-equiv" not in page


def test_job_page_shows_a_job_without_heartbeat_as_stopped(client, world):
    long_ago = utcnow() - timedelta(hours=1)
    job = _job(world, status=JobStatus.RUNNING, started_at=long_ago, heartbeat_at=long_ago, attempts=1)
    login(client, world.organiser)

    page = _page(client, job)

    assert "The job failed: The job stopped without finishing" in page
    assert "http-equiv" not in page
    assert f'action="/manage/sme-awards/jobs/{job.id}/retry"' in page


def test_retry_button_runs_the_job_again(client, world):
    job = _job(world, status=JobStatus.FAILED, error="The mail server did not answer.", attempts=1)
    login(client, world.organiser)

    response = client.post(f"/manage/sme-awards/jobs/{job.id}/retry")
    page = client.get(response.headers["Location"]).get_data(as_text=True)

    assert response.headers["Location"] == f"/manage/sme-awards/jobs/{job.id}"
    assert "The job was queued again." in page
    assert "Done, finished" in page
    assert "Retry" not in page
    assert db.session.scalars(select(AuditEvent.action)).all() == ["job.retried"]


def test_retry_of_a_running_job_is_refused(client, world):
    now = utcnow()
    job = _job(world, status=JobStatus.RUNNING, started_at=now, heartbeat_at=now)
    login(client, world.organiser)

    page = client.post(f"/manage/sme-awards/jobs/{job.id}/retry", follow_redirects=True).get_data(
        as_text=True
    )

    assert "Only a failed job can be retried." in page
    assert db.session.get(Job, job.id).status is JobStatus.RUNNING


def test_job_of_another_challenge_is_missing(client, world):
    job = _job(world, challenge_id=world.other_challenge.id, status=JobStatus.FAILED)
    login(client, world.organiser)

    assert client.get(f"/manage/sme-awards/jobs/{job.id}").status_code == 404
    assert client.get(f"/manage/innovation/jobs/{job.id}").status_code == 404
