"""What an entry's content must look like (format rules on every save, completeness at submission), and
the sentences that explain a refusal (eligibility, deadline).

Functions here take values (form data, questions, a refusal) and return cleaned values and translated
messages keyed by form field name; they change nothing and query nothing. The services apply them, so
the same rules hold for the web form, the command line and the demo loader.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any
from urllib.parse import urlsplit

from flask import current_app
from flask_babel import format_decimal, ngettext
from flask_babel import gettext as _

from judging.challenges.models import Challenge, EntryQuestion, QuestionKind
from judging.core.eligibility import Refusal
from judging.core.lifecycle import ChallengeStatus
from judging.core.text import word_count
from judging.database import utcnow
from judging.submissions.models import Stage

TITLE_MAX_LENGTH = 200
SUMMARY_MAX_WORDS = 100
LONG_TEXT_MAX_WORDS = 300
URL_MAX_LENGTH = 500
LONG_TEXTS = ("problem", "solution", "business_model", "impact")
SDG_RANGE = range(1, 18)

Errors = dict[str, list[str]]

_PARAGRAPH_BREAK = re.compile(r"\n\s*\n")
_HOST_LABEL = re.compile(r"^[^\W_](?:[\w-]*[^\W_])?$", re.UNICODE)


def question_field(question: EntryQuestion) -> str:
    """The form field name that holds the answer to ``question``."""
    return f"q_{question.id}"


def clean_entry(data: Mapping[str, Any], questions: Sequence[EntryQuestion]) -> tuple[dict[str, Any], Errors]:
    """Normalise the entry's values and list every format problem (limits, links, choices).

    Missing values are not problems here: a draft may be incomplete. The title is the exception, as
    every entry is listed by it.
    """
    errors: Errors = {}
    cleaned: dict[str, Any] = {}

    title = _text(data.get("title"))
    if not title:
        _add(errors, "title", _("Give your entry a title."))
    elif len(title) > TITLE_MAX_LENGTH:
        _add(errors, "title", _too_long(TITLE_MAX_LENGTH, len(title)))
    cleaned["title"] = title

    summary = _text(data.get("summary"))
    if summary and _PARAGRAPH_BREAK.search(summary):
        _add(errors, "summary", _("The summary must be a single paragraph (no blank lines)."))
    _check_words(errors, "summary", summary, SUMMARY_MAX_WORDS)
    cleaned["summary"] = summary

    for name in LONG_TEXTS:
        value = _text(data.get(name))
        _check_words(errors, name, value, LONG_TEXT_MAX_WORDS)
        cleaned[name] = value

    sdgs: list[int] = []
    for raw in data.get("sdgs") or ():
        try:
            goal = int(raw)
        except (TypeError, ValueError):
            goal = 0
        if goal not in SDG_RANGE:
            _add(errors, "sdgs", _("Choose goals from 1 to 17."))
            break
        sdgs.append(goal)
    cleaned["sdgs"] = sorted(set(sdgs))

    stage = data.get("stage") or None
    if stage is not None and not isinstance(stage, Stage):
        try:
            stage = Stage(stage)
        except ValueError:
            _add(errors, "stage", _("Choose one of the stages listed."))
            stage = None
    cleaned["stage"] = stage

    language = data.get("language") or None
    if language is not None and language not in current_app.config["LANGUAGES"]:
        _add(errors, "language", _("Choose one of the languages listed."))
        language = None
    cleaned["language"] = language

    video = _text(data.get("video_url"))
    if video:
        problem = url_problem(video, https_only=True)
        if problem:
            _add(errors, "video_url", problem)
    cleaned["video_url"] = video

    answers: dict[int, Any] = {}
    given = data.get("answers") or {}
    for question in questions:
        value, problem = clean_answer(question, given.get(question.id))
        if problem:
            _add(errors, question_field(question), problem)
        answers[question.id] = value
    cleaned["answers"] = answers
    return cleaned, errors


def missing_for_submission(
    cleaned: Mapping[str, Any], questions: Iterable[EntryQuestion], *, has_deck: bool
) -> Errors:
    """Every required value that is still empty, as a message on its field."""
    errors: Errors = {}
    wanted = {
        "summary": _("Write a one-paragraph summary of your entry."),
        "problem": _("Describe the problem you solve."),
        "solution": _("Describe your solution."),
        "business_model": _("Describe your business model."),
        "impact": _("Describe the impact of your solution."),
    }
    for name, message in wanted.items():
        if not cleaned.get(name):
            _add(errors, name, message)
    if not cleaned.get("sdgs"):
        _add(errors, "sdgs", _("Choose at least one Sustainable Development Goal."))
    if cleaned.get("stage") is None:
        _add(errors, "stage", _("Choose the stage your solution has reached."))
    if not has_deck:
        _add(errors, "deck", _("Upload your pitch deck (a PDF file) before submitting."))
    answers = cleaned.get("answers") or {}
    for question in questions:
        if question.required and _empty(answers.get(question.id)):
            _add(errors, question_field(question), _("Answer this question before submitting."))
    return errors


def clean_answer(question: EntryQuestion, raw: Any) -> tuple[Any, str | None]:
    """The stored form of an answer (``None`` when empty) and the problem with it, if any."""
    kind = question.kind
    if kind in (QuestionKind.SHORT_TEXT, QuestionKind.LONG_TEXT, QuestionKind.URL):
        value = _text(raw if isinstance(raw, str) else None)
        if value is None:
            return None, None
        if kind is QuestionKind.SHORT_TEXT and question.max_length and len(value) > question.max_length:
            return value, _too_long(question.max_length, len(value))
        if kind is QuestionKind.LONG_TEXT and question.max_words and word_count(value) > question.max_words:
            return value, _too_many_words(question.max_words, word_count(value))
        if kind is QuestionKind.URL:
            return value, url_problem(value, https_only=False)
        return value, None
    if kind is QuestionKind.SINGLE_CHOICE:
        if raw in (None, ""):
            return None, None
        return raw, None if raw in (question.choices or []) else _("Choose one of the options listed.")
    if kind is QuestionKind.MULTIPLE_CHOICE:
        values = [value for value in (raw or []) if value != ""]
        if not values:
            return None, None
        if any(value not in (question.choices or []) for value in values):
            return values, _("Choose only from the options listed.")
        return [choice for choice in question.choices if choice in values], None
    if kind is QuestionKind.NUMBER:
        return _clean_number(question, raw)
    return raw, None


def _clean_number(question: EntryQuestion, raw: Any) -> tuple[Any, str | None]:
    if raw in (None, ""):
        return None, None
    try:
        number = float(raw)
    except (TypeError, ValueError):
        return None, _("Enter a number, for example 12 or 3.5.")
    if not math.isfinite(number):
        return None, _("Enter a number, for example 12 or 3.5.")
    value: int | float = int(number) if number.is_integer() else number
    low, high = question.min_value, question.max_value
    if (low is not None and number < low) or (high is not None and number > high):
        if low is not None and high is not None:
            message = _("Enter a number from %(low)s to %(high)s.", low=_num(low), high=_num(high))
        elif low is not None:
            message = _("Enter a number of at least %(low)s.", low=_num(low))
        else:
            message = _("Enter a number of at most %(high)s.", high=_num(high))
        return value, message
    return value, None


def url_problem(value: str, *, https_only: bool) -> str | None:
    """Why ``value`` is not a usable web address (``None`` when it is)."""
    example = "https://www.example.org/page"
    if len(value) > URL_MAX_LENGTH:
        return _too_long(URL_MAX_LENGTH, len(value))
    try:
        parts = urlsplit(value)
        host = parts.hostname or ""
        parts.port  # noqa: B018 (raises ValueError on a malformed port)
    except ValueError:
        return _("Enter a full web address, for example %(example)s.", example=example)
    if https_only and parts.scheme.lower() == "http":
        return _("Use a secure link that starts with https://.")
    if parts.scheme.lower() not in (("https",) if https_only else ("http", "https")):
        if https_only:
            return _(
                "Enter a full web address starting with https://, for example %(example)s.", example=example
            )
        return _(
            "Enter a full web address starting with https:// or http://, for example %(example)s.",
            example=example,
        )
    if any(ch.isspace() for ch in value) or not _valid_host(host):
        return _("Enter a full web address, for example %(example)s.", example=example)
    return None


def refusal_message(refusal: Refusal) -> str:
    """A reader-language sentence saying which rule is broken and by how much."""
    from judging.templating import country_name

    if refusal.code == "employees":
        return _(
            "This challenge is for organisations of at most %(limit)d employees; yours has %(actual)d.",
            limit=refusal.limit,
            actual=refusal.actual,
        )
    if refusal.code == "country":
        return _(
            "This challenge is open to organisations based in %(countries)s; yours is based in %(country)s.",
            countries=", ".join(country_name(code) for code in refusal.limit),
            country=country_name(refusal.actual),
        )
    return ngettext(
        "Each organisation may submit at most %(num)d entry to this challenge; yours has already submitted "
        "%(actual)d. Withdraw another entry first to submit this one.",
        "Each organisation may submit at most %(num)d entries to this challenge; yours has already "
        "submitted %(actual)d. Withdraw another entry first to submit this one.",
        refusal.limit,
        actual=refusal.actual,
    )


def closed_message(challenge: Challenge) -> str:
    """Why the challenge does not accept changes to entries right now."""
    now = utcnow()
    if challenge.window.has_closed(now) or challenge.current_status(now) is not ChallengeStatus.OPEN:
        return _(
            "The deadline for “%(title)s” has passed: entries can no longer be started, changed, "
            "submitted or withdrawn. Nothing was changed.",
            title=challenge.title,
        )
    return _("“%(title)s” is not open for entries yet. Nothing was changed.", title=challenge.title)


def _valid_host(host: str) -> bool:
    if host.startswith("[") or re.fullmatch(r"[\d.]+", host):
        return bool(re.fullmatch(r"\d{1,3}(\.\d{1,3}){3}", host))
    labels = host.rstrip(".").split(".")
    return len(labels) >= 2 and all(_HOST_LABEL.match(label) for label in labels)


def _text(value: Any) -> str | None:
    if value is None:
        return None
    text = str(value).replace("\r\n", "\n").strip()
    return text or None


def _empty(value: Any) -> bool:
    return value is None or value == "" or value == []


def _check_words(errors: Errors, name: str, value: str | None, limit: int) -> None:
    count = word_count(value)
    if count > limit:
        _add(errors, name, _too_many_words(limit, count))


def _too_many_words(limit: int, count: int) -> str:
    return ngettext(
        "Use at most %(num)d word; this text has %(count)d.",
        "Use at most %(num)d words; this text has %(count)d.",
        limit,
        count=count,
    )


def _too_long(limit: int, count: int) -> str:
    return ngettext(
        "Use at most %(num)d character; this has %(count)d.",
        "Use at most %(num)d characters; this has %(count)d.",
        limit,
        count=count,
    )


def _num(value: float) -> str:
    return format_decimal(int(value) if float(value).is_integer() else value)


def _add(errors: Errors, name: str, message: str) -> None:
    errors.setdefault(name, []).append(message)
