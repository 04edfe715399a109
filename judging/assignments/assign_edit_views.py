"""Organisers' hand-made changes to a round's assignments: add, remove, swap, and import from CSV.

Each page loads the managed challenge, the round and the assignment (404 otherwise), then calls one
service of ``assign_edits``; a refusal is shown with the rule it would break and nothing is written.
"""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user, login_required

from judging.assignments import assign_edits
from judging.assignments.assign_forms import AddForm, ImportForm, SwapForm
from judging.assignments.assign_overview import swap_candidates
from judging.assignments.assign_views import bp, load_assignment, round_url
from judging.assignments.loaders import managed_round
from judging.assignments.models import AssignmentStatus, Judge, Round
from judging.core.lifecycle import SubmissionStatus
from judging.extensions import db
from judging.submissions.models import Submission


def _back(value: str | None, round_: Round) -> str:
    """Where to go after an action: a page of the organisers' area named by the form, else the round."""
    if value and value.startswith("/manage/") and "//" not in value and "\\" not in value:
        return value
    return round_url(round_)


@bp.route("/<slug>/rounds/<int:round_id>/assignments/add", methods=["POST"])
@login_required
def add_manual(slug: str, round_id: int):
    challenge, round_ = managed_round(slug, round_id)
    form = AddForm()
    back = _back(form.next.data, round_)
    if not form.validate_on_submit():
        flash(_("Choose a judge and an entry."), "error")
        return redirect(back)
    judge = db.session.get(Judge, form.judge_id.data)
    submission = db.session.get(Submission, form.submission_id.data)
    if judge is None or judge.challenge_id != challenge.id:
        flash(_("There is no such judge in this challenge."), "error")
        return redirect(back)
    if (
        submission is None
        or submission.challenge_id != challenge.id
        or submission.status is SubmissionStatus.DRAFT
    ):
        flash(_("There is no such entry in this challenge."), "error")
        return redirect(back)
    try:
        assign_edits.add_assignment(round_, judge, submission, actor=current_user)
    except assign_edits.AssignmentRefused as error:
        flash(error.message, "error")
    else:
        flash(_("%(name)s now has “%(title)s”.", name=judge.name, title=submission.title), "success")
    return redirect(back)


@bp.route("/<slug>/rounds/<int:round_id>/assignments/<int:assignment_id>/remove", methods=["POST"])
@login_required
def remove(slug: str, round_id: int, assignment_id: int):
    _challenge, round_ = managed_round(slug, round_id)
    assignment = load_assignment(round_, assignment_id)
    name, title = assignment.judge.name, assignment.submission.title
    try:
        assign_edits.remove_assignment(assignment, actor=current_user)
    except assign_edits.AssignmentRefused as error:
        flash(error.message, "error")
    else:
        flash(_("%(name)s no longer has “%(title)s”.", name=name, title=title), "success")
    return redirect(round_url(round_))


@bp.route("/<slug>/rounds/<int:round_id>/assignments/<int:assignment_id>/swap", methods=["GET", "POST"])
@login_required
def swap(slug: str, round_id: int, assignment_id: int):
    challenge, round_ = managed_round(slug, round_id)
    assignment = load_assignment(round_, assignment_id)
    if assignment.status is not AssignmentStatus.ASSIGNED:
        flash(_("Only an assignment that is not yet scored or recused can be swapped."), "error")
        return redirect(round_url(round_))
    suggestions, others = swap_candidates(assignment)
    choices = {
        _("Suggested"): [(item.judge.id, item.judge.name) for item in suggestions],
        _("Other judges"): [(judge.id, judge.name) for judge in others],
    }
    form = SwapForm({group: items for group, items in choices.items() if items})
    if request.method == "GET" and suggestions:
        form.judge_id.data = suggestions[0].judge.id
    if form.validate_on_submit():
        judge = db.session.get(Judge, form.judge_id.data)
        if judge is None:
            abort(404)
        previous = assignment.judge.name
        title = assignment.submission.title
        try:
            assign_edits.swap_judge(assignment, judge, actor=current_user)
        except assign_edits.AssignmentRefused as error:
            form.judge_id.errors = [*form.judge_id.errors, error.message]
        else:
            flash(
                _("%(new)s replaces %(old)s on “%(title)s”.", new=judge.name, old=previous, title=title),
                "success",
            )
            return redirect(round_url(round_))
    return render_template(
        "assignments/swap.html",
        challenge=challenge,
        round=round_,
        assignment=assignment,
        suggestions=suggestions,
        form=form,
    )


@bp.route("/<slug>/rounds/<int:round_id>/assignments/import", methods=["GET", "POST"])
@login_required
def import_csv(slug: str, round_id: int):
    challenge, round_ = managed_round(slug, round_id)
    form = ImportForm()
    errors: list[str] = []
    if form.validate_on_submit():
        text = form.csv_text.data or ""
        upload = form.csv_file.data
        if upload and getattr(upload, "filename", ""):
            try:
                text = upload.read(2_000_000).decode("utf-8-sig")
            except UnicodeDecodeError:
                form.csv_file.errors = [
                    _("This file is not UTF-8 text. Save it as “CSV UTF-8” and try again.")
                ]
                text = ""
            form.csv_text.data = text
        if not form.csv_file.errors:
            if not text.strip():
                form.csv_text.errors = [_("Paste the assignments or choose a CSV file.")]
            else:
                try:
                    created = assign_edits.import_assignments(round_, text, actor=current_user)
                except assign_edits.ImportRefused as refusal:
                    form.form_errors.append(refusal.message)
                    errors = refusal.errors
                else:
                    flash(
                        ngettext(
                            "%(num)d assignment imported.", "%(num)d assignments imported.", len(created)
                        ),
                        "success",
                    )
                    return redirect(round_url(round_))
    return render_template(
        "assignments/import.html", challenge=challenge, round=round_, form=form, errors=errors
    )
