"""Who may use the organisers' round pages of a challenge.

Only the challenge's organisers and administrators reach them (404 for everyone else, sign-in for
anonymous visitors). A round of another challenge is a 404 even for organisers. Deleting the world's
round (it has assignments) is refused with a message on the round's page (302); an empty round goes.
"""

from __future__ import annotations

from tests.access.rules import Rule, signed_in
from tests.factories import World, make_round

BASE = "/manage/sme-awards/rounds"
MANAGERS = {"organiser": 200, "admin": 200}
MANAGERS_REDIRECT = {"organiser": 302, "admin": 302}


def _round_fields(world: World) -> dict:
    return {
        "name": "Final",
        "judges_per_entry": "5",
        "blind": "y",
        "opens_at": "2030-03-01T09:00",
        "closes_at": "2030-03-15T18:00",
    }


def _empty_round(world: World) -> int:
    return make_round(world.challenge, "Final", position=2).id


def _foreign_round(world: World) -> int:
    return make_round(world.other_challenge, "Screening").id


RULES = [
    Rule("rounds.rounds", "GET", lambda w: BASE, signed_in(404, **MANAGERS)),
    Rule("rounds.new_round", "GET", lambda w: f"{BASE}/new", signed_in(404, **MANAGERS)),
    Rule(
        "rounds.new_round",
        "POST",
        lambda w: f"{BASE}/new",
        signed_in(404, **MANAGERS_REDIRECT),
        data=_round_fields,
    ),
    Rule("rounds.round", "GET", lambda w: f"{BASE}/{w.round.id}", signed_in(404, **MANAGERS)),
    Rule(
        "rounds.round",
        "GET",
        lambda w: f"{BASE}/{_foreign_round(w)}",
        signed_in(404),
        note="-other-challenge",
    ),
    Rule("rounds.edit_round", "GET", lambda w: f"{BASE}/{w.round.id}/edit", signed_in(404, **MANAGERS)),
    Rule(
        "rounds.edit_round",
        "POST",
        lambda w: f"{BASE}/{w.round.id}/edit",
        signed_in(404, **MANAGERS_REDIRECT),
        data=lambda w: {**_round_fields(w), "name": "Screening"},
    ),
    Rule(
        "rounds.sync_entries",
        "POST",
        lambda w: f"{BASE}/{w.round.id}/sync",
        signed_in(404, **MANAGERS_REDIRECT),
    ),
    Rule(
        "rounds.delete_round",
        "POST",
        lambda w: f"{BASE}/{w.round.id}/delete",
        signed_in(404, **MANAGERS_REDIRECT),
        note="-with-assignments",
    ),
    Rule(
        "rounds.delete_round",
        "POST",
        lambda w: f"{BASE}/{_empty_round(w)}/delete",
        signed_in(404, **MANAGERS_REDIRECT),
        note="-empty",
    ),
    Rule(
        "rounds.delete_round",
        "POST",
        lambda w: f"{BASE}/{_foreign_round(w)}/delete",
        signed_in(404),
        note="-other-challenge",
    ),
]
