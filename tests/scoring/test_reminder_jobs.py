"""The reminder button runs as a background job: its record, and its page when it runs elsewhere."""

from __future__ import annotations

from sqlalchemy import select

from judging.extensions import db
from judging.jobs import Job, JobStatus, backends
from tests.factories import login


def test_reminder_button_records_a_done_job_naming_the_judges(world, client, outbox):
    login(client, world.organiser)

    client.post(f"/manage/sme-awards/rounds/{world.round.id}/reminders")

    job = db.session.scalars(select(Job)).one()
    assert (job.kind, job.status, job.created_by_id) == (
        "scoring.reminders",
        JobStatus.DONE,
        world.organiser.id,
    )
    assert job.result == {"sent": ["Conrad Conflicted", "Judy Judge"], "skipped": [], "failed": 0}
    page = client.get(f"/manage/sme-awards/jobs/{job.id}").get_data(as_text=True)
    assert f'href="/manage/sme-awards/rounds/{world.round.id}/progress"' in page
    assert len(outbox()) == 2


def test_reminder_button_follows_a_job_queued_elsewhere_on_its_page(world, client, app, monkeypatch, outbox):
    monkeypatch.setitem(app.config, "JOBS_INLINE", False)
    monkeypatch.setitem(app.config, "JOBS_BACKEND", "threads")
    # a worker will take it later
    monkeypatch.setattr(backends, "start", lambda app, name, job_id, quick=False: None)
    login(client, world.organiser)

    response = client.post(f"/manage/sme-awards/rounds/{world.round.id}/reminders")
    page = client.get(response.headers["Location"]).get_data(as_text=True)

    job = db.session.scalars(select(Job)).one()
    assert response.headers["Location"] == f"/manage/sme-awards/jobs/{job.id}"
    assert "The reminders are being sent in the background." in page
    assert "Waiting to start." in page
    assert outbox() == []
