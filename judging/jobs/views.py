"""A background job's page for the organisers of its challenge: progress, error, and Retry.

The page refreshes itself (a meta refresh, no JavaScript) while the job is queued or running; before showing
it, ``refresh`` marks a job that stopped without finishing as failed. Anyone who does not manage the
job's challenge gets 404, never 403; a job of another challenge is a 404 too.
"""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from judging.challenges.manage_views import load_managed
from judging.errors import DomainError
from judging.extensions import db
from judging.jobs import services
from judging.jobs.models import Job
from judging.jobs.registry import details_for, label_for, link_for

bp = Blueprint("jobs", __name__, url_prefix="/manage")

REFRESH_SECONDS = 2


def _load(slug: str, job_id: int) -> Job:
    job = services.challenge_job(load_managed(slug), job_id)
    if job is None:
        abort(404)
    return job


def render_job(job: Job, *, retry_url: str):
    """The page of ``job`` (its challenge's header when it has one), after ``refresh``."""
    return render_template(
        "jobs/job.html",
        challenge=job.challenge,
        job=job,
        label=label_for(job.kind),
        detail=details_for([job]).get(job.id),
        link=link_for(job),
        retry_url=retry_url,
        refresh_seconds=REFRESH_SECONDS,
    )


def retry_and_tell(job: Job) -> None:
    """Queue a failed job again and flash the outcome (the refusal, when it was not failed)."""
    try:
        services.retry(job, actor=current_user)
    except DomainError as error:
        db.session.rollback()
        flash(error.message, "error")
    else:
        flash(_("The job was queued again."), "success")


@bp.route("/<slug>/jobs/<int:job_id>")
@login_required
def job(slug: str, job_id: int):
    found = services.refresh(_load(slug, job_id))
    return render_job(found, retry_url=url_for("jobs.retry", slug=slug, job_id=found.id))


@bp.route("/<slug>/jobs/<int:job_id>/retry", methods=["POST"])
@login_required
def retry(slug: str, job_id: int):
    retry_and_tell(services.refresh(_load(slug, job_id)))
    return redirect(url_for("jobs.job", slug=slug, job_id=job_id))
