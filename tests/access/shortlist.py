"""Who may use the shortlisting page (preview and send entries through) and tell the entrants.

Only the challenge's organisers and administrators (404 for everyone else, sign-in for anonymous
visitors); a round of another challenge is a 404 even for them. Sending entries through and telling the
entrants redirect back to the page (302); both are tried with a next round that exists.
"""

from __future__ import annotations

from tests.access.rules import Rule, signed_in
from tests.factories import World, make_round

BASE = "/manage/sme-awards/rounds"
MANAGERS = {"organiser": 200, "admin": 200}
MANAGERS_REDIRECT = {"organiser": 302, "admin": 302}


def _with_next_round(world: World) -> int:
    make_round(world.challenge, "Final", position=2)
    return world.round.id


def _foreign_round(world: World) -> int:
    return make_round(world.other_challenge, "Screening").id


def _both_entries(world: World) -> dict:
    return {"entries": [str(world.submission_a.id), str(world.submission_b.id)]}


RULES = [
    Rule(
        "shortlist.advance",
        "GET",
        lambda w: f"{BASE}/{_with_next_round(w)}/advance",
        signed_in(404, **MANAGERS),
    ),
    Rule(
        "shortlist.advance",
        "GET",
        lambda w: f"{BASE}/{_with_next_round(w)}/advance?mode=top&n=1",
        signed_in(404, **MANAGERS),
        note="-preview",
    ),
    Rule(
        "shortlist.advance",
        "GET",
        lambda w: f"{BASE}/{_foreign_round(w)}/advance",
        signed_in(404),
        note="-other-challenge",
    ),
    Rule(
        "shortlist.advance",
        "POST",
        lambda w: f"{BASE}/{_with_next_round(w)}/advance",
        signed_in(404, **MANAGERS_REDIRECT),
        data=_both_entries,
    ),
    Rule(
        "shortlist.advance",
        "POST",
        lambda w: f"{BASE}/{_foreign_round(w)}/advance",
        signed_in(404),
        note="-other-challenge",
    ),
    Rule(
        "shortlist.release",
        "POST",
        lambda w: f"{BASE}/{_with_next_round(w)}/release",
        signed_in(404, **MANAGERS_REDIRECT),
    ),
    Rule(
        "shortlist.release",
        "POST",
        lambda w: f"{BASE}/{_foreign_round(w)}/release",
        signed_in(404),
        note="-other-challenge",
    ),
]
