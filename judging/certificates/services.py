"""Issuing certificates from the published results, what each one prints, its cached PDF, and revoking.

A certificate's ``data`` is frozen when it is issued: who it is for, the award, the category, the entry,
the challenge, the date, the snapshot version and the design (title line, signatories, colours and the
names of the stored images). Re-renders read only that, so a certificate never changes once issued;
its ``code`` (160 random bits, base32) never changes either. Issuing is idempotent: an existing
(challenge, kind, subject) is left alone, and each new row is inserted in its own savepoint so that two
organisers issuing at once end with one record (the unique constraint decides).

The challenge's design (``CertificateDesign``) is edited in ``design_services``.
"""

from __future__ import annotations

import base64
import hashlib
import re
import secrets
from dataclasses import dataclass
from datetime import date

from flask import current_app
from flask_babel import force_locale, format_date
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from judging import audit
from judging.accounts.models import User
from judging.assignments.models import Assignment, Judge, Round
from judging.certificates import assets
from judging.certificates.models import Certificate, CertificateDesign, CertificateKind
from judging.certificates.render import (
    CertificateData,
    RenderError,
    english_texts,
    render_html,
    render_pdf_limited,
)
from judging.challenges.content_languages import frozen_text
from judging.challenges.models import Challenge
from judging.core.lifecycle import SubmissionStatus
from judging.database import begin_write, utcnow
from judging.errors import DomainError
from judging.extensions import db
from judging.labels import label, outcome_label
from judging.mail import external_url
from judging.results.models import Outcome
from judging.results.publish_services import published
from judging.scoring.models import ScoreSheet, SheetStatus
from judging.storage import get_storage
from judging.submissions.models import Submission

ACHIEVEMENTS = {Outcome.WINNER, Outcome.RUNNER_UP, Outcome.HONOURABLE_MENTION}
OUT_OF_THE_RUNNING = (SubmissionStatus.DRAFT, SubmissionStatus.WITHDRAWN, SubmissionStatus.INELIGIBLE)
KIND_ORDER = {kind: position for position, kind in enumerate(CertificateKind)}

CACHE = "certificates"  # storage folder of rendered PDFs, by content
_DIGEST = re.compile(r"^[0-9a-f]{64}$")


@dataclass(frozen=True)
class IssueReport:
    created: int
    existing: int


def new_code() -> str:
    """A verification code: 160 random bits in base32 (A-Z, 2-7; 32 characters, no padding)."""
    return base64.b32encode(secrets.token_bytes(20)).decode("ascii").rstrip("=")


def design_of(challenge: Challenge) -> CertificateDesign | None:
    return db.session.scalar(select(CertificateDesign).where(CertificateDesign.challenge_id == challenge.id))


def frozen_design(design: CertificateDesign | None) -> dict:
    """The design as plain data, as frozen into each certificate when it is issued."""
    if design is None:
        design = CertificateDesign(primary_colour="#0b3d91", accent_colour="#c99700", signatories={})
    return {
        "title_line": design.title_line or None,
        "signatories": [
            [person.get("name", ""), person.get("title", "")]
            for person in (design.signatories or {}).get("people", [])
        ][:3],
        "primary_colour": design.primary_colour or "#0b3d91",
        "accent_colour": design.accent_colour or "#c99700",
        "logo_file": design.logo_file,
        "signature_file": design.signature_file,
    }


def _language(user: User | None, challenge: Challenge | None = None) -> str:
    """The language a certificate is printed in: the challenge's choice, else the recipient's own."""
    chosen = challenge.certificate_language if challenge is not None else None
    language = chosen or (user.language if user is not None else None) or ""
    if language in current_app.config["LANGUAGES"]:
        return language
    return current_app.config["BABEL_DEFAULT_LOCALE"]


def _in_language(challenge: Challenge, data: dict) -> dict:
    """The challenge's title and the category as printed in ``data["language"]``: the organisers'
    translation when they gave one for the text frozen in ``data`` (names changed since are left alone)."""
    language = data["language"]
    category = data.get("category")
    live = next((each for each in challenge.categories if category and each.name == category), None)
    return {
        **data,
        "challenge_title": frozen_text(challenge, "title", data.get("challenge_title"), language),
        "category": frozen_text(live, "name", category, language),
    }


def set_certificate_language(challenge: Challenge, language: str | None, *, actor: User | None) -> None:
    """Print the challenge's certificates in ``language`` (None: each recipient's own). Certificates
    already issued keep theirs. Audited as ``certificates.design``. One commit."""
    language = language or None
    if language is not None and language not in current_app.config["LANGUAGES"]:
        raise DomainError(_("Choose a language from the list."), "language")
    if language == challenge.certificate_language:
        return
    audit.record(
        "certificates.design",
        challenge,
        actor=actor,
        challenge_id=challenge.id,
        before={"certificate_language": challenge.certificate_language},
        after={"certificate_language": language},
    )
    challenge.certificate_language = language
    db.session.commit()


def _entry_plan(snapshot_data: dict, participation: bool) -> list[tuple[CertificateKind, int, dict]]:
    """(kind, submission id, what is printed) for every entry certificate the snapshot calls for."""
    plan = []
    awarded: set[int] = set()
    for row in snapshot_data.get("decisions", []):
        outcome = Outcome(row["outcome"])
        if outcome in ACHIEVEMENTS or outcome is Outcome.FINALIST:
            kind = CertificateKind.ACHIEVEMENT if outcome in ACHIEVEMENTS else CertificateKind.FINALIST
            awarded.add(row["submission"])
            printed = {
                "recipient": row["organisation"]["name"],
                "award": row["label"],
                "outcome": row["outcome"],
                "renamed": bool(row.get("renamed")),
                "category": row["category"]["name"],
                "entry_title": row["title"],
            }
            plan.append((kind, row["submission"], printed))
    if participation:
        rounds = sorted(snapshot_data.get("rounds", []), key=lambda block: block.get("position", 0))
        entrants = {entry for entry, _category in (rounds[0]["inputs"]["entries"] if rounds else [])}
        entrants |= {row["submission"] for row in snapshot_data.get("decisions", [])}
        for entry_id in sorted(entrants - awarded):
            plan.append((CertificateKind.PARTICIPATION, entry_id, {}))
    return plan


def _judges_who_marked(challenge: Challenge) -> list[Judge]:
    return list(
        db.session.scalars(
            select(Judge)
            .where(
                Judge.id.in_(
                    select(Assignment.judge_id)
                    .join(ScoreSheet, ScoreSheet.assignment_id == Assignment.id)
                    .join(Round, Assignment.round_id == Round.id)
                    .where(Round.challenge_id == challenge.id, ScoreSheet.status == SheetStatus.SUBMITTED)
                )
            )
            .order_by(Judge.id)
        )
    )


def _existing_subjects(challenge: Challenge) -> set[tuple[CertificateKind, str]]:
    rows = db.session.execute(
        select(Certificate.kind, Certificate.subject).where(Certificate.challenge_id == challenge.id)
    )
    return {(kind, subject) for kind, subject in rows}


def _candidates(challenge: Challenge, snapshot, design: CertificateDesign | None) -> list[Certificate]:
    """Every certificate the published snapshot calls for, as unsaved rows (codes not yet drawn)."""
    common = {
        "challenge_title": snapshot.data.get("challenge", {}).get("title", challenge.title),
        "issued_on": utcnow().date().isoformat(),
        "snapshot_version": snapshot.version,
        "design": frozen_design(design),
    }
    rows = []
    plan = _entry_plan(snapshot.data, bool(design and design.participation))
    submissions = {
        s.id: s for s in db.session.scalars(select(Submission).where(Submission.id.in_([p[1] for p in plan])))
    }
    for kind, submission_id, printed in plan:
        submission = submissions.get(submission_id)
        if submission is None or submission.challenge_id != challenge.id:
            continue
        if kind is CertificateKind.PARTICIPATION:
            if submission.status in OUT_OF_THE_RUNNING:
                continue
            printed = {
                "recipient": submission.organisation.name,
                "award": outcome_label(challenge, Outcome.PARTICIPANT),
                "outcome": Outcome.PARTICIPANT.value,
                "renamed": bool((challenge.outcome_labels or {}).get(Outcome.PARTICIPANT.value)),
                "category": submission.category.name,
                "entry_title": submission.title,
            }
        language = _language(submission.created_by, challenge)
        data = _in_language(challenge, {**common, **printed, "kind": kind.value, "language": language})
        rows.append(
            Certificate(
                challenge_id=challenge.id,
                kind=kind,
                subject=f"entry:{submission.id}",
                submission_id=submission.id,
                recipient=printed["recipient"][:300],
                award=printed["award"][:200],
                category=printed["category"],
                snapshot_version=snapshot.version,
                data=data,
            )
        )
    for judge in _judges_who_marked(challenge):
        data = {
            **common,
            "kind": CertificateKind.JUDGE.value,
            "recipient": judge.name,
            "award": "Judge",
            "outcome": None,
            "renamed": False,
            "category": None,
            "entry_title": None,
            "language": _language(judge.user, challenge),
        }
        data = _in_language(challenge, data)
        rows.append(
            Certificate(
                challenge_id=challenge.id,
                kind=CertificateKind.JUDGE,
                subject=f"judge:{judge.id}",
                judge_id=judge.id,
                recipient=judge.name[:300],
                award=str(_("Judge")),
                category=None,
                snapshot_version=snapshot.version,
                data=data,
            )
        )
    return rows


def issue_certificates(challenge: Challenge, *, actor: User | None) -> IssueReport:
    """Create the certificates the published results call for that do not exist yet.

    Needs a published snapshot (``DomainError`` otherwise). Existing certificates keep their data and
    code. Each insert runs in a savepoint: a row made meanwhile by someone else (unique constraint)
    counts as existing. Audited once as ``certificates.issue`` with the counts. One commit.
    """
    snapshot = published(challenge)
    if snapshot is None:
        raise DomainError(_("Publish the results before issuing certificates."))
    begin_write(db.session)
    design = design_of(challenge)
    existing_keys = _existing_subjects(challenge)
    created = existing = 0
    for certificate in _candidates(challenge, snapshot, design):
        if (certificate.kind, certificate.subject) in existing_keys:
            existing += 1
            continue
        certificate.code = new_code()
        certificate.issued_by_id = actor.id if actor is not None else None
        try:
            with db.session.begin_nested():
                db.session.add(certificate)
        except IntegrityError:
            existing += 1
        else:
            created += 1
    audit.record(
        "certificates.issue",
        challenge,
        actor=actor,
        challenge_id=challenge.id,
        after={"created": created, "existing": existing, "snapshot_version": snapshot.version},
    )
    db.session.commit()
    return IssueReport(created=created, existing=existing)


def issued_certificates(challenge: Challenge) -> list[Certificate]:
    """Every certificate of the challenge, valid and revoked, by kind then recipient."""
    rows = db.session.scalars(select(Certificate).where(Certificate.challenge_id == challenge.id))
    return sorted(rows, key=lambda c: (KIND_ORDER[c.kind], c.recipient.casefold(), c.id))


def certificate_by_code(code: str) -> Certificate | None:
    return db.session.scalar(select(Certificate).where(Certificate.code == code))


def revoke_certificate(certificate: Certificate, *, reason: str, actor: User | None) -> None:
    """Revoke a valid certificate with a reason; audited as ``certificate.revoke``. One commit."""
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(_("Say why the certificate is revoked."), "reason")
    if certificate.revoked_at is not None:
        raise DomainError(_("This certificate is already revoked."))
    certificate.revoked_at = utcnow()
    certificate.revoked_by_id = actor.id if actor is not None else None
    certificate.revoke_reason = reason
    audit.record(
        "certificate.revoke",
        certificate,
        actor=actor,
        challenge_id=certificate.challenge_id,
        before={"revoked_at": None},
        after={"revoked_at": certificate.revoked_at, "reason": reason, "code": certificate.code},
    )
    db.session.commit()


def default_title(kind: CertificateKind) -> str:
    titles = {
        CertificateKind.ACHIEVEMENT: _("Certificate of achievement"),
        CertificateKind.FINALIST: _("Finalist certificate"),
        CertificateKind.PARTICIPATION: _("Certificate of participation"),
        CertificateKind.JUDGE: _("Certificate of appreciation"),
    }
    return titles[kind]


def translated_texts() -> dict[str, str]:
    """The fixed phrases in the current locale (the English ones are the message ids)."""
    return {key: _(text) for key, text in english_texts().items()}


def verify_url(code: str) -> str:
    """The absolute verification link (from BASE_URL; works without a request)."""
    return external_url(current_app.url_map.bind("localhost").build("certificates.verify", {"code": code}))


def _award(data: dict) -> str:
    if data.get("kind") == CertificateKind.JUDGE.value:
        return _("Judge")
    outcome = data.get("outcome")
    if data.get("renamed") or not outcome:
        return data.get("award", "")
    return label(Outcome(outcome))


def printed_award(certificate: Certificate) -> str:
    """The award as printed, in the current locale (the organisers' own label when they renamed it)."""
    return _award(certificate.data)


def issued_on(certificate: Certificate) -> str:
    """The date of issue, formatted in the current locale."""
    return format_date(date.fromisoformat(certificate.data["issued_on"]), format="long")


def certificate_data(certificate: Certificate) -> CertificateData:
    """What the certificate prints, from its frozen ``data``, in the language frozen with it."""
    data = certificate.data
    design = data.get("design") or frozen_design(None)
    language = data.get("language") or current_app.config["BABEL_DEFAULT_LOCALE"]
    kind = CertificateKind(data.get("kind", certificate.kind.value))
    with force_locale(language):
        return CertificateData(
            kind=kind.value,
            recipient=data.get("recipient", certificate.recipient),
            award=_award(data),
            category=data.get("category"),
            entry_title=data.get("entry_title"),
            challenge_title=data.get("challenge_title", ""),
            issued_on=issued_on(certificate),
            title_line=design.get("title_line") or default_title(kind),
            texts=translated_texts(),
            signatories=tuple((name, title) for name, title in design.get("signatories", []))[:3],
            primary_colour=design.get("primary_colour") or "#0b3d91",
            accent_colour=design.get("accent_colour") or "#c99700",
            logo=assets.data_uri(design.get("logo_file")),
            signature=assets.data_uri(design.get("signature_file")),
            code=certificate.code,
            verify_url=verify_url(certificate.code),
            language=language,
        )


def pdf_key(digest: str) -> str:
    """The storage key of the cached PDF whose SHA-256 is ``digest``."""
    return f"{CACHE}/{digest}.pdf"


def pointer_key(html: str) -> str:
    """The storage key naming the PDF rendered from ``html`` (keyed by the HTML's SHA-256)."""
    return f"{CACHE}/{hashlib.sha256(html.encode('utf-8')).hexdigest()}.key"


def store_pdf(pdf: bytes) -> str:
    """Write a PDF to the cache as ``<sha256>.pdf``; returns the digest. Side effect: a file."""
    digest = hashlib.sha256(pdf).hexdigest()
    _write_once(pdf_key(digest), pdf)
    return digest


def remember_pdf(html: str, digest: str) -> None:
    """Record that ``html`` renders to the cached PDF ``digest`` (the pointer ``certificate_pdf`` reads)."""
    _write_once(pointer_key(html), digest.encode("ascii"))


def cached_pdf(digest: str | None) -> bytes | None:
    """The cached PDF with this digest, or None when it is not cached."""
    if not digest or not _DIGEST.match(digest):
        return None
    try:
        return get_storage().read_bytes(pdf_key(digest))
    except FileNotFoundError:
        return None


def _write_once(key: str, content: bytes) -> None:
    """Write atomically (the store writes a temporary file and renames it), once: content-addressed
    files never change."""
    store = get_storage()
    if not store.exists(key):
        store.write(key, content)


def render_failed(error: RenderError) -> DomainError:
    current_app.logger.warning("certificate rendering failed: %s", error)
    return DomainError(_("The certificate could not be produced just now. Please try again in a minute."))


def certificate_pdf(certificate: Certificate) -> bytes:
    """The certificate's PDF, from the cache when the same content was rendered before.

    The cache is keyed by the SHA-256 of the rendered HTML: ``<html digest>.key`` names the PDF's own
    digest, and the PDF is ``<pdf digest>.pdf`` (``store_pdf``), recorded in ``pdf_sha256``.
    Raises ``DomainError`` when rendering fails or takes too long. Commits when ``pdf_sha256`` changes.
    """
    data = certificate_data(certificate)
    html = render_html(data)
    try:
        pdf = cached_pdf(get_storage().read_bytes(pointer_key(html)).decode("ascii").strip())
    except (FileNotFoundError, UnicodeDecodeError):
        pdf = None
    if pdf is None:
        try:
            pdf = render_pdf_limited(data)
        except RenderError as error:
            raise render_failed(error) from error
        remember_pdf(html, store_pdf(pdf))
    digest = hashlib.sha256(pdf).hexdigest()
    if certificate.pdf_sha256 != digest:
        certificate.pdf_sha256 = digest
        db.session.commit()
    return pdf
