"""Who may use the organisers' progress pages, reminders, and closing or reopening a round.

Only the challenge's organisers and administrators reach them (404 for everyone else, sign-in for
anonymous visitors). A round of another challenge is a 404 even for organisers. The POSTs redirect back
to the progress page (302); reopening is tried on a round closed by hand.
"""

from __future__ import annotations

from judging.database import utcnow
from judging.extensions import db
from tests.access.rules import Rule, signed_in
from tests.factories import World, make_round

BASE = "/manage/sme-awards/rounds"
MANAGERS = {"organiser": 200, "admin": 200}
MANAGERS_REDIRECT = {"organiser": 302, "admin": 302}


def _foreign_round(world: World) -> int:
    return make_round(world.other_challenge, "Screening").id


def _closed_round(world: World) -> int:
    world.round.closed_at = utcnow()
    db.session.commit()
    return world.round.id


RULES = [
    Rule("progress.index", "GET", lambda w: "/manage/sme-awards/progress", signed_in(404, **MANAGERS)),
    Rule(
        "progress.index",
        "GET",
        lambda w: "/manage/innovation/progress",
        signed_in(404, other_organiser=200, admin=200),
        note="-other-challenge",
    ),
    Rule(
        "progress.round_progress",
        "GET",
        lambda w: f"{BASE}/{w.round.id}/progress",
        signed_in(404, **MANAGERS),
    ),
    Rule(
        "progress.round_progress",
        "GET",
        lambda w: f"{BASE}/{_foreign_round(w)}/progress",
        signed_in(404),
        note="-other-challenge",
    ),
    Rule(
        "progress.send_reminders",
        "POST",
        lambda w: f"{BASE}/{w.round.id}/reminders",
        signed_in(404, **MANAGERS_REDIRECT),
    ),
    Rule(
        "progress.send_reminders",
        "POST",
        lambda w: f"{BASE}/{_foreign_round(w)}/reminders",
        signed_in(404),
        note="-other-challenge",
    ),
    Rule(
        "progress.close_round",
        "POST",
        lambda w: f"{BASE}/{w.round.id}/close",
        signed_in(404, **MANAGERS_REDIRECT),
    ),
    Rule(
        "progress.close_round",
        "POST",
        lambda w: f"{BASE}/{_foreign_round(w)}/close",
        signed_in(404),
        note="-other-challenge",
    ),
    Rule(
        "progress.reopen_round",
        "POST",
        lambda w: f"{BASE}/{_closed_round(w)}/reopen",
        signed_in(404, **MANAGERS_REDIRECT),
    ),
    Rule(
        "progress.reopen_round",
        "POST",
        lambda w: f"{BASE}/{_foreign_round(w)}/reopen",
        signed_in(404),
        note="-other-challenge",
    ),
]
