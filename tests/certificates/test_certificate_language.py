"""The language certificates are printed in: the one the organisers choose per challenge, else each
recipient's own; the challenge's title and category names as translated for that language."""

from __future__ import annotations

from sqlalchemy import select

from judging.audit import AuditEvent
from judging.certificates import design_services, services
from judging.certificates.models import Certificate, CertificateKind
from judging.extensions import db
from tests.access.certificates import publish_and_issue
from tests.certificates.test_downloads import pdf_text
from tests.factories import login

DESIGN = "/manage/sme-awards/certificates/design"


def _achievement(world) -> Certificate:
    return db.session.scalar(
        select(Certificate).where(
            Certificate.kind == CertificateKind.ACHIEVEMENT,
            Certificate.subject == f"entry:{world.submission_a.id}",
        )
    )


def _french_texts(world) -> None:
    world.challenge.translations = {"fr": {"title": "Prix des PME numériques"}}
    category = world.submission_a.category
    category.translations = {"fr": {"name": f"{category.name} (FR)"}}
    db.session.commit()


def test_french_chosen_challenge_prints_french_for_an_english_recipient(client, world):
    world.entrant_a.language = "en"
    world.submission_a.created_by = world.entrant_a
    world.challenge.certificate_language = "fr"
    _french_texts(world)
    publish_and_issue(world)
    certificate = _achievement(world)
    category = world.submission_a.category.name
    login(client, world.entrant_a)

    text = pdf_text(client.get(f"/certificates/{certificate.code}.pdf").data)

    assert certificate.data["language"] == "fr"
    assert certificate.category == category  # the organisers' lists keep the default name
    assert "certificat de réussite" in text.casefold() and "Lauréat" in text
    assert "Prix des PME numériques" in text and f"{category} (FR)" in text
    assert "certificate of achievement" not in text.casefold() and "Digital SME Awards" not in text
    judge = db.session.scalar(select(Certificate).where(Certificate.kind == CertificateKind.JUDGE))
    assert judge.data["language"] == "fr" and judge.data["challenge_title"] == "Prix des PME numériques"


def test_without_a_choice_each_recipient_gets_their_language_and_its_translation(world):
    world.entrant_a.language = "fr"
    world.submission_a.created_by = world.entrant_a
    _french_texts(world)
    publish_and_issue(world)

    data = services.certificate_data(_achievement(world))

    assert data.language == "fr"
    assert data.challenge_title == "Prix des PME numériques"
    judge = db.session.scalar(
        select(Certificate).where(Certificate.subject == f"judge:{world.judge_membership.id}")
    )
    assert judge.data["language"] == "en" and judge.data["challenge_title"] == "Digital SME Awards"


def test_the_language_is_frozen_when_issued(world):
    world.challenge.certificate_language = "es"
    db.session.commit()
    publish_and_issue(world)

    services.set_certificate_language(world.challenge, "fr", actor=world.organiser)

    db.session.expire_all()
    assert services.certificate_data(_achievement(world)).language == "es"


def test_design_page_chooses_the_certificate_language(client, world):
    login(client, world.organiser)

    page = client.get(DESIGN).get_data(as_text=True)
    assert '<option selected value="">Each recipient\'s language</option>' in page
    assert '<option value="fr">French</option>' in page

    response = client.post(
        DESIGN, data={"primary_colour": "#112233", "accent_colour": "#445566", "language": "fr"}
    )

    assert response.status_code == 302
    db.session.expire_all()
    assert world.challenge.certificate_language == "fr"
    events = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "certificates.design")).all()
    assert any(event.after == {"certificate_language": "fr"} for event in events)
    assert '<option selected value="fr">French</option>' in client.get(DESIGN).get_data(as_text=True)

    client.post(DESIGN, data={"primary_colour": "#112233", "accent_colour": "#445566", "language": ""})
    db.session.expire_all()
    assert world.challenge.certificate_language is None


def test_design_page_refuses_an_unknown_language_keeping_the_typed_design(client, world):
    login(client, world.organiser)

    response = client.post(
        DESIGN,
        data={
            "primary_colour": "#112233",
            "accent_colour": "#445566",
            "title_line": "Bravo",
            "language": "xx",
        },
    )

    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert 'class="error-summary"' in page and 'value="Bravo"' in page
    db.session.expire_all()
    assert world.challenge.certificate_language is None


def test_preview_is_in_the_chosen_language(world):
    world.challenge.certificate_language = "fr"
    _french_texts(world)

    text = pdf_text(design_services.preview_pdf(world.challenge, CertificateKind.ACHIEVEMENT))

    assert "certificat de réussite" in text.casefold() and "Prix des PME numériques" in text
