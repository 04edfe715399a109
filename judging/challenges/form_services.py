"""Use cases for a challenge's categories and entry-form questions: add, edit, delete, reorder.

Each public function commits once and records an audit event. A category that holds entries cannot be
deleted; a question that has answers is retired (hidden from forms, kept for the answers), never deleted.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from flask_babel import gettext as _
from sqlalchemy import func, select

from judging.accounts.models import User
from judging.audit import changes, record
from judging.challenges.models import Category, Challenge, EntryQuestion, QuestionKind
from judging.database import utcnow
from judging.errors import DomainError
from judging.extensions import db
from judging.submissions.models import Answer, Submission

Direction = Literal["up", "down"]
CHOICE_KINDS = (QuestionKind.SINGLE_CHOICE, QuestionKind.MULTIPLE_CHOICE)
DEFAULT_MAX_LENGTH = 200
DEFAULT_MAX_WORDS = 500


def _swap(items: list, item: object, direction: Direction) -> bool:
    """Renumber ``items`` 0..n-1 in their order with ``item`` moved one place; False at either end."""
    index = items.index(item)
    other = index - 1 if direction == "up" else index + 1
    if other < 0 or other >= len(items):
        return False
    items[index], items[other] = items[other], items[index]
    _renumber(items)
    return True


def _renumber(items: list) -> None:
    for position, each in enumerate(items):
        each.position = position


# Categories ---------------------------------------------------------------------------------------


def _check_category_name(challenge: Challenge, name: str, category: Category | None) -> str:
    name = name.strip()
    for other in challenge.categories:
        if other is not category and other.name.casefold() == name.casefold():
            raise DomainError(_("This challenge already has a category with this name."), "name")
    return name


def add_category(challenge: Challenge, *, name: str, description: str | None, actor: User) -> Category:
    """A new category at the end of the list. Audited as ``category.add``."""
    name = _check_category_name(challenge, name, None)
    position = max((cat.position for cat in challenge.categories), default=-1) + 1
    category = Category(name=name, description=(description or "").strip() or None, position=position)
    challenge.categories.append(category)
    db.session.flush()
    record("category.add", category, actor=actor, challenge_id=challenge.id, after={"name": name})
    db.session.commit()
    return category


def update_category(category: Category, *, name: str, description: str | None, actor: User) -> Category:
    """Rename or re-describe a category. Audited as ``category.update`` (changed fields only)."""
    fields = {
        "name": _check_category_name(category.challenge, name, category),
        "description": (description or "").strip() or None,
    }
    before, after = changes(category, fields)
    if after:
        for key, value in after.items():
            setattr(category, key, value)
        record(
            "category.update",
            category,
            actor=actor,
            challenge_id=category.challenge_id,
            before=before,
            after=after,
        )
        db.session.commit()
    return category


def category_entry_count(category: Category) -> int:
    """Entries of any status (drafts included) filed in this category."""
    return db.session.scalar(select(func.count()).where(Submission.category_id == category.id)) or 0


def delete_category(category: Category, *, actor: User) -> None:
    """Delete a category that holds no entries and is not the only category of some question.

    Audited as ``category.delete``.
    """
    entries = category_entry_count(category)
    if entries:
        raise DomainError(
            _(
                "%(name)s cannot be deleted: it holds %(count)d entries. Rename it instead.",
                name=category.name,
                count=entries,
            )
        )
    challenge = category.challenge
    for question in challenge.questions:
        if question.retired_at is None and [cat.id for cat in question.categories] == [category.id]:
            raise DomainError(
                _(
                    "%(name)s cannot be deleted: the question “%(question)s” is asked only in it. "
                    "Change or delete that question first.",
                    name=category.name,
                    question=question.label,
                )
            )
        if category in question.categories:
            question.categories.remove(category)
    record(
        "category.delete", category, actor=actor, challenge_id=challenge.id, before={"name": category.name}
    )
    challenge.categories.remove(category)
    _renumber(challenge.categories)
    db.session.commit()


def move_category(category: Category, direction: Direction, *, actor: User) -> None:
    """Move a category one place up or down in the list. Audited as ``category.move``."""
    challenge = category.challenge
    ordered = list(challenge.categories)
    before = [cat.name for cat in ordered]
    if _swap(ordered, category, direction):
        record(
            "category.move",
            category,
            actor=actor,
            challenge_id=challenge.id,
            before={"order": before},
            after={"order": [cat.name for cat in ordered]},
        )
        db.session.commit()


# Questions ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class QuestionSpec:
    """What the question form sets; fields that do not fit the kind are ignored."""

    label: str
    kind: QuestionKind
    required: bool = False
    help_text: str | None = None
    max_length: int | None = None
    max_words: int | None = None
    choices: list[str] = field(default_factory=list)
    min_value: float | None = None
    max_value: float | None = None
    category_ids: list[int] = field(default_factory=list)


def active_questions(challenge: Challenge) -> list[EntryQuestion]:
    """The questions shown on the entry form (retired ones left out), in order."""
    return [question for question in challenge.questions if question.retired_at is None]


def answer_count(question: EntryQuestion) -> int:
    return db.session.scalar(select(func.count()).where(Answer.question_id == question.id)) or 0


def _values(challenge: Challenge, spec: QuestionSpec) -> dict[str, object]:
    """The column values for ``spec``, checked against the rules of its kind."""
    kind = spec.kind
    choices: list[str] = []
    if kind in CHOICE_KINDS:
        seen: set[str] = set()
        for choice in (choice.strip() for choice in spec.choices):
            if not choice:
                continue
            if choice.casefold() in seen:
                raise DomainError(_("“%(choice)s” is listed twice.", choice=choice), "choices")
            seen.add(choice.casefold())
            choices.append(choice)
        if len(choices) < 2:
            raise DomainError(_("Give at least two choices, one per line."), "choices")
    low, high = spec.min_value, spec.max_value
    if kind is QuestionKind.NUMBER and low is not None and high is not None and low > high:
        raise DomainError(_("The maximum must not be smaller than the minimum."), "max_value")
    by_id = {cat.id: cat for cat in challenge.categories}
    unknown = [cat_id for cat_id in spec.category_ids if cat_id not in by_id]
    if unknown:
        raise DomainError(_("Choose categories of this challenge only."), "categories")
    return {
        "label": spec.label.strip(),
        "kind": kind,
        "required": spec.required,
        "help_text": (spec.help_text or "").strip() or None,
        "max_length": (spec.max_length or DEFAULT_MAX_LENGTH) if kind is QuestionKind.SHORT_TEXT else None,
        "max_words": (spec.max_words or DEFAULT_MAX_WORDS) if kind is QuestionKind.LONG_TEXT else None,
        "choices": choices,
        "min_value": spec.min_value if kind is QuestionKind.NUMBER else None,
        "max_value": spec.max_value if kind is QuestionKind.NUMBER else None,
        "categories": [by_id[cat_id] for cat_id in sorted(set(spec.category_ids), key=list(by_id).index)],
    }


def add_question(challenge: Challenge, spec: QuestionSpec, *, actor: User) -> EntryQuestion:
    """A new question at the end of the entry form. Audited as ``question.add``."""
    values = _values(challenge, spec)
    position = max((question.position for question in challenge.questions), default=-1) + 1
    question = EntryQuestion(position=position, **values)
    challenge.questions.append(question)
    db.session.flush()
    record("question.add", question, actor=actor, challenge_id=challenge.id, after=_describe(values))
    db.session.commit()
    return question


def update_question(question: EntryQuestion, spec: QuestionSpec, *, actor: User) -> EntryQuestion:
    """Change a question; its kind stays once it has answers. Audited as ``question.update``."""
    values = _values(question.challenge, spec)
    if values["kind"] is not question.kind and answer_count(question):
        raise DomainError(_("Entries have answered this question, so its kind cannot change."), "kind")
    before, after = changes(question, values)
    if after:
        for key, value in after.items():
            setattr(question, key, value)
        record(
            "question.update",
            question,
            actor=actor,
            challenge_id=question.challenge_id,
            before=_describe(before),
            after=_describe(after),
        )
        db.session.commit()
    return question


def _describe(values: dict[str, object]) -> dict[str, object]:
    """Audit-friendly values: categories by name."""
    out = dict(values)
    if "categories" in out:
        out["categories"] = [cat.name for cat in out["categories"]]  # type: ignore[union-attr]
    return out


def delete_question(question: EntryQuestion, *, actor: User) -> Literal["deleted", "retired"]:
    """Delete an unanswered question, or retire an answered one so its answers stay readable.

    Audited as ``question.delete`` or ``question.retire``.
    """
    challenge = question.challenge
    if answer_count(question):
        question.retired_at = utcnow()
        record(
            "question.retire",
            question,
            actor=actor,
            challenge_id=challenge.id,
            before={"label": question.label},
        )
        outcome: Literal["deleted", "retired"] = "retired"
    else:
        record(
            "question.delete",
            question,
            actor=actor,
            challenge_id=challenge.id,
            before={"label": question.label},
        )
        challenge.questions.remove(question)
        outcome = "deleted"
    _renumber(active_questions(challenge))
    db.session.commit()
    return outcome


def move_question(question: EntryQuestion, direction: Direction, *, actor: User) -> None:
    """Move an active question one place up or down on the form. Audited as ``question.move``."""
    ordered = active_questions(question.challenge)
    before = [each.label for each in ordered]
    if _swap(ordered, question, direction):
        record(
            "question.move",
            question,
            actor=actor,
            challenge_id=question.challenge_id,
            before={"order": before},
            after={"order": [each.label for each in ordered]},
        )
        db.session.commit()
