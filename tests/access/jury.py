"""Who may use the organisers' jury pages of a challenge.

Decisions recorded here: only the challenge's organisers and administrators reach them; everyone else
(entrants, judges of this challenge or another, the organiser of another challenge) gets 404, and
anonymous visitors are sent to sign in. A judge id of another challenge is a 404 even for organisers.
"""

from __future__ import annotations

from datetime import timedelta

from judging.assignments.models import JudgeStatus
from judging.database import utcnow
from tests.access.rules import Rule, signed_in
from tests.factories import World, make_judge, make_user

BASE = "/manage/sme-awards/jury"
MANAGERS = {"organiser": 200, "admin": 200}
MANAGERS_REDIRECT = {"organiser": 302, "admin": 302}


def _pending(world: World) -> int:
    """An invitation sent an hour ago (so it may be sent again)."""
    judge = make_judge(world.challenge, make_user("pending@jury.example"), ready=False)
    judge.last_invited_at = utcnow() - timedelta(hours=1)
    return judge.id


def _foreign(world: World) -> int:
    return make_judge(world.other_challenge, make_user("foreign@jury.example"), status=JudgeStatus.INVITED).id


def _judge_fields(world: World) -> dict:
    return {
        "name": "Grace Hopper",
        "email": "grace@jury.example",
        "expertise": [str(world.challenge.categories[0].id)],
        "languages": ["en", "fr"],
        "capacity": "12",
        "affiliation": "Navy",
        "country": "US",
    }


def _edit_fields(world: World) -> dict:
    return {**_judge_fields(world), "email": "judy@jury.example"}


CSV = "name,email,expertise\nAda Lovelace,ada@jury.example,E-health\n"

RULES = [
    Rule("jury.judges", "GET", lambda w: BASE, signed_in(404, **MANAGERS)),
    Rule("jury.invite", "GET", lambda w: f"{BASE}/invite", signed_in(404, **MANAGERS)),
    Rule(
        "jury.invite",
        "POST",
        lambda w: f"{BASE}/invite",
        signed_in(404, **MANAGERS_REDIRECT),
        data=_judge_fields,
    ),
    Rule("jury.import_judges", "GET", lambda w: f"{BASE}/import", signed_in(404, **MANAGERS)),
    Rule(
        "jury.import_judges",
        "POST",
        lambda w: f"{BASE}/import",
        signed_in(404, **MANAGERS_REDIRECT),
        data=lambda w: {"csv_text": CSV},
    ),
    Rule(
        "jury.resend",
        "POST",
        lambda w: f"{BASE}/{_pending(w)}/resend",
        signed_in(404, **MANAGERS_REDIRECT),
    ),
    Rule(
        "jury.resend",
        "POST",
        lambda w: f"{BASE}/{_foreign(w)}/resend",
        signed_in(404),
        note="-other-challenge",
    ),
    Rule(
        "jury.revoke",
        "POST",
        lambda w: f"{BASE}/{w.judge_membership.id}/revoke",
        signed_in(404, **MANAGERS_REDIRECT),
    ),
    Rule(
        "jury.revoke",
        "POST",
        lambda w: f"{BASE}/{_foreign(w)}/revoke",
        signed_in(404),
        note="-other-challenge",
    ),
    Rule(
        "jury.edit_judge",
        "GET",
        lambda w: f"{BASE}/{w.judge_membership.id}/edit",
        signed_in(404, **MANAGERS),
    ),
    Rule("jury.edit_judge", "GET", lambda w: f"{BASE}/999999/edit", signed_in(404), note="-missing"),
    Rule(
        "jury.edit_judge",
        "POST",
        lambda w: f"{BASE}/{w.judge_membership.id}/edit",
        signed_in(404, **MANAGERS_REDIRECT),
        data=_edit_fields,
    ),
    Rule("jury.terms", "GET", lambda w: f"{BASE}/terms", signed_in(404, **MANAGERS)),
    Rule(
        "jury.terms",
        "POST",
        lambda w: f"{BASE}/terms",
        signed_in(404, **MANAGERS_REDIRECT),
        data=lambda w: {"judging_terms": "Keep it **confidential**.", "conflict_same_country": "y"},
    ),
]
