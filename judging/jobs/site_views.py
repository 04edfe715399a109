"""The site's background jobs, for administrators: the jobs of every challenge and of none.

Mail about an account (address confirmation, password reset, notices of changes) is a job of no challenge,
so no organiser sees it; when the mail server refuses it, this is where an administrator finds out, reads
why and retries it. The list is newest first, filtered by state and paged; each row links to its job's
page (a challenge's job to the page its organisers see). Anyone who is not an administrator gets 404.
"""

from __future__ import annotations

from flask import Blueprint, abort, redirect, render_template, request, url_for
from flask_babel import lazy_pgettext
from flask_login import current_user, login_required

from judging import permissions
from judging.jobs import services
from judging.jobs.models import ACTIVE, Job, JobStatus
from judging.jobs.registry import details_for, label_for
from judging.jobs.views import render_job, retry_and_tell
from judging.pagination import paginate, requested_page

bp = Blueprint("site_jobs", __name__, url_prefix="/admin/jobs")

PER_PAGE = 100
FILTERS: dict[str, tuple[object, tuple[JobStatus, ...] | None]] = {
    "": (lazy_pgettext("jobs", "All"), None),
    "failed": (lazy_pgettext("jobs", "Failed"), (JobStatus.FAILED,)),
    "active": (lazy_pgettext("jobs", "Waiting or running"), ACTIVE),
    "done": (lazy_pgettext("jobs", "Done"), (JobStatus.DONE,)),
}


def _administrator() -> None:
    if not permissions.is_admin(current_user):
        abort(404)


def _load(job_id: int) -> Job:
    _administrator()
    job = services.site_job(job_id)
    if job is None:
        abort(404)
    return job


def job_url(job: Job) -> str:
    """The page of ``job``: its challenge's job page, or this site's."""
    if job.challenge is not None:
        return url_for("jobs.job", slug=job.challenge.slug, job_id=job.id)
    return url_for("site_jobs.job", job_id=job.id)


@bp.route("/")
@login_required
def index():
    _administrator()
    shown = request.args.get("status", "")
    if shown not in FILTERS:
        shown = ""
    statuses = FILTERS[shown][1]
    page = paginate(services.count_jobs(statuses), requested_page(), per_page=PER_PAGE)
    jobs = [
        services.refresh(job) if job.active else job
        for job in services.list_jobs(statuses, offset=page.offset, limit=PER_PAGE)
    ]
    return render_template(
        "jobs/site_jobs.html",
        jobs=jobs,
        page=page,
        shown=shown,
        filters=[(key, str(name)) for key, (name, _statuses) in FILTERS.items()],
        failed=services.count_jobs((JobStatus.FAILED,)),
        details=details_for(jobs),
        label_for=label_for,
        job_url=job_url,
    )


@bp.route("/<int:job_id>")
@login_required
def job(job_id: int):
    found = services.refresh(_load(job_id))
    return render_job(found, retry_url=url_for("site_jobs.retry", job_id=found.id))


@bp.route("/<int:job_id>/retry", methods=["POST"])
@login_required
def retry(job_id: int):
    retry_and_tell(services.refresh(_load(job_id)))
    return redirect(url_for("site_jobs.job", job_id=job_id))
