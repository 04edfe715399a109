"""Entrants' pages: the dashboard, starting an entry, the entry form, its deck, withdrawing and reinstating.

Every page loads the entry through ``visible_submissions`` (404 for anyone who may not see it), and only
members of the entering organisation reach the pages that change it.
"""

from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy.orm import joinedload

from judging import permissions
from judging.challenges.models import Category, Challenge
from judging.core.lifecycle import ChallengeStatus, SubmissionStatus
from judging.core.text import slugify
from judging.errors import DomainError
from judging.extensions import db, login_manager
from judging.labels import label
from judging.storage import send_stored
from judging.submissions import rules, services, storage
from judging.submissions.forms import LONG_TEXTS, EntryForm, StartForm, entry_form
from judging.submissions.models import Submission
from judging.typed import expired_message, login_keeping_typed, signed_out_page

bp = Blueprint("submissions", __name__)


def load_submission(submission_id: int) -> Submission:
    """The entry if the current user may see it, else 404."""
    submission = db.session.scalar(
        permissions.visible_submissions(current_user).where(Submission.id == submission_id)
    )
    if submission is None or not permissions.can_view_submission(submission, current_user):
        abort(404)
    return submission


def load_own_submission(submission_id: int) -> Submission:
    """The entry if the current user belongs to its organisation, else 404."""
    submission = load_submission(submission_id)
    if not permissions.is_member(submission, current_user):
        abort(404)
    return submission


@bp.route("/entries/")
@login_required
def dashboard():
    entries: list[Submission] = []
    if current_user.organisation_id is not None:
        entries = list(
            db.session.scalars(
                permissions.visible_submissions(current_user)
                .where(Submission.organisation_id == current_user.organisation_id)
                .options(joinedload(Submission.challenge), joinedload(Submission.category))
                .order_by(Submission.created_at.desc(), Submission.id.desc())
            )
        )
    entered = {entry.challenge_id for entry in entries}
    candidates = db.session.scalars(
        permissions.visible_challenges(current_user)
        .where(Challenge.status == ChallengeStatus.OPEN)
        .order_by(Challenge.closes_at, Challenge.id)
    )
    open_challenges = [c for c in candidates if c.accepts_entries() and c.id not in entered]
    return render_template(
        "submissions/dashboard.html",
        entries=entries,
        open_challenges=open_challenges,
    )


@bp.route("/challenges/<slug>/enter", methods=["GET", "POST"])
def start(slug: str):
    challenge = db.session.scalar(permissions.visible_challenges(current_user).where(Challenge.slug == slug))
    if challenge is None:
        abort(404)
    if request.method == "POST" and not current_user.is_authenticated:
        return login_manager.unauthorized()
    form = StartForm(challenge.categories)
    if permissions.can_enter(challenge, current_user) and form.validate_on_submit():
        category = db.session.get(Category, form.category.data)
        try:
            submission = services.start_entry(challenge, category, form.title.data, actor=current_user)
        except DomainError as error:
            _show(form, error)
        else:
            flash(
                _("Your draft has been created. Fill in the form and save it as often as you like."),
                "success",
            )
            return redirect(url_for(".edit", submission_id=submission.id))
    return render_template(
        "submissions/start.html",
        challenge=challenge,
        form=form,
        missing=_missing_to_enter(),
        closed_message=None if challenge.accepts_entries() else rules.closed_message(challenge),
    )


def _missing_to_enter() -> list[str]:
    """What the visitor still needs before entering: "sign_in", "verify", "organisation"."""
    if not current_user.is_authenticated:
        return ["sign_in"]
    missing = []
    if not current_user.is_verified:
        missing.append("verify")
    if current_user.organisation_id is None:
        missing.append("organisation")
    return missing


@bp.route("/entries/<int:submission_id>")
@login_required
def view(submission_id: int):
    submission = load_submission(submission_id)
    return render_template(
        "submissions/view.html",
        submission=submission,
        questions=services.questions_for(submission),
        closed_message=None
        if submission.challenge.accepts_entries()
        else rules.closed_message(submission.challenge),
    )


@bp.route("/entries/<int:submission_id>/edit", methods=["GET", "POST"])
@login_keeping_typed(
    lambda submission_id: render_signed_out(submission_id),
    lambda submission_id: render_expired(submission_id),
)
def edit(submission_id: int):
    submission = load_own_submission(submission_id)
    if request.method == "GET" and not permissions.can_edit_submission(submission, current_user):
        flash(_refusal_reason(submission), "error")
        return redirect(url_for(".view", submission_id=submission.id))
    questions = services.questions_for(submission)
    form = entry_form(
        questions,
        max_deck_bytes=int(current_app.config["MAX_DECK_BYTES"]),
        values=services.current_values(submission) if request.method == "GET" else None,
    )
    if form.validate_on_submit():
        submitting = request.form.get("action") == "submit"
        was_draft = submission.status is SubmissionStatus.DRAFT
        try:
            if submitting and was_draft:
                services.submit_entry(submission, form.entry_data(), deck=form.deck.data, actor=current_user)
            else:
                services.save_entry(submission, form.entry_data(), deck=form.deck.data, actor=current_user)
        except DomainError as error:
            _show(form, error)
        else:
            if submitting and was_draft:
                flash(
                    _("Your entry has been submitted. You can still change it until the deadline."), "success"
                )
                return redirect(url_for(".view", submission_id=submission.id))
            if was_draft:
                flash(_("Your draft has been saved."), "success")
                return redirect(url_for(".edit", submission_id=submission.id))
            flash(_("Your changes have been saved. The entry is still submitted."), "success")
            return redirect(url_for(".view", submission_id=submission.id))
    if request.method == "POST" and form.deck.data:
        form.form_errors.append(_file_not_kept(submission))
    return render_template("submissions/edit.html", submission=submission, form=form, questions=questions)


def render_expired(submission_id: int):
    """The form's token no longer matched (the session ended or changed): the edit form again, exactly as
    typed, with a fresh token and nothing saved."""
    submission = load_own_submission(submission_id)
    questions = services.questions_for(submission)
    form = entry_form(questions, max_deck_bytes=int(current_app.config["MAX_DECK_BYTES"]))
    form.form_errors.append(expired_message())
    if request.files.get("deck"):
        form.form_errors.append(_file_not_kept(submission))
    page = render_template("submissions/edit.html", submission=submission, form=form, questions=questions)
    return page, 400


def render_signed_out(submission_id: int):
    """Signed out while writing: the posted values kept in the page (see ``judging.typed``)."""
    return signed_out_page(
        url_for(".edit", submission_id=submission_id),
        EntryForm,
        ("title", "summary", *LONG_TEXTS, "video_url"),
        lines=("title", "video_url"),
    )


@bp.route("/entries/<int:submission_id>/deck")
@login_required
def deck(submission_id: int):
    submission = load_submission(submission_id)
    current = submission.deck
    if current is None or not permissions.can_download_deck(submission, current_user):
        abort(404)
    try:
        response = send_stored(
            storage.deck_key(current.storage_name),
            mimetype="application/pdf",
            as_attachment=True,
            download_name=(slugify(submission.title) or "pitch-deck") + ".pdf",
            max_age=0,
            etag=current.sha256,
            last_modified=current.uploaded_at,
        )
    except OSError:
        current_app.logger.error(
            "deck file missing for submission %s: %s", submission.id, current.storage_name
        )
        abort(404)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.route("/entries/<int:submission_id>/deck/remove", methods=["POST"])
@login_required
def remove_deck(submission_id: int):
    submission = load_own_submission(submission_id)
    return _act(submission, services.remove_deck, _("The pitch deck has been removed."), ".edit")


@bp.route("/entries/<int:submission_id>/withdraw", methods=["GET", "POST"])
@login_required
def withdraw(submission_id: int):
    submission = load_own_submission(submission_id)
    if request.method == "POST":
        return _act(submission, services.withdraw_entry, _("Your entry has been withdrawn."), ".view")
    if not permissions.can_withdraw(submission, current_user):
        flash(_refusal_reason(submission), "error")
        return redirect(url_for(".view", submission_id=submission.id))
    return render_template("submissions/withdraw.html", submission=submission)


@bp.route("/entries/<int:submission_id>/reinstate", methods=["POST"])
@login_required
def reinstate(submission_id: int):
    submission = load_own_submission(submission_id)
    message = _("Your entry is a draft again. Submit it before the deadline for it to count.")
    return _act(submission, services.reinstate_entry, message, ".edit")


def _file_not_kept(submission: Submission) -> str:
    message = _(
        "Nothing was saved, including the file you chose. Browsers cannot keep a chosen file when a form "
        "is shown again: please choose it again after correcting the problems."
    )
    if submission.deck is not None:
        message += " " + _("The pitch deck stored before is unchanged.")
    return message


def _act(submission: Submission, action, success: str, then: str):
    """Run one service on the entry, then show the outcome (the refusal, when refused) on the next page."""
    try:
        action(submission, actor=current_user)
    except DomainError as error:
        flash(error.message, "error")
        return redirect(url_for(".view", submission_id=submission.id))
    flash(success, "success")
    return redirect(url_for(then, submission_id=submission.id))


def _refusal_reason(submission: Submission) -> str:
    if not submission.challenge.accepts_entries():
        return rules.closed_message(submission.challenge)
    return _("This entry is “%(status)s”, so it cannot be changed.", status=label(submission.status))


def _show(form, error: DomainError) -> None:
    """Put a refusal on the form: each message on its field, the rest at the top."""
    if isinstance(error, services.EntryInvalid):
        for name, messages in error.errors.items():
            _field_errors(form, name, messages)
        form.form_errors.extend(error.general)
        return
    _field_errors(form, error.field, [error.message])


def _field_errors(form, name: str | None, messages: list[str]) -> None:
    field = getattr(form, name, None) if name else None
    if field is None:
        form.form_errors.extend(messages)
    else:
        if not isinstance(field.errors, list):
            field.errors = list(field.errors)
        field.errors.extend(messages)
