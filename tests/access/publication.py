"""Who may use the organisers' publication page, publish, and download an audit file (``publication``).

Only the challenge's organisers and administrators (404 for everyone else, sign-in for anonymous
visitors). Before publication there is no audit file (404 for all); publishing with nothing decided is
refused on the page (400). Once a version is published, the organisers download it and publish again
with a reason (302).
"""

from __future__ import annotations

from judging.core.lifecycle import ChallengeStatus
from judging.extensions import db
from judging.results.publish_services import publish_results
from tests.access.rules import Rule, signed_in
from tests.factories import World, make_decision

BASE = "/manage/sme-awards/results"
MANAGERS = {"organiser": 200, "admin": 200}


def publish_world(world: World) -> None:
    """Publish the world's challenge: judging, submission A decided winner, version 1."""
    world.challenge.status = ChallengeStatus.JUDGING
    db.session.commit()
    make_decision(world.submission_a)
    publish_results(world.challenge, reason=None, actor=world.organiser)


def _published(path: str):
    def url(world: World) -> str:
        publish_world(world)
        return f"{BASE}{path}"

    return url


RULES = [
    Rule("publication.overview", "GET", lambda w: BASE, signed_in(404, **MANAGERS)),
    Rule(
        "publication.overview",
        "GET",
        lambda w: "/manage/innovation/results",
        signed_in(404, other_organiser=200, admin=200),
        note="-other-challenge",
    ),
    Rule("publication.overview", "GET", _published(""), signed_in(404, **MANAGERS), note="-published"),
    Rule(
        "publication.publish",
        "POST",
        lambda w: f"{BASE}/publish",
        signed_in(404, organiser=400, admin=400),
        data=lambda w: {"confirm": "y"},
        note="-nothing-decided",
    ),
    Rule(
        "publication.publish",
        "POST",
        _published("/publish"),
        signed_in(404, organiser=302, admin=302),
        data=lambda w: {"confirm": "y", "reason": "Corrected a sheet."},
        note="-again",
    ),
    Rule(
        "publication.audit_export",
        "GET",
        lambda w: f"{BASE}/audit-1.json",
        signed_in(404),
        note="-unpublished",
    ),
    Rule("publication.audit_export", "GET", _published("/audit-1.json"), signed_in(404, **MANAGERS)),
]
