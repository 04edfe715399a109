"""Judges' pages (blueprint ``judge``): the dashboard, an assigned entry, its deck, recusal.

An assigned entry is reachable by its judge only: every other role gets 404 (anonymous: sign in),
including a judge with a conflict of interest with the entry even when an assignment exists.
"""

from __future__ import annotations

from io import BytesIO

from werkzeug.datastructures import FileStorage

from judging.extensions import db
from tests.access.rules import Rule, signed_in
from tests.factories import World, make_assignment, minimal_pdf

JUDGE_ONLY = signed_in(404, judge=200)


def _entry(world: World, name: str = "assignment_a") -> str:
    return f"/judging/{world.challenge.slug}/entries/{getattr(world, name).id}"


def _with_deck(world: World) -> str:
    from judging.submissions.services import attach_deck

    upload = FileStorage(BytesIO(minimal_pdf()), filename="deck.pdf", content_type="application/pdf")
    attach_deck(world.submission_a, upload, actor=world.entrant_a)
    return _entry(world) + "/deck"


def _conflicted_pair(world: World) -> str:
    """An assignment that should never exist: the conflicted judge on the entry they conflict with."""
    assignment = make_assignment(world.round, world.conflicted_membership, world.submission_a)
    db.session.commit()
    return f"/judging/{world.challenge.slug}/entries/{assignment.id}"


RULES = [
    Rule("judge.dashboard", "GET", lambda w: "/judging/", signed_in(200)),
    Rule("judge.entry", "GET", _entry, JUDGE_ONLY),
    Rule(
        "judge.entry",
        "GET",
        lambda w: _entry(w, "assignment_b"),
        signed_in(404, conflicted_judge=200),
        note="-own-entry-of-conflicted-judge",
    ),
    Rule("judge.entry", "GET", _conflicted_pair, signed_in(404), note="-conflicted-pair"),
    Rule(
        "judge.entry",
        "GET",
        lambda w: f"/judging/{w.other_challenge.slug}/entries/{w.assignment_a.id}",
        signed_in(404),
        note="-wrong-challenge",
    ),
    Rule("judge.deck", "GET", _with_deck, JUDGE_ONLY),
    Rule(
        "judge.recuse",
        "GET",
        lambda w: f"/judging/{w.challenge.slug}/assignments/{w.assignment_a.id}/recuse",
        JUDGE_ONLY,
    ),
    Rule(
        "judge.recuse",
        "POST",
        lambda w: f"/judging/{w.challenge.slug}/assignments/{w.assignment_a.id}/recuse",
        signed_in(404, judge=302),
        data=lambda w: {"reason": "I advised this team last year."},
    ),
]
