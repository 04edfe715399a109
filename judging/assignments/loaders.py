"""Loading a round for the organisers' pages: a round of a challenge the current user manages.

Anyone else gets 404 (never 403), as on every organiser page.
"""

from __future__ import annotations

from flask import abort

from judging.assignments.models import Round
from judging.challenges.manage_views import load_managed
from judging.challenges.models import Challenge
from judging.extensions import db


def round_of(challenge: Challenge, round_id: int) -> Round:
    """The round ``round_id`` of ``challenge``; 404 when there is none."""
    round_ = db.session.get(Round, round_id)
    if round_ is None or round_.challenge_id != challenge.id:
        abort(404)
    return round_


def managed_round(slug: str, round_id: int) -> tuple[Challenge, Round]:
    """The managed challenge with this slug and its round ``round_id``; 404 otherwise."""
    challenge = load_managed(slug)
    return challenge, round_of(challenge, round_id)
