"""Walking ids: an entrant of organisation B, a judge, a conflicted judge and the organiser of another
challenge put the ids of objects they may not see into the addresses of their own pages.

Every such address answers 404 (never 403, never 200), whatever the object's kind (entries, decks,
assignments, score sheets, rounds, certificates, builds, jobs, exports), and the page never names the
entry or the organisation behind the id. Each walk starts with a control: the same addresses with an
object the walker may see do not answer 404, so a mistyped address cannot pass for a refusal.
"""

from __future__ import annotations

from dataclasses import dataclass
from io import BytesIO

import pytest
from sqlalchemy import select
from werkzeug.datastructures import FileStorage

from judging.assignments.models import Judge
from judging.certificates.models import Certificate
from judging.extensions import db
from judging.jobs import JobStatus
from judging.submissions.services import attach_deck
from tests.access.certificate_builds import _done
from tests.access.certificates import publish_and_issue
from tests.access.jobs import _job
from tests.factories import (
    login,
    make_assignment,
    make_organisation,
    make_round,
    make_submission,
    minimal_pdf,
)

ALPHA = ("Alpha mesh for clinics", "Alpha draft", "Alpha Mesh Ltd")
BETA = ("Beta telehealth", "Beta Health")
GAMMA = ("Gamma ledger", "Gamma Fintech")


def lines(text: str) -> list[str]:
    return [line.strip() for line in text.strip().splitlines()]


ENTRY_PAGES = lines(
    """
    GET /entries/{s}
    GET /entries/{s}/edit
    GET /entries/{s}/deck
    GET /entries/{s}/results
    GET /entries/{s}/withdraw
    POST /entries/{s}/withdraw
    POST /entries/{s}/deck/remove
    POST /entries/{s}/reinstate
    """
)
JUDGE_PAGES = lines(
    """
    GET /judging/{slug}/entries/{a}
    GET /judging/{slug}/entries/{a}/deck
    GET /judging/{slug}/entries/{a}/score
    POST /judging/{slug}/entries/{a}/score
    GET /judging/{slug}/assignments/{a}/recuse
    POST /judging/{slug}/assignments/{a}/recuse
    """
)
MANAGE_PAGES = lines(
    """
    GET /manage/{slug}/entries/{s}
    POST /manage/{slug}/entries/{s}/screen
    GET /manage/{slug}/rounds/{r}
    GET /manage/{slug}/rounds/{r}/edit
    GET /manage/{slug}/rounds/{r}/rubric
    GET /manage/{slug}/rounds/{r}/standings
    GET /manage/{slug}/rounds/{r}/judges
    GET /manage/{slug}/rounds/{r}/progress
    GET /manage/{slug}/rounds/{r}/assignments
    GET /manage/{slug}/rounds/{r}/assignments.csv
    GET /manage/{slug}/rounds/{r}/export/marks.csv
    GET /manage/{slug}/rounds/{r}/entries/{s}/history
    GET /manage/{slug}/rounds/{r}/assignments/{a}/swap
    POST /manage/{slug}/rounds/{r}/assignments/{a}/remove
    GET /manage/{slug}/certificates/builds/{b}
    GET /manage/{slug}/certificates/builds/{b}.zip
    GET /manage/{slug}/jobs/{j}
    POST /manage/{slug}/jobs/{j}/retry
    GET /manage/{slug}/jury/{m}/edit
    POST /manage/{slug}/certificates/{c}/revoke
    GET /manage/{slug}/entries.csv
    GET /manage/{slug}/results/audit-1.json
    """
)
DOWNLOADS = ["GET /certificates/{code}.pdf"]
UNPUBLISHED = ("/revoke", "/audit-1.json")  # the other challenge has no results nor certificates yet


@dataclass
class Side:
    """The ids of one challenge's objects, as they appear in addresses."""

    slug: str
    s: int  # an entry
    a: int  # an assignment
    r: int  # a round
    m: int  # a judge membership
    b: int  # a certificate build
    j: int  # a job
    c: int  # a certificate
    code: str  # the code of a certificate (the entry's own when it has one)


def _deck(submission, actor) -> None:
    upload = FileStorage(BytesIO(minimal_pdf()), filename="deck.pdf", content_type="application/pdf")
    attach_deck(submission, upload, actor=actor)


def _certificate(subject: str) -> Certificate:
    return db.session.scalar(select(Certificate).where(Certificate.subject == subject))


@pytest.fixture
def sides(world):
    """Decks, judged sheets, published results and certificates, builds and jobs in both challenges."""
    _deck(world.submission_a, world.entrant_a)
    _deck(world.submission_b, world.entrant_b)
    publish_and_issue(world)
    gamma = make_submission(world.other_challenge, make_organisation("Gamma Fintech"), title="Gamma ledger")
    other_round = make_round(world.other_challenge, entries=[gamma])
    otto = db.session.scalar(select(Judge).where(Judge.user_id == world.other_judge.id))
    gamma_assignment = make_assignment(other_round, otto, gamma)
    conflicted_pair = make_assignment(world.round, world.conflicted_membership, world.submission_a)
    achievement = _certificate(f"entry:{world.submission_a.id}")
    finalist = _certificate(f"entry:{world.submission_b.id}")
    judy = _certificate(f"judge:{world.judge_membership.id}")

    conrad = _certificate(f"judge:{world.conflicted_membership.id}")

    def side(slug, s, a, r, m, c):
        challenge = world.challenge if slug == "sme-awards" else world.other_challenge
        return Side(slug, s, a, r, m, _done(challenge), _job(challenge, JobStatus.FAILED), c.id, c.code)

    return {
        "alpha": side("sme-awards", world.submission_a.id, world.assignment_a.id, world.round.id,
                      world.judge_membership.id, achievement),
        "draft": side("sme-awards", world.draft_a.id, conflicted_pair.id, world.round.id,
                      world.conflicted_membership.id, achievement),
        "beta": side("sme-awards", world.submission_b.id, world.assignment_b.id, world.round.id,
                     world.conflicted_membership.id, finalist),
        "gamma": side("innovation", gamma.id, gamma_assignment.id, other_round.id, otto.id, achievement),
        "judy": side("sme-awards", world.submission_a.id, world.assignment_a.id, world.round.id,
                     world.judge_membership.id, judy),
        "conrad": side("sme-awards", world.submission_b.id, world.assignment_b.id, world.round.id,
                       world.conflicted_membership.id, conrad),
    }  # fmt: skip


def answers(client, pages: list[str], ids: Side, slug: str | None = None) -> dict[str, tuple[int, str]]:
    """Each page's status and body, with ``ids`` filled in (under ``slug`` when given)."""
    values = {**vars(ids), "slug": slug or ids.slug}
    found = {}
    for page in pages:
        method, pattern = page.split(" ", 1)
        url = pattern.format(**values)
        response = client.open(url, method=method, data={})
        found[f"{method} {url}"] = (response.status_code, response.get_data().decode(errors="replace"))
    return found


def refusals_leaking(found: dict[str, tuple[int, str]], secrets: tuple[str, ...]) -> list[str]:
    """The pages that answered anything but a 404, or whose body names one of ``secrets``."""
    return [
        f"{page} -> {status}"
        for page, (status, body) in found.items()
        if status != 404 or any(secret in body for secret in secrets)
    ]


def reachable(found: dict[str, tuple[int, str]]) -> list[str]:
    return [page for page, (status, _body) in found.items() if status != 404]


def test_entrant_of_b_walking_ids_gets_404_for_everything_of_others(client, world, sides):
    login(client, world.entrant_b)
    assert len(reachable(answers(client, ENTRY_PAGES[:4] + DOWNLOADS, sides["beta"]))) == 5

    walked = {}
    for name in ("alpha", "draft", "gamma"):
        walked |= answers(client, ENTRY_PAGES + DOWNLOADS, sides[name])
    for name in ("alpha", "draft", "beta", "gamma"):
        walked |= answers(client, JUDGE_PAGES + MANAGE_PAGES, sides[name])

    assert refusals_leaking(walked, ALPHA + GAMMA) == []


def test_judge_walking_ids_gets_404_beyond_their_assignment(client, world, sides):
    login(client, world.judge)
    assert len(reachable(answers(client, JUDGE_PAGES[:3], sides["alpha"]))) == 3

    walked = {}
    for name in ("draft", "beta", "gamma"):
        walked |= answers(client, JUDGE_PAGES + DOWNLOADS, sides[name], slug="sme-awards")
    walked |= answers(client, DOWNLOADS, sides["conrad"])
    for name in ("alpha", "beta", "gamma"):
        walked |= answers(client, ENTRY_PAGES + MANAGE_PAGES, sides[name])

    assert refusals_leaking(walked, BETA + GAMMA) == []


def test_conflicted_judge_walking_ids_never_reaches_the_entry_they_conflict_with(client, world, sides):
    login(client, world.conflicted_judge)
    assert len(reachable(answers(client, JUDGE_PAGES[:3], sides["beta"]))) == 3

    walked = {}
    for name in ("alpha", "draft", "gamma"):  # "draft" holds their own assignment to the entry of A
        walked |= answers(client, JUDGE_PAGES + DOWNLOADS, sides[name], slug="sme-awards")
    walked |= answers(client, DOWNLOADS, sides["judy"])
    for name in ("alpha", "gamma"):
        walked |= answers(client, ENTRY_PAGES + MANAGE_PAGES, sides[name])

    assert refusals_leaking(walked, ALPHA + GAMMA) == []


def test_organiser_of_another_challenge_walking_ids_gets_404_under_either_address(client, world, sides):
    login(client, world.other_organiser)
    controls = [page for page in MANAGE_PAGES if not page.endswith(UNPUBLISHED)]
    own = answers(client, controls, sides["gamma"])
    assert len(reachable(own)) == len(controls)
    assert not [page for page, (_s, body) in own.items() if any(name in body for name in ALPHA + BETA)]

    walked = {}
    for name in ("alpha", "beta", "judy", "conrad"):
        walked |= answers(client, MANAGE_PAGES, sides[name], slug="sme-awards")
        walked |= answers(
            client, [p for p in MANAGE_PAGES if "entries.csv" not in p], sides[name], "innovation"
        )
        walked |= answers(client, ENTRY_PAGES + JUDGE_PAGES + DOWNLOADS, sides[name])

    assert refusals_leaking(walked, ALPHA + BETA) == []
