"""Who may see the site's background jobs (``site_jobs``): administrators only.

Everyone else gets 404 (anonymous visitors are sent to sign in). A job of a challenge is not a site job:
its address under ``/admin/jobs`` is a 404 even for administrators (the list links to its challenge's page).
Retrying redirects (302) back to the job's page.
"""

from __future__ import annotations

from judging.database import utcnow
from judging.extensions import db
from judging.jobs import Job, JobStatus
from tests.access.rules import Rule, signed_in

BASE = "/admin/jobs"


def _job(status: JobStatus, challenge_id: int | None = None) -> int:
    """A password-reset mail job for an address with no account (a retry sends nothing)."""
    job = Job(
        kind="mail",
        params={"mail": "reset_password", "email": "nobody@example.org"},
        status=status,
        challenge_id=challenge_id,
        started_at=utcnow(),
        finished_at=utcnow(),
        error="The mail server refused the connection." if status is JobStatus.FAILED else None,
        backend="inline",
        attempts=1,
    )
    db.session.add(job)
    db.session.commit()
    return job.id


RULES = [
    Rule("site_jobs.index", "GET", lambda w: f"{BASE}/", signed_in(404, admin=200)),
    Rule("site_jobs.job", "GET", lambda w: f"{BASE}/{_job(JobStatus.FAILED)}", signed_in(404, admin=200)),
    Rule(
        "site_jobs.job",
        "GET",
        lambda w: f"{BASE}/{_job(JobStatus.DONE, w.challenge.id)}",
        signed_in(404),
        note="-challenge-job",
    ),
    Rule(
        "site_jobs.retry",
        "POST",
        lambda w: f"{BASE}/{_job(JobStatus.FAILED)}/retry",
        signed_in(404, admin=302),
    ),
    Rule(
        "site_jobs.retry",
        "POST",
        lambda w: f"{BASE}/{_job(JobStatus.FAILED, w.challenge.id)}/retry",
        signed_in(404),
        note="-challenge-job",
    ),
]
