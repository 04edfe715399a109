"""Background jobs behind one small interface, run in-process (threads) or by RQ workers over Redis.

    job = jobs.enqueue("certificates.build", {"build_id": 7}, challenge=challenge, actor=user)

A kind names a module-level task function (``judging.jobs.registry.KINDS``) called as ``task(run)`` with a
``Run`` (params, attempt, ``progress(done, total)``); it returns a JSON-able result or raises (``JobError``
for a message users may read). The ``Job`` row holds the state the job's page shows (``views``); a job
that died is marked failed by ``refresh`` and can be retried. Settings: ``JOBS_INLINE``, ``JOBS_BACKEND``,
``JOBS_QUEUE``, ``JOBS_THREADS``, ``JOBS_STALE_MINUTES``, ``JOBS_TIMEOUT_SECONDS`` (see ``judging.config``).
"""

from judging.jobs.models import ACTIVE, Job, JobStatus
from judging.jobs.runner import JobError, Run, execute
from judging.jobs.services import challenge_job, create, dispatch, enqueue, refresh, retry, stale_after

__all__ = [
    "ACTIVE",
    "Job",
    "JobError",
    "JobStatus",
    "Run",
    "challenge_job",
    "create",
    "dispatch",
    "enqueue",
    "execute",
    "refresh",
    "retry",
    "stale_after",
]
