"""Who may start, follow and download ZIP builds of a challenge's certificates (``certificate_builds``).

Only the challenge's organisers and administrators (404 for everyone else, sign-in for anonymous
visitors). Starting redirects (302) to the progress page, or back to the certificates overview when it is
refused (here: nothing is issued). A build of another challenge is a 404 even for organisers.
"""

from __future__ import annotations

import zipfile

from judging.certificates.builds import BUILDS
from judging.certificates.models import BuildStatus, CertificateBuild
from judging.challenges.models import Challenge
from judging.database import utcnow
from judging.extensions import db
from judging.storage import get_storage
from tests.access.rules import Rule, signed_in
from tests.factories import World

BASE = "/manage/sme-awards/certificates/builds"
MANAGERS = {"organiser": 200, "admin": 200}
MANAGERS_REDIRECT = {"organiser": 302, "admin": 302}


def _running(challenge: Challenge) -> int:
    build = CertificateBuild(
        challenge_id=challenge.id, status=BuildStatus.RUNNING, total=4, done=1, started_at=utcnow()
    )
    db.session.add(build)
    db.session.commit()
    return build.id


def _done(challenge: Challenge) -> int:
    build = CertificateBuild(challenge_id=challenge.id, status=BuildStatus.DONE, total=1, done=1)
    db.session.add(build)
    db.session.flush()
    build.file_name = f"access-{challenge.slug}-{build.id}.zip"
    with get_storage().writer(f"{BUILDS}/{build.file_name}") as out, zipfile.ZipFile(out, "w") as archive:
        archive.writestr("judge/Judy Judge-ABCDEFGH.pdf", b"%PDF-1.7")
    db.session.commit()
    return build.id


def _foreign(world: World) -> int:
    return _done(world.other_challenge)


RULES = [
    Rule("certificate_builds.start", "POST", lambda w: BASE, signed_in(404, **MANAGERS_REDIRECT)),
    Rule(
        "certificate_builds.start",
        "POST",
        lambda w: "/manage/innovation/certificates/builds",
        signed_in(404, other_organiser=302, admin=302),
        note="-other-challenge",
    ),
    Rule(
        "certificate_builds.progress",
        "GET",
        lambda w: f"{BASE}/{_running(w.challenge)}",
        signed_in(404, **MANAGERS),
    ),
    Rule(
        "certificate_builds.progress",
        "GET",
        lambda w: f"{BASE}/{_foreign(w)}",
        signed_in(404),
        note="-other-challenge",
    ),
    Rule(
        "certificate_builds.download",
        "GET",
        lambda w: f"{BASE}/{_done(w.challenge)}.zip",
        signed_in(404, **MANAGERS),
    ),
    Rule(
        "certificate_builds.download",
        "GET",
        lambda w: f"{BASE}/{_foreign(w)}.zip",
        signed_in(404),
        note="-other-challenge",
    ),
    Rule(
        "certificate_builds.download",
        "GET",
        lambda w: f"{BASE}/{_running(w.challenge)}.zip",
        signed_in(404),
        note="-unfinished",
    ),
]
