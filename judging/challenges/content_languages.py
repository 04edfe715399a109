"""A challenge's texts in several languages: which text a reader sees, and the organisers' translations.

Organisers write a challenge in one language (``Challenge.content_language``) and may give its texts,
its categories', its entry questions', its rounds' names and its criteria's in the other languages the
site speaks. Each of
those rows keeps them in ``translations``: ``{"fr": {"title": "...", "description": "..."}}``. Choice
labels are keyed by the choice they translate (answers are stored by the default choice, so only the
label changes), level guides by level: ``{"fr": {"choices": {"Yes": "Oui"}, "guide": {"1": "..."}}}``.

``localized`` is the one rule readers see: the text in the reader's language when given and not blank,
else the default text. Organisers' pages keep showing the default text.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask import current_app
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from markupsafe import Markup, escape
from sqlalchemy import select

from judging.accounts.models import User
from judging.audit import record
from judging.challenges.models import Challenge, EntryQuestion
from judging.errors import DomainError
from judging.extensions import db
from judging.i18n import language_label, text_direction

UNLIMITED = 20000  # Markdown fields whose default has no limit of its own


@dataclass(frozen=True)
class Text:
    """A translatable field: its name, how the organisers' form labels it, its length limit."""

    field: str
    label: Any
    limit: int
    multiline: bool = False
    markdown: bool = False


TEXTS: dict[str, tuple[Text, ...]] = {
    "challenge": (
        Text("title", _l("Title"), 200),
        Text("summary", _l("Summary"), 500, multiline=True),
        Text("description", _l("Description"), UNLIMITED, multiline=True, markdown=True),
        Text("rules", _l("Rules"), UNLIMITED, multiline=True, markdown=True),
        Text("judging_terms", _l("Judging terms"), UNLIMITED, multiline=True, markdown=True),
    ),
    "category": (
        Text("name", _l("Name"), 120),
        Text("description", _l("Description"), 2000, multiline=True, markdown=True),
    ),
    "question": (
        Text("label", _l("Question"), 300),
        Text("help_text", _l("Help text"), 1000, multiline=True),
    ),
    "round": (Text("name", _l("Name"), 120),),
    "criterion": (
        Text("name", _l("Name"), 200),
        Text("description", _l("Description"), 5000, multiline=True, markdown=True),
    ),
}
CHOICE_LIMIT = 300
GUIDE_LIMIT = 1000


# Reading --------------------------------------------------------------------------------------------


def reader_language(locale: object = None) -> str:
    """The language code texts are chosen by: ``locale`` when given, else the reader's."""
    return str(locale or get_locale() or current_app.config["BABEL_DEFAULT_LOCALE"])


def _given(obj: Any, language: str) -> dict[str, Any]:
    given = (getattr(obj, "translations", None) or {}).get(language)
    return given if isinstance(given, dict) else {}


def _blank(value: Any) -> bool:
    return not isinstance(value, str) or not value.strip()


def _chosen(obj: Any, language: str, value: Any, default: Any) -> Any:
    """``value`` (a translation into ``language``) when it is given and not blank, else ``default``.

    A translation into the language the challenge is now written in is left unused (the organisers
    changed the challenge's language after translating into it).
    """
    return default if _blank(value) or language == content_language(obj) else value


def localized(obj: Any, field: str, locale: object = None) -> Any:
    """The text of ``obj.field`` in the reader's language when given and not blank, else the default."""
    language = reader_language(locale)
    return _chosen(obj, language, _given(obj, language).get(field), getattr(obj, field))


def content_language(obj: Any) -> str:
    """The language the default texts of ``obj`` (a challenge, or one of its parts) are written in."""
    challenge = obj if isinstance(obj, Challenge) else getattr(obj, "challenge", None)
    if challenge is None and getattr(obj, "round", None) is not None:
        challenge = obj.round.challenge
    return getattr(challenge, "content_language", None) or current_app.config["BABEL_DEFAULT_LOCALE"]


def shown_language(obj: Any, field: str, locale: object = None) -> str:
    """The language of the text ``localized`` gives for this field."""
    language = reader_language(locale)
    return language if not _blank(_given(obj, language).get(field)) else content_language(obj)


def lang_attrs(obj: Any, field: str) -> Markup:
    """`` lang="en" dir="ltr"`` for an element whose text is not in the page's language, else nothing."""
    if obj is None:
        return Markup("")
    shown = shown_language(obj, field)
    if shown == reader_language():
        return Markup("")
    return Markup(' lang="{}" dir="{}"').format(shown, text_direction(shown))


def frozen_text(obj: Any, field: str, frozen: str | None, locale: object = None) -> str | None:
    """A text frozen elsewhere (published results, certificates), in the reader's language when ``obj``
    still has that default text (a renamed row's translation belongs to its new name)."""
    if obj is None or getattr(obj, field) != frozen:
        return frozen
    return localized(obj, field, locale)


def by_id(rows: Any) -> dict[int, Any]:
    """Rows by their id (to find the live row of a name frozen in published data)."""
    return {row.id: row for row in rows}


def choice_label(question: EntryQuestion, choice: str, locale: object = None) -> str:
    """The label of one of a question's choices in the reader's language (the choice itself by default)."""
    language = reader_language(locale)
    return _chosen(question, language, (_given(question, language).get("choices") or {}).get(choice), choice)


def guide_text(criterion: Any, level: str, default: str, locale: object = None) -> str:
    """A criterion's description of one score level, in the reader's language when given."""
    language = reader_language(locale)
    value = (_given(criterion, language).get("guide") or {}).get(str(level))
    return _chosen(criterion, language, value, default)


def localized_span(obj: Any, field: str) -> Markup:
    """The localized text, escaped, wrapped in a ``lang`` span when it is not in the page's language."""
    attrs = lang_attrs(obj, field)
    text = escape(localized(obj, field) or "")
    return Markup("<span{}>{}</span>").format(attrs, text) if attrs else text


# The organisers' translations -----------------------------------------------------------------------


def target_languages(challenge: Challenge) -> list[str]:
    """The languages a challenge's texts may be translated into (every language but its own)."""
    return [code for code in current_app.config["LANGUAGES"] if code != challenge.content_language]


@dataclass(frozen=True)
class Slot:
    """One translatable text on the organisers' form: a field of a row, or one choice or guide level."""

    name: str  # the form field's name
    obj: Any
    field: str  # "title", ..., "choices" or "guide"
    part: str | None  # the choice or the level, for "choices" and "guide"
    default: str
    label: str
    limit: int
    multiline: bool = False
    markdown: bool = False

    def current(self, language: str) -> str:
        given = _given(self.obj, language).get(self.field)
        if self.part is not None:
            given = (given or {}).get(self.part) if isinstance(given, dict) else None
        return given if isinstance(given, str) else ""


@dataclass(frozen=True)
class Group:
    """The slots of one row (the challenge, a category, a question, a round or a criterion), under a
    heading."""

    heading: str  # what kind of row
    subject: str  # its default name
    slots: list[Slot]


def live_criteria(challenge: Challenge) -> list[Any]:
    from judging.assignments.models import Round
    from judging.scoring.models import Criterion

    return list(
        db.session.scalars(
            select(Criterion)
            .join(Round, Criterion.round_id == Round.id)
            .where(Round.challenge_id == challenge.id, Criterion.retired_at.is_(None))
            .order_by(Round.position, Round.id, Criterion.position, Criterion.id)
        )
    )


def _text_slots(kind: str, prefix: str, obj: Any) -> list[Slot]:
    return [
        Slot(
            name=f"{prefix}-{text.field}",
            obj=obj,
            field=text.field,
            part=None,
            default=getattr(obj, text.field) or "",
            label=str(text.label),
            limit=text.limit,
            multiline=text.multiline,
            markdown=text.markdown,
        )
        for text in TEXTS[kind]
        if getattr(obj, text.field)
    ]


def groups(challenge: Challenge) -> list[Group]:
    """Every translatable text of the challenge: its own, its categories', its live questions', and each
    round's name followed by its criteria (rubric order); blank default texts are left out (there is
    nothing to translate)."""
    result = [Group(_("Challenge"), challenge.title, _text_slots("challenge", "challenge", challenge))]
    for category in challenge.categories:
        slots = _text_slots("category", f"category-{category.id}", category)
        result.append(Group(_("Category"), category.name, slots))
    for question in challenge.questions:
        if question.retired_at is not None:
            continue
        slots = _text_slots("question", f"question-{question.id}", question)
        slots += [
            Slot(
                f"question-{question.id}-choice-{index}",
                question,
                "choices",
                choice,
                choice,
                "",
                CHOICE_LIMIT,
            )
            for index, choice in enumerate(question.choices or [])
        ]
        result.append(Group(_("Question"), question.label, slots))
    criteria: dict[int, list[Any]] = {}
    for criterion in live_criteria(challenge):
        criteria.setdefault(criterion.round_id, []).append(criterion)
    from judging.assignments.round_services import rounds_of

    for round_ in rounds_of(challenge):
        result.append(Group(_("Round"), round_.name, _text_slots("round", f"round-{round_.id}", round_)))
        result += [_criterion_group(criterion) for criterion in criteria.get(round_.id, [])]
    return [group for group in result if group.slots]


def _criterion_group(criterion: Any) -> Group:
    """A criterion's name, description and level guides, under its round's and its own name."""
    slots = _text_slots("criterion", f"criterion-{criterion.id}", criterion)
    slots += [
        Slot(
            f"criterion-{criterion.id}-guide-{level}",
            criterion,
            "guide",
            str(level),
            text,
            str(level),
            GUIDE_LIMIT,
            multiline=True,
        )
        for level, text in sorted((criterion.guide or {}).items(), key=lambda item: int(item[0]))
        if text
    ]
    return Group(_("Criterion"), f"{criterion.round.name} · {criterion.name}", slots)


def _updated(current: dict[str, Any], slots: list[Slot], values: dict[str, str]) -> dict[str, Any]:
    """One row's translations in one language, with the typed values of its slots applied."""
    updated = dict(current)
    for slot in slots:
        value = (values.get(slot.name) or "").strip()
        if slot.part is None:
            if value:
                updated[slot.field] = value
            else:
                updated.pop(slot.field, None)
            continue
        parts = dict(updated.get(slot.field) or {})
        if value:
            parts[slot.part] = value
        else:
            parts.pop(slot.part, None)
        if parts:
            updated[slot.field] = parts
        else:
            updated.pop(slot.field, None)
    return updated


def check_values(challenge: Challenge, values: dict[str, str]) -> None:
    """Refuse translated names that two categories, or two rounds, share (``DomainError`` naming the
    field)."""
    from judging.assignments.round_services import rounds_of

    repeated = _repeated(values, [f"category-{category.id}-name" for category in challenge.categories])
    if repeated:
        raise DomainError(_("This challenge already has a category with this name."), repeated[0])
    repeated = _repeated(values, [f"round-{round_.id}-name" for round_ in rounds_of(challenge)])
    if repeated:
        name, typed = repeated
        raise DomainError(_("Another round of this challenge is called %(name)s.", name=typed), name)


def _repeated(values: dict[str, str], names: list[str]) -> tuple[str, str] | None:
    """The first of the fields ``names`` whose typed text (trimmed, in any case) an earlier one has, with
    that text; None when they all differ (blank ones never clash)."""
    seen: set[str] = set()
    for name in names:
        typed = (values.get(name) or "").strip()
        if typed and typed.casefold() in seen:
            return name, typed
        seen.add(typed.casefold())
    return None


def save_translations(challenge: Challenge, language: str, values: dict[str, str], *, actor: User) -> int:
    """Store the typed translations of every slot in ``language`` (blank: none); returns how many rows
    changed. Audited once as ``challenge.translations`` with the changed rows' texts. One commit."""
    if language not in target_languages(challenge):
        raise DomainError(_("Choose a language from the list."))
    check_values(challenge, values)
    by_row: dict[tuple[str, int], list[Slot]] = {}
    for group in groups(challenge):
        for slot in group.slots:
            by_row.setdefault((type(slot.obj).__name__, slot.obj.id), []).append(slot)
    before: dict[str, Any] = {}
    after: dict[str, Any] = {}
    for (kind, row_id), slots in by_row.items():
        obj = slots[0].obj
        current = _given(obj, language)
        updated = _updated(current, slots, values)
        if updated == current:
            continue
        translations = {key: value for key, value in (obj.translations or {}).items() if key != language}
        if updated:
            translations[language] = updated
        obj.translations = translations  # a new dict: JSON columns track assignment, not mutation
        key = f"{kind}:{row_id}"
        before[key], after[key] = current, updated
    if after:
        record(
            "challenge.translations",
            challenge,
            actor=actor,
            challenge_id=challenge.id,
            before={"language": language, **before},
            after={"language": language, **after},
        )
    db.session.commit()
    return len(after)


def set_content_language(challenge: Challenge, language: str, *, actor: User) -> bool:
    """Change the language the challenge is written in; audited as ``challenge.update``. One commit."""
    if language not in current_app.config["LANGUAGES"]:
        raise DomainError(_("Choose a language from the list."), "content_language")
    if language == challenge.content_language:
        return False
    record(
        "challenge.update",
        challenge,
        actor=actor,
        challenge_id=challenge.id,
        before={"content_language": challenge.content_language},
        after={"content_language": language},
    )
    challenge.content_language = language
    db.session.commit()
    return True


def init_jinja(env: Any) -> None:
    """``{{ challenge|tr('title') }}``, ``<h1{{ tr_attrs(challenge, 'title') }}>``, ``tr_span``,
    ``choice_label``, ``guide_text`` and ``language_label`` for templates."""
    env.filters["tr"] = localized
    env.globals["tr"] = localized
    env.globals["tr_attrs"] = lang_attrs
    env.globals["tr_span"] = localized_span
    env.globals["choice_label"] = choice_label
    env.globals["frozen_text"] = frozen_text
    env.globals["by_id"] = by_id
    env.globals["guide_text"] = guide_text
    env.globals["language_label"] = language_label
