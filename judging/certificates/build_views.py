"""Organisers' ZIP builds of a challenge's certificates: start one, follow its progress, download it.

The progress page refreshes itself (a meta refresh, no JavaScript) while the build is queued or running.
Every page needs a signed-in user who manages the challenge; anyone else gets 404, never 403.
The certificates overview includes ``certificate_builds/_section.html`` with ``section_context``.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from wtforms import BooleanField

from judging.certificates import builds as services
from judging.challenges.manage_views import load_managed
from judging.challenges.models import Challenge
from judging.errors import DomainError
from judging.extensions import db
from judging.storage import send_stored

bp = Blueprint("certificate_builds", __name__, url_prefix="/manage")

OVERVIEW = "certificates_admin.overview"


class BuildForm(FlaskForm):
    """Starting a build (the form is written out in ``certificate_builds/_section.html``)."""

    mail_links = BooleanField(_l("Also mail each recipient a link to their certificate"))


def section_context(challenge: Challenge) -> dict[str, Any]:
    """What ``certificate_builds/_section.html`` needs besides ``challenge``: the latest build's state."""
    latest = services.latest_build(challenge)
    return {"latest_build": services.build_state(latest) if latest is not None else None}


def _load_build(challenge: Challenge, build_id: int):
    build = services.get_build(challenge, build_id)
    if build is None:
        abort(404)
    return build


@bp.route("/<slug>/certificates/builds", methods=["POST"])
@login_required
def start(slug: str):
    challenge = load_managed(slug)
    form = BuildForm()
    form.validate()
    try:
        build = services.start_build(challenge, mail_links=bool(form.mail_links.data), actor=current_user)
    except DomainError as error:
        db.session.rollback()
        flash(error.message, "error")
        return redirect(url_for(OVERVIEW, slug=challenge.slug))
    flash(_("Building the ZIP of %(num)d certificates.", num=build.total), "success")
    return redirect(url_for("certificate_builds.progress", slug=challenge.slug, build_id=build.id))


@bp.route("/<slug>/certificates/builds/<int:build_id>")
@login_required
def progress(slug: str, build_id: int):
    challenge = load_managed(slug)
    state = services.build_state(_load_build(challenge, build_id))
    return render_template("certificate_builds/progress.html", challenge=challenge, state=state)


@bp.route("/<slug>/certificates/builds/<int:build_id>.zip")
@login_required
def download(slug: str, build_id: int):
    challenge = load_managed(slug)
    key = services.zip_key(_load_build(challenge, build_id))
    if key is None:
        abort(404)
    try:
        response = send_stored(key, mimetype="application/zip")
    except FileNotFoundError:
        abort(404)
    response.headers["Content-Disposition"] = (
        f'attachment; filename="{challenge.slug}-certificates-{build_id}.zip"'
    )
    return response
