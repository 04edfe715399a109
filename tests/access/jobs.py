"""Who may follow and retry a challenge's background jobs (``jobs``).

Only the challenge's organisers and administrators (404 for everyone else, sign-in for anonymous visitors).
Retrying redirects (302) back to the job's page. A job of another challenge is a 404 even for organisers,
as is a job shown under another challenge's address.
"""

from __future__ import annotations

from judging.challenges.models import Challenge
from judging.database import utcnow
from judging.extensions import db
from judging.jobs import Job, JobStatus
from tests.access.rules import Rule, signed_in

BASE = "/manage/sme-awards/jobs"
MANAGERS = {"organiser": 200, "admin": 200}
MANAGERS_REDIRECT = {"organiser": 302, "admin": 302}


def _job(challenge: Challenge, status: JobStatus) -> int:
    """A certificate build job of ``challenge`` (of a build that is gone, so a retry fails at once)."""
    job = Job(
        kind="certificates.build",
        params={"build_id": 0},
        status=status,
        challenge_id=challenge.id,
        total=4,
        done=1,
        started_at=utcnow(),
        heartbeat_at=utcnow(),
        error="The build failed." if status is JobStatus.FAILED else None,
        backend="inline",
    )
    db.session.add(job)
    db.session.commit()
    return job.id


RULES = [
    Rule(
        "jobs.job",
        "GET",
        lambda w: f"{BASE}/{_job(w.challenge, JobStatus.RUNNING)}",
        signed_in(404, **MANAGERS),
    ),
    Rule(
        "jobs.job",
        "GET",
        lambda w: f"{BASE}/{_job(w.other_challenge, JobStatus.RUNNING)}",
        signed_in(404),
        note="-other-challenge",
    ),
    Rule(
        "jobs.retry",
        "POST",
        lambda w: f"{BASE}/{_job(w.challenge, JobStatus.FAILED)}/retry",
        signed_in(404, **MANAGERS_REDIRECT),
    ),
    Rule(
        "jobs.retry",
        "POST",
        lambda w: f"{BASE}/{_job(w.other_challenge, JobStatus.FAILED)}/retry",
        signed_in(404),
        note="-other-challenge",
    ),
]
