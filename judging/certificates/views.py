"""The public verification page of a certificate, and downloading a certificate's PDF.

``/verify/<code>`` is public, rate-limited per client and not indexed; it shows the recipient, award,
category, challenge, date and status, nothing more; an unknown code is the ordinary 404 page.
``/certificates/<code>.pdf`` is for the recipient (the members of the entry's organisation, or the
judge's own account) while the certificate is valid, and for the challenge's organisers always; anyone
else gets 404. Dashboards list a user's certificates through ``my_certificates()`` (a template helper).
"""

from __future__ import annotations

from flask import Blueprint, Response, abort, current_app, render_template
from flask_login import current_user, login_required
from sqlalchemy import or_, select
from sqlalchemy.orm import selectinload

from judging import permissions
from judging.assignments.models import Judge
from judging.certificates import services
from judging.certificates.models import Certificate
from judging.errors import DomainError, render_error
from judging.extensions import client_address, db, limiter
from judging.submissions.models import Submission

bp = Blueprint("certificates", __name__)


def _verify_limit() -> str:
    return current_app.config.get("VERIFY_LIMIT") or "30 per minute"


def is_recipient(certificate: Certificate, user) -> bool:
    """The user belongs to the entry's organisation, or is the judge the certificate thanks."""
    if not getattr(user, "is_authenticated", False):
        return False
    if certificate.submission is not None:
        return permissions.is_member(certificate.submission, user)
    return certificate.judge is not None and certificate.judge.user_id == user.id


def can_download(certificate: Certificate, user) -> bool:
    if permissions.is_organiser(certificate.challenge, user):
        return True
    return certificate.is_valid and is_recipient(certificate, user)


def certificates_of(user) -> list[Certificate]:
    """The certificates addressed to the user (their organisation's entries, their judging), newest first."""
    if not getattr(user, "is_authenticated", False):
        return []
    mine = [Certificate.judge_id.in_(select(Judge.id).where(Judge.user_id == user.id))]
    if user.organisation_id is not None:
        mine.append(
            Certificate.submission_id.in_(
                select(Submission.id).where(Submission.organisation_id == user.organisation_id)
            )
        )
    return list(
        db.session.scalars(
            select(Certificate)
            .where(or_(*mine))
            .options(selectinload(Certificate.challenge), selectinload(Certificate.submission))
            .order_by(Certificate.issued_at.desc(), Certificate.id.desc())
        )
    )


@bp.app_context_processor
def dashboard_helpers() -> dict[str, object]:
    return {"my_certificates": lambda: certificates_of(current_user)}


@bp.route("/verify/<code>")
@limiter.limit(_verify_limit, key_func=client_address)
def verify(code: str):
    certificate = services.certificate_by_code(code.strip().upper())
    if certificate is None:
        abort(404)
    response = Response(
        render_template(
            "certificates_pages/verify.html",
            certificate=certificate,
            award=services.printed_award(certificate),
            issued_on=services.issued_on(certificate),
        )
    )
    response.headers["X-Robots-Tag"] = "noindex, nofollow"
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/certificates/<code>.pdf")
@login_required
def download(code: str):
    certificate = services.certificate_by_code(code)
    if certificate is None or not can_download(certificate, current_user):
        abort(404)
    try:
        pdf = services.certificate_pdf(certificate)
    except DomainError as error:
        db.session.rollback()
        return render_error(503, error.message)
    response = Response(pdf, mimetype="application/pdf")
    name = f"certificate-{certificate.challenge.slug}-{certificate.kind.value}.pdf"
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    response.headers["Cache-Control"] = "private, no-store"
    response.headers["X-Robots-Tag"] = "noindex, nofollow"
    return response
