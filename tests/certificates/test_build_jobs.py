"""Certificate builds run as background jobs: the job's record, a build whose job died, and its retry."""

from __future__ import annotations

from datetime import timedelta

import pytest

from judging.certificates import builds, render
from judging.certificates.models import BuildStatus, CertificateBuild
from judging.database import utcnow
from judging.extensions import db
from judging.jobs import Job, JobStatus
from tests.certificates.test_builds import _clean_files, fake_render, issue_three  # noqa: F401
from tests.factories import login


@pytest.mark.usefixtures("fake_render")
def test_started_build_is_a_done_job_with_its_result(world):
    issue_three(world)

    build = builds.start_build(world.challenge, mail_links=False, actor=world.organiser)

    job = db.session.get(Job, build.job_id)
    assert (job.kind, job.status, job.params) == (
        "certificates.build",
        JobStatus.DONE,
        {"build_id": build.id},
    )
    assert (job.done, job.total, job.challenge_id, job.created_by_id) == (
        3,
        3,
        world.challenge.id,
        world.organiser.id,
    )
    assert job.result == {"build_id": build.id, "total": 3, "file_name": build.file_name}


def test_failed_build_fails_its_job_with_the_builds_message(world, monkeypatch):
    issue_three(world)

    def render_batch(items, *, workers=2):
        raise render.RenderError("Rendering the certificate took too long.")
        yield

    monkeypatch.setattr(render, "render_batch", render_batch)

    build = builds.start_build(world.challenge, mail_links=False, actor=world.organiser)

    job = db.session.get(Job, build.job_id)
    assert job.status is JobStatus.FAILED
    assert job.error == "A certificate could not be rendered (Rendering the certificate took too long.)."


def _died(world) -> CertificateBuild:
    """A build left RUNNING by a worker that was killed; its job already marked failed."""
    job = Job(
        kind="certificates.build",
        params={},
        status=JobStatus.FAILED,
        challenge_id=world.challenge.id,
        attempts=1,
        error="The worker stopped without finishing (signal 9).",
        finished_at=utcnow(),
    )
    db.session.add(job)
    db.session.flush()
    build = CertificateBuild(
        challenge_id=world.challenge.id,
        status=BuildStatus.RUNNING,
        total=3,
        done=1,
        started_at=utcnow(),
        job_id=job.id,
    )
    db.session.add(build)
    db.session.flush()
    job.params = {"build_id": build.id}
    db.session.commit()
    return build


def test_build_whose_job_died_is_shown_interrupted_with_the_jobs_error(client, world):
    build = _died(world)
    login(client, world.organiser)

    page = client.get(f"/manage/sme-awards/certificates/builds/{build.id}").get_data(as_text=True)

    assert "This build was interrupted" in page
    assert "The worker stopped without finishing (signal 9)." in page
    assert f'href="/manage/sme-awards/jobs/{build.job_id}"' in page
    assert "http-equiv" not in page


@pytest.mark.usefixtures("fake_render")
def test_retrying_the_job_of_a_build_that_died_builds_it(client, world):
    issue_three(world)
    build = _died(world)
    login(client, world.organiser)

    client.post(f"/manage/sme-awards/jobs/{build.job_id}/retry")
    page = client.get(f"/manage/sme-awards/jobs/{build.job_id}").get_data(as_text=True)

    db.session.refresh(build)
    assert (build.status, build.done, build.error) == (BuildStatus.DONE, 3, None)
    assert "Done, finished" in page
    assert f'href="/manage/sme-awards/certificates/builds/{build.id}"' in page


@pytest.mark.usefixtures("fake_render")
def test_retrying_a_build_replaced_by_a_newer_one_fails(client, world):
    issue_three(world)
    build = _died(world)
    db.session.get(CertificateBuild, build.id).started_at = utcnow() - timedelta(hours=1)
    db.session.commit()
    newer = builds.start_build(world.challenge, mail_links=False, actor=world.organiser)
    login(client, world.organiser)

    client.post(f"/manage/sme-awards/jobs/{build.job_id}/retry")

    job = db.session.get(Job, build.job_id)
    assert (job.status, job.error) == (
        JobStatus.FAILED,
        "A newer build of these certificates replaced this one.",
    )
    assert newer.status is BuildStatus.DONE
