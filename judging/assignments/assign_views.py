"""Organisers' assignment pages: the rounds, one round's assignments, preview and commit, CSV export.

The challenge comes from ``managed_challenges`` (404 for anyone else, never 403), the round and its
assignments from that challenge. Hand-made changes and the import live in ``assign_edit_views`` on the
same blueprint.
"""

from __future__ import annotations

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user, login_required
from sqlalchemy import select

from judging.assignments import assign_preview, assign_services
from judging.assignments.assign_edits import assignments_csv
from judging.assignments.assign_forms import CommitForm, PreviewForm
from judging.assignments.assign_overview import round_overview, round_summary
from judging.assignments.charts import load_chart
from judging.assignments.loaders import managed_round
from judging.assignments.models import Assignment, Round
from judging.challenges.manage_views import load_managed
from judging.challenges.models import Challenge
from judging.core.text import slugify
from judging.extensions import db

bp = Blueprint("assignments", __name__, url_prefix="/manage")


def load_assignment(round_: Round, assignment_id: int) -> Assignment:
    assignment = db.session.scalar(
        select(Assignment).where(Assignment.id == assignment_id, Assignment.round_id == round_.id)
    )
    if assignment is None:
        abort(404)
    return assignment


def round_url(round_: Round) -> str:
    return url_for("assignments.round_assignments", slug=round_.challenge.slug, round_id=round_.id)


@bp.route("/<slug>/assignments")
@login_required
def index(slug: str):
    challenge = load_managed(slug)
    rounds = db.session.scalars(
        select(Round).where(Round.challenge_id == challenge.id).order_by(Round.position, Round.id)
    ).all()
    summaries = [(round_, round_summary(assign_services.load_round(round_))) for round_ in rounds]
    return render_template("assignments/index.html", challenge=challenge, summaries=summaries)


@bp.route("/<slug>/rounds/<int:round_id>/assignments")
@login_required
def round_assignments(slug: str, round_id: int):
    challenge, round_ = managed_round(slug, round_id)
    return render_template(
        "assignments/round.html",
        challenge=challenge,
        round=round_,
        overview=round_overview(round_),
        preselect=request.args.get("entry", type=int),  # e.g. from a standings flag
    )


@bp.route("/<slug>/rounds/<int:round_id>/assignments/preview", methods=["GET", "POST"])
@login_required
def preview(slug: str, round_id: int):
    challenge, round_ = managed_round(slug, round_id)
    form = PreviewForm()
    if request.method == "POST" and not form.validate_on_submit():
        return render_template("assignments/preview.html", challenge=challenge, round=round_, form=form)
    keep, seed = (form.keep_existing.data, form.seed.data) if request.method == "POST" else (True, 0)
    return _render_preview(challenge, round_, form, keep_existing=keep, seed=seed)


def _render_preview(
    challenge: Challenge, round_: Round, form: PreviewForm, *, keep_existing: bool, seed: int, notice=None
):
    result = assign_preview.preview_assignments(round_, keep_existing=keep_existing, seed=seed)
    commit_form = CommitForm(
        formdata=None,
        data={"keep_existing": "1" if keep_existing else "0", "seed": str(seed), "inputs": result.inputs},
    )
    chart = None
    if result.loads:
        chart = load_chart(
            [(row.judge.name, row.before, row.after, row.capacity) for row in result.loads],
            title=_("Entries per judge in %(round)s after this commit", round=round_.name),
            description=_(
                "One bar per judge: entries already assigned, entries this commit adds, and the judge's "
                "capacity. The table below gives the same numbers."
            ),
        )
    return render_template(
        "assignments/preview.html",
        challenge=challenge,
        round=round_,
        form=form,
        result=result,
        commit_form=commit_form,
        chart=chart,
        notice=notice,
    )


@bp.route("/<slug>/rounds/<int:round_id>/assignments/commit", methods=["POST"])
@login_required
def commit(slug: str, round_id: int):
    challenge, round_ = managed_round(slug, round_id)
    form = CommitForm()
    if not form.validate_on_submit():
        flash(_("This preview could not be read. Here is a fresh one."), "error")
        return redirect(url_for(".preview", slug=challenge.slug, round_id=round_.id))
    keep, seed = form.parameters()
    try:
        committed = assign_services.commit_assignments(
            round_, keep_existing=keep, seed=seed, inputs=form.inputs.data, actor=current_user
        )
    except (assign_services.StalePreview, assign_services.AssignmentImpossible) as error:
        preview_form = PreviewForm(formdata=None, data={"keep_existing": keep, "seed": seed})
        return _render_preview(
            challenge, round_, preview_form, keep_existing=keep, seed=seed, notice=error.message
        )
    except assign_services.NothingToAssign as error:
        flash(error.message, "success")
        return redirect(round_url(round_))
    message = ngettext("%(num)d assignment written.", "%(num)d assignments written.", committed.added)
    if committed.removed:
        message += " " + ngettext(
            "%(num)d assignment replaced.", "%(num)d assignments replaced.", committed.removed
        )
    message += " " + ngettext(
        "%(num)d judge was told by mail.", "%(num)d judges were told by mail.", committed.judges_told
    )
    flash(message, "success")
    return redirect(round_url(round_))


@bp.route("/<slug>/rounds/<int:round_id>/assignments.csv")
@login_required
def export(slug: str, round_id: int):
    challenge, round_ = managed_round(slug, round_id)
    body = assignments_csv(assign_services.load_round(round_))
    response = Response(body.encode("utf-8"), mimetype="text/csv")
    response.headers["Content-Type"] = "text/csv; charset=utf-8"
    name = f"{slugify(challenge.slug) or 'challenge'}-{slugify(round_.name) or 'round'}-assignments.csv"
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "private, no-store"
    return response


from judging.assignments import assign_edit_views  # noqa: E402, F401  (adds the hand-edit pages to bp)
