"""Organisers read an entry's scoring history (blueprint ``score_history``, prefix ``/manage``).

Every audit event of the entry's score sheets in a round, oldest first: which judge's sheet, who acted,
when (in the reader's zone), what changed from what to what, and the version it made. Marks are
recorded by criterion id and shown by the criterion's name (retired criteria keep their rows).
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, render_template
from flask_babel import gettext as _
from flask_login import login_required
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from judging.assignments.models import Assignment, Judge, Round
from judging.audit import AuditEvent
from judging.challenges.manage_views import load_managed
from judging.extensions import db
from judging.scoring.models import Criterion, ScoreSheet
from judging.submissions.models import Submission

bp = Blueprint("score_history", __name__, url_prefix="/manage")


@bp.route("/<slug>/rounds/<int:round_id>/entries/<int:submission_id>/history")
@login_required
def entry_history(slug: str, round_id: int, submission_id: int):
    challenge = load_managed(slug)
    round_ = db.session.get(Round, round_id)
    submission = db.session.get(Submission, submission_id)
    if round_ is None or round_.challenge_id != challenge.id:
        abort(404)
    if submission is None or submission.challenge_id != challenge.id:
        abort(404)
    sheets = db.session.scalars(
        select(ScoreSheet)
        .join(Assignment, Assignment.id == ScoreSheet.assignment_id)
        .where(Assignment.round_id == round_.id, Assignment.submission_id == submission.id)
        .options(selectinload(ScoreSheet.assignment).selectinload(Assignment.judge).selectinload(Judge.user))
    ).all()
    by_id = {sheet.id: sheet for sheet in sheets}
    events = db.session.scalars(
        select(AuditEvent)
        .where(AuditEvent.object_type == "ScoreSheet", AuditEvent.object_id.in_(list(by_id) or [-1]))
        .options(selectinload(AuditEvent.actor))
        .order_by(AuditEvent.at, AuditEvent.id)
    ).all()
    names = {
        criterion.id: criterion.name
        for criterion in db.session.scalars(select(Criterion).where(Criterion.round_id == round_.id))
    }
    rows = [
        {
            "event": event,
            "judge": by_id[event.object_id].assignment.judge.user.name,
            "changes": _changes(event, names),
            "version": (event.after or {}).get("version"),
        }
        for event in events
    ]
    return render_template(
        "scoring/history.html", challenge=challenge, round=round_, submission=submission, rows=rows
    )


def _changes(event: AuditEvent, names: dict[int, str]) -> list[tuple[str, Any, Any]]:
    """(what, from, to) for each field the event changed; one line per mark."""
    before, after = event.before or {}, event.after or {}
    labels = {
        "feedback": _("Feedback for the entrant"),
        "private_note": _("Private note for the organisers"),
        "status": _("Status"),
    }
    lines: list[tuple[str, Any, Any]] = []
    old_marks, new_marks = before.get("marks") or {}, after.get("marks") or {}
    for key in sorted(set(old_marks) | set(new_marks), key=int):
        name = names.get(int(key), _("Criterion %(id)s", id=key))
        lines.append((_("Mark: %(criterion)s", criterion=name), old_marks.get(key), new_marks.get(key)))
    for key, label in labels.items():
        if key in before or key in after:
            lines.append((label, before.get(key), after.get(key)))
    return lines
