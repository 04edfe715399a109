"""Conflicts of interest: the judge's declaration page (``conflicts``) and the organisers' page
(``conflict_admin``).

Only judges of ``world.challenge`` (judge, conflicted_judge, unassigned_judge) reach the declaration
page; the judge of another challenge, organisers, entrants and the administrator are not judges of it
and get 404. Only the challenge's organisers (and administrators) reach the organisers' page.
"""

from __future__ import annotations

from sqlalchemy import select

from judging.assignments.models import Conflict, Judge
from judging.extensions import db
from tests.access.rules import Rule, signed_in
from tests.factories import World

JUDGES = signed_in(404, judge=200, conflicted_judge=200, unassigned_judge=200)
JUDGES_ACT = signed_in(404, judge=302, conflicted_judge=302, unassigned_judge=302)
ORGANISERS = signed_in(404, organiser=200, admin=200)
ORGANISERS_ACT = signed_in(404, organiser=302, admin=302)


def _membership(world: World, role: str) -> Judge:
    return db.session.scalar(
        select(Judge).where(Judge.challenge_id == world.challenge.id, Judge.user_id == world.user(role).id)
    )


def _conflict_id(world: World) -> int:
    return db.session.scalar(select(Conflict.id).where(Conflict.judge_id == world.conflicted_membership.id))


def _manage(world: World, rest: str = "") -> str:
    return f"/manage/{world.challenge.slug}/conflicts{rest}"


RULES = [
    Rule("conflicts.declare", "GET", lambda w: f"/judging/{w.challenge.slug}/conflicts", JUDGES),
    Rule(
        "conflicts.declare",
        "GET",
        lambda w: f"/judging/{w.other_challenge.slug}/conflicts",
        signed_in(404, other_judge=200),
        note="-other-challenge",
    ),
    Rule(
        "conflicts.declare",
        "POST",
        lambda w: f"/judging/{w.challenge.slug}/conflicts",
        JUDGES_ACT,
        data=lambda w: {"submission_id": str(w.submission_b.id), "reason": "employer", "note": ""},
    ),
    Rule("conflict_admin.conflicts", "GET", lambda w: _manage(w), ORGANISERS),
    Rule(
        "conflict_admin.add",
        "POST",
        lambda w: _manage(w, "/add"),
        ORGANISERS_ACT,
        data=lambda w: {
            "judge_id": str(_membership(w, "unassigned_judge").id),
            "submission_id": str(w.submission_b.id),
            "reason": "investor",
            "note": "",
        },
    ),
    Rule(
        "conflict_admin.remove",
        "POST",
        lambda w: _manage(w, f"/{_conflict_id(w)}/remove"),
        ORGANISERS_ACT,
    ),
    Rule("conflict_admin.detect", "POST", lambda w: _manage(w, "/detect"), ORGANISERS_ACT),
]
