"""Judges' pages: the dashboard of their assignments, an assigned entry read-only, its deck, recusal.

Every assignment comes from ``visible_assignments`` (the user's own, membership ready, never a conflicted
pair); a recused assignment or an entry no longer judged is a 404 too. In a blind round the entry page
hides organisation, people, website and country, and the deck is served under a neutral name without
its document metadata.
"""

from __future__ import annotations

import warnings
from io import BytesIO

from flask import Blueprint, abort, current_app, flash, redirect, render_template, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from pypdf import PdfReader, PdfWriter
from pypdf.errors import PyPdfError
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from judging import permissions
from judging.assignments import assign_edits
from judging.assignments.assign_forms import RecuseForm
from judging.assignments.assign_services import OUT_OF_THE_RUNNING, is_active_entry
from judging.assignments.models import Assignment, AssignmentStatus, Judge, JudgeStatus, Round
from judging.core.text import slugify
from judging.extensions import db
from judging.pagination import paginate, requested_page
from judging.scoring.models import ScoreSheet, SheetStatus
from judging.submissions import storage
from judging.submissions.models import Submission
from judging.submissions.services import questions_for

bp = Blueprint("judge", __name__)


def load_assignment(slug: str, assignment_id: int) -> Assignment:
    """The current user's assignment if they may open its entry now; 404 otherwise."""
    submission = joinedload(Assignment.submission)
    assignment = db.session.scalar(
        permissions.visible_assignments(current_user)
        .where(Assignment.id == assignment_id)
        .options(
            # What every page about one assignment shows, in the same query rather than a load each.
            joinedload(Assignment.round).joinedload(Round.challenge),
            submission.joinedload(Submission.category),
            submission.joinedload(Submission.organisation),
            submission.joinedload(Submission.deck),
        )
    )
    if (
        assignment is None
        or assignment.round.challenge.slug != slug
        or assignment.status is AssignmentStatus.RECUSED
        or not is_active_entry(assignment.submission)
    ):
        abort(404)
    return assignment


@bp.route("/judging/")
@login_required
def dashboard():
    memberships = db.session.scalars(
        select(Judge)
        .where(Judge.user_id == current_user.id, Judge.status == JudgeStatus.ACTIVE)
        .options(joinedload(Judge.challenge))
        .order_by(Judge.id)
    ).all()
    sections = [_section(membership) for membership in memberships]
    return render_template("judge/dashboard.html", sections=sections)


def _section(membership: Judge) -> dict:
    """One challenge on the dashboard: what is missing before judging, or its rounds and assignments.

    Each round lists its assignments a page at a time (query argument ``page-<round id>``), recused
    ones last, then by title. The progress figures count every assignment: they come from one light
    query of ids, titles and statuses, and only the rows shown are loaded in full, so the page costs
    the same queries for ten assignments or a thousand.
    """
    challenge = membership.challenge
    if not membership.is_ready:
        return {"challenge": challenge, "ready": False, "rounds": []}
    rows = db.session.execute(
        permissions.visible_assignments(current_user)
        .with_only_columns(
            Assignment.id,
            Assignment.round_id,
            Assignment.status.label("assignment_status"),
            Submission.title,
            Submission.status.label("entry_status"),
            ScoreSheet.status.label("sheet_status"),
        )
        .join(Submission, Submission.id == Assignment.submission_id)
        .outerjoin(ScoreSheet, ScoreSheet.assignment_id == Assignment.id)
        .where(Assignment.judge_id == membership.id)
    ).all()
    rounds = db.session.scalars(
        select(Round).where(Round.challenge_id == challenge.id).order_by(Round.position, Round.id)
    ).all()
    listed, shown_ids = [], []
    for round_ in rounds:
        mine = sorted(
            (row for row in rows if row.round_id == round_.id),
            key=lambda row: (row.assignment_status is AssignmentStatus.RECUSED, row.title.casefold(), row.id),
        )
        counted = [
            row
            for row in mine
            if row.assignment_status is not AssignmentStatus.RECUSED
            and row.entry_status not in OUT_OF_THE_RUNNING
        ]
        page = paginate(len(mine), requested_page(f"page-{round_.id}"), param=f"page-{round_.id}")
        ids = [row.id for row in page.rows(mine)]
        shown_ids.extend(ids)
        listed.append(
            {
                "round": round_,
                "ids": ids,
                "page": page,
                "scored": sum(1 for row in counted if row.assignment_status is AssignmentStatus.SCORED),
                "total": len(counted),
                "drafts": sum(
                    1
                    for row in counted
                    if row.assignment_status is AssignmentStatus.ASSIGNED
                    and row.sheet_status is SheetStatus.DRAFT
                ),
            }
        )
    loaded = (
        {
            assignment.id: assignment
            for assignment in db.session.scalars(
                select(Assignment)
                .where(Assignment.id.in_(shown_ids))
                .options(joinedload(Assignment.submission).joinedload(Submission.category))
            )
        }
        if shown_ids
        else {}
    )
    for item in listed:
        item["assignments"] = [loaded[assignment_id] for assignment_id in item.pop("ids")]
    return {"challenge": challenge, "ready": True, "rounds": listed}


@bp.route("/judging/<slug>/entries/<int:assignment_id>")
@login_required
def entry(slug: str, assignment_id: int):
    assignment = load_assignment(slug, assignment_id)
    submission = assignment.submission
    return render_template(
        "judge/entry.html",
        assignment=assignment,
        submission=submission,
        round=assignment.round,
        challenge=assignment.round.challenge,
        blind=assignment.round.blind,
        questions=questions_for(submission),
    )


@bp.route("/judging/<slug>/entries/<int:assignment_id>/deck")
@login_required
def deck(slug: str, assignment_id: int):
    assignment = load_assignment(slug, assignment_id)
    submission = assignment.submission
    current = submission.deck
    if current is None:
        abort(404)
    try:
        data = storage.read_stored(current.storage_name)
    except OSError:
        current_app.logger.error("deck file missing for submission %s", submission.id)
        abort(404)
    blind = assignment.round.blind
    if blind:
        data = without_metadata(data)
        name = f"entry-{submission.id}.pdf"
    else:
        name = (slugify(submission.title) or "pitch-deck") + ".pdf"
    response = send_file(
        BytesIO(data),
        mimetype="application/pdf",
        as_attachment=True,
        download_name=name,
        max_age=0,
        etag=not blind,
        last_modified=None if blind else current.uploaded_at,
    )
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "private, no-store"
    return response


def without_metadata(data: bytes) -> bytes:
    """The PDF without its document information and XMP metadata (author, title, software)."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            writer = PdfWriter(clone_from=PdfReader(BytesIO(data), strict=False))
            writer.metadata = None
            writer.xmp_metadata = None
            buffer = BytesIO()
            writer.write(buffer)
    except (PyPdfError, ValueError, KeyError, TypeError, AttributeError, IndexError, RecursionError, OSError):
        current_app.logger.exception("could not remove the metadata of a deck")
        abort(404)
    return buffer.getvalue()


@bp.route("/judging/<slug>/assignments/<int:assignment_id>/recuse", methods=["GET", "POST"])
@login_required
def recuse(slug: str, assignment_id: int):
    assignment = load_assignment(slug, assignment_id)
    if assignment.status is not AssignmentStatus.ASSIGNED:
        flash(_("You have already scored this entry, so you cannot recuse from it."), "error")
        return redirect(url_for(".entry", slug=slug, assignment_id=assignment.id))
    form = RecuseForm()
    if form.validate_on_submit():
        try:
            assign_edits.recuse(assignment, form.reason.data, actor=current_user)
        except assign_edits.AssignmentRefused as error:
            form.reason.errors = [*form.reason.errors, error.message]
        else:
            flash(
                _(
                    "You no longer judge “%(title)s”. The organisers will see your recusal and find "
                    "another judge.",
                    title=assignment.submission.title,
                ),
                "success",
            )
            return redirect(url_for(".dashboard"))
    return render_template(
        "judge/recuse.html", assignment=assignment, challenge=assignment.round.challenge, form=form
    )
