"""Organisers' decisions pages: stage the outcome of every entry of the last round, and the results
settings (outcome labels, winners per category, feedback to entrants).

Staged decisions change nothing public until the results are published. Organisers only; everyone else
gets 404.
"""

from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user, login_required

from judging.challenges.manage_views import load_managed, show_error
from judging.errors import DomainError
from judging.extensions import db
from judging.results import decision_services as services
from judging.results.forms import decisions_form, field_name, settings_form

bp = Blueprint("decisions", __name__, url_prefix="/manage")


@bp.route("/<slug>/decisions", methods=["GET", "POST"])
@login_required
def index(slug: str):
    challenge = load_managed(slug)
    table = services.decision_table(challenge)
    ids = [row.submission.id for row in table.rows]
    suggesting = request.method == "GET" and bool(request.args.get("suggest"))
    if suggesting:
        data = services.suggested_outcomes(table)
    else:
        data = {row.submission.id: row.outcome for row in table.rows}
    form = decisions_form(challenge, ids, data)
    status = 200
    if form.validate_on_submit():
        try:
            changed = services.stage_decisions(challenge, form.outcomes(), actor=current_user)
        except DomainError as error:
            db.session.rollback()
            show_error(form, error)
        else:
            flash(
                ngettext("%(num)d decision changed.", "%(num)d decisions changed.", changed)
                if changed
                else _("Nothing changed."),
                "success",
            )
            return redirect(url_for("decisions.index", slug=challenge.slug))
    if form.is_submitted():
        status = 400
    return (
        render_template(
            "decisions/index.html",
            challenge=challenge,
            table=table,
            form=form,
            field_name=field_name,
            suggesting=suggesting,
            has_publication="publication.overview" in current_app.view_functions,
        ),
        status,
    )


@bp.route("/<slug>/decisions/settings", methods=["GET", "POST"])
@login_required
def settings(slug: str):
    challenge = load_managed(slug)
    form = settings_form(challenge)
    if form.validate_on_submit():
        try:
            services.update_results_settings(
                challenge,
                labels=form.labels(),
                winners_per_category=form.winners_per_category.data,
                feedback_to_entrants=form.feedback_to_entrants.data,
                actor=current_user,
            )
        except DomainError as error:
            db.session.rollback()
            show_error(form, error)
        else:
            flash(_("Results settings saved."), "success")
            return redirect(url_for("decisions.index", slug=challenge.slug))
    status = 400 if form.is_submitted() else 200
    return render_template("decisions/settings.html", challenge=challenge, form=form), status
