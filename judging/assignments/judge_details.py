"""A judge's details and the rules they follow, the default judging terms, and the invitation token.

Shared by the organisers' use cases (``judge_services``), the CSV import (``judge_import``) and the
judges' own use cases (``invitation_services``). The invitation link is signed and bound to a fingerprint
of the judge's address and status, so accepting, declining, revoking or changing the address kills every
earlier link.
"""

from __future__ import annotations

from dataclasses import dataclass

import pycountry
from email_validator import EmailNotValidError, validate_email
from flask import current_app
from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import func, select

from judging.accounts.services import normalise_email
from judging.assignments.models import Assignment, AssignmentStatus, Judge
from judging.challenges.models import Challenge
from judging.errors import DomainError
from judging.extensions import db
from judging.templating import valid_country
from judging.tokens import fingerprint, make_token

INVITE_PURPOSE = "judge-invite"
DEFAULT_INVITE_MAX_AGE = 30 * 24 * 3600
MAX_CAPACITY = 1000
UN_LANGUAGES = ("en", "fr", "es", "ar", "zh", "ru")
LANGUAGE_CODES = frozenset(
    language.alpha_2 for language in pycountry.languages if hasattr(language, "alpha_2")
)


@dataclass(frozen=True)
class JudgeDetails:
    """What an organiser types about a judge (or a judge confirms about themselves)."""

    name: str
    email: str
    expertise: tuple[int, ...]  # category ids
    languages: tuple[str, ...]  # ISO 639-1 codes
    capacity: int
    affiliation: str | None = None
    country: str | None = None


def invite_max_age() -> int:
    return int(current_app.config.get("JUDGE_INVITE_MAX_AGE") or DEFAULT_INVITE_MAX_AGE)


def validity_text() -> str:
    """How long an invitation link works, in words ("30 days", "2 hours")."""
    seconds = invite_max_age()
    if seconds >= 86400:
        return ngettext("%(num)d day", "%(num)d days", seconds // 86400)
    return ngettext("%(num)d hour", "%(num)d hours", max(1, seconds // 3600))


def current_load(judge: Judge) -> int:
    """Entries the judge holds now (assigned or scored, in any round); recused ones do not count."""
    return db.session.scalar(
        select(func.count())
        .select_from(Assignment)
        .where(
            Assignment.judge_id == judge.id,
            Assignment.status.in_((AssignmentStatus.ASSIGNED, AssignmentStatus.SCORED)),
        )
    )


def detail_problems(challenge: Challenge, details: JudgeDetails) -> list[tuple[str, str]]:
    """Every rule ``details`` breaks, as (field, translated message) pairs; empty when all is well."""
    problems: list[tuple[str, str]] = []
    if not details.name.strip():
        problems.append(("name", _("Enter the judge's name.")))
    elif len(details.name.strip()) > 200:
        problems.append(("name", _("Use at most %(count)d characters.", count=200)))
    try:
        validate_email(details.email.strip(), check_deliverability=False)
    except EmailNotValidError:
        problems.append(
            ("email", _("'%(value)s' is not a valid email address.", value=details.email.strip()))
        )
    known = {category.id for category in challenge.categories}
    if not details.expertise:
        problems.append(("expertise", _("Choose at least one category of expertise.")))
    elif not set(details.expertise) <= known:
        problems.append(("expertise", _("Choose categories of this challenge only.")))
    for code in details.languages:
        if code not in LANGUAGE_CODES:
            problems.append(
                ("languages", _("'%(value)s' is not a language code (such as en or fr).", value=code))
            )
    if not 1 <= details.capacity <= MAX_CAPACITY:
        problems.append(
            ("capacity", _("The capacity must be a whole number from 1 to %(max)d.", max=MAX_CAPACITY))
        )
    if details.affiliation and len(details.affiliation.strip()) > 200:
        problems.append(("affiliation", _("Use at most %(count)d characters.", count=200)))
    if details.country and not valid_country(details.country):
        problems.append(
            (
                "country",
                _(
                    "'%(value)s' is not a country code (two letters, such as KE or FR).",
                    value=details.country,
                ),
            )
        )
    return problems


def check_details(challenge: Challenge, details: JudgeDetails) -> None:
    """Refuse ``details`` with the first problem, naming its field."""
    problems = detail_problems(challenge, details)
    if problems:
        field, message = problems[0]
        raise DomainError(message, field)


def judge_fields(challenge: Challenge, details: JudgeDetails) -> dict[str, object]:
    wanted = set(details.expertise)
    return {
        "name": " ".join(details.name.split()),
        "email": normalise_email(details.email),
        "expertise": [category for category in challenge.categories if category.id in wanted],
        "languages": list(dict.fromkeys(details.languages)),
        "capacity": details.capacity,
        "affiliation": (details.affiliation or "").strip() or None,
        "country": (details.country or "").upper() or None,
    }


def describe(fields: dict[str, object]) -> dict[str, object]:
    """Audit-friendly values: categories by name."""
    return {
        key: [category.name for category in value] if key == "expertise" else value
        for key, value in fields.items()
    }


def check_capacity(judge: Judge, capacity: int) -> None:
    load = current_load(judge) if judge.id is not None else 0
    if capacity < load:
        raise DomainError(
            ngettext(
                "The capacity cannot be below the %(num)d entry already assigned.",
                "The capacity cannot be below the %(num)d entries already assigned.",
                load,
            ),
            "capacity",
        )


def default_terms() -> str:
    """The judging terms used while the organisers have written none (Markdown, reader's language)."""
    return "\n".join(
        [
            _("As a judge of this challenge you agree:"),
            "",
            "- " + _("to keep every entry, score and discussion confidential, during and after judging;"),
            "- " + _("to use what you read only to judge, and not to contact entrants about their entries;"),
            "- "
            + _(
                "to declare any conflict of interest (employer, investor, adviser, competitor, personal) "
                "and not to judge an entry you are conflicted with;"
            ),
            "- " + _("to judge each entry on its merits, against the published criteria, on your own;"),
            "- " + _("to delete any material you downloaded once judging ends."),
        ]
    )


def terms_of(challenge: Challenge) -> str:
    from judging.challenges.content_languages import localized

    return localized(challenge, "judging_terms") or default_terms()


def fingerprint_of(judge: Judge) -> str:
    """What an invitation link is bound to: the judge, their address and their status."""
    return fingerprint(judge.id, normalise_email(judge.email), judge.status.value)


def invitation_token(judge: Judge) -> str:
    """The secret part of the link that answers ``judge``'s invitation."""
    return make_token(INVITE_PURPOSE, {"jid": judge.id, "fp": fingerprint_of(judge)})
