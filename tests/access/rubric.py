"""Who may use a round's rubric editor.

Only the challenge's organisers and administrators reach it (404 for everyone else, sign-in for anonymous
visitors). A round of another challenge is a 404 even for organisers. Forms answer 302 when saved, 200
when they show a preview or a confirmation.
"""

from __future__ import annotations

from judging.database import utcnow
from judging.extensions import db
from tests.access.rules import Rule, signed_in
from tests.factories import World, make_criterion, make_round, make_sheet

BASE = "/manage/sme-awards/rounds"
MANAGERS = {"organiser": 200, "admin": 200}
MANAGERS_REDIRECT = {"organiser": 302, "admin": 302}


def _rubric(world: World) -> str:
    return f"{BASE}/{world.round.id}/rubric"


def _criterion(world: World, index: int = 0) -> str:
    return f"{_rubric(world)}/{world.criteria[index].id}"


def _empty_round(world: World) -> str:
    return f"{BASE}/{make_round(world.challenge, 'Final', position=2).id}/rubric"


def _foreign_rubric(world: World) -> str:
    round_ = make_round(world.other_challenge, "Screening")
    criterion = make_criterion(round_, "Elsewhere")
    return f"{BASE}/{round_.id}/rubric/{criterion.id}"


def _retired(world: World) -> str:
    """Impact, marked on entry A, retired so that it can be restored."""
    impact = world.criteria[1]
    make_sheet(world.assignment_a, {impact: 3})
    impact.retired_at = utcnow()
    db.session.commit()
    return f"{_rubric(world)}/{impact.id}"


def _fields(world: World) -> dict:
    return {"name": "Market", "guide": "1: None", "scale_min": "1", "scale_max": "5", "weight": "1"}


def _scale(world: World) -> dict:
    return {"scale_min": "1", "scale_max": "10", "weight": "2"}


RULES = [
    Rule("rubric.rubric", "GET", _rubric, signed_in(404, **MANAGERS)),
    Rule(
        "rubric.rubric",
        "GET",
        lambda w: _foreign_rubric(w).rsplit("/", 1)[0],
        signed_in(404),
        note="-other-challenge",
    ),
    Rule("rubric.add_criterion", "GET", lambda w: f"{_rubric(w)}/new", signed_in(404, **MANAGERS)),
    Rule(
        "rubric.add_criterion",
        "POST",
        lambda w: f"{_rubric(w)}/new",
        signed_in(404, **MANAGERS_REDIRECT),
        data=_fields,
    ),
    Rule("rubric.edit_criterion", "GET", lambda w: f"{_criterion(w)}/edit", signed_in(404, **MANAGERS)),
    Rule(
        "rubric.edit_criterion",
        "POST",
        lambda w: f"{_criterion(w)}/edit",
        signed_in(404, **MANAGERS_REDIRECT),
        data=_fields,
    ),
    Rule(
        "rubric.edit_criterion",
        "GET",
        lambda w: f"{_foreign_rubric(w)}/edit",
        signed_in(404),
        note="-other-challenge",
    ),
    Rule(
        "rubric.move_criterion",
        "POST",
        lambda w: f"{_criterion(w, 1)}/move",
        signed_in(404, **MANAGERS_REDIRECT),
        data=lambda w: {"direction": "up"},
    ),
    Rule(
        "rubric.delete_criterion",
        "POST",
        lambda w: f"{_criterion(w, 2)}/delete",
        signed_in(404, **MANAGERS_REDIRECT),
    ),
    Rule(
        "rubric.delete_criterion",
        "POST",
        lambda w: f"{_foreign_rubric(w)}/delete",
        signed_in(404),
        note="-other-challenge",
    ),
    Rule(
        "rubric.restore_criterion",
        "POST",
        lambda w: f"{_retired(w)}/restore",
        signed_in(404, **MANAGERS),
        note="-asks-confirmation",
    ),
    Rule(
        "rubric.restore_criterion",
        "POST",
        lambda w: f"{_retired(w)}/restore",
        signed_in(404, **MANAGERS_REDIRECT),
        data=lambda w: {"confirm": "1"},
        note="-confirmed",
    ),
    Rule(
        "rubric.use_default",
        "POST",
        lambda w: f"{_empty_round(w)}/default",
        signed_in(404, **MANAGERS_REDIRECT),
    ),
    Rule("rubric.copy", "GET", lambda w: f"{_empty_round(w)}/copy", signed_in(404, **MANAGERS)),
    Rule(
        "rubric.copy",
        "POST",
        lambda w: f"{_empty_round(w)}/copy",
        signed_in(404, **MANAGERS_REDIRECT),
        data=lambda w: {"source": str(w.round.id)},
    ),
    Rule("rubric.rescale", "GET", lambda w: f"{_criterion(w)}/rescale", signed_in(404, **MANAGERS)),
    Rule(
        "rubric.rescale",
        "POST",
        lambda w: f"{_criterion(w)}/rescale",
        signed_in(404, **MANAGERS),
        data=_scale,
        note="-preview",
    ),
    Rule(
        "rubric.rescale",
        "POST",
        lambda w: f"{_criterion(w)}/rescale",
        signed_in(404, **MANAGERS_REDIRECT),
        data=lambda w: {**_scale(w), "confirm": "1"},
        note="-confirmed",
    ),
    Rule(
        "rubric.rescale",
        "GET",
        lambda w: f"{_foreign_rubric(w)}/rescale",
        signed_in(404),
        note="-other-challenge",
    ),
]
