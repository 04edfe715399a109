"""Issuing certificates from the published results: kinds, frozen data, codes, idempotence, races."""

from __future__ import annotations

import re
import threading

import pytest
from sqlalchemy import select

from judging.assignments.models import RoundEntry
from judging.audit import AuditEvent
from judging.certificates import services
from judging.certificates.models import Certificate, CertificateDesign, CertificateKind
from judging.certificates.services import issue_certificates, issued_certificates
from judging.errors import DomainError
from judging.extensions import db
from judging.results.models import Decision, Outcome
from judging.results.publish_services import publish_results
from tests.access.certificates import publish_and_issue
from tests.factories import login, make_organisation, make_submission


def by_subject() -> dict[tuple[str, str], Certificate]:
    return {(c.kind.value, c.subject): c for c in db.session.scalars(select(Certificate))}


def test_issue_certificates_before_publication_is_refused(world):
    with pytest.raises(DomainError, match="Publish the results"):
        issue_certificates(world.challenge, actor=world.organiser)
    assert db.session.scalars(select(Certificate)).all() == []


def test_issue_certificates_gives_achievement_finalist_and_judge_certificates(world):
    publish_and_issue(world)

    found = by_subject()
    a, b = world.submission_a.id, world.submission_b.id
    assert sorted(found) == sorted(
        [
            ("achievement", f"entry:{a}"),
            ("finalist", f"entry:{b}"),
            ("judge", f"judge:{world.judge_membership.id}"),
            ("judge", f"judge:{world.conflicted_membership.id}"),
        ]
    )
    winner = found[("achievement", f"entry:{a}")]
    assert (winner.recipient, winner.award, winner.category) == ("Alpha Mesh Ltd", "Winner", "Connectivity")
    assert winner.data["entry_title"] == "Alpha mesh for clinics"
    assert winner.data["challenge_title"] == "Digital SME Awards"
    assert winner.data["snapshot_version"] == 1
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", winner.data["issued_on"])
    assert found[("judge", f"judge:{world.judge_membership.id}")].recipient == "Judy Judge"
    assert found[("finalist", f"entry:{b}")].award == "Finalist"


def test_issue_certificates_codes_are_long_random_and_unambiguous(world):
    certificates = publish_and_issue(world)

    codes = [c.code for c in certificates]
    assert len(set(codes)) == len(codes)
    assert all(re.fullmatch(r"[A-Z2-7]{32}", code) for code in codes)  # 160 bits of base32


def test_issue_certificates_twice_keeps_one_record_and_one_code(world):
    first = {c.subject + c.kind.value: c.code for c in publish_and_issue(world)}

    report = issue_certificates(world.challenge, actor=world.organiser)

    assert (report.created, report.existing) == (0, 4)
    assert {c.subject + c.kind.value: c.code for c in db.session.scalars(select(Certificate))} == first


def test_issue_certificates_race_counts_the_other_insert_as_existing(world, monkeypatch, app):
    """Another organiser inserts the same certificate between our check and our insert."""
    publish_and_issue(world, issue=False)
    with db.engine.begin() as connection:
        connection.execute(
            Certificate.__table__.insert().values(
                challenge_id=world.challenge.id,
                kind=CertificateKind.ACHIEVEMENT,
                subject=f"entry:{world.submission_a.id}",
                submission_id=world.submission_a.id,
                code="THEOTHERORGANISERSCODE2345672345",
                recipient="Alpha Mesh Ltd",
                award="Winner",
                data={},
            )
        )
    monkeypatch.setattr(services, "_existing_subjects", lambda challenge: set())  # checked before it

    report = issue_certificates(world.challenge, actor=world.organiser)

    assert (report.created, report.existing) == (3, 1)
    achievements = db.session.scalars(
        select(Certificate).where(Certificate.kind == CertificateKind.ACHIEVEMENT)
    ).all()
    assert [c.code for c in achievements] == ["THEOTHERORGANISERSCODE2345672345"]
    assert len(db.session.scalars(select(Certificate)).all()) == 4


def test_issue_certificates_is_audited_with_counts(world):
    publish_and_issue(world)

    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "certificates.issue"))
    assert event.actor_id == world.organiser.id
    assert event.after == {"created": 4, "existing": 0, "snapshot_version": 1}


def test_issue_after_republication_keeps_existing_and_adds_new(world):
    old = {c.subject: (c.code, dict(c.data)) for c in publish_and_issue(world)}
    # B goes from finalist to runner-up: its finalist certificate stays (the organisers may revoke it)
    db.session.scalar(
        select(Decision).where(Decision.submission_id == world.submission_b.id)
    ).outcome = Outcome.RUNNER_UP
    world.challenge.title = "Renamed Awards"
    db.session.commit()
    publish_results(world.challenge, reason="B moved up.", actor=world.organiser)

    report = issue_certificates(world.challenge, actor=world.organiser)

    assert (report.created, report.existing) == (1, 3)  # the finalist certificate is no longer called for
    found = by_subject()
    new = found[("achievement", f"entry:{world.submission_b.id}")]
    assert (new.award, new.snapshot_version, new.data["challenge_title"]) == (
        "Runner-up",
        2,
        "Renamed Awards",
    )
    for subject, (code, data) in old.items():
        kept = [c for c in found.values() if c.subject == subject and c.code == code]
        assert len(kept) == 1 and kept[0].data == data


def test_issue_certificates_participation_for_every_other_eligible_entrant(world):
    gamma = make_submission(world.challenge, make_organisation("Gamma Grid"), title="Gamma grid")
    db.session.add(RoundEntry(round_id=world.round.id, submission_id=gamma.id))
    db.session.add(CertificateDesign(challenge_id=world.challenge.id, participation=True, signatories={}))
    db.session.commit()

    publish_and_issue(world)

    found = by_subject()
    participation = [c for (kind, _s), c in found.items() if kind == "participation"]
    assert [(c.recipient, c.award, c.subject) for c in participation] == [
        ("Gamma Grid", "Participant", f"entry:{gamma.id}")
    ]


def test_issue_certificates_without_participation_gives_none(world):
    gamma = make_submission(world.challenge, make_organisation("Gamma Grid"), title="Gamma grid")
    db.session.add(RoundEntry(round_id=world.round.id, submission_id=gamma.id))
    db.session.commit()

    publish_and_issue(world)

    assert [k for k, _s in by_subject() if k == "participation"] == []


def test_issue_certificates_freezes_the_design(world):
    design = CertificateDesign(
        challenge_id=world.challenge.id,
        title_line="For excellence",
        signatories={"people": [{"name": "Maria Keller", "title": "Chair"}]},
        primary_colour="#112233",
        accent_colour="#445566",
    )
    db.session.add(design)
    db.session.commit()
    publish_and_issue(world)
    design.title_line = "Changed later"
    db.session.commit()

    winner = by_subject()[("achievement", f"entry:{world.submission_a.id}")]
    data = services.certificate_data(winner)

    assert data.title_line == "For excellence"
    assert data.signatories == (("Maria Keller", "Chair"),)
    assert (data.primary_colour, data.accent_colour) == ("#112233", "#445566")
    assert data.code == winner.code
    assert data.verify_url == f"https://judging.example.org/verify/{winner.code}"


def test_certificate_data_uses_the_recipients_language(world):
    world.entrant_a.language = "fr"
    world.submission_a.created_by = world.entrant_a
    db.session.commit()
    publish_and_issue(world)

    winner = by_subject()[("achievement", f"entry:{world.submission_a.id}")]
    data = services.certificate_data(winner)

    assert data.language == "fr"
    assert set(data.texts) >= {"presented_to", "verify"}


def test_issued_certificates_ordered_by_kind_then_recipient(world):
    publish_and_issue(world)

    listed = [(c.kind.value, c.recipient) for c in issued_certificates(world.challenge)]

    assert listed == [
        ("achievement", "Alpha Mesh Ltd"),
        ("finalist", "Beta Health"),
        ("judge", "Conrad Conflicted"),
        ("judge", "Judy Judge"),
    ]


def test_overview_issue_button_issues_and_lists(client, world):
    publish_and_issue(world, issue=False)
    login(client, world.organiser)

    response = client.post("/manage/sme-awards/certificates/issue", follow_redirects=True)

    page = response.get_data(as_text=True)
    assert "Certificates issued: 4 new, 0 already issued." in page
    for certificate in db.session.scalars(select(Certificate)):
        assert certificate.code in page
    assert "Judy Judge" in page and "Beta Health" in page


def test_overview_issue_before_publication_says_why(client, world):
    login(client, world.organiser)

    response = client.post("/manage/sme-awards/certificates/issue", follow_redirects=True)

    assert "Publish the results before issuing certificates." in response.get_data(as_text=True)


def test_issue_certificates_from_two_threads_at_once_gives_one_record_each(world, app):
    publish_and_issue(world, issue=False)
    challenge_id, organiser_id = world.challenge.id, world.organiser.id
    db.session.remove()
    reports, errors = [], []
    start = threading.Barrier(2)

    def issue() -> None:
        with app.app_context():
            try:
                from judging.accounts.models import User
                from judging.challenges.models import Challenge

                challenge = db.session.get(Challenge, challenge_id)
                actor = db.session.get(User, organiser_id)
                start.wait(timeout=10)
                reports.append(issue_certificates(challenge, actor=actor))
            except Exception as error:  # noqa: BLE001 - reported by the assertion below
                errors.append(error)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=issue) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert errors == []
    assert sorted((r.created, r.existing) for r in reports) == [(0, 4), (4, 0)]
    rows = db.session.execute(select(Certificate.kind, Certificate.subject, Certificate.code)).all()
    assert len(rows) == 4
    assert len({(kind, subject) for kind, subject, _code in rows}) == 4
