"""The signed-in user's own account: profile, email address and password.

Changing the address or the password needs the current password. A new address takes effect only when
the link mailed to it is followed. A new password ends every other session (this one is signed in again).
"""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user

from judging.accounts import services
from judging.accounts.forms import ChangeEmailForm, ChangePasswordForm, ProfileForm
from judging.accounts.services import LinkProblem
from judging.accounts.views import bp, field_error, limit_setting, link_problem, user_key
from judging.errors import DomainError
from judging.extensions import limiter

_password_checks = limiter.limit(
    limit_setting("PASSWORD_CHECK_LIMIT", "10 per 15 minutes"),
    key_func=user_key,
    methods=["POST"],
    deduct_when=lambda response: response.status_code != 302,
)


@bp.route("/account", methods=["GET", "POST"])
@login_required
def profile():
    user = current_user._get_current_object()
    form = ProfileForm(obj=user)
    if form.validate_on_submit():
        try:
            services.update_profile(
                user,
                name=form.name.data,
                country=form.country.data,
                language=form.language.data,
                timezone=form.timezone.data,
            )
        except DomainError as error:
            field_error(form, error)
        else:
            flash(_("Your profile is saved."), "success")
            return redirect(url_for("accounts.profile"))
    return render_template("accounts/profile.html", form=form, user=user)


@bp.route("/account/email", methods=["GET", "POST"])
@login_required
@_password_checks
def change_email():
    form = ChangeEmailForm()
    if form.validate_on_submit():
        try:
            services.request_email_change(
                current_user._get_current_object(), new_email=form.email.data, password=form.password.data
            )
        except DomainError as error:
            field_error(form, error)
        else:
            flash(
                _(
                    "We have sent a link to %(email)s. Your address changes when you follow that link.",
                    email=services.normalise_email(form.email.data),
                ),
                "info",
            )
            return redirect(url_for("accounts.profile"))
    return render_template("accounts/change_email.html", form=form)


@bp.route("/account/email/confirm/<token>")
def confirm_email(token: str):
    """Follow the link mailed to a new address: the account switches to it (no sign-in needed)."""
    try:
        user = services.confirm_email_change(token)
    except LinkProblem as problem:
        return link_problem(problem, "email")
    except DomainError as error:
        return link_problem(error, "email")
    flash(_("Your email address is now %(email)s.", email=user.email), "success")
    if current_user.is_authenticated:
        return redirect(url_for("accounts.profile"))
    return redirect(url_for("accounts.login"))


@bp.route("/account/password", methods=["GET", "POST"])
@login_required
@_password_checks
def change_password():
    form = ChangePasswordForm()
    if form.validate_on_submit():
        user = current_user._get_current_object()
        try:
            services.change_password(
                user, current_password=form.current_password.data, new_password=form.new_password.data
            )
        except DomainError as error:
            field_error(form, error)
        else:
            login_user(user)  # the session token changed: keep this session, end the others
            flash(_("Your new password is saved. You have been signed out everywhere else."), "success")
            return redirect(url_for("accounts.profile"))
    return render_template("accounts/change_password.html", form=form)
