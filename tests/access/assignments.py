"""Organisers' assignment pages (blueprint ``assignments``).

Only the challenge's organisers and administrators reach them; judges, entrants and the organiser of
another challenge get 404, anonymous visitors are sent to sign in. In the world the round holds
``submission_a`` (assigned to ``judge``) and ``submission_b`` (assigned to ``conflicted_judge``), with
two judges per entry, so one judge is missing on each entry.
"""

from __future__ import annotations

from sqlalchemy import select

from judging.assignments.models import Judge
from judging.extensions import db
from tests.access.rules import Rule, signed_in
from tests.factories import World

ORGANISERS = signed_in(404, organiser=200, admin=200)
ORGANISERS_ACT = signed_in(404, organiser=302, admin=302)


def _round(world: World) -> str:
    return f"/manage/{world.challenge.slug}/rounds/{world.round.id}/assignments"


def _unassigned(world: World) -> Judge:
    return db.session.scalar(select(Judge).where(Judge.user_id == world.unassigned_judge.id))


def _commit_data(world: World) -> dict:
    from judging.assignments.assign_services import fingerprint, load_round, problem_from

    state = load_round(world.round)
    return {"keep_existing": "1", "seed": "0", "inputs": fingerprint(problem_from(state), state)}


RULES = [
    Rule("assignments.index", "GET", lambda w: f"/manage/{w.challenge.slug}/assignments", ORGANISERS),
    Rule("assignments.round_assignments", "GET", _round, ORGANISERS),
    Rule("assignments.preview", "GET", lambda w: _round(w) + "/preview", ORGANISERS),
    Rule(
        "assignments.preview",
        "POST",
        lambda w: _round(w) + "/preview",
        ORGANISERS,
        data=lambda w: {"keep_existing": "y", "seed": "3"},
    ),
    Rule("assignments.commit", "POST", lambda w: _round(w) + "/commit", ORGANISERS_ACT, data=_commit_data),
    Rule("assignments.export", "GET", lambda w: _round(w) + ".csv", ORGANISERS),
    Rule(
        "assignments.add_manual",
        "POST",
        lambda w: _round(w) + "/add",
        ORGANISERS_ACT,
        data=lambda w: {"judge_id": str(_unassigned(w).id), "submission_id": str(w.submission_a.id)},
    ),
    Rule(
        "assignments.remove",
        "POST",
        lambda w: _round(w) + f"/{w.assignment_a.id}/remove",
        ORGANISERS_ACT,
    ),
    Rule("assignments.swap", "GET", lambda w: _round(w) + f"/{w.assignment_a.id}/swap", ORGANISERS),
    Rule(
        "assignments.swap",
        "POST",
        lambda w: _round(w) + f"/{w.assignment_a.id}/swap",
        ORGANISERS_ACT,
        data=lambda w: {"judge_id": str(_unassigned(w).id)},
    ),
    Rule("assignments.import_csv", "GET", lambda w: _round(w) + "/import", ORGANISERS),
    Rule(
        "assignments.import_csv",
        "POST",
        lambda w: _round(w) + "/import",
        ORGANISERS_ACT,
        data=lambda w: {"csv_text": f"entry_id,judge_email\n{w.submission_b.id},{w.unassigned_judge.email}"},
    ),
]
