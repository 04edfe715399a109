"""Organisers' entry pages: the filtered list, one entry, the eligibility screen and the CSV export.

The challenge comes from ``managed_challenges`` and its entries from ``visible_submissions``, so an
organiser of another challenge, an entrant or a draft entry is a 404.
"""

from __future__ import annotations

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import Select, func, select
from sqlalchemy.orm import contains_eager, joinedload, selectinload

from judging import permissions
from judging.accounts.models import Organisation
from judging.challenges.manage_views import load_managed
from judging.challenges.models import Challenge
from judging.core.lifecycle import SubmissionStatus
from judging.core.text import slugify
from judging.errors import DomainError
from judging.extensions import db
from judging.pagination import paginate, requested_page
from judging.submissions import services
from judging.submissions.export import entries_csv
from judging.submissions.forms import FilterForm, ScreenForm
from judging.submissions.models import Submission
from judging.templating import country_name

bp = Blueprint("screening", __name__, url_prefix="/manage")


def challenge_entries(challenge: Challenge) -> Select[tuple[Submission]]:
    """Every entry of the challenge an organiser may see: never a draft."""
    return (
        permissions.visible_submissions(current_user)
        .where(Submission.challenge_id == challenge.id, Submission.status != SubmissionStatus.DRAFT)
        .join(Submission.organisation)
    )


def load_entry(challenge: Challenge, submission_id: int) -> Submission:
    submission = db.session.scalar(challenge_entries(challenge).where(Submission.id == submission_id))
    if submission is None:
        abort(404)
    return submission


def filtered(challenge: Challenge) -> tuple[FilterForm, Select[tuple[Submission]]]:
    """The filter form read from the query string, and the entries it selects (list and export alike).

    The query joins each entry's organisation (to filter by country); callers choose what else to load.
    """
    countries = db.session.scalars(
        select(Organisation.country)
        .join(Submission, Submission.organisation_id == Organisation.id)
        .where(Submission.challenge_id == challenge.id, Submission.status != SubmissionStatus.DRAFT)
        .distinct()
    )
    country_pairs = sorted(((code, country_name(code)) for code in countries), key=lambda pair: pair[1])
    form = FilterForm(request.args, challenge.categories, country_pairs)
    query = challenge_entries(challenge)
    if category := form.chosen("category"):
        query = query.where(Submission.category_id == int(category))
    if status := form.chosen("status"):
        query = query.where(Submission.status == SubmissionStatus(status))
    if country := form.chosen("country"):
        query = query.where(Organisation.country == country)
    return form, query.order_by(Submission.submitted_at, Submission.id)


@bp.route("/<slug>/entries")
@login_required
def entries(slug: str):
    challenge = load_managed(slug)
    form, query = filtered(challenge)
    counts = dict(
        db.session.execute(
            select(Submission.status, func.count(Submission.id))
            .where(Submission.challenge_id == challenge.id, Submission.status != SubmissionStatus.DRAFT)
            .group_by(Submission.status)
        ).all()
    )
    page = paginate(_matching(form, query, counts), requested_page())
    shown = list(
        db.session.scalars(
            query.options(contains_eager(Submission.organisation), joinedload(Submission.category))
            .offset(page.offset)
            .limit(page.per_page)
        )
    )
    return render_template(
        "screening/entries.html",
        challenge=challenge,
        form=form,
        entries=shown,
        page=page,
        counts=counts,
        total=sum(counts.values()),
        statuses=[status for status in SubmissionStatus if status is not SubmissionStatus.DRAFT],
        export_url=url_for(
            ".export", slug=challenge.slug, **{k: v for k, v in request.args.items() if k != page.param}
        ),
    )


def _matching(form: FilterForm, query: Select[tuple[Submission]], counts: dict) -> int:
    """How many entries the filters select: read from the counts by status unless the category or the
    country narrows the list (then one counting query)."""
    if form.chosen("category") or form.chosen("country"):
        return db.session.scalar(select(func.count()).select_from(query.order_by(None).subquery()))
    if status := form.chosen("status"):
        return counts.get(SubmissionStatus(status), 0)
    return sum(counts.values())


@bp.route("/<slug>/entries/<int:submission_id>")
@login_required
def entry(slug: str, submission_id: int):
    challenge = load_managed(slug)
    submission = load_entry(challenge, submission_id)
    form = ScreenForm(data=_screen_values(submission))
    return _render_entry(challenge, submission, form)


@bp.route("/<slug>/entries/<int:submission_id>/screen", methods=["POST"])
@login_required
def screen(slug: str, submission_id: int):
    challenge = load_managed(slug)
    submission = load_entry(challenge, submission_id)
    form = ScreenForm()
    if form.validate_on_submit():
        eligible = form.decision.data == "eligible"
        try:
            services.screen_entry(submission, eligible, form.reason.data, actor=current_user)
        except DomainError as error:
            field = getattr(form, error.field, None) if error.field else None
            (field.errors if field is not None else form.form_errors).append(error.message)
        else:
            if eligible:
                flash(_("“%(title)s” is marked eligible.", title=submission.title), "success")
            else:
                flash(_("“%(title)s” is marked not eligible.", title=submission.title), "success")
            return redirect(url_for(".entry", slug=challenge.slug, submission_id=submission.id))
    return _render_entry(challenge, submission, form)


@bp.route("/<slug>/entries.csv")
@login_required
def export(slug: str):
    challenge = load_managed(slug)
    _form, query = filtered(challenge)
    query = query.options(
        contains_eager(Submission.organisation),
        selectinload(Submission.category),
        selectinload(Submission.answers),
    )
    body = entries_csv(challenge, list(db.session.scalars(query)))
    response = Response(body.encode("utf-8"), mimetype="text/csv")
    response.headers["Content-Type"] = "text/csv; charset=utf-8"
    response.headers["Content-Disposition"] = (
        f'attachment; filename="{slugify(challenge.slug) or "challenge"}-entries.csv"'
    )
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "private, no-store"
    return response


def _screen_values(submission: Submission) -> dict[str, str | None]:
    decision = {SubmissionStatus.ELIGIBLE: "eligible", SubmissionStatus.INELIGIBLE: "ineligible"}
    return {"decision": decision.get(submission.status), "reason": submission.screening_reason}


def _render_entry(challenge: Challenge, submission: Submission, form: ScreenForm):
    return render_template(
        "screening/entry.html",
        challenge=challenge,
        submission=submission,
        form=form,
        questions=[
            question
            for question in challenge.questions
            if question.applies_to(submission.category_id)
            and (question.retired_at is None or submission.answer_for(question.id) is not None)
        ],
        can_screen=permissions.can_screen(submission, current_user),
    )
