"""Telling entrants of a round whether they go through, as a background job (``results.release``).

The organisers' button enqueues it; the task calls ``shortlist_services.release_outcomes`` on behalf of
the job's creator, so the mails go out from a worker when jobs run on RQ.
"""

from __future__ import annotations

from flask import url_for
from flask_babel import gettext as _

from judging.accounts.models import User
from judging.assignments.models import Round
from judging.errors import DomainError
from judging.extensions import db
from judging.jobs import Job, JobError, Run
from judging.results.shortlist_services import release_outcomes


def release_task(run: Run) -> dict[str, int]:
    """``release_outcomes`` for ``params["round_id"]``: how many entries go through, do not, were mailed
    and could not be mailed. A refusal fails the job with its message."""
    round_ = db.session.get(Round, int(run.params["round_id"]))
    actor = db.session.get(User, run.actor_id) if run.actor_id is not None else None
    if round_ is None or actor is None:
        raise JobError(_("This round no longer exists."))
    try:
        report = release_outcomes(round_, actor=actor)
    except DomainError as error:
        db.session.rollback()
        raise JobError(error.message) from error
    return {
        "through": report.through,
        "not_through": report.not_through,
        "mailed": report.mailed,
        "failed": report.failed,
    }


def advance_link(job: Job) -> str | None:
    """The round's page where entries go through, which shows when the entrants were told."""
    if job.challenge is None or "round_id" not in (job.params or {}):
        return None
    return url_for("shortlist.advance", slug=job.challenge.slug, round_id=job.params["round_id"])
