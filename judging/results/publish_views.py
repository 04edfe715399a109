"""Organisers' publication page: staged decisions, what differs from the published version, version
history, publishing (again), and the audit file of each version.

Every page needs a signed-in user who manages the challenge; anyone else gets 404, never 403.
"""

from __future__ import annotations

from flask import Blueprint, Response, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from wtforms import BooleanField, HiddenField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from judging.challenges.manage_views import load_managed, show_error
from judging.challenges.models import Challenge
from judging.errors import DomainError
from judging.extensions import db
from judging.labels import outcome_label
from judging.results import publish_services as services
from judging.results.audit_export import audit_json
from judging.results.models import Outcome

bp = Blueprint("publication", __name__, url_prefix="/manage")


class PublishForm(FlaskForm):
    """Publishing the current results; a reason is needed once a version is published (the service checks)."""

    confirm = BooleanField(
        _l("I have checked the decisions: publish them now"),
        validators=[DataRequired(_l("Tick the box to confirm."))],
    )
    reason = TextAreaField(
        _l("Why are the results published again?"),
        validators=[Optional(), Length(max=2000)],
        description=_l("Shown in the version history and kept in the audit log."),
    )
    # The version published when the page was shown: a second click (or tab) then publishes nothing more.
    published_version = HiddenField()


def _render(challenge: Challenge, form: PublishForm | None = None, status: int = 200):
    current = services.published(challenge)
    form = form or PublishForm()
    if not form.is_submitted():
        form.published_version.data = str(current.version if current else 0)
    return (
        render_template(
            "publication/overview.html",
            challenge=challenge,
            current=current,
            versions=services.history(challenge),
            summary=services.staged_summary(challenge),
            outcomes=list(Outcome),
            outcome_name=lambda outcome: outcome_label(challenge, outcome),
            differences=services.differences(challenge) if current else None,
            form=form,
        ),
        status,
    )


@bp.route("/<slug>/results")
@login_required
def overview(slug: str):
    return _render(load_managed(slug))


@bp.route("/<slug>/results/publish", methods=["POST"])
@login_required
def publish(slug: str):
    challenge = load_managed(slug)
    form = PublishForm()
    if form.validate_on_submit():
        try:
            snapshot = services.publish_results(
                challenge,
                reason=form.reason.data,
                actor=current_user,
                seen_version=_seen_version(form.published_version.data),
            )
        except DomainError as error:
            db.session.rollback()
            show_error(form, error)
        else:
            flash(_("Results published (version %(version)d).", version=snapshot.version), "success")
            return redirect(url_for("publication.overview", slug=challenge.slug))
    return _render(load_managed(slug), form, status=400)


def _seen_version(value: str | None) -> int | None:
    return int(value) if value and value.isdigit() else None


@bp.route("/<slug>/results/audit-<int:version>.json")
@login_required
def audit_export(slug: str, version: int):
    challenge = load_managed(slug)
    snapshot = services.snapshot_version(challenge, version)
    if snapshot is None:
        abort(404)
    filename = f"{challenge.slug}-results-v{snapshot.version}-audit.json"
    return Response(
        audit_json(snapshot),
        mimetype="application/json",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )
