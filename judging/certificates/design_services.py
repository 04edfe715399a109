"""A challenge's certificate design (title line, signatories, images, colours, participation on/off) and
previews of it with sample data.

Certificates already issued keep the design frozen into them (``services.frozen_design``), so saving a
design changes only certificates issued afterwards and the previews.
"""

from __future__ import annotations

import re
from contextlib import nullcontext
from dataclasses import dataclass

from flask_babel import force_locale
from flask_babel import gettext as _

from judging import audit
from judging.accounts.models import User
from judging.certificates import assets
from judging.certificates.models import CertificateDesign, CertificateKind
from judging.certificates.render import RenderError, render_pdf_limited, sample_data
from judging.certificates.services import (
    default_title,
    design_of,
    frozen_design,
    render_failed,
    translated_texts,
)
from judging.challenges.content_languages import frozen_text
from judging.challenges.models import Challenge
from judging.errors import DomainError
from judging.extensions import db

COLOUR = re.compile(r"^#[0-9a-fA-F]{6}$")


@dataclass(frozen=True)
class DesignChange:
    """What the organiser sent on the design page; images are (bytes, file name) when uploaded."""

    title_line: str | None
    signatories: tuple[tuple[str, str], ...]
    primary_colour: str
    accent_colour: str
    participation: bool
    logo: tuple[bytes, str] | None = None
    signature: tuple[bytes, str] | None = None
    remove_logo: bool = False
    remove_signature: bool = False


def _stored_image(upload: tuple[bytes, str] | None, field: str) -> str | None:
    if upload is None:
        return None
    try:
        content, extension = assets.validate_image(*upload)
    except assets.ImageProblem as problem:
        raise DomainError(problem.message, field) from problem
    return assets.store_image(content, extension)


def save_design(challenge: Challenge, change: DesignChange, *, actor: User | None) -> CertificateDesign:
    """Create or update the challenge's certificate design; audited as ``certificates.design``.

    Images are validated and stored first (``DomainError`` on the field when refused); replaced or
    removed images stay on disk for certificates already issued with them. One commit.
    """
    for field, colour in (("primary_colour", change.primary_colour), ("accent_colour", change.accent_colour)):
        if not COLOUR.match(colour or ""):
            raise DomainError(_("Give a colour as # and six hexadecimal digits, e.g. #0b3d91."), field)
    title_line = (change.title_line or "").strip() or None
    if title_line and len(title_line) > 200:
        raise DomainError(_("The title line is too long: at most 200 characters."), "title_line")
    people = [
        {"name": name.strip(), "title": title.strip()} for name, title in change.signatories if name.strip()
    ]
    if len(people) > 3:
        raise DomainError(_("A certificate has at most three signatories."))
    logo = _stored_image(change.logo, "logo")
    signature = _stored_image(change.signature, "signature")
    design = design_of(challenge)
    if design is None:
        design = CertificateDesign(challenge_id=challenge.id, signatories={})
        db.session.add(design)
    fields = {
        "title_line": title_line,
        "signatories": {"people": people},
        "primary_colour": change.primary_colour.lower(),
        "accent_colour": change.accent_colour.lower(),
        "participation": change.participation,
        "logo_file": logo or (None if change.remove_logo else design.logo_file),
        "signature_file": signature or (None if change.remove_signature else design.signature_file),
    }
    before, after = audit.changes(design, fields)
    for name, value in fields.items():
        setattr(design, name, value)
    db.session.flush()
    if after:
        audit.record(
            "certificates.design", design, actor=actor, challenge_id=challenge.id, before=before, after=after
        )
    db.session.commit()
    return design


def preview_pdf(challenge: Challenge, kind: CertificateKind) -> bytes:
    """A sample certificate of ``kind`` with the challenge's current design (nothing is stored)."""
    design = frozen_design(design_of(challenge))
    language = challenge.certificate_language  # None: the reader's, as for each recipient's own
    title = frozen_text(challenge, "title", challenge.title, language) if language else challenge.title
    with force_locale(language) if language else nullcontext():
        sample = sample_data(
            kind.value,
            challenge_title=title,
            title_line=design["title_line"] or default_title(kind),
            texts=translated_texts(),
            signatories=tuple((name, title) for name, title in design["signatories"]),
            primary_colour=design["primary_colour"],
            accent_colour=design["accent_colour"],
            logo=assets.data_uri(design["logo_file"]),
            signature=assets.data_uri(design["signature_file"]),
            **({"language": language} if language else {}),
        )
    try:
        return render_pdf_limited(sample)
    except RenderError as error:
        raise render_failed(error) from error
