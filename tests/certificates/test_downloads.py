"""Downloading a certificate's PDF, its cache by content, and the dashboards that list certificates."""

from __future__ import annotations

import io

from pypdf import PdfReader
from sqlalchemy import select

from judging.certificates import design_services, services
from judging.certificates.models import Certificate, CertificateKind
from judging.certificates.render import RenderError, grouped_code
from judging.certificates.services import certificate_pdf, revoke_certificate
from judging.extensions import db
from judging.storage import get_storage
from tests.access.certificates import publish_and_issue
from tests.factories import login


def pdf_text(pdf: bytes) -> str:
    return " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def one(kind: CertificateKind, subject: str) -> Certificate:
    return db.session.scalar(
        select(Certificate).where(Certificate.kind == kind, Certificate.subject == subject)
    )


def test_download_gives_the_recipients_pdf_with_name_and_code(client, world):
    publish_and_issue(world)
    certificate = one(CertificateKind.ACHIEVEMENT, f"entry:{world.submission_a.id}")
    login(client, world.entrant_a)

    response = client.get(f"/certificates/{certificate.code}.pdf")

    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    assert response.headers["Content-Disposition"] == (
        'attachment; filename="certificate-sme-awards-achievement.pdf"'
    )
    text = pdf_text(response.data)
    assert "Alpha Mesh Ltd" in text
    assert "".join(grouped_code(certificate.code).split()) in "".join(text.split())


def test_download_judge_certificate_names_the_judge(client, world):
    publish_and_issue(world)
    certificate = one(CertificateKind.JUDGE, f"judge:{world.judge_membership.id}")
    login(client, world.judge)

    response = client.get(f"/certificates/{certificate.code}.pdf")

    assert response.status_code == 200
    assert "Judy Judge" in pdf_text(response.data)


def test_download_of_a_revoked_certificate_is_for_organisers_only(client, world):
    publish_and_issue(world)
    certificate = one(CertificateKind.ACHIEVEMENT, f"entry:{world.submission_a.id}")
    revoke_certificate(certificate, reason="Error.", actor=world.organiser)

    assert login(client, world.entrant_a).get(f"/certificates/{certificate.code}.pdf").status_code == 404
    assert login(client, world.organiser).get(f"/certificates/{certificate.code}.pdf").status_code == 200


def test_certificate_pdf_is_cached_by_content(world, monkeypatch):
    publish_and_issue(world)
    certificate = one(CertificateKind.FINALIST, f"entry:{world.submission_b.id}")
    first = certificate_pdf(certificate)
    calls = []
    monkeypatch.setattr(services, "render_pdf_limited", lambda data, **kw: calls.append(data) or b"%PDF-new")

    again = certificate_pdf(certificate)

    assert again == first and calls == []
    assert get_storage().read_bytes(services.pdf_key(certificate.pdf_sha256)) == first


def test_certificate_pdf_never_changes_after_the_design_does(world):
    publish_and_issue(world)
    certificate = one(CertificateKind.FINALIST, f"entry:{world.submission_b.id}")
    before = services.certificate_data(certificate)
    change = design_services.DesignChange(
        title_line="A new look",
        signatories=(),
        primary_colour="#000000",
        accent_colour="#ffffff",
        participation=False,
    )
    design_services.save_design(world.challenge, change, actor=world.organiser)

    assert services.certificate_data(certificate) == before


def test_download_when_rendering_fails_says_so_without_a_500(app, client, world, monkeypatch, tmp_path):
    publish_and_issue(world)
    certificate = one(CertificateKind.JUDGE, f"judge:{world.conflicted_membership.id}")

    def fail(data, **kwargs):
        raise RenderError("Rendering took too long.")

    monkeypatch.setattr(services, "render_pdf_limited", fail)
    monkeypatch.setitem(app.config, "STORAGE_ROOT", str(tmp_path))  # an empty store: nothing cached
    login(client, world.conflicted_judge)

    response = client.get(f"/certificates/{certificate.code}.pdf")

    assert response.status_code == 503
    assert "could not be produced just now" in response.get_data(as_text=True)


def test_entrant_dashboard_lists_the_organisations_certificates(client, world):
    certificates = publish_and_issue(world)
    mine = [c for c in certificates if c.submission_id == world.submission_a.id][0]
    others = [c for c in certificates if c.submission_id != world.submission_a.id]
    login(client, world.entrant_a)

    page = client.get("/entries/").get_data(as_text=True)

    assert "Achievement: Winner (Connectivity)" in page
    assert f"/certificates/{mine.code}.pdf" in page
    assert all(c.code not in page for c in others)


def test_entrant_dashboard_marks_a_revoked_certificate_without_a_link(client, world):
    publish_and_issue(world)
    certificate = one(CertificateKind.ACHIEVEMENT, f"entry:{world.submission_a.id}")
    revoke_certificate(certificate, reason="Error.", actor=world.organiser)
    login(client, world.entrant_a)

    page = client.get("/entries/").get_data(as_text=True)

    assert "Revoked on" in page
    assert certificate.code not in page


def test_judge_dashboard_lists_the_judges_certificate(client, world):
    publish_and_issue(world)
    mine = one(CertificateKind.JUDGE, f"judge:{world.judge_membership.id}")
    login(client, world.judge)

    page = client.get("/judging/").get_data(as_text=True)

    assert "Judge appreciation" in page
    assert f"/certificates/{mine.code}.pdf" in page
    assert page.count("/certificates/") == 1
