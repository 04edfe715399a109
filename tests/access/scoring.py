"""The judge's scoring page (blueprint ``scoring``) and the organisers' scoring history (``score_history``).

Only the assigned judge scores (everyone else 404, a conflicted judge included even with an assignment).
A signed-out POST to the scoring page is answered 401 with the typed values kept on the page (never a
redirect that would lose them); a signed-out GET goes to sign in. Only the challenge's organisers and
admins read an entry's history.
"""

from __future__ import annotations

from judging.extensions import db
from tests.access.rules import Rule, every, signed_in
from tests.factories import World, make_assignment


def _sheet(world: World, name: str = "assignment_a") -> str:
    return f"/judging/{world.challenge.slug}/entries/{getattr(world, name).id}/score"


def _conflicted_pair(world: World) -> str:
    assignment = make_assignment(world.round, world.conflicted_membership, world.submission_a)
    db.session.commit()
    return f"/judging/{world.challenge.slug}/entries/{assignment.id}/score"


def _draft(world: World) -> dict:
    return {"version": "0", "action": "save", f"mark-{world.criteria[0].id}": "4", "feedback": "Clear."}


def _history(world: World) -> str:
    return f"/manage/{world.challenge.slug}/rounds/{world.round.id}/entries/{world.submission_a.id}/history"


RULES = [
    Rule("scoring.sheet", "GET", _sheet, signed_in(404, judge=200)),
    Rule(
        "scoring.sheet",
        "GET",
        lambda w: _sheet(w, "assignment_b"),
        signed_in(404, conflicted_judge=200),
        note="-own-entry-of-conflicted-judge",
    ),
    Rule("scoring.sheet", "GET", _conflicted_pair, signed_in(404), note="-conflicted-pair"),
    Rule(
        "scoring.sheet",
        "GET",
        lambda w: f"/judging/{w.other_challenge.slug}/entries/{w.assignment_a.id}/score",
        signed_in(404),
        note="-wrong-challenge",
    ),
    Rule("scoring.sheet", "POST", _sheet, every(404, anonymous=401, judge=303), data=_draft),
    Rule("score_history.entry_history", "GET", _history, signed_in(404, organiser=200, admin=200)),
]
