"""Pages of conflicts of interest: the judge's declaration list (``conflicts``) and the organisers'
overview (``conflict_admin``) where they add, remove and detect conflicts and see proposed replacements.

A judge reaches only their own challenge's page (anyone else gets 404) and, until they have accepted
the judging terms and confirmed their profile, is sent to the terms. The list shows organisation names
and titles only. Organisers' pages start from ``managed_challenges``: another challenge is a 404.
"""

from __future__ import annotations

import unicodedata

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from sqlalchemy import select

from judging import permissions
from judging.assignments import conflict_services as services
from judging.assignments.conflict_forms import (
    AddConflictForm,
    ConflictFilterForm,
    DeclareForm,
    EntrySearchForm,
    conflict_label,
)
from judging.assignments.conflict_proposals import replacement_proposals, scored_in_conflict
from judging.assignments.models import Conflict, ConflictSource, Judge
from judging.challenges.manage_views import load_managed
from judging.challenges.models import Challenge
from judging.errors import DomainError
from judging.extensions import db
from judging.submissions.models import Submission

bp = Blueprint("conflicts", __name__, url_prefix="/judging")
admin_bp = Blueprint("conflict_admin", __name__, url_prefix="/manage")


def show_error(form: FlaskForm, error: DomainError, *, hidden: tuple[str, ...] = ()) -> None:
    """Attach a service's refusal to its field, or to the whole form (also for ``hidden`` fields)."""
    target = form._fields.get(error.field) if error.field and error.field not in hidden else None
    if target is not None:
        target.errors = [*target.errors, error.message]
    else:
        form.form_errors.append(error.message)


def _folded(text: str) -> str:
    """Lower case without accents, for a forgiving text search."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def _matches(entry: Submission, words: list[str]) -> bool:
    haystack = _folded(f"{entry.organisation.name} {entry.title}")
    return all(word in haystack for word in words)


# The judge's side ------------------------------------------------------------------------------------


@bp.route("/<slug>/conflicts", methods=["GET", "POST"])
@login_required
def declare(slug: str):
    challenge = db.session.scalar(select(Challenge).where(Challenge.slug == slug))
    judge = permissions.judge_for(challenge, current_user) if challenge is not None else None
    if judge is None:
        abort(404)
    if not permissions.is_ready_judge(challenge, current_user):
        return redirect(url_for("judging.terms", slug=challenge.slug))
    entries = services.declarable_entries(challenge)
    form = DeclareForm()
    if form.validate_on_submit():
        chosen = next((entry for entry in entries if entry.id == form.submission_id.data), None)
        try:
            if chosen is None:
                raise DomainError(_("Choose one of this challenge's entries."))
            services.declare_conflict(judge, chosen, form.chosen_reason(), form.note.data, actor=current_user)
        except DomainError as error:
            show_error(form, error, hidden=("submission_id",))
        else:
            flash(
                _(
                    "Your conflict with “%(title)s” (%(organisation)s) is recorded. You will not be given "
                    "this entry.",
                    title=chosen.title,
                    organisation=chosen.organisation.name,
                ),
                "success",
            )
            return redirect(url_for(".declare", slug=challenge.slug))
    elif form.is_submitted() and form.submission_id.errors:
        form.form_errors.append(_("Choose one of this challenge's entries."))
    chosen_id = form.submission_id.data if form.is_submitted() else request.args.get("entry", type=int)
    search = EntrySearchForm(request.args)
    words = _folded(search.q.data or "").split()
    shown = [entry for entry in entries if _matches(entry, words)] if words else entries
    conflicts = {
        conflict.submission_id: conflict
        for conflict in db.session.scalars(
            select(Conflict).where(Conflict.judge_id == judge.id, Conflict.removed_at.is_(None))
        )
    }
    return render_template(
        "conflicts/declare.html",
        challenge=challenge,
        judge=judge,
        form=form,
        search=search,
        entries=shown,
        total=len(entries),
        chosen=next((e for e in entries if e.id == chosen_id and e.id not in conflicts), None),
        conflicts=conflicts,
        label=conflict_label,
        declared=ConflictSource.DECLARED,
    )


# The organisers' side --------------------------------------------------------------------------------


@admin_bp.route("/<slug>/conflicts")
@login_required
def conflicts(slug: str):
    challenge = load_managed(slug)
    return _render_admin(challenge, _add_form(challenge, formdata=None))


@admin_bp.route("/<slug>/conflicts/add", methods=["POST"])
@login_required
def add(slug: str):
    challenge = load_managed(slug)
    form = _add_form(challenge)
    if form.validate_on_submit():
        judge = db.session.get(Judge, form.judge_id.data)
        submission = db.session.get(Submission, form.submission_id.data)
        try:
            outcome = services.add_conflict(
                judge, submission, form.chosen_reason(), form.note.data, actor=current_user
            )
        except DomainError as error:
            show_error(form, error)
        else:
            flash(
                _(
                    "Conflict recorded: %(judge)s will not judge “%(title)s”.",
                    judge=judge.name,
                    title=submission.title,
                ),
                "success",
            )
            _flash_released(outcome.released)
            return redirect(url_for(".conflicts", slug=challenge.slug))
    return _render_admin(challenge, form), 200


@admin_bp.route("/<slug>/conflicts/<int:conflict_id>/remove", methods=["POST"])
@login_required
def remove(slug: str, conflict_id: int):
    challenge = load_managed(slug)
    conflict = db.session.get(Conflict, conflict_id)
    if conflict is None or conflict.challenge_id != challenge.id:
        abort(404)
    try:
        services.remove_conflict(conflict, actor=current_user)
    except DomainError as error:
        flash(error.message, "error")
    else:
        flash(
            _(
                "Conflict removed: %(judge)s may now be given “%(title)s”.",
                judge=conflict.judge.name,
                title=conflict.submission.title,
            ),
            "success",
        )
    return redirect(url_for(".conflicts", slug=challenge.slug))


@admin_bp.route("/<slug>/conflicts/detect", methods=["POST"])
@login_required
def detect(slug: str):
    challenge = load_managed(slug)
    report = services.detect_conflicts(challenge, actor=current_user)
    counts = "; ".join(f"{conflict_label(rule)}: {count}" for rule, count in report.found.items())
    flash(
        _("Detection found %(num)d new conflicts (%(counts)s).", num=report.total, counts=counts), "success"
    )
    _flash_released(report.released)
    return redirect(url_for(".conflicts", slug=challenge.slug))


def _flash_released(released: tuple[services.Released, ...]) -> None:
    for item in released:
        values = {"judge": item.judge_name, "title": item.entry_title, "round": item.round_name}
        if item.scored:
            message = _(
                "%(judge)s had already scored “%(title)s” in %(round)s: the scores are kept. Decide "
                "whether to set them aside.",
                **values,
            )
            flash(message, "warning")
        else:
            message = _(
                "“%(title)s” lost judge %(judge)s in %(round)s because of this conflict; see the proposed "
                "replacement below.",
                **values,
            )
            flash(message, "info")


def _add_form(challenge: Challenge, formdata: object = ...) -> AddConflictForm:
    judges = services.challenge_judges(challenge)
    entries = services.declarable_entries(challenge)
    if formdata is ...:
        return AddConflictForm(judges, entries)
    return AddConflictForm(judges, entries, formdata=formdata)


def _render_admin(challenge: Challenge, form: AddConflictForm):
    judges = services.challenge_judges(challenge)
    filters = ConflictFilterForm(request.args, judges)
    query = select(Conflict).where(Conflict.challenge_id == challenge.id)
    if filters.chosen("state") == "removed":
        query = query.where(Conflict.removed_at.is_not(None))
    else:
        query = query.where(Conflict.removed_at.is_(None))
    if judge_id := filters.chosen("judge"):
        query = query.where(Conflict.judge_id == int(judge_id))
    if source := filters.chosen("source"):
        query = query.where(Conflict.source == ConflictSource(source))
    rows = list(db.session.scalars(query.order_by(Conflict.created_at.desc(), Conflict.id.desc())))
    rows.sort(key=lambda c: (c.judge.name.casefold(), c.submission.title.casefold()))
    return render_template(
        "conflicts/manage.html",
        challenge=challenge,
        section="conflicts",
        conflicts=rows,
        filters=filters,
        form=form,
        proposals=replacement_proposals(challenge),
        scored=scored_in_conflict(challenge),
        label=conflict_label,
        removed_view=filters.chosen("state") == "removed",
    )
