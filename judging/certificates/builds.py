"""Bulk builds: a ZIP of all of a challenge's valid certificates, made in the background.

``start_build`` creates the build row and hands ``run_build`` to ``judging.jobs``; the CLI calls
``create_build`` then ``run_build`` itself, with a progress bar. A build renders only what is not cached
yet (by content, under ``instance/certificates/``), writes the ZIP under a temporary name and renames it
when complete, so a failed build never leaves a half-written ZIP behind. Optionally, each recipient is
mailed once a link to download their certificates.

A build runs in the process that started it: after a restart it stays QUEUED or RUNNING with no
progress, and ``build_state`` shows it as interrupted after ``CERTIFICATE_BUILD_STALE_MINUTES``.
"""

from __future__ import annotations

import hashlib
import logging
import re
import secrets
import smtplib
import unicodedata
import zipfile
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import select

from judging import audit, jobs
from judging.accounts.models import User
from judging.certificates.models import BuildStatus, Certificate, CertificateBuild
from judging.challenges.models import Challenge
from judging.database import utcnow
from judging.errors import DomainError
from judging.extensions import db
from judging.mail import external_url, send_template

log = logging.getLogger(__name__)

CHUNK = 50
RENDER_WORKERS = 2
ACTIVE = (BuildStatus.QUEUED, BuildStatus.RUNNING)
JOINERS = "\u200c\u200d"  # zero-width non-joiner and joiner: part of how some scripts spell names
Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class BuildState:
    """A build as its page shows it: ``interrupted`` when it is queued or running but made no progress
    for too long (the process that ran it was restarted), in which case it may be started again."""

    build: CertificateBuild
    interrupted: bool

    @property
    def active(self) -> bool:
        return self.build.status in ACTIVE and not self.interrupted

    @property
    def percent(self) -> int:
        total = self.build.total
        return 100 if total == 0 else min(100, self.build.done * 100 // total)


def builds_folder() -> Path:
    return Path(current_app.instance_path) / "certificate-builds"


def zip_path(build: CertificateBuild) -> Path | None:
    """The finished ZIP of a DONE build, or None when it is not there."""
    if build.status is not BuildStatus.DONE or not build.file_name:
        return None
    path = builds_folder() / build.file_name
    return path if path.is_file() else None


def _part_path(build_id: int) -> Path:
    return builds_folder() / f".build-{build_id}.zip.part"


def stale_after() -> timedelta:
    return timedelta(minutes=float(current_app.config["CERTIFICATE_BUILD_STALE_MINUTES"]))


def build_state(build: CertificateBuild, *, now: datetime | None = None) -> BuildState:
    """The build with whether it is interrupted: active, and no progress within ``stale_after()``
    (progress: its start, or the last write to its temporary ZIP)."""
    if build.status not in ACTIVE:
        return BuildState(build, False)
    now = now or utcnow()
    last = build.started_at or build.created_at
    part = _part_path(build.id)
    if part.exists():
        last = max(last, datetime.fromtimestamp(part.stat().st_mtime, tz=last.tzinfo))
    return BuildState(build, now - last > stale_after())


def latest_build(challenge: Challenge) -> CertificateBuild | None:
    return db.session.scalar(
        select(CertificateBuild)
        .where(CertificateBuild.challenge_id == challenge.id)
        .order_by(CertificateBuild.id.desc())
        .limit(1)
    )


def get_build(challenge: Challenge, build_id: int) -> CertificateBuild | None:
    """The build with this id if it belongs to ``challenge``."""
    build = db.session.get(CertificateBuild, build_id)
    return build if build is not None and build.challenge_id == challenge.id else None


def valid_certificates(challenge: Challenge) -> list[Certificate]:
    from judging.certificates.services import issued_certificates

    return [certificate for certificate in issued_certificates(challenge) if certificate.is_valid]


def create_build(challenge: Challenge, *, mail_links: bool, actor: User | None) -> CertificateBuild:
    """Record a QUEUED build of every valid certificate of ``challenge`` (not started). Refused when
    none is issued or another build is queued or running; an interrupted one is marked FAILED first.
    Side effects: an audit event, one commit."""
    db.session.execute(select(Challenge.id).where(Challenge.id == challenge.id).with_for_update())
    for other in db.session.scalars(
        select(CertificateBuild).where(
            CertificateBuild.challenge_id == challenge.id, CertificateBuild.status.in_(ACTIVE)
        )
    ):
        if not build_state(other).interrupted:
            db.session.rollback()
            raise DomainError(_("A ZIP of these certificates is being built already; wait until it is done."))
        other.status = BuildStatus.FAILED
        other.error = _("Interrupted: the server was restarted while building. Start the build again.")
        other.finished_at = utcnow()
    total = len(valid_certificates(challenge))
    if total == 0:
        db.session.rollback()
        raise DomainError(_("No valid certificate has been issued for this challenge yet: issue them first."))
    build = CertificateBuild(
        challenge_id=challenge.id,
        status=BuildStatus.QUEUED,
        total=total,
        mail_links=mail_links,
        created_by_id=actor.id if actor is not None else None,
    )
    db.session.add(build)
    db.session.flush()
    audit.record(
        "certificate_build.started",
        build,
        actor=actor,
        challenge_id=challenge.id,
        after={"total": total, "mail_links": mail_links},
    )
    db.session.commit()
    return build


def start_build(challenge: Challenge, *, mail_links: bool, actor: User | None) -> CertificateBuild:
    """``create_build``, then run the build in the background (``judging.jobs``)."""
    build = create_build(challenge, mail_links=mail_links, actor=actor)
    jobs.submit(run_build, build.id)
    return build


def safe_name(text: str, *, limit: int = 80) -> str:
    """A file name from a person's or organisation's name: letters of any script kept (with the joiners some
    scripts need); path separators, characters Windows refuses and control characters replaced; other
    invisible format characters (e.g. bidirectional overrides) dropped; never empty, never hidden."""
    kept = []
    for char in unicodedata.normalize("NFC", text):
        category = unicodedata.category(char)
        if char in '/\\:*?"<>|' or category == "Cc":
            kept.append("-")
        elif category[0] != "C" or char in JOINERS:
            kept.append(char)
    name = re.sub(r"\s+", " ", "".join(kept)).strip(" .-")
    return name[:limit].rstrip(" .-") or "certificate"


def entry_name(certificate: Certificate) -> str:
    return f"{certificate.kind.value}/{safe_name(certificate.recipient)}-{certificate.code[:8]}.pdf"


def run_build(build_id: int, *, progress: Progress | None = None) -> CertificateBuild | None:
    """Build the ZIP of a QUEUED build: DONE with its file name, or FAILED with the error stored.

    Cached PDFs are reused; the rest go through the bulk renderer in chunks, each stored in the cache.
    ``done`` is committed after every chunk and ``progress(done, total)`` called. Then, if asked, each
    recipient is mailed their links. Never raises for a failed build; returns None for a build that is
    missing or not QUEUED.
    """
    build = db.session.get(CertificateBuild, build_id)
    if build is None or build.status is not BuildStatus.QUEUED:
        return None
    build.status, build.started_at, build.done = BuildStatus.RUNNING, utcnow(), 0
    db.session.commit()
    folder = builds_folder()
    folder.mkdir(parents=True, exist_ok=True)
    part = _part_path(build.id)
    try:
        certificates = valid_certificates(build.challenge)
        build.total = len(certificates)
        db.session.commit()
        with zipfile.ZipFile(part, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            for count, (certificate, pdf) in enumerate(_pdfs(certificates), start=1):
                archive.writestr(entry_name(certificate), pdf)
                if count % CHUNK == 0 or count == len(certificates):
                    build.done = count
                    db.session.commit()
                    if progress is not None:
                        progress(build.done, build.total)
        slug = build.challenge.slug[:60]
        name = f"{slug}-{build.id}-{secrets.token_hex(6)}.zip"
        part.replace(folder / name)
    except Exception as error:  # any failure is the build's outcome, shown on its page
        log.exception("certificate build %d failed", build_id)
        db.session.rollback()
        return _fail(build_id, error)
    finally:
        part.unlink(missing_ok=True)  # gone already when the ZIP was completed and renamed
    build.status, build.file_name, build.finished_at = BuildStatus.DONE, name, utcnow()
    db.session.commit()
    if build.mail_links:
        _mail_links(build, certificates)
    return build


def _pdfs(certificates: Sequence[Certificate]) -> Iterator[tuple[Certificate, bytes]]:
    """Each certificate with its PDF: cached ones first (read from the cache), then the others rendered
    in one bulk pass (one pool of worker processes for the whole build) and stored, setting
    ``pdf_sha256``."""
    from judging.certificates.render import render_batch, render_html
    from judging.certificates.services import cache_folder, certificate_data, store_pdf

    folder = cache_folder()
    missing: list[Certificate] = []
    for certificate in certificates:
        path = folder / f"{certificate.pdf_sha256}.pdf" if certificate.pdf_sha256 else None
        if path is not None and path.is_file():
            yield certificate, path.read_bytes()
        else:
            missing.append(certificate)
    if missing:
        items = [certificate_data(c) for c in missing]
        for certificate, data, pdf in zip(
            missing, items, render_batch(items, workers=RENDER_WORKERS), strict=True
        ):
            certificate.pdf_sha256 = store_pdf(pdf)
            _remember(folder, render_html(data), certificate.pdf_sha256)
            yield certificate, pdf


def _remember(folder: Path, html: str, digest: str) -> None:
    """Write the pointer ``certificate_pdf`` looks for (``<sha256 of the HTML>.key`` naming the PDF), so a
    single download after the build reuses the PDF rendered here."""
    pointer = folder / f"{hashlib.sha256(html.encode('utf-8')).hexdigest()}.key"
    if not pointer.exists():
        temporary = pointer.with_name(f"{pointer.name}.{secrets.token_hex(4)}.tmp")
        temporary.write_text(digest, encoding="ascii")
        temporary.replace(pointer)


def _fail(build_id: int, error: Exception) -> CertificateBuild | None:
    from judging.certificates.render import RenderError

    build = db.session.get(CertificateBuild, build_id)
    if build is None:
        return None
    if isinstance(error, RenderError):
        message = _("A certificate could not be rendered (%(reason)s).", reason=str(error))
    elif isinstance(error, OSError):
        message = _("The ZIP could not be written (%(reason)s).", reason=error.strerror or str(error))
    else:
        message = _("The build failed unexpectedly (%(reason)s).", reason=type(error).__name__)
    build.status, build.error, build.finished_at = BuildStatus.FAILED, message, utcnow()
    db.session.commit()
    return build


def _download_link(certificate: Certificate) -> str:
    path = current_app.url_map.bind("localhost").build("certificates.download", {"code": certificate.code})
    return external_url(path)


def _recipients(certificate: Certificate) -> list[tuple[str, str, str | None]]:
    """(email, name, language) of who receives ``certificate``: the entry's organisation's members, or
    the judge (their account's address and language when they have one)."""
    if certificate.submission is not None:
        members = certificate.submission.organisation.members
        return [(user.email, user.name, user.language) for user in members]
    judge = certificate.judge
    if judge is None:
        return []
    if judge.user is not None:
        return [(judge.user.email, judge.user.name, judge.user.language)]
    return [(judge.email, judge.name, None)]


def _mail_links(build: CertificateBuild, certificates: Sequence[Certificate]) -> None:
    """Mail each recipient once, listing the links to all their certificates. A failed mail is logged and
    counted; the counts are audited. One commit."""
    by_address: dict[str, tuple[str, str, str | None, list[Certificate]]] = {}
    for certificate in certificates:
        for address, name, language in _recipients(certificate):
            by_address.setdefault(address.lower(), (address, name, language, []))[3].append(certificate)
    mailed = failed = 0
    for address, name, language, theirs in by_address.values():
        try:
            send_template(
                address,
                "certificate_ready",
                language=language,
                name=name,
                challenge=build.challenge,
                certificates=[(c, _download_link(c)) for c in theirs],
            )
        except (OSError, smtplib.SMTPException):
            log.exception("could not mail certificate links of build %d", build.id)
            failed += 1
        else:
            mailed += 1
    audit.record(
        "certificate_build.mailed",
        build,
        actor=None,
        challenge_id=build.challenge_id,
        after={"mailed": mailed, "failed": failed},
    )
    db.session.commit()
