"""Organisers' shortlisting page: choose the entries of a round that go through to the next round, then
tell the round's entrants whether theirs did (a ``results.release`` background job: its outcome is flashed
when it ran at once, else its page is shown).

Choosing works without JavaScript: a GET form previews a choice (top N per category, a score threshold,
or by hand) and a POST form sends the chosen entry ids. Organisers only; everyone else gets 404.
"""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user, login_required

from judging import jobs
from judging.assignments.loaders import managed_round
from judging.assignments.models import Round
from judging.challenges.manage_views import show_error
from judging.challenges.models import Challenge
from judging.errors import DomainError
from judging.extensions import db
from judging.results import shortlist_services as services
from judging.results.forms import HAND, AdvanceForm, PreviewForm

bp = Blueprint("shortlist", __name__, url_prefix="/manage")


def _render(challenge: Challenge, round_: Round, preview: PreviewForm, form: AdvanceForm | None, status: int):
    page = services.shortlist_page(round_)
    mode = HAND if preview.errors else (preview.mode.data or HAND)
    if form is not None and form.is_submitted():
        selected = set(form.entries.data or [])
    elif preview.errors:
        selected = set(page.current)
    else:
        selected = services.preview_selection(page, mode, n=preview.n.data, minimum=preview.minimum.data)
    if form is None:
        form = AdvanceForm([row.submission.id for _c, rows in page.categories for row in rows])
    return (
        render_template(
            "shortlist/advance.html",
            challenge=challenge,
            round=round_,
            page=page,
            preview=preview,
            form=form,
            mode=mode,
            selected=selected,
        ),
        status,
    )


def _preview_form(round_: Round) -> PreviewForm:
    if "mode" in request.args:
        return PreviewForm(formdata=request.args)
    return PreviewForm(formdata=None, data={"mode": HAND, "n": round_.shortlist_size})


@bp.route("/<slug>/rounds/<int:round_id>/advance", methods=["GET", "POST"])
@login_required
def advance(slug: str, round_id: int):
    challenge, round_ = managed_round(slug, round_id)
    preview = _preview_form(round_)
    if request.method == "GET":
        valid = "mode" not in request.args or preview.validate()
        return _render(challenge, round_, preview, None, 200 if valid else 400)
    page_ids = services.held_ids(round_)
    form = AdvanceForm(sorted(page_ids))
    if form.validate_on_submit():
        try:
            report = services.advance_entries(round_, set(form.entries.data or []), actor=current_user)
        except DomainError as error:
            db.session.rollback()
            show_error(form, error)
        else:
            flash(
                ngettext(
                    "%(num)d entry now goes through to %(round)s.",
                    "%(num)d entries now go through to %(round)s.",
                    len(form.entries.data or []),
                    round=report.next_round.name,
                ),
                "success",
            )
            return redirect(url_for("shortlist.advance", slug=challenge.slug, round_id=round_.id))
    return _render(challenge, round_, preview, form, 400)


@bp.route("/<slug>/rounds/<int:round_id>/release", methods=["POST"])
@login_required
def release(slug: str, round_id: int):
    challenge, round_ = managed_round(slug, round_id)
    job = jobs.enqueue("results.release", {"round_id": round_.id}, challenge=challenge, actor=current_user)
    if job.status is jobs.JobStatus.FAILED:
        flash(job.error or _("The entrants could not be told."), "error")
    elif job.status is jobs.JobStatus.DONE:
        report = job.result or {}
        flash(
            _(
                "Entrants were told: %(through)d entries go through, %(not_through)d do not.",
                through=report.get("through", 0),
                not_through=report.get("not_through", 0),
            ),
            "success",
        )
        if report.get("failed"):
            flash(
                ngettext(
                    "%(num)d mail could not be sent.", "%(num)d mails could not be sent.", report["failed"]
                ),
                "error",
            )
    else:
        flash(_("The entrants are being told in the background."), "info")
        return redirect(url_for("jobs.job", slug=challenge.slug, job_id=job.id))
    return redirect(url_for("shortlist.advance", slug=challenge.slug, round_id=round_.id))
