"""Organisers' rubric editor for a round: criteria in order, add, edit, reorder, delete or retire, restore,
start from the default rubric or a copy, and the audited rescale once judges have marked.

Every page needs a signed-in user who manages the challenge; anyone else gets 404, never 403. Deleting a
marked criterion, or restoring one, first shows which totals change and asks for confirmation.
"""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user, login_required

from judging.assignments.loaders import managed_round
from judging.assignments.models import Round
from judging.challenges.manage_views import show_error
from judging.challenges.models import Challenge
from judging.errors import DomainError
from judging.extensions import db
from judging.scoring import rubric_queries as queries
from judging.scoring import rubric_services as services
from judging.scoring.models import Criterion
from judging.scoring.rubric_forms import (
    CopyForm,
    CriterionForm,
    RescaleForm,
    guide_items,
    guide_text,
    plain_weight,
)

bp = Blueprint("rubric", __name__, url_prefix="/manage")

ROUND = "/<slug>/rounds/<int:round_id>/rubric"
CRITERION = ROUND + "/<int:criterion_id>"


def _criterion(slug: str, round_id: int, criterion_id: int) -> tuple[Challenge, Round, Criterion]:
    challenge, round_ = managed_round(slug, round_id)
    criterion = db.session.get(Criterion, criterion_id)
    if criterion is None or criterion.round_id != round_.id:
        abort(404)
    return challenge, round_, criterion


def _back(challenge: Challenge, round_: Round):
    return redirect(url_for("rubric.rubric", slug=challenge.slug, round_id=round_.id))


@bp.route(ROUND)
@login_required
def rubric(slug: str, round_id: int):
    challenge, round_ = managed_round(slug, round_id)
    return render_template(
        "rubric/rubric.html",
        challenge=challenge,
        round=round_,
        criteria=queries.criteria_of(round_),
        retired=queries.criteria_of(round_, retired=True),
        marks=queries.mark_counts(round_),
        marked=queries.round_has_marks(round_),
        can_copy=bool(queries.copy_sources(current_user, round_)),
        guide_items=guide_items,
    )


@bp.route(ROUND + "/new", methods=["GET", "POST"])
@login_required
def add_criterion(slug: str, round_id: int):
    challenge, round_ = managed_round(slug, round_id)
    marked = queries.round_has_marks(round_)
    form = CriterionForm(
        data={"scale_min": 1, "scale_max": 5, "weight": 1} if request.method == "GET" else None
    )
    if form.validate_on_submit():
        try:
            criterion = services.add_criterion(
                round_, form.details(), actor=current_user, acknowledged=bool(form.acknowledge.data)
            )
        except DomainError as error:
            db.session.rollback()
            show_error(form, error)
        else:
            flash(_("Criterion “%(name)s” added.", name=criterion.name), "success")
            return _back(challenge, round_)
    return render_template(
        "rubric/criterion.html", challenge=challenge, round=round_, form=form, criterion=None, marked=marked
    )


@bp.route(CRITERION + "/edit", methods=["GET", "POST"])
@login_required
def edit_criterion(slug: str, round_id: int, criterion_id: int):
    challenge, round_, criterion = _criterion(slug, round_id, criterion_id)
    if criterion.retired_at is not None:
        abort(404)
    marked = queries.round_has_marks(round_)
    initial = {
        "name": criterion.name,
        "description": criterion.description,
        "guide": guide_text(criterion.guide),
        "scale_min": criterion.scale_min,
        "scale_max": criterion.scale_max,
        "weight": plain_weight(criterion.weight),
        "required": criterion.required,
        "independent": criterion.independent,
    }
    form = CriterionForm(data=initial if request.method == "GET" else None, locked=marked)
    if marked:
        for name in ("scale_min", "scale_max", "weight", "independent"):
            form[name].data = initial[name]
    if form.validate_on_submit():
        try:
            services.update_criterion(
                criterion, form.details(keep=queries.spec(criterion)), actor=current_user
            )
        except DomainError as error:
            db.session.rollback()
            show_error(form, error)
        else:
            flash(_("Criterion “%(name)s” saved.", name=criterion.name), "success")
            return _back(challenge, round_)
    return render_template(
        "rubric/criterion.html",
        challenge=challenge,
        round=round_,
        form=form,
        criterion=criterion,
        marked=marked,
    )


@bp.route(CRITERION + "/move", methods=["POST"])
@login_required
def move_criterion(slug: str, round_id: int, criterion_id: int):
    challenge, round_, criterion = _criterion(slug, round_id, criterion_id)
    try:
        services.move_criterion(criterion, request.form.get("direction", ""), actor=current_user)
    except DomainError as error:
        db.session.rollback()
        flash(error.message, "error")
    return _back(challenge, round_)


def _confirm_page(challenge: Challenge, round_: Round, criterion: Criterion, preview, action: str):
    return render_template(
        "rubric/confirm.html",
        challenge=challenge,
        round=round_,
        criterion=criterion,
        preview=preview,
        action=action,
    )


@bp.route(CRITERION + "/delete", methods=["POST"])
@login_required
def delete_criterion(slug: str, round_id: int, criterion_id: int):
    challenge, round_, criterion = _criterion(slug, round_id, criterion_id)
    if criterion.retired_at is None and request.form.get("confirm") != "1":
        preview = queries.preview_retire(criterion)
        if preview.changes:
            return _confirm_page(challenge, round_, criterion, preview, "retire")
    name = criterion.name
    try:
        deleted = services.delete_criterion(criterion, actor=current_user)
    except DomainError as error:
        db.session.rollback()
        flash(error.message, "error")
    else:
        if deleted:
            flash(_("Criterion “%(name)s” deleted.", name=name), "success")
        else:
            flash(
                _(
                    "Criterion “%(name)s” retired, not deleted: judges' marks refer to it. "
                    "Its marks are kept but no longer count; you can restore it below.",
                    name=name,
                ),
                "info",
            )
    return _back(challenge, round_)


@bp.route(CRITERION + "/restore", methods=["POST"])
@login_required
def restore_criterion(slug: str, round_id: int, criterion_id: int):
    challenge, round_, criterion = _criterion(slug, round_id, criterion_id)
    if criterion.retired_at is not None and request.form.get("confirm") != "1":
        preview = queries.preview_restore(criterion)
        if preview.changes:
            return _confirm_page(challenge, round_, criterion, preview, "restore")
    try:
        services.restore_criterion(criterion, actor=current_user)
    except DomainError as error:
        db.session.rollback()
        flash(error.message, "error")
    else:
        flash(_("Criterion “%(name)s” restored.", name=criterion.name), "success")
    return _back(challenge, round_)


@bp.route(ROUND + "/default", methods=["POST"])
@login_required
def use_default(slug: str, round_id: int):
    challenge, round_ = managed_round(slug, round_id)
    try:
        services.use_default_rubric(round_, actor=current_user, replace=request.form.get("replace") == "y")
    except DomainError as error:
        db.session.rollback()
        flash(error.message, "error")
    else:
        flash(_("The default rubric is in place: adjust it to your programme."), "success")
    return _back(challenge, round_)


@bp.route(ROUND + "/copy", methods=["GET", "POST"])
@login_required
def copy(slug: str, round_id: int):
    challenge, round_ = managed_round(slug, round_id)
    sources = queries.copy_sources(current_user, round_)
    form = CopyForm(rounds=sources)
    if form.validate_on_submit():
        source = next(item for item in sources if item.id == form.source.data)
        try:
            created = services.copy_rubric(
                source, round_, actor=current_user, replace=bool(form.replace.data)
            )
        except DomainError as error:
            db.session.rollback()
            show_error(form, error)
        else:
            flash(
                _("%(num)d criteria copied from “%(name)s”.", num=len(created), name=source.name), "success"
            )
            return _back(challenge, round_)
    return render_template(
        "rubric/copy.html",
        challenge=challenge,
        round=round_,
        form=form,
        has_criteria=bool(queries.criteria_of(round_) or queries.criteria_of(round_, retired=True)),
        marked=queries.round_has_marks(round_),
    )


@bp.route(CRITERION + "/rescale", methods=["GET", "POST"])
@login_required
def rescale(slug: str, round_id: int, criterion_id: int):
    challenge, round_, criterion = _criterion(slug, round_id, criterion_id)
    if criterion.retired_at is not None:
        abort(404)
    initial = {
        "scale_min": criterion.scale_min,
        "scale_max": criterion.scale_max,
        "weight": plain_weight(criterion.weight),
        "independent": criterion.independent,
    }
    form = RescaleForm(data=initial if request.method == "GET" else None)
    preview = None
    if form.validate_on_submit():
        change = form.change()
        preview = queries.preview_rescale(criterion, change)
        if request.form.get("confirm") == "1":
            try:
                applied = services.rescale_criterion(criterion, change, actor=current_user)
            except DomainError as error:
                db.session.rollback()
                show_error(form, error)
                preview = None
            else:
                flash(
                    ngettext(
                        "Criterion “%(name)s” rescaled; %(num)d total changed.",
                        "Criterion “%(name)s” rescaled; %(num)d totals changed.",
                        len(applied.changes),
                        name=criterion.name,
                    ),
                    "success",
                )
                return _back(challenge, round_)
    return render_template(
        "rubric/rescale.html",
        challenge=challenge,
        round=round_,
        criterion=criterion,
        form=form,
        preview=preview,
        marks=queries.mark_counts(round_).get(criterion.id, 0),
    )
