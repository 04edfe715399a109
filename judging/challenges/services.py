"""Use cases of the organisers' side of a challenge: create, edit, name organisers, change status.

Every public function changes one challenge (or, for ``sync_clock``, every challenge the clock has
closed), records an audit event per change and commits once. Rules are checked here and refused with a
translated ``DomainError`` whose ``field`` names the form field it belongs to.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from judging.accounts.models import User, user_by_email
from judging.audit import changes, record
from judging.challenges.models import Challenge, ChallengeKind
from judging.core.lifecycle import (
    CHALLENGE_TRANSITIONS,
    ChallengeStatus,
    SubmissionStatus,
    TransitionError,
    check_transition,
)
from judging.core.text import slugify
from judging.database import utcnow
from judging.errors import DomainError
from judging.extensions import db
from judging.i18n import known_zones
from judging.labels import label
from judging.submissions.models import Submission

SLUG_PATTERN = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
RESERVED_SLUGS = frozenset({"new", "invitation"})  # "invitation": /judging/invitation/<token>


@dataclass(frozen=True)
class ChallengeDetails:
    """What the edit form sets on a challenge. Times are naive wall-clock times in ``timezone``."""

    title: str
    slug: str
    kind: ChallengeKind
    summary: str | None
    description: str | None
    rules: str | None
    timezone: str
    opens_local: datetime | None
    closes_local: datetime | None
    max_employees: int | None
    allowed_countries: list[str]
    max_entries_per_organisation: int | None


def local_to_utc(local: datetime | None, zone: str, field: str) -> datetime | None:
    """The UTC instant of a wall-clock time in ``zone``.

    A time skipped when clocks go forward does not exist, and a time repeated when they go back is
    ambiguous; both are refused so that a deadline always means one instant.
    """
    if local is None:
        return None
    tz = ZoneInfo(zone)
    first, second = local.replace(tzinfo=tz, fold=0), local.replace(tzinfo=tz, fold=1)
    if first.utcoffset() != second.utcoffset():
        if first.astimezone(UTC).astimezone(tz).replace(tzinfo=None) != local:
            raise DomainError(
                _("This time does not exist in %(zone)s (the clocks go forward then).", zone=zone), field
            )
        raise DomainError(
            _("This time happens twice in %(zone)s (the clocks go back then); choose another.", zone=zone),
            field,
        )
    return first.astimezone(UTC)


def utc_to_local(value: datetime | None, zone: str) -> datetime | None:
    """The naive wall-clock time in ``zone`` of a UTC instant (what a datetime-local field shows)."""
    if value is None:
        return None
    return value.astimezone(ZoneInfo(zone)).replace(tzinfo=None)


def resolve_users(emails: list[str], field: str = "organisers") -> list[User]:
    """The users with these addresses (duplicates dropped); unknown addresses are refused, all listed."""
    users: list[User] = []
    unknown: list[str] = []
    for address in emails:
        user = user_by_email(address)
        if user is None:
            unknown.append(address)
        elif user not in users:
            users.append(user)
    if unknown:
        raise DomainError(_("No account uses: %(emails)s", emails=", ".join(unknown)), field)
    return users


def _check_slug(slug: str, challenge: Challenge | None) -> None:
    if not SLUG_PATTERN.match(slug) or len(slug) > 80:
        raise DomainError(
            _("Use lowercase letters a-z, digits and single hyphens only (at most 80 characters)."), "slug"
        )
    if slug in RESERVED_SLUGS:
        raise DomainError(_("This web address is reserved; choose another."), "slug")
    clash = db.session.scalar(select(Challenge.id).where(Challenge.slug == slug))
    if clash is not None and (challenge is None or clash != challenge.id):
        raise DomainError(_("Another challenge already uses this web address."), "slug")


def _check_zone(zone: str) -> None:
    if zone not in known_zones():
        raise DomainError(_("Choose a time zone from the list."), "timezone")


def create_challenge(
    *,
    title: str,
    slug: str | None,
    kind: ChallengeKind,
    timezone: str,
    organiser_emails: list[str],
    actor: User,
) -> Challenge:
    """A new draft challenge run by the users with these addresses (all must have accounts).

    An empty ``slug`` is made from the title. Audited as ``challenge.create``.
    """
    organisers = resolve_users(organiser_emails, "organisers")
    title = title.strip()
    slug = (slug or "").strip() or slugify(title)
    if not slug:
        raise DomainError(_("The title gives no usable web address; type one."), "slug")
    _check_slug(slug, None)
    _check_zone(timezone)
    challenge = Challenge(title=title, slug=slug, kind=kind, timezone=timezone, status=ChallengeStatus.DRAFT)
    challenge.organisers = list(organisers)
    db.session.add(challenge)
    db.session.flush()
    record(
        "challenge.create",
        challenge,
        actor=actor,
        challenge_id=challenge.id,
        after={
            "title": title,
            "slug": slug,
            "kind": kind,
            "timezone": timezone,
            "organisers": [user.email for user in organisers],
        },
    )
    _commit_slug()
    return challenge


def update_challenge(challenge: Challenge, details: ChallengeDetails, *, actor: User) -> Challenge:
    """Apply the edit form; times are read in the (possibly new) zone and stored in UTC.

    Refuses a bad or taken slug, an unknown zone, a time that does not exist or is ambiguous in the
    zone, and a closing time not after the opening time. Audited as ``challenge.update`` with the
    changed fields only (nothing recorded when nothing changed).
    """
    _check_slug(details.slug, challenge)
    _check_zone(details.timezone)
    opens_at = local_to_utc(details.opens_local, details.timezone, "opens_at")
    closes_at = local_to_utc(details.closes_local, details.timezone, "closes_at")
    if opens_at is not None and closes_at is not None and closes_at <= opens_at:
        raise DomainError(_("The closing time must be after the opening time."), "closes_at")
    fields = {
        "title": details.title.strip(),
        "slug": details.slug,
        "kind": details.kind,
        "summary": (details.summary or "").strip() or None,
        "description": details.description or None,
        "rules": details.rules or None,
        "timezone": details.timezone,
        "opens_at": opens_at,
        "closes_at": closes_at,
        "max_employees": details.max_employees,
        "allowed_countries": sorted(set(details.allowed_countries)),
        "max_entries_per_organisation": details.max_entries_per_organisation,
    }
    before, after = changes(challenge, fields)
    if not after:
        return challenge
    for name, value in after.items():
        setattr(challenge, name, value)
    record("challenge.update", challenge, actor=actor, challenge_id=challenge.id, before=before, after=after)
    _commit_slug()
    return challenge


def _commit_slug() -> None:
    """Commit; a slug taken by a concurrent request in the meantime is refused like any taken slug."""
    try:
        db.session.commit()
    except IntegrityError as error:
        db.session.rollback()
        raise DomainError(_("Another challenge already uses this web address."), "slug") from error


def add_organiser(challenge: Challenge, email: str, *, actor: User) -> User:
    """Name the user with this address an organiser of the challenge. Audited as ``organiser.add``."""
    (user,) = resolve_users([email], "email")
    if user in challenge.organisers:
        raise DomainError(_("%(name)s is already an organiser.", name=user.name), "email")
    challenge.organisers.append(user)
    record(
        "organiser.add", challenge, actor=actor, challenge_id=challenge.id, after={"organiser": user.email}
    )
    db.session.commit()
    return user


def remove_organiser(challenge: Challenge, user: User, *, actor: User) -> None:
    """Stop ``user`` organising the challenge. Audited as ``organiser.remove``."""
    if user not in challenge.organisers:
        raise DomainError(_("%(name)s is not an organiser of this challenge.", name=user.name))
    challenge.organisers.remove(user)
    record(
        "organiser.remove",
        challenge,
        actor=actor,
        challenge_id=challenge.id,
        before={"organiser": user.email},
    )
    db.session.commit()


def next_statuses(challenge: Challenge, now: datetime | None = None) -> list[ChallengeStatus]:
    """The statuses the challenge may move to from its clock-derived status, in lifecycle order."""
    allowed = CHALLENGE_TRANSITIONS[challenge.current_status(now)]
    return [status for status in ChallengeStatus if status in allowed]


def change_status(
    challenge: Challenge, target: ChallengeStatus, *, actor: User | None, now: datetime | None = None
) -> Challenge:
    """Move the challenge along its lifecycle, from its clock-derived status, if the table allows it.

    Opening needs at least one category and both times, with the closing time still ahead.
    Audited as ``challenge.status``.
    """
    now = now or utcnow()
    current = challenge.current_status(now)
    try:
        check_transition(CHALLENGE_TRANSITIONS, current, target)
    except TransitionError as error:
        raise DomainError(
            _(
                "A challenge that is %(current)s cannot become %(target)s.",
                current=_label(current),
                target=_label(target),
            )
        ) from error
    if target is ChallengeStatus.OPEN:
        _check_can_open(challenge, now)
    apply_status(challenge, target, actor=actor)
    db.session.commit()
    return challenge


def apply_status(challenge: Challenge, target: ChallengeStatus, *, actor: User | None) -> None:
    """Set the status and audit it as ``challenge.status``; the caller has checked the transition and
    commits (so a use case that moves several steps commits once)."""
    before = {"status": challenge.status}
    challenge.status = target
    record(
        "challenge.status",
        challenge,
        actor=actor,
        challenge_id=challenge.id,
        before=before,
        after={"status": target},
    )


def _label(status: ChallengeStatus) -> str:
    return label(status).lower()


def _check_can_open(challenge: Challenge, now: datetime) -> None:
    if not challenge.categories:
        raise DomainError(_("Add at least one category before opening the challenge."))
    if challenge.opens_at is None or challenge.closes_at is None:
        raise DomainError(_("Set the opening and closing times before opening the challenge."))
    if challenge.closes_at <= now:
        raise DomainError(_("The closing time has passed; move it into the future first."))


def sync_clock(now: datetime | None = None) -> list[Challenge]:
    """Store ``closed`` for every open challenge whose deadline has passed; returns them.

    Pages already apply the clock; this makes the stored status agree (for exports, queries and later
    steps). Audited as ``challenge.status`` with no actor (the clock did it).
    """
    now = now or utcnow()
    due = db.session.scalars(
        select(Challenge)
        .where(Challenge.status == ChallengeStatus.OPEN, Challenge.closes_at <= now)
        .order_by(Challenge.id)
    ).all()
    for challenge in due:
        challenge.status = ChallengeStatus.CLOSED
        record(
            "challenge.status",
            challenge,
            actor=None,
            challenge_id=challenge.id,
            before={"status": ChallengeStatus.OPEN},
            after={"status": ChallengeStatus.CLOSED},
        )
    db.session.commit()
    return list(due)


def entry_counts(challenge_ids: list[int]) -> dict[int, dict[str, int]]:
    """Per challenge: ``entries`` (submitted, screened or not) and ``drafts``, for organisers' lists."""
    counts = {challenge_id: {"entries": 0, "drafts": 0} for challenge_id in challenge_ids}
    if not challenge_ids:
        return counts
    rows = db.session.execute(
        select(Submission.challenge_id, Submission.status, func.count())
        .where(Submission.challenge_id.in_(challenge_ids))
        .group_by(Submission.challenge_id, Submission.status)
    )
    for challenge_id, status, number in rows:
        if status is SubmissionStatus.DRAFT:
            counts[challenge_id]["drafts"] += number
        elif status is not SubmissionStatus.WITHDRAWN:
            counts[challenge_id]["entries"] += number
    return counts
