"""Organisers' pages for a challenge's judging rounds: the list, create, edit, delete, and one round's
settings with the entries it holds (the first round's come from screening, with a button to bring it up
to date; later rounds fill by shortlisting).

Every page needs a signed-in user who manages the challenge; anyone else gets 404, never 403.
"""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user, login_required

from judging.assignments import round_services as services
from judging.assignments.judge_forms import RoundForm
from judging.assignments.loaders import round_of
from judging.assignments.round_services import RoundDetails, SyncReport
from judging.challenges.manage_views import load_managed, show_error
from judging.challenges.services import utc_to_local
from judging.errors import DomainError
from judging.extensions import db

bp = Blueprint("rounds", __name__, url_prefix="/manage")


def _details(form: RoundForm) -> RoundDetails:
    return RoundDetails(
        name=form.name.data or "",
        judges_per_entry=int(form.judges_per_entry.data or 0),
        blind=bool(form.blind.data),
        bridge_judges=bool(form.bridge_judges.data),
        opens_local=form.opens_at.data,
        closes_local=form.closes_at.data,
    )


def _flash_sync(report: SyncReport) -> None:
    """Tell the organiser what bringing the first round up to date changed."""
    if not (report.added or report.removed or report.kept):
        flash(_("The round already holds every eligible entry."), "info")
        return
    if report.added:
        flash(
            ngettext("%(num)d eligible entry added.", "%(num)d eligible entries added.", len(report.added)),
            "success",
        )
    if report.removed:
        flash(
            ngettext(
                "%(num)d entry that is no longer eligible was taken out.",
                "%(num)d entries that are no longer eligible were taken out.",
                len(report.removed),
            ),
            "info",
        )
    if report.kept:
        flash(
            _(
                "No longer eligible but kept because judges are assigned to them (remove their assignments "
                "first): %(titles)s",
                titles=", ".join(submission.title for submission in report.kept),
            ),
            "error",
        )


@bp.route("/<slug>/rounds")
@login_required
def rounds(slug: str):
    challenge = load_managed(slug)
    all_rounds = services.rounds_of(challenge)
    return render_template(
        "rounds/rounds.html", challenge=challenge, rounds=all_rounds, counts=services.entry_counts(all_rounds)
    )


@bp.route("/<slug>/rounds/new", methods=["GET", "POST"])
@login_required
def new_round(slug: str):
    challenge = load_managed(slug)
    form = RoundForm()
    if request.method == "GET" and not services.rounds_of(challenge):
        form.name.data = _("Screening")
    if form.validate_on_submit():
        try:
            round_, report = services.create_round(challenge, _details(form), actor=current_user)
        except DomainError as error:
            db.session.rollback()
            show_error(form, error)
        else:
            flash(_("Round “%(name)s” created.", name=round_.name), "success")
            if round_.is_first and not report.added:
                flash(
                    _("No entry is eligible yet: screen the entries, then bring the round up to date."),
                    "info",
                )
            elif round_.is_first:
                _flash_sync(report)
            return redirect(url_for("rounds.round", slug=challenge.slug, round_id=round_.id))
    return render_template("rounds/form.html", challenge=challenge, form=form, round=None)


@bp.route("/<slug>/rounds/<int:round_id>")
@login_required
def round(slug: str, round_id: int):  # the endpoint is named ``rounds.round``
    challenge = load_managed(slug)
    round_ = round_of(challenge, round_id)
    entries = services.held_submissions(round_)
    return render_template(
        "rounds/round.html",
        challenge=challenge,
        round=round_,
        entries=entries,
        by_category=services.counts_by_category(challenge, entries),
        assignments=services.assignment_count(round_),
    )


@bp.route("/<slug>/rounds/<int:round_id>/edit", methods=["GET", "POST"])
@login_required
def edit_round(slug: str, round_id: int):
    challenge = load_managed(slug)
    round_ = round_of(challenge, round_id)
    initial = {
        "name": round_.name,
        "judges_per_entry": round_.judges_per_entry,
        "blind": round_.blind,
        "bridge_judges": round_.bridge_judges,
        "opens_at": utc_to_local(round_.opens_at, challenge.timezone),
        "closes_at": utc_to_local(round_.closes_at, challenge.timezone),
    }
    form = RoundForm(data=initial if request.method == "GET" else None)
    if form.validate_on_submit():
        try:
            services.update_round(round_, _details(form), actor=current_user)
        except DomainError as error:
            db.session.rollback()
            show_error(form, error)
        else:
            flash(_("Round saved."), "success")
            return redirect(url_for("rounds.round", slug=challenge.slug, round_id=round_.id))
    return render_template("rounds/form.html", challenge=challenge, form=form, round=round_)


@bp.route("/<slug>/rounds/<int:round_id>/sync", methods=["POST"])
@login_required
def sync_entries(slug: str, round_id: int):
    challenge = load_managed(slug)
    round_ = round_of(challenge, round_id)
    try:
        report = services.sync_first_round(round_, actor=current_user)
    except DomainError as error:
        db.session.rollback()
        flash(error.message, "error")
    else:
        _flash_sync(report)
    return redirect(url_for("rounds.round", slug=challenge.slug, round_id=round_.id))


@bp.route("/<slug>/rounds/<int:round_id>/delete", methods=["POST"])
@login_required
def delete_round(slug: str, round_id: int):
    challenge = load_managed(slug)
    round_ = round_of(challenge, round_id)
    name = round_.name
    try:
        services.delete_round(round_, actor=current_user)
    except DomainError as error:
        db.session.rollback()
        flash(error.message, "error")
        return redirect(url_for("rounds.round", slug=challenge.slug, round_id=round_id))
    flash(_("Round “%(name)s” deleted.", name=name), "success")
    return redirect(url_for("rounds.rounds", slug=challenge.slug))
