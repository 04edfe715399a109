"""The judge's side of joining a jury: the invitation link, the judging terms and the profile.

The invitation page works for anyone holding the link. What it offers depends on who is reading:
someone without an account sets a name and password (the account is created confirmed and signed in);
the holder of an existing account signs in first and comes back; someone signed in with another address
is told whom the invitation is for. A forged, expired, revoked or already answered link answers 400 with a
page that says so. The terms and profile pages are for accepted judges of the challenge only (404 for
everyone else); the profile needs the terms first.
"""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user
from flask_wtf import FlaskForm

from judging import permissions
from judging.accounts.models import user_by_email
from judging.accounts.services import LinkProblem
from judging.accounts.views import field_error, limit_setting
from judging.assignments import invitation_services as services
from judging.assignments.judge_details import terms_of, validity_text
from judging.assignments.judge_forms import (
    AcceptTermsForm,
    JudgeProfileForm,
    NewJudgeAccountForm,
    language_label,
)
from judging.assignments.models import Judge
from judging.challenges.models import Challenge
from judging.errors import DomainError
from judging.extensions import client_address, db, limiter, login_manager

bp = Blueprint("judging", __name__)


@bp.after_request
def no_referrer_for_links(response):
    """The invitation page never passes its secret link on in a Referer header."""
    if request.view_args and "token" in request.view_args:
        response.headers["Referrer-Policy"] = "no-referrer"
    return response


def _problem(problem: LinkProblem):
    return render_template("judging/invitation_problem.html", problem=problem), 400


def _situation(judge: Judge) -> str:
    """``new`` (nobody has the address), ``sign_in``, ``wrong_user`` or ``accept`` (the invitee)."""
    if current_user.is_authenticated:
        return "accept" if services.is_invitee(judge, current_user) else "wrong_user"
    return "sign_in" if user_by_email(judge.email) is not None else "new"


def judge_home() -> str:
    """Where a ready judge goes: their dashboard of assignments."""
    return url_for("judge.dashboard")


@bp.route("/judging/invitation/<token>", methods=["GET", "POST"])
@limiter.limit(
    limit_setting("JUDGE_INVITE_LIMIT_PER_CLIENT", "30 per hour"), key_func=client_address, methods=["POST"]
)
def invitation(token: str):
    try:
        judge = services.judge_from_token(token)
    except LinkProblem as problem:
        return _problem(problem)
    situation = _situation(judge)
    form = NewJudgeAccountForm() if situation == "new" else FlaskForm()
    if request.method == "GET" and situation == "new":
        form.name.data = judge.name
    if request.method == "POST":
        try:
            if request.form.get("answer") == "decline":
                return _decline(token, judge, situation)
            if situation == "sign_in":
                return login_manager.unauthorized()
            if situation == "wrong_user":
                raise DomainError(services.wrong_user_message(judge, current_user))
            if form.validate_on_submit():
                return _accept(token, situation, form)
        except LinkProblem as problem:
            return _problem(problem)
        except DomainError as error:
            db.session.rollback()
            field_error(form, error)
    return render_template(
        "judging/invitation.html",
        judge=judge,
        challenge=judge.challenge,
        situation=situation,
        form=form,
        terms=terms_of(judge.challenge),
        validity=validity_text(),
        wrong_user=services.wrong_user_message(judge, current_user) if situation == "wrong_user" else None,
    )


def _decline(token: str, judge: Judge, situation: str):
    if situation == "wrong_user":
        raise DomainError(services.wrong_user_message(judge, current_user))
    services.decline_invitation(
        token, actor=current_user._get_current_object() if situation == "accept" else None
    )
    flash(_("You have declined the invitation. Thank you for letting the organisers know."), "info")
    return redirect(url_for("challenges.index"))


def _accept(token: str, situation: str, form: FlaskForm):
    if situation == "new":
        judge, user = services.accept_as_new_user(
            token, name=form.name.data, password=form.password.data, language=str(get_locale())
        )
        login_user(user)
    else:
        judge = services.accept_invitation(token, actor=current_user._get_current_object())
    flash(_("Welcome to the jury of %(title)s.", title=judge.challenge.title), "success")
    return redirect(url_for("judging.terms", slug=judge.challenge.slug))


def _membership(slug: str) -> Judge:
    """The current user's active membership of the challenge's jury; 404 when there is none."""
    challenge = db.session.scalar(db.select(Challenge).where(Challenge.slug == slug))
    judge = permissions.judge_for(challenge, current_user) if challenge is not None else None
    if judge is None:
        abort(404)
    return judge


@bp.route("/judging/<slug>/terms", methods=["GET", "POST"])
@login_required
def terms(slug: str):
    judge = _membership(slug)
    form = AcceptTermsForm()
    if form.validate_on_submit():
        services.accept_terms(judge, actor=current_user)
        if judge.profile_confirmed_at is None:
            flash(_("Thank you. Now please confirm your details."), "success")
            return redirect(url_for("judging.profile", slug=slug))
        return redirect(judge_home())
    return render_template(
        "judging/terms.html",
        judge=judge,
        challenge=judge.challenge,
        form=form,
        terms=terms_of(judge.challenge),
    )


@bp.route("/judging/<slug>/profile", methods=["GET", "POST"])
@login_required
def profile(slug: str):
    judge = _membership(slug)
    if judge.terms_accepted_at is None:
        flash(_("Please read and accept the judging terms first."), "info")
        return redirect(url_for("judging.terms", slug=slug))
    initial = {
        "expertise": [category.id for category in judge.expertise],
        "languages": list(judge.languages or ()),
        "capacity": judge.capacity,
        "affiliation": judge.affiliation,
        "country": judge.country or "",
    }
    form = JudgeProfileForm(judge.challenge, data=initial if request.method == "GET" else None)
    if form.validate_on_submit():
        try:
            services.confirm_profile(
                judge, form.details(name=judge.name, email=judge.email), actor=current_user
            )
        except DomainError as error:
            db.session.rollback()
            field_error(form, error)
        else:
            flash(_("Thank you: your details are confirmed. You are ready to judge."), "success")
            return redirect(judge_home())
    return render_template(
        "judging/profile.html",
        judge=judge,
        challenge=judge.challenge,
        form=form,
        language_label=language_label,
    )
