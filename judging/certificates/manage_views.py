"""Organisers' certificate pages: the overview (issue, list, revoke), the design page and previews.

Every page needs a signed-in user who manages the challenge; anyone else gets 404, never 403.
The overview includes the ZIP build section of ``build_views``.
"""

from __future__ import annotations

from flask import Blueprint, Response, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from judging.certificates import design_services, services
from judging.certificates.build_views import section_context
from judging.certificates.forms import DesignForm, IssueForm, RevokeForm
from judging.certificates.models import Certificate, CertificateDesign, CertificateKind
from judging.challenges.manage_views import load_managed, show_error
from judging.challenges.models import Challenge
from judging.errors import DomainError
from judging.extensions import db
from judging.results.publish_services import published

bp = Blueprint("certificates_admin", __name__, url_prefix="/manage")


def _certificate_of(challenge: Challenge, certificate_id: int) -> Certificate:
    certificate = db.session.get(Certificate, certificate_id)
    if certificate is None or certificate.challenge_id != challenge.id:
        abort(404)
    return certificate


def _render_overview(challenge: Challenge, revoke_form: RevokeForm | None = None, failed_id=None, status=200):
    return (
        render_template(
            "certificates_admin/index.html",
            challenge=challenge,
            snapshot=published(challenge),
            design=services.design_of(challenge),
            certificates=services.issued_certificates(challenge),
            issue_form=IssueForm(),
            revoke_form=revoke_form or RevokeForm(formdata=None),
            failed_id=failed_id,
            **section_context(challenge),
        ),
        status,
    )


@bp.route("/<slug>/certificates")
@login_required
def overview(slug: str):
    return _render_overview(load_managed(slug))


@bp.route("/<slug>/certificates/issue", methods=["POST"])
@login_required
def issue(slug: str):
    challenge = load_managed(slug)
    IssueForm().validate_on_submit()
    try:
        report = services.issue_certificates(challenge, actor=current_user._get_current_object())
    except DomainError as error:
        db.session.rollback()
        flash(error.message, "error")
    else:
        flash(
            _(
                "Certificates issued: %(created)d new, %(existing)d already issued.",
                created=report.created,
                existing=report.existing,
            ),
            "success",
        )
    return redirect(url_for("certificates_admin.overview", slug=challenge.slug))


@bp.route("/<slug>/certificates/<int:certificate_id>/revoke", methods=["POST"])
@login_required
def revoke(slug: str, certificate_id: int):
    challenge = load_managed(slug)
    certificate = _certificate_of(challenge, certificate_id)
    form = RevokeForm()
    if form.validate_on_submit():
        try:
            services.revoke_certificate(
                certificate, reason=form.reason.data, actor=current_user._get_current_object()
            )
        except DomainError as error:
            db.session.rollback()
            show_error(form, error)
        else:
            flash(_("Certificate of %(name)s revoked.", name=certificate.recipient), "success")
            return redirect(url_for("certificates_admin.overview", slug=challenge.slug))
    return _render_overview(challenge, form, failed_id=certificate.id, status=400)


def _render_design(challenge: Challenge, form: DesignForm, design: CertificateDesign | None, status=200):
    return (
        render_template(
            "certificates_admin/design.html",
            challenge=challenge,
            form=form,
            design=design,
            kinds=list(CertificateKind),
        ),
        status,
    )


@bp.route("/<slug>/certificates/design", methods=["GET", "POST"])
@login_required
def design(slug: str):
    challenge = load_managed(slug)
    saved = services.design_of(challenge)
    form = DesignForm()
    if form.validate_on_submit():
        try:
            design_services.save_design(challenge, form.change(), actor=current_user._get_current_object())
            services.set_certificate_language(
                challenge, form.language.data, actor=current_user._get_current_object()
            )
        except DomainError as error:
            db.session.rollback()
            show_error(form, error)
        else:
            flash(_("Certificate design saved."), "success")
            return redirect(url_for("certificates_admin.design", slug=challenge.slug))
        return _render_design(challenge, form, services.design_of(challenge), status=400)
    if form.is_submitted():
        return _render_design(challenge, form, saved, status=400)
    form.fill(saved or CertificateDesign(primary_colour="#0b3d91", accent_colour="#c99700"))
    form.language.data = challenge.certificate_language or ""
    return _render_design(challenge, form, saved)


@bp.route("/<slug>/certificates/preview/<kind>.pdf")
@login_required
def preview(slug: str, kind: str):
    challenge = load_managed(slug)
    try:
        certificate_kind = CertificateKind(kind)
    except ValueError:
        abort(404)
    try:
        pdf = design_services.preview_pdf(challenge, certificate_kind)
    except DomainError as error:
        flash(error.message, "error")
        return redirect(url_for("certificates_admin.design", slug=challenge.slug))
    response = Response(pdf, mimetype="application/pdf")
    response.headers["Content-Disposition"] = f'inline; filename="preview-{certificate_kind.value}.pdf"'
    response.headers["Cache-Control"] = "no-store"
    return response
