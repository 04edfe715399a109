"""ZIP builds of a challenge's certificates: the service, the progress page, the download and the mails."""

from __future__ import annotations

import io
import re
import shutil
import zipfile
from datetime import timedelta
from pathlib import Path

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from judging.audit import AuditEvent
from judging.certificates import builds, render
from judging.certificates.models import BuildStatus, Certificate, CertificateBuild, CertificateKind
from judging.certificates.services import CACHE, new_code, pdf_key, store_pdf
from judging.database import utcnow
from judging.errors import DomainError
from judging.extensions import db
from judging.storage import get_storage
from tests.factories import links_in, login, mail_body


@pytest.fixture(autouse=True)
def _clean_files(app, monkeypatch):
    """Jobs run inline; every test starts with no ZIP and no cached PDF."""
    monkeypatch.setitem(app.config, "JOBS_INLINE", True)
    for folder in (builds.BUILDS, CACHE):
        shutil.rmtree(Path(app.config["UPLOAD_FOLDER"], folder), ignore_errors=True)
    yield
    for folder in (builds.BUILDS, CACHE):
        shutil.rmtree(Path(app.config["UPLOAD_FOLDER"], folder), ignore_errors=True)


def make_certificate(challenge, *, submission=None, judge=None, recipient: str, **fields) -> Certificate:
    """A certificate row as issuing writes it (printed data frozen in ``data``)."""
    kind = CertificateKind.JUDGE if judge is not None else CertificateKind.ACHIEVEMENT
    kind = fields.pop("kind", kind)
    award = "Judge" if kind is CertificateKind.JUDGE else "Winner"
    category = None if kind is CertificateKind.JUDGE else "E-health"
    data = {
        "kind": kind.value,
        "recipient": recipient,
        "award": award,
        "outcome": None,
        "renamed": True,
        "category": category,
        "entry_title": submission.title if submission is not None else None,
        "challenge_title": challenge.title,
        "issued_on": "2026-06-01",
        "language": "en",
    }
    certificate = Certificate(
        challenge_id=challenge.id,
        kind=kind,
        subject=f"judge:{judge.id}" if judge is not None else f"entry:{submission.id}",
        submission_id=submission.id if submission is not None else None,
        judge_id=judge.id if judge is not None else None,
        code=new_code(),
        recipient=recipient,
        award=award,
        category=category,
        data=data,
        **fields,
    )
    db.session.add(certificate)
    db.session.commit()
    return certificate


def issue_three(world) -> list[Certificate]:
    """Two entries' certificates and a judge's, plus a revoked one that no build includes."""
    made = [
        make_certificate(world.challenge, submission=world.submission_a, recipient="Alpha Mesh Ltd"),
        make_certificate(world.challenge, submission=world.submission_b, recipient="Beta Health"),
        make_certificate(world.challenge, judge=world.judge_membership, recipient="Judy Judge"),
    ]
    make_certificate(
        world.challenge,
        submission=world.submission_a,
        recipient="Alpha Mesh Ltd",
        kind=CertificateKind.FINALIST,
        revoked_at=utcnow(),
        revoke_reason="Issued by mistake",
    )
    return made


@pytest.fixture
def fake_render(monkeypatch):
    """Replace the bulk renderer with a fast fake; returns the list of recipients it rendered."""
    rendered: list[str] = []

    def render_batch(items, *, workers=2):
        for item in items:
            rendered.append(item.recipient)
            yield b"%PDF-1.7 fake certificate for " + item.recipient.encode()

    monkeypatch.setattr(render, "render_batch", render_batch)
    return rendered


def zip_of(build: CertificateBuild) -> zipfile.ZipFile:
    key = builds.zip_key(build)
    assert key is not None
    return zipfile.ZipFile(io.BytesIO(get_storage().read_bytes(key)))


def test_build_zips_every_valid_certificate(world):
    certificates = issue_three(world)

    build = builds.start_build(world.challenge, mail_links=False, actor=world.organiser)

    db.session.refresh(build)
    assert (build.status, build.done, build.total, build.error) == (BuildStatus.DONE, 3, 3, None)
    with zip_of(build) as archive:
        names = sorted(archive.namelist())
        pdfs = {name: archive.read(name) for name in names}
    codes = {c.recipient: c.code[:8] for c in certificates}
    assert names == [
        f"achievement/Alpha Mesh Ltd-{codes['Alpha Mesh Ltd']}.pdf",
        f"achievement/Beta Health-{codes['Beta Health']}.pdf",
        f"judge/Judy Judge-{codes['Judy Judge']}.pdf",
    ]
    assert all(pdf.startswith(b"%PDF") for pdf in pdfs.values())
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdfs[names[1]])).pages)
    assert "Beta Health" in text
    assert all(c.pdf_sha256 for c in certificates)
    assert db.session.scalars(select(AuditEvent.action)).all() == ["certificate_build.started"]


def test_build_reuses_cached_pdfs(world, fake_render):
    alpha, beta, judy = issue_three(world)
    cached = b"%PDF-1.7 rendered before for Alpha"
    alpha.pdf_sha256 = store_pdf(cached)
    db.session.commit()

    build = builds.start_build(world.challenge, mail_links=False, actor=world.organiser)

    assert sorted(fake_render) == ["Beta Health", "Judy Judge"]
    with zip_of(build) as archive:
        assert archive.read(f"achievement/Alpha Mesh Ltd-{alpha.code[:8]}.pdf") == cached
    assert get_storage().read_bytes(pdf_key(beta.pdf_sha256)).endswith(b"Beta Health")


def test_build_reports_progress_after_every_chunk(world, fake_render, monkeypatch):
    issue_three(world)
    monkeypatch.setattr(builds, "CHUNK", 2)
    build = builds.create_build(world.challenge, mail_links=False, actor=None)
    seen: list[tuple[int, int]] = []

    builds.run_build(build.id, progress=lambda done, total: seen.append((done, total)))

    assert seen == [(2, 3), (3, 3)]


def test_start_build_refuses_while_one_is_running(world, fake_render):
    issue_three(world)
    running = builds.create_build(world.challenge, mail_links=False, actor=world.organiser)
    running.status, running.started_at = BuildStatus.RUNNING, utcnow()
    db.session.commit()

    with pytest.raises(DomainError, match="being built already"):
        builds.start_build(world.challenge, mail_links=False, actor=world.organiser)
    assert db.session.scalars(select(CertificateBuild)).all() == [running]


def test_start_build_refuses_without_valid_certificates(world):
    with pytest.raises(DomainError, match="issue them first"):
        builds.start_build(world.challenge, mail_links=False, actor=world.organiser)
    assert db.session.scalars(select(CertificateBuild)).all() == []


def test_start_build_replaces_an_interrupted_build(world, fake_render):
    issue_three(world)
    stale = builds.create_build(world.challenge, mail_links=False, actor=world.organiser)
    stale.status, stale.started_at = BuildStatus.RUNNING, utcnow() - timedelta(hours=1)
    db.session.commit()

    build = builds.start_build(world.challenge, mail_links=False, actor=world.organiser)

    assert build.status is BuildStatus.DONE
    assert stale.status is BuildStatus.FAILED
    assert "Interrupted" in stale.error


def test_failed_build_stores_its_error_and_leaves_no_zip(world, monkeypatch):
    issue_three(world)

    def render_batch(items, *, workers=2):
        yield b"%PDF-1.7 first"
        raise render.RenderError("Rendering the certificate took too long.")

    monkeypatch.setattr(render, "render_batch", render_batch)

    build = builds.start_build(world.challenge, mail_links=False, actor=world.organiser)

    db.session.refresh(build)
    assert build.status is BuildStatus.FAILED
    assert build.error == "A certificate could not be rendered (Rendering the certificate took too long.)."
    assert build.file_name is None
    leftovers = Path(get_storage().local_path(builds.BUILDS)).rglob("*")
    assert [path.name for path in leftovers if path.is_file()] == []  # no ZIP, temporary or progress file


def test_safe_name_keeps_every_script_and_drops_separators():
    assert builds.safe_name("Société Générale") == "Société Générale"
    assert builds.safe_name("شركة النور") == "شركة النور"
    assert builds.safe_name("北京科技") == "北京科技"
    assert builds.safe_name("../../etc/passwd") == "etc-passwd"
    assert builds.safe_name("A\\B\x00C\nD") == "A-B-C-D"
    assert builds.safe_name("\u202eevil\u202c name") == "evil name"
    assert builds.safe_name("मेरी\u200dकंपनी") == "मेरी\u200dकंपनी"
    assert builds.safe_name("...") == "certificate"


def test_progress_page_shows_count_and_refreshes_while_running(client, world):
    build = CertificateBuild(
        challenge_id=world.challenge.id, status=BuildStatus.RUNNING, total=40, done=12, started_at=utcnow()
    )
    db.session.add(build)
    db.session.commit()
    login(client, world.organiser)

    page = client.get(f"/manage/sme-awards/certificates/builds/{build.id}").get_data(as_text=True)

    assert "12 of 40 certificates (30%)" in page
    assert '<progress max="40" value="12"' in page
    assert '<meta http-equiv="refresh" content="2">' in page
    assert ".zip" not in page


def test_progress_page_offers_to_restart_an_interrupted_build(client, world):
    build = CertificateBuild(
        challenge_id=world.challenge.id,
        status=BuildStatus.RUNNING,
        total=40,
        done=12,
        started_at=utcnow() - timedelta(hours=2),
    )
    db.session.add(build)
    db.session.commit()
    login(client, world.organiser)

    page = client.get(f"/manage/sme-awards/certificates/builds/{build.id}").get_data(as_text=True)

    assert "This build was interrupted" in page
    assert "http-equiv" not in page
    assert 'action="/manage/sme-awards/certificates/builds"' in page


def test_started_build_page_links_its_zip(client, world, fake_render):
    issue_three(world)
    login(client, world.organiser)

    response = client.post("/manage/sme-awards/certificates/builds", data={})
    page = client.get(response.headers["Location"]).get_data(as_text=True)

    build = db.session.scalars(select(CertificateBuild)).one()
    assert response.headers["Location"] == f"/manage/sme-awards/certificates/builds/{build.id}"
    assert "Done: 3 certificates" in page
    assert "http-equiv" not in page
    assert f'href="/manage/sme-awards/certificates/builds/{build.id}.zip"' in page
    with client.get(f"/manage/sme-awards/certificates/builds/{build.id}.zip") as download:
        assert download.headers["Content-Disposition"].startswith("attachment;")
        assert len(zipfile.ZipFile(io.BytesIO(download.data)).namelist()) == 3


def test_start_without_certificates_says_to_issue_them(client, world):
    login(client, world.organiser)

    page = client.post("/manage/sme-awards/certificates/builds", follow_redirects=True)

    assert "issue them first" in page.get_data(as_text=True)


def test_build_with_mail_links_mails_each_recipient_once(world, fake_render, outbox):
    alpha, beta, judy = issue_three(world)
    make_certificate(
        world.challenge,
        submission=world.submission_a,
        recipient="Alpha Mesh Ltd",
        kind=CertificateKind.PARTICIPATION,
    )
    world.entrant_b.language = "fr"
    db.session.commit()

    builds.start_build(world.challenge, mail_links=True, actor=world.organiser)

    mails = {message["To"]: message for message in outbox()}
    assert sorted(mails) == ["a@alpha.example", "b@beta.example", "judy@jury.example"]
    alpha_links = links_in(mails["a@alpha.example"])
    assert len(alpha_links) == 2
    assert f"https://judging.example.org/certificates/{alpha.code}.pdf" in alpha_links
    assert links_in(mails["judy@jury.example"]) == [
        f"https://judging.example.org/certificates/{judy.code}.pdf"
    ]
    assert "Judy Judge" in mail_body(mails["judy@jury.example"])
    assert re.search(r"\bcertificat", mails["b@beta.example"]["Subject"])


def test_download_of_an_unfinished_build_is_missing(client, world):
    build = CertificateBuild(challenge_id=world.challenge.id, status=BuildStatus.RUNNING, total=3)
    db.session.add(build)
    db.session.commit()
    login(client, world.organiser)

    assert client.get(f"/manage/sme-awards/certificates/builds/{build.id}.zip").status_code == 404


def test_zip_key_ignores_a_missing_file(world):
    build = CertificateBuild(
        challenge_id=world.challenge.id, status=BuildStatus.DONE, total=1, done=1, file_name="gone.zip"
    )
    db.session.add(build)
    db.session.commit()

    assert builds.zip_key(build) is None
    assert not get_storage().exists(f"{builds.BUILDS}/gone.zip")
