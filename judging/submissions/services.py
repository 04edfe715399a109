"""Use cases of an entry: start, save, submit, attach or remove the deck, withdraw, reinstate, screen.

Each public function checks who acts and whether the challenge still accepts changes, validates
everything before changing anything, then commits once. Refusals are ``DomainError`` subclasses with
translated messages; ``EntryInvalid`` carries one list of messages per form field.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import func, select
from werkzeug.datastructures import FileStorage

from judging import permissions
from judging.accounts.models import Organisation, User
from judging.audit import record
from judging.challenges.models import Category, Challenge, EntryQuestion, entry_question_categories
from judging.core.eligibility import Applicant, Refusal, refusals
from judging.core.lifecycle import (
    SUBMISSION_TRANSITIONS,
    SubmissionStatus,
    TransitionError,
    check_transition,
)
from judging.database import utcnow
from judging.errors import ClosedForChanges, DomainError, NotAllowed
from judging.extensions import db
from judging.submissions import rules, storage
from judging.submissions.models import Answer, Deck, Submission
from judging.submissions.rules import TITLE_MAX_LENGTH, Errors, clean_entry, missing_for_submission

COUNTED_STATUSES = (SubmissionStatus.SUBMITTED, SubmissionStatus.ELIGIBLE, SubmissionStatus.INELIGIBLE)
CHANGEABLE_STATUSES = (SubmissionStatus.DRAFT, SubmissionStatus.SUBMITTED)


class EntryInvalid(DomainError):
    """The entry was refused; ``errors`` maps field names to messages, ``general`` holds the rest."""

    def __init__(self, errors: Errors, general: list[str] | None = None) -> None:
        self.errors = errors
        self.general = list(general or [])
        first = self.general[:1] or [message for messages in errors.values() for message in messages][:1]
        super().__init__(first[0] if first else _("The entry could not be saved."))


def questions_for(submission: Submission) -> list[EntryQuestion]:
    """The challenge's current questions that apply to the entry's category, in form order.

    Which categories each question is limited to comes from one query of the link table rather than a
    load per question, so a long form costs the same as a short one.
    """
    limits: dict[int, set[int]] = {}
    for question_id, category_id in db.session.execute(
        select(entry_question_categories.c.question_id, entry_question_categories.c.category_id)
        .join(EntryQuestion, EntryQuestion.id == entry_question_categories.c.question_id)
        .where(EntryQuestion.challenge_id == submission.challenge_id)
    ):
        limits.setdefault(question_id, set()).add(category_id)
    return [
        question
        for question in submission.challenge.questions
        if question.retired_at is None
        and (question.id not in limits or submission.category_id in limits[question.id])
    ]


def current_values(submission: Submission) -> dict[str, Any]:
    """The entry's stored values in the shape ``save_entry`` takes (also used to fill the form)."""
    values: dict[str, Any] = {
        name: getattr(submission, name)
        for name in ("title", "summary", "problem", "solution", "business_model", "impact", "video_url")
    }
    values["sdgs"] = list(submission.sdgs or [])
    values["stage"] = submission.stage
    values["language"] = submission.language
    values["answers"] = {answer.question_id: answer.value for answer in submission.answers}
    return values


def start_entry(challenge: Challenge, category: Category | None, title: str, *, actor: User) -> Submission:
    """Create a draft entry of the actor's organisation. Side effect: one new Submission row."""
    _require_open(challenge)
    if not actor.is_verified:
        raise NotAllowed(_("Please verify your email address before entering."))
    if actor.organisation_id is None:
        raise NotAllowed(_("Please create your organisation's profile before entering."))
    if category is None or category.challenge_id != challenge.id:
        raise DomainError(_("Choose one of this challenge's categories."), field="category")
    title = (title or "").strip()
    if not title:
        raise DomainError(_("Give your entry a title."), field="title")
    if len(title) > TITLE_MAX_LENGTH:
        raise DomainError(_("Use at most %(num)d characters.", num=TITLE_MAX_LENGTH), field="title")
    submission = Submission(
        challenge=challenge,
        category=category,
        organisation_id=actor.organisation_id,
        created_by=actor,
        status=SubmissionStatus.DRAFT,
        title=title,
        sdgs=[],
        language=actor.language,
    )
    db.session.add(submission)
    db.session.commit()
    return submission


def save_entry(
    submission: Submission, data: Mapping[str, Any], *, actor: User, deck: FileStorage | None = None
) -> None:
    """Store the entry's values (and a new deck, if given) as they are; a submitted entry stays complete.

    A draft may be incomplete, but every value given must be well formed. Nothing is stored when
    anything is refused.
    """
    _require_changeable(submission, actor)
    questions = questions_for(submission)
    cleaned, errors = clean_entry(data, questions)
    new_deck = _read_upload(deck, errors)
    if submission.status is SubmissionStatus.SUBMITTED:
        _merge(errors, missing_for_submission(cleaned, questions, has_deck=_has_deck(submission, new_deck)))
    if errors:
        raise EntryInvalid(errors)
    _apply(submission, cleaned, questions)
    storage.commit_with_deck(submission, new_deck, actor=actor)


def submit_entry(
    submission: Submission,
    data: Mapping[str, Any] | None = None,
    *,
    actor: User,
    deck: FileStorage | None = None,
) -> None:
    """Store ``data`` (when given) and submit the draft: everything required present, organisation eligible.

    Side effects: the entry becomes ``submitted`` with ``submitted_at`` set; an audit row.
    """
    _require_changeable(submission, actor)
    if submission.status is not SubmissionStatus.DRAFT:
        raise DomainError(_("This entry has already been submitted."))
    questions = questions_for(submission)
    cleaned, errors = clean_entry(current_values(submission) if data is None else data, questions)
    new_deck = _read_upload(deck, errors)
    _merge(errors, missing_for_submission(cleaned, questions, has_deck=_has_deck(submission, new_deck)))
    general = [rules.refusal_message(refusal) for refusal in eligibility_refusals(submission)]
    if errors or general:
        raise EntryInvalid(errors, general)
    _apply(submission, cleaned, questions)
    _change_status(submission, SubmissionStatus.SUBMITTED)
    submission.submitted_at = utcnow()
    _record("submission.submitted", submission, actor, SubmissionStatus.DRAFT)
    storage.commit_with_deck(submission, new_deck, actor=actor)


def attach_deck(submission: Submission, file_storage: FileStorage, *, actor: User) -> Deck:
    """Store an uploaded pitch deck as the entry's current deck; the previous one is kept, marked replaced."""
    _require_changeable(submission, actor)
    errors: Errors = {}
    new_deck = _read_upload(file_storage, errors)
    if new_deck is None:
        raise storage.DeckInvalid(errors["deck"][0] if errors else _("Choose a PDF file to upload."))
    return storage.commit_with_deck(submission, new_deck, actor=actor)


def remove_deck(submission: Submission, *, actor: User) -> None:
    """Take the current deck off a draft (the file is kept with the old versions)."""
    _require_changeable(submission, actor)
    current = storage.current_decks(submission)
    if not current:
        raise DomainError(_("This entry has no pitch deck to remove."), field="deck")
    if submission.status is not SubmissionStatus.DRAFT:
        raise DomainError(
            _("A submitted entry needs a pitch deck: upload a new file to replace it instead."), field="deck"
        )
    for deck in current:
        deck.replaced_at = utcnow()
    db.session.commit()


def withdraw_entry(submission: Submission, *, actor: User) -> None:
    """Withdraw a draft or submitted entry while the window is open. Side effect: an audit row."""
    _require_changeable(submission, actor)
    before = submission.status
    _change_status(submission, SubmissionStatus.WITHDRAWN)
    submission.withdrawn_at = utcnow()
    _record("submission.withdrawn", submission, actor, before)
    db.session.commit()


def reinstate_entry(submission: Submission, *, actor: User) -> None:
    """Bring a withdrawn entry back as a draft while the window is open (it must be submitted again)."""
    _require_member(submission, actor)
    _require_open(submission.challenge)
    _change_status(submission, SubmissionStatus.DRAFT)
    submission.withdrawn_at = None
    submission.submitted_at = None
    _record("submission.reinstated", submission, actor, SubmissionStatus.WITHDRAWN)
    db.session.commit()


def screen_entry(submission: Submission, eligible: bool, reason: str | None, *, actor: User) -> None:
    """Mark a submitted entry eligible or ineligible (a reason is required for ineligible).

    Side effects: status, reason, screener and time stored; an audit row with before and after.
    """
    if not permissions.is_organiser(submission.challenge, actor):
        raise NotAllowed(_("Only the challenge's organisers can screen its entries."))
    if not permissions.can_screen(submission, actor):
        raise DomainError(_("Only submitted entries can be screened."))
    reason = (reason or "").strip() or None
    if not eligible and reason is None:
        raise DomainError(_("Give the reason why this entry is not eligible."), field="reason")
    target = SubmissionStatus.ELIGIBLE if eligible else SubmissionStatus.INELIGIBLE
    before = {"status": submission.status, "reason": submission.screening_reason}
    if target is not submission.status:
        _change_status(submission, target)
    submission.screening_reason = reason
    submission.screened_by_id = actor.id
    submission.screened_at = utcnow()
    after = {"status": submission.status, "reason": reason}
    record(
        "submission.screened",
        submission,
        actor=actor,
        challenge_id=submission.challenge_id,
        before=before,
        after=after,
    )
    db.session.commit()


def eligibility_refusals(submission: Submission) -> list[Refusal]:
    """The challenge's eligibility rules that the entry's organisation breaks (empty when eligible)."""
    organisation = submission.organisation
    # Lock the organisation's row (PostgreSQL) so that two entries submitted at once are counted in turn.
    db.session.execute(select(Organisation.id).where(Organisation.id == organisation.id).with_for_update())
    others = db.session.scalar(
        select(func.count(Submission.id)).where(
            Submission.challenge_id == submission.challenge_id,
            Submission.organisation_id == submission.organisation_id,
            Submission.id != submission.id,
            Submission.status.in_(COUNTED_STATUSES),
        )
    )
    applicant = Applicant(
        employees=organisation.employees, country=organisation.country, other_entries=others
    )
    return refusals(submission.challenge.policy, applicant)


def _require_open(challenge: Challenge) -> None:
    if not challenge.accepts_entries():
        raise ClosedForChanges(rules.closed_message(challenge))


def _require_member(submission: Submission, actor: User) -> None:
    if not permissions.is_member(submission, actor):
        raise NotAllowed(_("Only members of the entering organisation can change this entry."))


def _require_changeable(submission: Submission, actor: User) -> None:
    _require_member(submission, actor)
    _require_open(submission.challenge)
    if submission.status not in CHANGEABLE_STATUSES:
        raise ClosedForChanges(_("This entry is no longer a draft or submitted, so it cannot be changed."))


def _change_status(submission: Submission, target: SubmissionStatus) -> None:
    try:
        check_transition(SUBMISSION_TRANSITIONS, submission.status, target)
    except TransitionError:
        raise DomainError(_("This entry cannot be changed from its current status.")) from None
    submission.status = target


def _read_upload(deck: FileStorage | None, errors: Errors) -> storage.DeckFile | None:
    if deck is None or not deck.filename:
        return None
    try:
        return storage.read_deck(deck.stream, deck.filename, int(current_app.config["MAX_DECK_BYTES"]))
    except storage.DeckInvalid as error:
        errors.setdefault("deck", []).append(error.message)
        return None


def _has_deck(submission: Submission, new_deck: storage.DeckFile | None) -> bool:
    return new_deck is not None or bool(storage.current_decks(submission))


def _apply(submission: Submission, cleaned: Mapping[str, Any], questions: list[EntryQuestion]) -> None:
    for name in ("title", "summary", "problem", "solution", "business_model", "impact", "video_url"):
        setattr(submission, name, cleaned[name])
    submission.sdgs = list(cleaned["sdgs"])
    submission.stage = cleaned["stage"]
    submission.language = cleaned.get("language") or submission.language
    existing = {answer.question_id: answer for answer in submission.answers}
    for question in questions:
        value = cleaned["answers"].get(question.id)
        answer = existing.get(question.id)
        if answer is not None:
            answer.value = value
        elif value is not None:
            submission.answers.append(Answer(question_id=question.id, value=value))


def _record(action: str, submission: Submission, actor: User, before: SubmissionStatus) -> None:
    """Audit an entrant's change of the entry's status (added to the transaction being committed)."""
    record(
        action,
        submission,
        actor=actor,
        challenge_id=submission.challenge_id,
        before={"status": before},
        after={"status": submission.status},
    )


def _merge(errors: Errors, more: Errors) -> None:
    for name, messages in more.items():
        errors.setdefault(name, []).extend(messages)
