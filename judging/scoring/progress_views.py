"""Organisers' progress pages: completion of every round of a challenge, one round's progress per judge
and per entry, reminder mails to judges with unfinished work (sent by a ``scoring.reminders`` background
job: its outcome is flashed when it ran at once, else its page is shown), and closing or reopening a round.

Every page needs a signed-in user who manages the challenge; anyone else gets 404, never 403.
"""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from wtforms import DateTimeLocalField
from wtforms.validators import Optional

from judging import jobs
from judging.assignments.loaders import round_of
from judging.assignments.models import Round
from judging.challenges.forms import DATETIME_FORMATS
from judging.challenges.manage_views import load_managed, show_error
from judging.challenges.models import Challenge
from judging.errors import DomainError
from judging.extensions import db
from judging.scoring import progress_services as services
from judging.scoring import reminders

bp = Blueprint("progress", __name__, url_prefix="/manage")


class ReopenForm(FlaskForm):
    """Reopening a round; a new closing time is needed when the old one has passed (the service checks)."""

    closes_at = DateTimeLocalField(
        _l("New closing time"),
        format=DATETIME_FORMATS,
        validators=[Optional()],
        description=_l("In the challenge's time zone."),
    )


def _render_round(challenge: Challenge, round_: Round, form: ReopenForm | None = None, status: int = 200):
    return (
        render_template(
            "progress/round.html",
            challenge=challenge,
            round=round_,
            progress=services.round_progress(round_),
            form=form or ReopenForm(),
            needs_closing_time=services.needs_new_closing_time(round_),
            interval_hours=reminders.interval().total_seconds() / 3600,
        ),
        status,
    )


@bp.route("/<slug>/progress")
@login_required
def index(slug: str):
    challenge = load_managed(slug)
    return render_template(
        "progress/index.html", challenge=challenge, rounds=services.challenge_progress(challenge)
    )


@bp.route("/<slug>/rounds/<int:round_id>/progress")
@login_required
def round_progress(slug: str, round_id: int):
    challenge = load_managed(slug)
    return _render_round(challenge, round_of(challenge, round_id))


@bp.route("/<slug>/rounds/<int:round_id>/reminders", methods=["POST"])
@login_required
def send_reminders(slug: str, round_id: int):
    challenge = load_managed(slug)
    round_ = round_of(challenge, round_id)
    job = jobs.enqueue("scoring.reminders", {"round_id": round_.id}, challenge=challenge, actor=current_user)
    if job.status is jobs.JobStatus.FAILED:
        flash(job.error or _("The reminders could not be sent."), "error")
    elif job.status is jobs.JobStatus.DONE:
        _flash_report(job.result or {})
    else:
        flash(_("The reminders are being sent in the background."), "info")
        return redirect(url_for("jobs.job", slug=challenge.slug, job_id=job.id))
    return redirect(url_for("progress.round_progress", slug=challenge.slug, round_id=round_.id))


def _flash_report(result: dict) -> None:
    """Who was reminded, skipped, or could not be mailed, from the reminders job's result."""
    sent, skipped, failed = result.get("sent", []), result.get("skipped", []), int(result.get("failed", 0))
    if sent:
        flash(_("Reminded: %(names)s.", names=", ".join(sent)), "success")
    if skipped:
        flash(
            _(
                "Not reminded, as they were reminded less than %(hours)d hours ago: %(names)s.",
                hours=round(reminders.interval().total_seconds() / 3600),
                names=", ".join(skipped),
            ),
            "info",
        )
    if failed:
        flash(
            ngettext(
                "%(num)d reminder could not be sent; try again later.",
                "%(num)d reminders could not be sent; try again later.",
                failed,
            ),
            "error",
        )
    if not (sent or skipped or failed):
        flash(_("No judge has unfinished work in this round: nobody was reminded."), "info")


@bp.route("/<slug>/rounds/<int:round_id>/close", methods=["POST"])
@login_required
def close_round(slug: str, round_id: int):
    challenge = load_managed(slug)
    round_ = round_of(challenge, round_id)
    try:
        services.close_round(round_, actor=current_user)
    except DomainError as error:
        db.session.rollback()
        flash(error.message, "error")
    else:
        flash(
            _("Round “%(name)s” closed: judges can no longer change their sheets.", name=round_.name),
            "success",
        )
    return redirect(url_for("progress.round_progress", slug=challenge.slug, round_id=round_.id))


@bp.route("/<slug>/rounds/<int:round_id>/reopen", methods=["POST"])
@login_required
def reopen_round(slug: str, round_id: int):
    challenge = load_managed(slug)
    round_ = round_of(challenge, round_id)
    form = ReopenForm()
    if form.validate_on_submit():
        try:
            services.reopen_round(round_, form.closes_at.data, actor=current_user)
        except DomainError as error:
            db.session.rollback()
            show_error(form, error)
        else:
            flash(
                _("Round “%(name)s” reopened: judges can revise their sheets.", name=round_.name), "success"
            )
            return redirect(url_for("progress.round_progress", slug=challenge.slug, round_id=round_.id))
    return _render_round(challenge, round_, form, status=400)
