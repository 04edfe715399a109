"""The judge's scoring page (blueprint ``scoring``): the entry, the rubric and the sheet form.

GET/POST ``/judging/<slug>/entries/<assignment_id>/score`` (endpoint ``scoring.sheet``; the load
benchmark drives it, keep the contract). Form fields: ``csrf_token``, ``version`` (hidden, the sheet
version loaded; 0 before the first save), ``mark-<criterion id>``, ``feedback``, ``private_note`` and the
button ``action`` = ``save`` | ``submit`` | ``save_next``. Answers: 303 after a save; 200 with field
errors; 409 when the sheet changed since it was loaded (both versions side by side, the stored version
in the hidden field so a deliberate re-save works) or when the round is closed (nothing saved); 404 when
the assignment is not (or no longer) the judge's.

Nothing typed is ever lost (see ``judging.typed``): ``render_typed`` re-renders the posted values, and the
CSRF error handler calls it when a token expired, or ``render_signed_out`` when the session did.
"""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from judging.assignments.judge_views import load_assignment
from judging.scoring import sheet_services
from judging.scoring.models import ScoreSheet, SheetStatus
from judging.scoring.sheet_forms import ACTIONS, loaded_version, mark_name, sheet_form
from judging.scoring.sheet_services import (
    Busy,
    MarksInvalid,
    NotYours,
    RoundClosed,
    SheetInput,
    SheetStale,
    active_criteria,
    save_sheet,
    sheet_for,
)
from judging.submissions.services import questions_for
from judging.typed import login_keeping_typed

bp = Blueprint("scoring", __name__)

EXPIRED = "Your session expired; nothing was saved yet. Check your marks and save again."


@bp.route("/judging/<slug>/entries/<int:assignment_id>/score", methods=["GET", "POST"])
@login_keeping_typed(
    lambda slug, assignment_id: render_signed_out(slug, assignment_id),
    lambda slug, assignment_id: render_expired(slug, assignment_id),
)
def sheet(slug: str, assignment_id: int):
    assignment = load_assignment(slug, assignment_id)
    criteria = active_criteria(assignment.round_id)
    stored = sheet_for(assignment)
    if request.method == "GET" or not assignment.round.is_open():
        if request.method == "POST":
            return render_typed(slug, assignment_id, message=_closed_message(), status=409)
        form = sheet_form(criteria, stored)
        return _page(assignment, criteria, stored, form, version=stored.version if stored else 0)

    form = sheet_form(criteria)
    action = request.form.get("action")
    version = loaded_version(request.form.get("version"))
    if action not in ACTIONS or version is None:
        form.form_errors.append(_("Please use one of the buttons below the form to save."))
        return _page(assignment, criteria, stored, form, version=stored.version if stored else 0)
    if not form.validate():
        return _page(assignment, criteria, stored, form, version=version)
    typed = SheetInput(form.typed_marks(), form.feedback.data or "", form.private_note.data or "")
    try:
        saved = save_sheet(
            assignment, typed, loaded_version=version, submit=action == "submit", actor=current_user
        )
    except NotYours:
        abort(404)
    except RoundClosed as error:
        return render_typed(slug, assignment_id, message=error.message, status=409)
    except Busy as error:
        return render_typed(slug, assignment_id, message=error.message, status=503)
    except SheetStale as error:
        current = error.current
        form.form_errors.append(error.message)
        return _page(
            assignment,
            criteria,
            current,
            form,
            version=current.version if current else 0,
            stale=True,
            status=409,
        )
    except MarksInvalid as error:
        for criterion_id, message in error.problems.items():
            if criterion_id in {c.id for c in criteria}:
                form[mark_name(criterion_id)].errors.append(message)
            else:
                form.form_errors.append(message)
        return _page(assignment, criteria, stored, form, version=version)
    flash(_saved_message(saved, action), "success")
    if action == "save_next":
        following = sheet_services.next_unscored(assignment)
        if following is not None:
            return redirect(url_for(".sheet", slug=slug, assignment_id=following.id), code=303)
        flash(_("There is no other entry left to score in this round."), "success")
        return redirect(url_for("judge.dashboard"), code=303)
    return redirect(url_for(".sheet", slug=slug, assignment_id=assignment_id), code=303)


def _closed_message() -> str:
    return _("This round is closed, so nothing was saved. Your last saved sheet is kept.")


def _saved_message(saved: ScoreSheet, action: str) -> str:
    if action == "submit" or saved.status is SheetStatus.SUBMITTED:
        return _(
            "Your scores are submitted (version %(version)d). You can revise them until the round closes.",
            version=saved.version,
        )
    return _(
        "Draft saved (version %(version)d). Submit it when every required mark is chosen.",
        version=saved.version,
    )


def render_typed(slug: str, assignment_id: int, *, message: str, status: int = 200):
    """Re-render the scoring page with exactly what was posted and ``message`` (nothing was saved).

    Used after a closed-round refusal and by the CSRF error handler (an expired token). The hidden
    version stays the one posted, so saving again is checked against what the judge saw.
    """
    assignment = load_assignment(slug, assignment_id)
    criteria = active_criteria(assignment.round_id)
    stored = sheet_for(assignment)
    form = sheet_form(criteria)
    form.form_errors.append(message)
    version = loaded_version(request.form.get("version"))
    if version is None:
        version = stored.version if stored else 0
    return _page(assignment, criteria, stored, form, version=version, status=status, keep_form=True)


def render_expired(slug: str, assignment_id: int):
    """The CSRF token expired: the form again, as typed, with a fresh token."""
    return render_typed(slug, assignment_id, message=_(EXPIRED), status=400)


def render_signed_out(slug: str, assignment_id: int):
    """Signed out while scoring: keep the typed values in this page and offer sign-in in a new tab.

    Shows nothing of the entry or rubric (the visitor is not known); the marks travel as hidden fields,
    the texts in editable boxes, and the form posts back to the same address once signed in again.
    """
    marks = [(key, value) for key, value in request.form.items(multi=True) if key.startswith("mark-")]
    return (
        render_template(
            "scoring/signed_out.html",
            action_url=url_for(".sheet", slug=slug, assignment_id=assignment_id),
            marks=marks,
            version=request.form.get("version", ""),
            feedback=request.form.get("feedback", ""),
            private_note=request.form.get("private_note", ""),
        ),
        401,
    )


def _page(assignment, criteria, stored, form, *, version, stale=False, status=200, keep_form=False):
    round_ = assignment.round
    submission = assignment.submission
    return (
        render_template(
            "scoring/sheet.html",
            assignment=assignment,
            submission=submission,
            round=round_,
            challenge=round_.challenge,
            blind=round_.blind,
            questions=questions_for(submission),
            criteria=criteria,
            form=form,
            stored=stored,
            stored_marks=stored.marks() if stored else {},
            version=version,
            stale=stale,
            read_only=not round_.is_open() and not keep_form,
            mark_name=mark_name,
        ),
        status,
    )
