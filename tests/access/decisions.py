"""Who may stage decisions and change the results settings.

Only the challenge's organisers and administrators (404 for everyone else, sign-in for anonymous
visitors); another challenge's pages are a 404 even for this challenge's organiser. Saving redirects
back (302).
"""

from __future__ import annotations

from tests.access.rules import Rule, signed_in
from tests.factories import World

MANAGERS = {"organiser": 200, "admin": 200}
MANAGERS_REDIRECT = {"organiser": 302, "admin": 302}


def _outcomes(world: World) -> dict:
    return {f"outcome_{world.submission_a.id}": "winner", f"outcome_{world.submission_b.id}": ""}


def _settings(world: World) -> dict:
    return {"winners_per_category": "2", "label_winner": "Gold award"}


RULES = [
    Rule("decisions.index", "GET", lambda w: "/manage/sme-awards/decisions", signed_in(404, **MANAGERS)),
    Rule(
        "decisions.index",
        "GET",
        lambda w: "/manage/sme-awards/decisions?suggest=1",
        signed_in(404, **MANAGERS),
        note="-suggest",
    ),
    Rule(
        "decisions.index",
        "GET",
        lambda w: "/manage/innovation/decisions",
        signed_in(404, other_organiser=200, admin=200),
        note="-other-challenge",
    ),
    Rule(
        "decisions.index",
        "POST",
        lambda w: "/manage/sme-awards/decisions",
        signed_in(404, **MANAGERS_REDIRECT),
        data=_outcomes,
    ),
    Rule(
        "decisions.settings",
        "GET",
        lambda w: "/manage/sme-awards/decisions/settings",
        signed_in(404, **MANAGERS),
    ),
    Rule(
        "decisions.settings",
        "POST",
        lambda w: "/manage/sme-awards/decisions/settings",
        signed_in(404, **MANAGERS_REDIRECT),
        data=_settings,
    ),
    Rule(
        "decisions.settings",
        "POST",
        lambda w: "/manage/innovation/decisions/settings",
        signed_in(404, other_organiser=302, admin=302),
        data=_settings,
        note="-other-challenge",
    ),
]
