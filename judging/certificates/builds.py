"""Bulk builds: a ZIP of all of a challenge's valid certificates, made in the background.

``start_build`` creates the build row and a ``certificates.build`` job (``judging.jobs``) whose task,
``build_task``, calls ``run_build``; the CLI calls ``create_build`` then ``run_build`` itself, with a
progress bar. A build renders only what is not cached yet (by content, under ``certificates/`` in
``judging.storage``), writes the ZIP under a temporary name and publishes it as
``certificate-builds/<name>`` when complete, so a failed build never leaves a half-written ZIP behind.
Optionally, each recipient is mailed once a link to download their certificates.

A build whose job died (its worker was killed, its process restarted) stays QUEUED or RUNNING: ``build_state``
shows it as interrupted once its job is marked failed, or after ``JOBS_STALE_MINUTES`` without progress
(a build from the command line has no job); retrying the job (or starting a new build) builds it again.
"""

from __future__ import annotations

import logging
import re
import secrets
import smtplib
import unicodedata
import zipfile
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime

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
from judging.jobs import Job, JobError, JobStatus, Run
from judging.mail import external_url, send_template
from judging.storage import get_storage

log = logging.getLogger(__name__)

CHUNK = 50
BUILDS = "certificate-builds"  # storage folder of finished ZIPs
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
    job: Job | None = None

    @property
    def active(self) -> bool:
        return self.build.status in ACTIVE and not self.interrupted

    @property
    def percent(self) -> int:
        total = self.build.total
        return 100 if total == 0 else min(100, self.build.done * 100 // total)


def zip_key(build: CertificateBuild) -> str | None:
    """The storage key of the finished ZIP of a DONE build, or None when it is not there."""
    if build.status is not BuildStatus.DONE or not build.file_name:
        return None
    key = f"{BUILDS}/{build.file_name}"
    return key if get_storage().exists(key) else None


def _progress_key(build_id: int) -> str:
    """A small file rewritten after every chunk while the build runs: its time is the last progress."""
    return f"{BUILDS}/build-{build_id}.progress"


def build_state(build: CertificateBuild, *, now: datetime | None = None) -> BuildState:
    """The build with whether it is interrupted: active, and no progress within ``stale_after()``
    (progress: its start, or the last write of its progress file)."""
    job = db.session.get(Job, build.job_id) if build.job_id is not None else None
    if build.status not in ACTIVE:
        return BuildState(build, False, job)
    if job is not None and jobs.refresh(job, now=now).status is JobStatus.FAILED:
        return BuildState(build, True, job)
    now = now or utcnow()
    last = build.started_at or build.created_at
    store, marker = get_storage(), _progress_key(build.id)
    if store.exists(marker):
        written = store.modified(marker)
        last = max(last, written if last.tzinfo else written.replace(tzinfo=None))
    return BuildState(build, now - last > jobs.stale_after(), job)


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
    """``create_build``, then run the build in the background as a ``certificates.build`` job linked to it.
    Side effects: ``create_build``'s, a commit linking the job, the job back-end's hand-over."""
    build = create_build(challenge, mail_links=mail_links, actor=actor)
    job = jobs.create("certificates.build", {"build_id": build.id}, challenge=challenge, actor=actor)
    build.job_id = job.id
    db.session.commit()
    jobs.dispatch(job)
    return build


def build_task(run: Run) -> dict[str, object]:
    """The ``certificates.build`` job: run the build ``params["build_id"]``. On a retry, a build left
    unfinished is queued again, unless a newer build of its challenge replaced it. A failed build fails the
    job with the build's message."""
    build = db.session.get(CertificateBuild, int(run.params["build_id"]))
    if build is None:
        raise JobError(_("This build no longer exists."))
    if build.status is not BuildStatus.QUEUED and build.status is not BuildStatus.DONE:
        newer = latest_build(build.challenge)
        if newer is not None and newer.id != build.id:
            raise JobError(_("A newer build of these certificates replaced this one."))
        build.status, build.done, build.error, build.finished_at = BuildStatus.QUEUED, 0, None, None
        db.session.commit()
    finished = run_build(build.id, progress=run.progress)
    if finished is None:
        raise JobError(_("This build had already been built."))
    if finished.status is BuildStatus.FAILED:
        raise JobError(finished.error or _("The build failed."))
    return {"build_id": finished.id, "total": finished.total, "file_name": finished.file_name}


def build_link(job: Job) -> str | None:
    """The build's own page, where its ZIP is downloaded."""
    from flask import url_for

    if job.challenge is None or "build_id" not in (job.params or {}):
        return None
    return url_for("certificate_builds.progress", slug=job.challenge.slug, build_id=job.params["build_id"])


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
    store, marker = get_storage(), _progress_key(build.id)
    name = f"{build.challenge.slug[:60]}-{build.id}-{secrets.token_hex(6)}.zip"
    try:
        certificates = valid_certificates(build.challenge)
        build.total = len(certificates)
        db.session.commit()
        # The store writes a temporary file and publishes it under the key only when the block succeeds.
        with (
            store.writer(f"{BUILDS}/{name}") as out,
            zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive,
        ):
            for count, (certificate, pdf) in enumerate(_pdfs(certificates), start=1):
                archive.writestr(entry_name(certificate), pdf)
                if count % CHUNK == 0 or count == len(certificates):
                    build.done = count
                    db.session.commit()
                    store.write(marker, str(count).encode("ascii"))
                    if progress is not None:
                        progress(build.done, build.total)
    except Exception as error:  # any failure is the build's outcome, shown on its page
        log.exception("certificate build %d failed", build_id)
        db.session.rollback()
        return _fail(build_id, error)
    finally:
        store.delete(marker)
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
    from judging.certificates.services import cached_pdf, certificate_data, remember_pdf, store_pdf

    missing: list[Certificate] = []
    for certificate in certificates:
        pdf = cached_pdf(certificate.pdf_sha256)
        if pdf is not None:
            yield certificate, pdf
        else:
            missing.append(certificate)
    if missing:
        items = [certificate_data(c) for c in missing]
        for certificate, data, pdf in zip(
            missing, items, render_batch(items, workers=RENDER_WORKERS), strict=True
        ):
            certificate.pdf_sha256 = store_pdf(pdf)
            # The pointer ``certificate_pdf`` looks for, so a single download reuses the PDF rendered here.
            remember_pdf(render_html(data), certificate.pdf_sha256)
            yield certificate, pdf


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
