"""Telling the entrants runs as a background job: its record, and a refusal shown as the job's error."""

from __future__ import annotations

from sqlalchemy import select

from judging.extensions import db
from judging.jobs import Job, JobStatus
from judging.results.shortlist_services import advance_entries
from tests.factories import login
from tests.results.test_shortlist import _url, programme  # noqa: F401


def test_release_button_records_a_done_job_with_the_counts(client, world, programme):  # noqa: F811
    _challenge, first, _second, entries, _judges = programme
    advance_entries(first, {entries["Conn A"].id}, actor=world.organiser)
    login(client, world.organiser)

    client.post(_url(first, "release"))

    job = db.session.scalars(select(Job)).one()
    assert (job.kind, job.status, job.created_by_id) == (
        "results.release",
        JobStatus.DONE,
        world.organiser.id,
    )
    assert job.result == {"through": 1, "not_through": 4, "mailed": 5, "failed": 0}


def test_release_refused_is_a_failed_job_with_the_reason(client, world, programme):  # noqa: F811
    _challenge, first, _second, _entries, _judges = programme
    login(client, world.organiser)

    page = client.post(_url(first, "release"), follow_redirects=True).get_data(as_text=True)

    job = db.session.scalars(select(Job)).one()
    assert job.status is JobStatus.FAILED
    assert job.error == "Choose the entries that go through before telling the entrants."
    assert job.error in page
