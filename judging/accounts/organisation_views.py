"""The entrant's organisation: its profile, its members, and invitations for colleagues to join.

A user has at most one organisation, reached through their account (no id in the URL); pages that need
one answer 404 for users without. A mailed invitation can be read by anyone holding the link, and is
accepted by a signed-in user (who may first register, coming back through ``next``).
"""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from judging import permissions
from judging.accounts import organisation_services as services
from judging.accounts.forms import InviteForm, OrganisationForm
from judging.accounts.models import Organisation, OrganisationInvitation
from judging.accounts.organisation_services import sector_label
from judging.accounts.services import LinkProblem
from judging.accounts.views import bp, field_error, limit_setting, link_problem, user_key
from judging.errors import DomainError
from judging.extensions import db, limiter, login_manager


def _own_organisation() -> Organisation:
    organisation = current_user.organisation
    if organisation is None or not permissions.is_organisation_member(organisation, current_user):
        abort(404)
    return organisation


def _organisation_page(organisation: Organisation | None, invite_form: InviteForm | None = None):
    return render_template(
        "accounts/organisation.html",
        organisation=organisation,
        invitations=services.pending_invitations(organisation) if organisation else [],
        invite_form=invite_form or InviteForm(formdata=None),
        sector_label=sector_label,
    )


@bp.route("/organisation")
@login_required
def organisation():
    return _organisation_page(current_user.organisation)


@bp.route("/organisation/new", methods=["GET", "POST"])
@login_required
def create_organisation():
    if current_user.organisation is not None:
        flash(_("You already belong to %(name)s.", name=current_user.organisation.name), "info")
        return redirect(url_for("accounts.organisation"))
    form = OrganisationForm()
    if form.validate_on_submit():
        try:
            created = services.create_organisation(form.details(), actor=current_user._get_current_object())
        except DomainError as error:
            field_error(form, error)
        else:
            flash(_("%(name)s is saved. You can now enter challenges.", name=created.name), "success")
            return redirect(url_for("accounts.organisation"))
    return render_template("accounts/organisation_form.html", form=form, organisation=None)


@bp.route("/organisation/edit", methods=["GET", "POST"])
@login_required
def edit_organisation():
    organisation = _own_organisation()
    form = OrganisationForm(obj=organisation)
    if form.validate_on_submit():
        try:
            services.update_organisation(
                organisation, form.details(), actor=current_user._get_current_object()
            )
        except DomainError as error:
            field_error(form, error)
        else:
            flash(_("The organisation's details are saved."), "success")
            return redirect(url_for("accounts.organisation"))
    return render_template("accounts/organisation_form.html", form=form, organisation=organisation)


@bp.route("/organisation/invite", methods=["POST"])
@login_required
@limiter.limit(limit_setting("INVITE_LIMIT", "30 per hour"), key_func=user_key, methods=["POST"])
def invite_member():
    organisation = _own_organisation()
    form = InviteForm()
    if form.validate_on_submit():
        try:
            services.invite_member(organisation, form.email.data, actor=current_user._get_current_object())
        except DomainError as error:
            field_error(form, error)
        else:
            flash(_("We have sent an invitation to %(email)s.", email=form.email.data), "success")
            return redirect(url_for("accounts.organisation"))
    return _organisation_page(organisation, form)


@bp.route("/organisation/invitations/<int:invitation_id>/revoke", methods=["POST"])
@login_required
def revoke_invitation(invitation_id: int):
    invitation = db.session.get(OrganisationInvitation, invitation_id)
    if invitation is None or not permissions.is_organisation_member(invitation.organisation, current_user):
        abort(404)
    try:
        services.revoke_invitation(invitation, actor=current_user._get_current_object())
    except DomainError as error:
        flash(error.message, "error")
    else:
        flash(_("The invitation for %(email)s is withdrawn.", email=invitation.email), "success")
    return redirect(url_for("accounts.organisation"))


@bp.route("/organisation/join/<token>", methods=["GET", "POST"])
def join_organisation(token: str):
    """Read an invitation (anyone with the link) and accept it (signed in)."""
    try:
        invitation = services.invitation_from_token(token)
    except LinkProblem as problem:
        return link_problem(problem, "invite")
    if request.method == "POST":
        if not current_user.is_authenticated:
            return login_manager.unauthorized()
        try:
            joined = services.accept_invitation(token, actor=current_user._get_current_object())
        except LinkProblem as problem:
            return link_problem(problem, "invite")
        except DomainError as error:
            flash(error.message, "error")
            return redirect(url_for("accounts.join_organisation", token=token))
        flash(_("Welcome to %(name)s.", name=joined.name), "success")
        return redirect(url_for("accounts.organisation"))
    return render_template("accounts/join.html", invitation=invitation, organisation=invitation.organisation)
