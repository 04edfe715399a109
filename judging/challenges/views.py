"""Public pages: the list of challenges (open, upcoming, past) and one challenge's page.

Drafts are never listed; a draft's page answers 404 to everyone but its organisers and administrators,
who see it with a "draft preview" notice. Statuses shown are the clock-derived ones.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from flask import Blueprint, abort, render_template
from flask_login import current_user
from sqlalchemy import select

from judging import permissions
from judging.challenges.models import Challenge
from judging.core.lifecycle import ChallengeStatus
from judging.database import utcnow
from judging.extensions import db

bp = Blueprint("challenges", __name__)


@dataclass
class Listing:
    """The public challenges split by where they stand on the clock."""

    open: list[Challenge] = field(default_factory=list)
    upcoming: list[Challenge] = field(default_factory=list)
    past: list[Challenge] = field(default_factory=list)


def phase(challenge: Challenge, now: datetime) -> str:
    """``draft``, ``upcoming`` (published, not yet open), ``open`` (taking entries) or ``past``."""
    status = challenge.current_status(now)
    if status is ChallengeStatus.DRAFT:
        return "draft"
    if status is ChallengeStatus.OPEN:
        return "open" if challenge.window.has_opened(now) else "upcoming"
    return "past"


def public_listing(now: datetime) -> Listing:
    challenges = db.session.scalars(select(Challenge).where(Challenge.status != ChallengeStatus.DRAFT)).all()
    listing = Listing()
    for challenge in challenges:
        getattr(listing, phase(challenge, now)).append(challenge)
    far = datetime.max.replace(tzinfo=now.tzinfo)
    listing.open.sort(key=lambda c: (c.closes_at or far, c.title))
    listing.upcoming.sort(key=lambda c: (c.opens_at or far, c.title))
    listing.past.sort(key=lambda c: c.closes_at or c.created_at, reverse=True)
    return listing


@bp.route("/")
def index():
    return render_template("challenges/index.html", listing=public_listing(utcnow()))


@bp.route("/challenges/<slug>")
def challenge(slug: str):
    found = db.session.scalar(permissions.visible_challenges(current_user).where(Challenge.slug == slug))
    if found is None or not permissions.can_view_challenge(found, current_user):
        abort(404)
    now = utcnow()
    return render_template(
        "challenges/challenge.html",
        challenge=found,
        phase=phase(found, now),
        status=found.current_status(now),
        accepting=found.accepts_entries(now),
    )
