"""Who may use the certificate pages (blueprints ``certificates_admin`` and ``certificates``).

Organiser pages (overview, issue, revoke, design, previews): the challenge's organisers and
administrators; 404 for everyone else, sign-in for anonymous visitors. Verification is public for a
real code and 404 for an unknown one. A certificate's PDF is for its recipient (the members of the
entry's organisation, the judge thanked) and the organisers; 404 for everyone else.
"""

from __future__ import annotations

from sqlalchemy import select

from judging.certificates.models import Certificate, CertificateKind
from judging.certificates.services import issue_certificates
from judging.core.lifecycle import ChallengeStatus
from judging.extensions import db
from judging.results.models import Outcome
from judging.results.publish_services import publish_results
from tests.access.rules import Rule, every, signed_in
from tests.factories import World, make_decision, make_sheet

BASE = "/manage/sme-awards/certificates"
MANAGERS = {"organiser": 200, "admin": 200}
REDIRECT = {"organiser": 302, "admin": 302}


def publish_and_issue(world: World, *, issue: bool = True) -> list[Certificate]:
    """Judging with both judges' sheets submitted, A winner and B finalist, published, then issued:
    an achievement for A, a finalist certificate for B, and one judge certificate per judge who marked."""
    innovation, impact, _team = world.criteria
    make_sheet(world.assignment_a, {innovation: 5, impact: 4}, submitted=True)
    make_sheet(world.assignment_b, {innovation: 3, impact: 3}, submitted=True)
    world.challenge.status = ChallengeStatus.JUDGING
    db.session.commit()
    make_decision(world.submission_a, Outcome.WINNER)
    make_decision(world.submission_b, Outcome.FINALIST)
    publish_results(world.challenge, reason=None, actor=world.organiser)
    if issue:
        issue_certificates(world.challenge, actor=world.organiser)
    return list(db.session.scalars(select(Certificate).order_by(Certificate.id)))


def certificate(world: World, kind: CertificateKind, subject: str) -> Certificate:
    publish_and_issue(world)
    return db.session.scalar(
        select(Certificate).where(Certificate.kind == kind, Certificate.subject == subject)
    )


def _achievement(world: World) -> Certificate:
    return certificate(world, CertificateKind.ACHIEVEMENT, f"entry:{world.submission_a.id}")


def _judge_certificate(world: World) -> Certificate:
    return certificate(world, CertificateKind.JUDGE, f"judge:{world.judge_membership.id}")


def _revoked_achievement(world: World) -> Certificate:
    found = _achievement(world)
    from judging.certificates.services import revoke_certificate

    revoke_certificate(found, reason="Wrong entry.", actor=world.organiser)
    return found


def _published(path: str):
    def url(world: World) -> str:
        publish_and_issue(world, issue=False)
        return f"{BASE}{path}"

    return url


RULES = [
    Rule("certificates_admin.overview", "GET", lambda w: BASE, signed_in(404, **MANAGERS)),
    Rule(
        "certificates_admin.overview",
        "GET",
        lambda w: "/manage/innovation/certificates",
        signed_in(404, other_organiser=200, admin=200),
        note="-other-challenge",
    ),
    Rule(
        "certificates_admin.issue",
        "POST",
        _published("/issue"),
        signed_in(404, **REDIRECT),
        note="-published",
    ),
    Rule("certificates_admin.issue", "POST", lambda w: f"{BASE}/issue", signed_in(404, **REDIRECT)),
    Rule(
        "certificates_admin.revoke",
        "POST",
        lambda w: f"{BASE}/{_achievement(w).id}/revoke",
        signed_in(404, **REDIRECT),
        data=lambda w: {"reason": "Issued to the wrong organisation."},
    ),
    Rule(
        "certificates_admin.revoke",
        "POST",
        lambda w: f"/manage/innovation/certificates/{_achievement(w).id}/revoke",
        signed_in(404),
        data=lambda w: {"reason": "Wrong challenge."},
        note="-other-challenge",
    ),
    Rule("certificates_admin.design", "GET", lambda w: f"{BASE}/design", signed_in(404, **MANAGERS)),
    Rule(
        "certificates_admin.design",
        "POST",
        lambda w: f"{BASE}/design",
        signed_in(404, **REDIRECT),
        data=lambda w: {"primary_colour": "#112233", "accent_colour": "#445566", "title_line": "Well done"},
    ),
    Rule(
        "certificates_admin.preview",
        "GET",
        lambda w: f"{BASE}/preview/judge.pdf",
        signed_in(404, **MANAGERS),
    ),
    Rule(
        "certificates_admin.preview",
        "GET",
        lambda w: f"{BASE}/preview/diploma.pdf",
        signed_in(404),
        note="-unknown-kind",
    ),
    Rule("certificates.verify", "GET", lambda w: f"/verify/{_achievement(w).code}", every(200)),
    Rule("certificates.verify", "GET", lambda w: "/verify/NOSUCHCODE", every(404), note="-unknown"),
    Rule(
        "certificates.download",
        "GET",
        lambda w: f"/certificates/{_achievement(w).code}.pdf",
        signed_in(404, entrant_a=200, **MANAGERS),
    ),
    Rule(
        "certificates.download",
        "GET",
        lambda w: f"/certificates/{_judge_certificate(w).code}.pdf",
        signed_in(404, judge=200, **MANAGERS),
        note="-judge",
    ),
    Rule(
        "certificates.download",
        "GET",
        lambda w: f"/certificates/{_revoked_achievement(w).code}.pdf",
        signed_in(404, **MANAGERS),
        note="-revoked",
    ),
]
