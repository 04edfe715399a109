"""Organisers' pages about a challenge's jury: the judges, inviting (one or from CSV), resending,
revoking, editing a judge, and the judging terms with the same-country setting.

Every page needs a signed-in user who manages the challenge; anyone else gets 404, never 403.
"""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext, pgettext
from flask_login import current_user, login_required
from sqlalchemy import select

from judging.assignments import judge_services as services
from judging.assignments.judge_details import current_load, terms_of
from judging.assignments.judge_forms import ImportJudgesForm, JudgeForm, JuryTermsForm, language_label
from judging.assignments.judge_import import decode_upload
from judging.assignments.judge_services import JudgeImportError
from judging.assignments.models import Judge, JudgeStatus
from judging.challenges.manage_views import load_managed, show_error
from judging.challenges.models import Challenge
from judging.errors import DomainError
from judging.extensions import db
from judging.jobs import Job, JobStatus

bp = Blueprint("jury", __name__, url_prefix="/manage")


def _not_utf8() -> str:
    return _("This file is not UTF-8 text. Save it as “CSV UTF-8” in your spreadsheet and try again.")


STATUS_ORDER = (JudgeStatus.ACTIVE, JudgeStatus.INVITED, JudgeStatus.DECLINED, JudgeStatus.REVOKED)


def status_text(status: JudgeStatus) -> str:
    """How organisers read a judge's status."""
    return {
        JudgeStatus.INVITED: _("Invited"),
        JudgeStatus.ACTIVE: _("Accepted"),
        JudgeStatus.DECLINED: _("Declined"),
        JudgeStatus.REVOKED: pgettext("judge invitation", "Revoked"),
    }[status]


def _judge(challenge: Challenge, judge_id: int) -> Judge:
    judge = db.session.get(Judge, judge_id)
    if judge is None or judge.challenge_id != challenge.id:
        abort(404)
    return judge


def _unsent_invitations(challenge: Challenge) -> dict[int, Job]:
    """The failed job of each judge whose latest invitation mail could not be sent, by judge id."""
    latest: dict[int, Job] = {}
    for job in db.session.scalars(
        select(Job).where(Job.challenge_id == challenge.id, Job.kind == "mail").order_by(Job.id)
    ):
        params = job.params or {}
        if params.get("mail") == "judge_invitation" and isinstance(params.get("judge_id"), int):
            latest[params["judge_id"]] = job
    return {judge_id: job for judge_id, job in latest.items() if job.status is JobStatus.FAILED}


@bp.route("/<slug>/jury")
@login_required
def judges(slug: str):
    challenge = load_managed(slug)
    members = db.session.scalars(select(Judge).where(Judge.challenge_id == challenge.id)).all()
    members = sorted(members, key=lambda j: (STATUS_ORDER.index(j.status), j.name.casefold(), j.id))
    counts = {status: sum(1 for judge in members if judge.status is status) for status in STATUS_ORDER}
    ready = sum(1 for judge in members if judge.is_ready)
    return render_template(
        "jury/judges.html",
        challenge=challenge,
        judges=members,
        unsent=_unsent_invitations(challenge),
        counts=counts,
        ready=ready,
        status_text=status_text,
        language_label=language_label,
        Status=JudgeStatus,
    )


@bp.route("/<slug>/jury/invite", methods=["GET", "POST"])
@login_required
def invite(slug: str):
    challenge = load_managed(slug)
    form = JudgeForm(challenge)
    if request.method == "GET":
        form.languages.data = ["en"]
    if form.validate_on_submit():
        try:
            judge = services.invite_judge(challenge, form.judge_details(), actor=current_user)
        except DomainError as error:
            db.session.rollback()
            show_error(form, error)
        else:
            flash(
                _("We have sent an invitation to %(name)s (%(email)s).", name=judge.name, email=judge.email),
                "success",
            )
            return redirect(url_for("jury.judges", slug=challenge.slug))
    return render_template("jury/judge_form.html", challenge=challenge, form=form, judge=None)


@bp.route("/<slug>/jury/import", methods=["GET", "POST"])
@login_required
def import_judges(slug: str):
    challenge = load_managed(slug)
    form = ImportJudgesForm()
    errors: list[str] = []
    if form.validate_on_submit():
        upload = form.csv_file.data
        text = form.csv_text.data or ""
        if upload is not None and getattr(upload, "filename", ""):
            try:
                text = decode_upload(upload.read())
            except ValueError:
                form.csv_file.errors = [_not_utf8()]
                text = ""
        if not form.csv_file.errors:
            form.csv_text.data = text  # whatever happens, the text stays on the page to be corrected
            if not text.strip():
                form.csv_text.errors = [_("Paste the CSV text or choose a file.")]
            else:
                try:
                    invited = services.import_judges(challenge, text, actor=current_user)
                except JudgeImportError as error:
                    db.session.rollback()
                    form.form_errors.append(error.message)
                    errors = error.errors
                else:
                    flash(
                        ngettext(
                            "%(num)d judge invited.",
                            "%(num)d judges invited.",
                            len(invited),
                        ),
                        "success",
                    )
                    return redirect(url_for("jury.judges", slug=challenge.slug))
    return render_template("jury/import.html", challenge=challenge, form=form, errors=errors)


@bp.route("/<slug>/jury/<int:judge_id>/resend", methods=["POST"])
@login_required
def resend(slug: str, judge_id: int):
    challenge = load_managed(slug)
    judge = _judge(challenge, judge_id)
    try:
        services.resend_invitation(judge, actor=current_user)
    except DomainError as error:
        db.session.rollback()
        flash(error.message, "error")
    else:
        flash(_("We have sent the invitation to %(email)s again.", email=judge.email), "success")
    return redirect(url_for("jury.judges", slug=challenge.slug))


@bp.route("/<slug>/jury/<int:judge_id>/revoke", methods=["POST"])
@login_required
def revoke(slug: str, judge_id: int):
    challenge = load_managed(slug)
    judge = _judge(challenge, judge_id)
    try:
        removed = services.revoke_judge(judge, actor=current_user)
    except DomainError as error:
        db.session.rollback()
        flash(error.message, "error")
    else:
        message = _(
            "%(name)s is no longer on the jury; their invitation link no longer works.", name=judge.name
        )
        if removed:
            message += " " + ngettext(
                "%(num)d entry lost a judge and needs another one.",
                "%(num)d entries lost a judge and need another one.",
                removed,
            )
        flash(message, "success")
    return redirect(url_for("jury.judges", slug=challenge.slug))


def _initial(judge: Judge) -> dict[str, object]:
    return {
        "name": judge.name,
        "email": judge.email,
        "expertise": [category.id for category in judge.expertise],
        "languages": list(judge.languages or ()),
        "capacity": judge.capacity,
        "affiliation": judge.affiliation,
        "country": judge.country or "",
    }


@bp.route("/<slug>/jury/<int:judge_id>/edit", methods=["GET", "POST"])
@login_required
def edit_judge(slug: str, judge_id: int):
    challenge = load_managed(slug)
    judge = _judge(challenge, judge_id)
    form = JudgeForm(challenge, data=_initial(judge) if request.method == "GET" else None)
    if form.validate_on_submit():
        try:
            services.update_judge(judge, form.judge_details(), actor=current_user)
        except DomainError as error:
            db.session.rollback()
            show_error(form, error)
        else:
            flash(_("%(name)s's details are saved.", name=judge.name), "success")
            return redirect(url_for("jury.judges", slug=challenge.slug))
    return render_template(
        "jury/judge_form.html", challenge=challenge, form=form, judge=judge, load=current_load(judge)
    )


@bp.route("/<slug>/jury/terms", methods=["GET", "POST"])
@login_required
def terms(slug: str):
    challenge = load_managed(slug)
    initial = {
        "judging_terms": challenge.judging_terms or "",
        "conflict_same_country": challenge.conflict_same_country,
    }
    form = JuryTermsForm(data=initial if request.method == "GET" else None)
    if form.validate_on_submit():
        try:
            services.update_jury_settings(
                challenge,
                judging_terms=form.judging_terms.data,
                conflict_same_country=form.conflict_same_country.data,
                actor=current_user,
            )
        except DomainError as error:
            db.session.rollback()
            show_error(form, error)
        else:
            flash(_("The judging terms and settings are saved."), "success")
            return redirect(url_for("jury.terms", slug=challenge.slug))
    return render_template("jury/terms.html", challenge=challenge, form=form, shown_terms=terms_of(challenge))
