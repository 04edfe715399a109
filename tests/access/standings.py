"""Who may see a round's standings, change its ranking settings, see its judges' statistics and export.

Only the challenge's organisers and administrators reach them (404 for everyone else, sign-in for
anonymous visitors). A round of another challenge is a 404 even for organisers. Saving the settings
redirects to the standings (302).
"""

from __future__ import annotations

from tests.access.rules import Rule, signed_in
from tests.factories import World, make_round

BASE = "/manage/sme-awards/rounds"
MANAGERS = {"organiser": 200, "admin": 200}
MANAGERS_REDIRECT = {"organiser": 302, "admin": 302}


def _foreign_round(world: World) -> int:
    return make_round(world.other_challenge, "Screening").id


def _settings(world: World) -> dict:
    return {
        "method": "raw_mean",
        "tie_break_1": "median",
        "tie_break_2": "",
        "tie_break_3": "",
        "cutoff": "2",
    }


RULES = [
    Rule(
        "standings.round_standings",
        "GET",
        lambda w: f"{BASE}/{w.round.id}/standings",
        signed_in(404, **MANAGERS),
    ),
    Rule(
        "standings.round_standings",
        "GET",
        lambda w: f"{BASE}/{_foreign_round(w)}/standings",
        signed_in(404),
        note="-other-challenge",
    ),
    Rule(
        "standings.settings",
        "GET",
        lambda w: f"{BASE}/{w.round.id}/standings/settings",
        signed_in(404, **MANAGERS),
    ),
    Rule(
        "standings.settings",
        "POST",
        lambda w: f"{BASE}/{w.round.id}/standings/settings",
        signed_in(404, **MANAGERS_REDIRECT),
        data=_settings,
    ),
    Rule(
        "standings.settings",
        "POST",
        lambda w: f"{BASE}/{_foreign_round(w)}/standings/settings",
        signed_in(404),
        data=_settings,
        note="-other-challenge",
    ),
    Rule("standings.judges", "GET", lambda w: f"{BASE}/{w.round.id}/judges", signed_in(404, **MANAGERS)),
    Rule(
        "standings.judges",
        "GET",
        lambda w: f"{BASE}/{_foreign_round(w)}/judges",
        signed_in(404),
        note="-other-challenge",
    ),
    *[
        Rule(
            "standings.export",
            "GET",
            lambda w, what=what, fmt=fmt: f"{BASE}/{w.round.id}/export/{what}.{fmt}",
            signed_in(404, **MANAGERS),
            note=f"-{what}-{fmt}",
        )
        for what in ("standings", "marks")
        for fmt in ("csv", "xlsx")
    ],
    Rule(
        "standings.export",
        "GET",
        lambda w: f"{BASE}/{_foreign_round(w)}/export/marks.csv",
        signed_in(404),
        note="-other-challenge",
    ),
]
