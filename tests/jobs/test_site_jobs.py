"""The site's jobs, for administrators: failed account mail is found, explained and sent again."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from judging.database import utcnow
from judging.extensions import db
from judging.jobs import Job, JobStatus
from judging.mail import job_details
from tests.factories import login
from tests.ops.faults_kit import free_port


@pytest.fixture
def mail_server_down(app, monkeypatch):
    monkeypatch.setitem(app.config, "MAIL_SERVER", "127.0.0.1")
    monkeypatch.setitem(app.config, "MAIL_PORT", free_port())  # nothing listens there
    return lambda: (app.config.pop("MAIL_SERVER"), app.config.pop("MAIL_PORT"))


def _text(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def test_a_failed_password_reset_mail_is_listed_for_administrators_and_sent_on_retry(
    app, world, mail_server_down, outbox
):
    address = world.entrant_a.email
    app.test_client().post("/password/forgot", data={"email": address})
    job = db.session.scalars(select(Job)).one()
    assert job.status is JobStatus.FAILED and job.challenge_id is None
    admin = login(app.test_client(), world.admin)

    overview = _text(admin.get("/manage/").get_data(as_text=True))
    listed = admin.get("/admin/jobs/?status=failed").get_data(as_text=True)

    assert "Background jobs of the site · 1 failed" in overview
    assert f"Password reset to {address}" in _text(listed)
    assert f'href="/admin/jobs/{job.id}"' in listed
    assert "None (an account)" in _text(listed)
    assert "Failed (1)" in _text(listed)

    page = admin.get(f"/admin/jobs/{job.id}").get_data(as_text=True)
    assert f"Password reset to {address}" in _text(page)
    assert "The job failed:" in _text(page)
    assert f'action="/admin/jobs/{job.id}/retry"' in page

    mail_server_down()  # the mail server is back (here: the outbox)
    answer = admin.post(f"/admin/jobs/{job.id}/retry")

    assert answer.status_code == 302 and answer.location.endswith(f"/admin/jobs/{job.id}")
    db.session.refresh(job)
    assert (job.status, job.attempts) == (JobStatus.DONE, 2)
    assert [message["To"] for message in outbox()] == [address]
    assert "The job was queued again." in admin.get(answer.location).get_data(as_text=True)


def test_the_list_holds_every_challenges_jobs_too_linked_to_their_own_page(app, world):
    job = Job(kind="certificates.build", params={"build_id": 0}, challenge_id=world.challenge.id)
    db.session.add(job)
    db.session.commit()
    admin = login(app.test_client(), world.admin)

    listed = admin.get("/admin/jobs/").get_data(as_text=True)

    assert f'href="/manage/sme-awards/jobs/{job.id}"' in listed
    assert "ZIP of all certificates" in listed and world.challenge.title in listed
    assert admin.get(f"/admin/jobs/{job.id}").status_code == 404  # not a job of the site


def test_the_list_filters_by_state_and_ignores_an_unknown_state(app, world):
    now = utcnow()
    for status in (JobStatus.DONE, JobStatus.FAILED, JobStatus.RUNNING):
        params = {"mail": "reset_password", "email": f"{status.value}@example.org"}
        db.session.add(Job(kind="mail", params=params, status=status, started_at=now, heartbeat_at=now))
    db.session.commit()
    admin = login(app.test_client(), world.admin)

    def shown(query: str) -> list[str]:
        page = admin.get(f"/admin/jobs/{query}").get_data(as_text=True)
        return re.findall(r"Password reset to (\w+)@", page)

    assert shown("") == ["running", "failed", "done"]  # newest first
    assert shown("?status=failed") == ["failed"]
    assert shown("?status=active") == ["running"]
    assert shown("?status=done") == ["done"]
    assert shown("?status=whatever") == ["running", "failed", "done"]
    assert 'aria-current="page">Done</a>' in admin.get("/admin/jobs/?status=done").get_data(as_text=True)


def test_the_list_is_paged_by_a_hundred(app, world):
    params = {"mail": "reset_password", "email": "someone@example.org"}
    db.session.add_all(Job(kind="mail", params=params, status=JobStatus.DONE) for _ in range(101))
    db.session.commit()
    admin = login(app.test_client(), world.admin)

    first = admin.get("/admin/jobs/").get_data(as_text=True)
    second = admin.get("/admin/jobs/?page=2").get_data(as_text=True)

    assert "Showing 1–100 of 101 jobs." in first and 'href="/admin/jobs/?page=2"' in first
    assert "Showing 101–101 of 101 jobs." in second


def test_each_mail_names_its_recipient_from_its_params_or_its_record(app, world):
    def job(**params) -> Job:
        made = Job(kind="mail", params=params)
        db.session.add(made)
        return made

    jobs = [
        job(mail="verify_email", user_id=world.entrant_a.id),
        job(mail="reset_password", email="someone@example.org"),
        job(mail="email_changed", user_id=world.entrant_a.id, old_address="old@x.org", new_address="n@x.org"),
        job(mail="judge_invitation", judge_id=world.judge_membership.id, actor_id=None),
        job(mail="verify_email", user_id=999_999),  # the account is gone
    ]
    db.session.commit()

    details = job_details(jobs)

    assert [details[made.id] for made in jobs] == [
        f"Address confirmation to {world.entrant_a.email}",
        "Password reset to someone@example.org",
        "Address changed to old@x.org",
        f"Jury invitation to {world.judge_membership.email}",
        "Address confirmation",
    ]
