"""The public verification page: what it shows, revoked certificates, unknown codes, limits, indexing."""

from __future__ import annotations

from sqlalchemy import select

from judging.audit import AuditEvent
from judging.certificates.models import Certificate, CertificateKind
from judging.certificates.services import revoke_certificate
from judging.extensions import db
from tests.access.certificates import publish_and_issue
from tests.factories import login


def winner(world) -> Certificate:
    publish_and_issue(world)
    return db.session.scalar(select(Certificate).where(Certificate.kind == CertificateKind.ACHIEVEMENT))


def test_verify_shows_recipient_award_category_challenge_date_and_status(client, world):
    certificate = winner(world)

    response = client.get(f"/verify/{certificate.code}")

    page = response.get_data(as_text=True)
    assert response.status_code == 200
    for text in ("Alpha Mesh Ltd", "Winner", "Connectivity", "Digital SME Awards", "Valid"):
        assert text in page
    assert "Revoked" not in page


def test_verify_shows_nothing_more(client, world):
    certificate = winner(world)
    others = [c.code for c in db.session.scalars(select(Certificate).where(Certificate.id != certificate.id))]

    page = client.get(f"/verify/{certificate.code}").get_data(as_text=True)

    assert "Alpha mesh for clinics" not in page  # the entry's title is not among the listed facts
    assert "a@alpha.example" not in page
    assert all(code not in page for code in others)


def test_verify_is_not_indexed(client, world):
    response = client.get(f"/verify/{winner(world).code}")

    assert response.headers["X-Robots-Tag"] == "noindex, nofollow"
    assert '<meta name="robots" content="noindex, nofollow">' in response.get_data(as_text=True)


def test_verify_accepts_a_code_typed_in_lower_case(client, world):
    certificate = winner(world)

    assert client.get(f"/verify/{certificate.code.lower()}").status_code == 200


def test_verify_unknown_code_is_the_ordinary_404(client, world):
    response = client.get("/verify/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")

    assert response.status_code == 404
    assert "Page not found" in response.get_data(as_text=True)


def test_verify_revoked_certificate_says_so_with_the_date_not_the_reason(client, world):
    certificate = winner(world)
    revoke_certificate(certificate, reason="Plagiarised entry.", actor=world.organiser)

    page = client.get(f"/verify/{certificate.code}").get_data(as_text=True)

    assert "Revoked on" in page
    assert "Plagiarised" not in page
    assert "Alpha Mesh Ltd" in page


def test_verify_is_rate_limited(client, world, app):
    certificate = winner(world)
    app.config["VERIFY_LIMIT"] = "3 per minute"
    try:
        codes = [client.get(f"/verify/{certificate.code}").status_code for _ in range(4)]
    finally:
        app.config.pop("VERIFY_LIMIT")

    assert codes == [200, 200, 200, 429]


def test_revoke_from_the_overview_needs_a_reason_and_is_audited(client, world):
    certificate = winner(world)
    login(client, world.organiser)
    url = f"/manage/sme-awards/certificates/{certificate.id}/revoke"

    refused = client.post(url, data={"reason": "  "})
    done = client.post(url, data={"reason": "Issued in error."}, follow_redirects=True)

    assert refused.status_code == 400
    assert "Say why the certificate is revoked." in refused.get_data(as_text=True)
    assert "Certificate of Alpha Mesh Ltd revoked." in done.get_data(as_text=True)
    db.session.expire_all()
    assert certificate.revoked_at is not None and certificate.revoke_reason == "Issued in error."
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "certificate.revoke"))
    assert (event.actor_id, event.after["reason"]) == (world.organiser.id, "Issued in error.")


def test_revoke_twice_is_refused_on_the_page(client, world):
    certificate = winner(world)
    revoke_certificate(certificate, reason="Once.", actor=world.organiser)
    login(client, world.organiser)

    response = client.post(
        f"/manage/sme-awards/certificates/{certificate.id}/revoke", data={"reason": "Twice."}
    )

    assert response.status_code == 400
    assert "already revoked" in response.get_data(as_text=True)
