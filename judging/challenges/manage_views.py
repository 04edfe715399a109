"""Organisers' pages for a challenge: the list, creation (administrators), details, organisers, status.

Every page needs a signed-in user who manages the challenge; anyone else gets 404, never 403.
Categories and entry-form questions live in ``form_views`` on the same blueprint.
"""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from sqlalchemy import select

from judging import permissions
from judging.accounts.models import User
from judging.challenges import services
from judging.challenges.forms import ChallengeForm, NewChallengeForm, OrganiserForm, split_lines
from judging.challenges.models import Challenge, ChallengeKind
from judging.core.lifecycle import ChallengeStatus
from judging.errors import DomainError
from judging.extensions import db
from judging.jobs import JobStatus
from judging.jobs import services as job_services
from judging.labels import label
from judging.typed import expired_message, login_keeping_typed, signed_out_page

bp = Blueprint("manage", __name__, url_prefix="/manage")


def load_managed(slug: str) -> Challenge:
    """The challenge with this slug if the current user manages it; 404 otherwise."""
    challenge = db.session.scalar(permissions.managed_challenges(current_user).where(Challenge.slug == slug))
    if challenge is None or not permissions.can_manage_challenge(challenge, current_user):
        abort(404)
    return challenge


def show_error(form: FlaskForm, error: DomainError) -> None:
    """Attach a service's refusal to its field, or to the whole form when it names none."""
    target = form._fields.get(error.field) if error.field else None
    if target is not None:
        target.errors = [*target.errors, error.message]
    else:
        form.form_errors.append(error.message)


def transition_label(current: ChallengeStatus, target: ChallengeStatus) -> str:
    """The wording of the button that moves a challenge from ``current`` to ``target``."""
    S = ChallengeStatus
    labels = {
        S.OPEN: _("Reopen for entries") if current is S.CLOSED else _("Open for entries"),
        S.DRAFT: _("Back to draft (unpublish)"),
        S.CLOSED: _("Close entries now") if current is S.OPEN else _("Back to closed"),
        S.JUDGING: _("Start judging") if current is S.CLOSED else _("Back to judging"),
        S.DECIDED: _("Mark as decided"),
        S.PUBLISHED: _("Publish results"),
        S.ARCHIVED: _("Archive"),
    }
    return labels[target]


@bp.route("/")
@login_required
def index():
    if not permissions.is_any_organiser(current_user):
        abort(404)
    challenges = db.session.scalars(
        permissions.managed_challenges(current_user).order_by(
            Challenge.created_at.desc(), Challenge.id.desc()
        )
    ).all()
    counts = services.entry_counts([challenge.id for challenge in challenges])
    failed_jobs = None
    if permissions.is_admin(current_user):
        failed_jobs = job_services.count_jobs((JobStatus.FAILED,))
    return render_template("manage/index.html", challenges=challenges, counts=counts, failed_jobs=failed_jobs)


@bp.route("/new", methods=["GET", "POST"])
@login_required
def new():
    if not permissions.can_create_challenge(current_user):
        abort(404)
    form = NewChallengeForm()
    if form.validate_on_submit():
        try:
            challenge = services.create_challenge(
                title=form.title.data,
                slug=form.slug.data,
                kind=ChallengeKind(form.kind.data),
                timezone=form.timezone.data,
                organiser_emails=split_lines(form.organisers.data),
                actor=current_user,
            )
        except DomainError as error:
            show_error(form, error)
        else:
            flash(_("Challenge created as a draft. Now fill in its details."), "success")
            return redirect(url_for("manage.edit", slug=challenge.slug))
    return render_template("manage/new.html", form=form)


@bp.route("/<slug>/")
@login_required
def overview(slug: str):
    challenge = load_managed(slug)
    current = challenge.current_status()
    order = list(ChallengeStatus)
    transitions = [
        (target, transition_label(current, target), order.index(target) > order.index(current))
        for target in services.next_statuses(challenge)
    ]
    counts = services.entry_counts([challenge.id])[challenge.id]
    return render_template(
        "manage/overview.html", challenge=challenge, status=current, transitions=transitions, counts=counts
    )


def _initial(challenge: Challenge) -> dict[str, object]:
    return {
        "title": challenge.title,
        "slug": challenge.slug,
        "kind": challenge.kind.value,
        "summary": challenge.summary,
        "description": challenge.description,
        "rules": challenge.rules,
        "timezone": challenge.timezone,
        "opens_at": services.utc_to_local(challenge.opens_at, challenge.timezone),
        "closes_at": services.utc_to_local(challenge.closes_at, challenge.timezone),
        "max_employees": challenge.max_employees,
        "allowed_countries": list(challenge.allowed_countries or ()),
        "max_entries_per_organisation": challenge.max_entries_per_organisation,
    }


@bp.route("/<slug>/edit", methods=["GET", "POST"])
@login_keeping_typed(lambda slug: render_signed_out(slug), lambda slug: render_expired(slug))
def edit(slug: str):
    challenge = load_managed(slug)
    form = ChallengeForm(data=_initial(challenge) if request.method == "GET" else None)
    if form.validate_on_submit():
        details = services.ChallengeDetails(
            title=form.title.data,
            slug=form.slug.data,
            kind=ChallengeKind(form.kind.data),
            summary=form.summary.data,
            description=form.description.data,
            rules=form.rules.data,
            timezone=form.timezone.data,
            opens_local=form.opens_at.data,
            closes_local=form.closes_at.data,
            max_employees=form.max_employees.data,
            allowed_countries=form.allowed_countries.data or [],
            max_entries_per_organisation=form.max_entries_per_organisation.data,
        )
        try:
            services.update_challenge(challenge, details, actor=current_user)
        except DomainError as error:
            db.session.rollback()
            show_error(form, error)
        else:
            flash(_("Changes saved."), "success")
            return redirect(url_for("manage.overview", slug=challenge.slug))
    return render_template("manage/edit.html", challenge=challenge, form=form)


def render_expired(slug: str):
    """The form's token no longer matched: the details form again exactly as typed, nothing saved."""
    challenge = load_managed(slug)
    form = ChallengeForm()
    form.form_errors.append(expired_message())
    return render_template("manage/edit.html", challenge=challenge, form=form), 400


def render_signed_out(slug: str):
    """Signed out while writing: the posted values kept in the page (see ``judging.typed``)."""
    texts = ("title", "summary", "description", "rules")
    return signed_out_page(url_for("manage.edit", slug=slug), ChallengeForm, texts, lines=("title",))


@bp.route("/<slug>/organisers", methods=["GET", "POST"])
@login_required
def organisers(slug: str):
    challenge = load_managed(slug)
    if not permissions.can_name_organisers(challenge, current_user):
        abort(404)
    form = OrganiserForm()
    if form.validate_on_submit():
        try:
            user = services.add_organiser(challenge, form.email.data, actor=current_user)
        except DomainError as error:
            show_error(form, error)
        else:
            flash(_("%(name)s now organises this challenge.", name=user.name), "success")
            return redirect(url_for("manage.organisers", slug=challenge.slug))
    return render_template("manage/organisers.html", challenge=challenge, form=form)


@bp.route("/<slug>/organisers/<int:user_id>/remove", methods=["POST"])
@login_required
def remove_organiser(slug: str, user_id: int):
    challenge = load_managed(slug)
    if not permissions.can_name_organisers(challenge, current_user):
        abort(404)
    user = db.session.scalar(select(User).where(User.id == user_id))
    if user is None or user not in challenge.organisers:
        abort(404)
    services.remove_organiser(challenge, user, actor=current_user)
    flash(_("%(name)s no longer organises this challenge.", name=user.name), "success")
    return redirect(url_for("manage.organisers", slug=challenge.slug))


@bp.route("/<slug>/status", methods=["POST"])
@login_required
def change_status(slug: str):
    challenge = load_managed(slug)
    try:
        target = ChallengeStatus(request.form.get("status", ""))
    except ValueError:
        abort(400)
    try:
        services.change_status(challenge, target, actor=current_user)
    except DomainError as error:
        db.session.rollback()
        flash(error.message, "error")
    else:
        flash(_("The challenge is now: %(status)s.", status=label(challenge.current_status())), "success")
    return redirect(url_for("manage.overview", slug=challenge.slug))


from judging.challenges import (  # noqa: E402, F401  (add the category, question and translation pages to bp)
    form_views,
    translation_views,
)
