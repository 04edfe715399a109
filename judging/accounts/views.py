"""Signing in and out, registering, confirming an address and resetting a forgotten password.

The profile pages live in ``profile_views`` and the organisation pages in ``organisation_views``; both add
their routes to this blueprint. Mailed links that cannot be used (forged, expired, already used) answer
400 with a page that says which and how to get a new link.
"""

from __future__ import annotations

import logging
import re
from urllib.parse import urlsplit

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user

from judging import security_log
from judging.accounts import services
from judging.accounts.forms import ForgotPasswordForm, LoginForm, RegisterForm, ResetPasswordForm
from judging.accounts.services import LinkProblem
from judging.errors import DomainError
from judging.extensions import client_address, limiter

bp = Blueprint("accounts", __name__)

_CONTROL_CHARS = re.compile(r"[\x00-\x1f\x7f]")


def safe_next(target: str | None) -> str | None:
    """``target`` when it is a path on this site, else None (so nobody is sent elsewhere after login).

    Control characters are removed first (browsers ignore tabs and line breaks inside URLs, which would
    turn ``/\\t/evil.example`` into ``//evil.example``); backslashes, schemes and hosts are refused.
    """
    if not target:
        return None
    cleaned = _CONTROL_CHARS.sub("", target).strip()
    if not cleaned.startswith("/") or cleaned.startswith("//") or "\\" in cleaned:
        return None
    parts = urlsplit(cleaned)
    if parts.scheme or parts.netloc:
        return None
    return cleaned


def after_sign_in(target: str | None) -> str:
    return safe_next(target) or url_for("submissions.dashboard")


def field_error(form, error: DomainError) -> None:
    """Show a service's refusal next to its field, or above the form when it names none."""
    field = getattr(form, error.field, None) if error.field else None
    if field is not None:
        field.errors = [*field.errors, error.message]
    else:
        form.form_errors.append(error.message)


def link_problem(problem: DomainError, purpose: str):
    """The page for a mailed link that cannot be used; ``purpose`` chooses how to get a new one."""
    return render_template("accounts/link_problem.html", problem=problem, purpose=purpose), 400


@bp.after_request
def no_referrer_for_links(response):
    """Pages reached through a secret link never pass the link on in a Referer header."""
    if request.view_args and "token" in request.view_args:
        response.headers["Referrer-Policy"] = "no-referrer"
    return response


# Rate limits: failed sign-ins per account and per client; mail-sending forms per client and per address.


def limit_setting(name: str, default: str):
    return lambda: current_app.config.get(name) or default


def _submitted_email() -> str:
    return "email:" + services.normalise_email(request.form.get("email", ""))


def _failed(response) -> bool:
    return response.status_code != 302


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(
    limit_setting("LOGIN_LIMIT_PER_ACCOUNT", "10 per 15 minutes"),
    key_func=_submitted_email,
    methods=["POST"],
    deduct_when=_failed,
)
@limiter.limit(
    limit_setting("LOGIN_LIMIT_PER_CLIENT", "50 per 15 minutes"),
    key_func=client_address,
    methods=["POST"],
    deduct_when=_failed,
)
def login():
    if current_user.is_authenticated and request.method == "GET":
        return redirect(after_sign_in(request.args.get("next")))
    form = LoginForm()
    if request.method == "GET":
        form.next.data = safe_next(request.args.get("next")) or ""
    if form.validate_on_submit():
        try:
            user = services.authenticate(form.email.data, form.password.data)
        except DomainError as error:
            security_log.event("sign-in failed", level=logging.WARNING, email=form.email.data)
            field_error(form, error)
        else:
            if user.has_two_factor:
                return two_factor_views.begin_second_step(user, form.next.data)
            login_user(user)
            return redirect(after_sign_in(form.next.data))
    return render_template("accounts/login.html", form=form)


@bp.route("/logout", methods=["POST"])
def logout():
    """End this session only (other devices stay signed in)."""
    if current_user.is_authenticated:
        logout_user()
        flash(_("You are signed out."), "success")
    return redirect(url_for("challenges.index"))


@bp.route("/register", methods=["GET", "POST"])
@limiter.limit(
    limit_setting("REGISTER_LIMIT_PER_CLIENT", "10 per hour"), key_func=client_address, methods=["POST"]
)
def register():
    if current_user.is_authenticated:
        return redirect(after_sign_in(request.args.get("next")))
    form = RegisterForm()
    if request.method == "GET":
        form.next.data = safe_next(request.args.get("next")) or ""
    if form.validate_on_submit():
        try:
            user = services.register_user(
                name=form.name.data,
                email=form.email.data,
                password=form.password.data,
                country=form.country.data,
                language=form.language.data,
            )
        except DomainError as error:
            field_error(form, error)
        else:
            # The same page, and still signed out, whether or not the address already had an account
            # (its holder gets a note): nothing tells a visitor which addresses have accounts.
            del user
            return redirect(url_for("accounts.check_mail", next=safe_next(form.next.data)))
    return render_template("accounts/register.html", form=form)


@bp.route("/register/check-your-mail")
def check_mail():
    return render_template(
        "accounts/check_mail.html",
        next_url=safe_next(request.args.get("next")),
        days=max(1, int(current_app.config["VERIFY_TOKEN_MAX_AGE"]) // 86400),
    )


@bp.route("/account/verify/<token>")
def verify_email(token: str):
    try:
        services.verify_email(token)
    except LinkProblem as problem:
        return link_problem(problem, "verify")
    flash(_("Thank you: your email address is confirmed."), "success")
    if current_user.is_authenticated:
        return redirect(url_for("submissions.dashboard"))
    return redirect(url_for("accounts.login"))


def user_key() -> str:
    return f"user:{current_user.id}" if current_user.is_authenticated else client_address()


@bp.route("/account/resend-verification", methods=["POST"])
@login_required
@limiter.limit(limit_setting("VERIFY_RESEND_LIMIT", "5 per hour"), key_func=user_key, methods=["POST"])
def resend_verification():
    try:
        services.resend_verification(current_user._get_current_object())
    except DomainError as error:
        flash(error.message, "info")
    else:
        flash(_("We have sent a new confirmation link to %(email)s.", email=current_user.email), "success")
    return redirect(safe_next(request.form.get("next")) or url_for("accounts.profile"))


@bp.route("/password/forgot", methods=["GET", "POST"])
@limiter.limit(
    limit_setting("RESET_LIMIT_PER_CLIENT", "10 per hour"), key_func=client_address, methods=["POST"]
)
@limiter.limit(
    limit_setting("RESET_LIMIT_PER_ACCOUNT", "3 per hour"), key_func=_submitted_email, methods=["POST"]
)
def forgot_password():
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        services.request_password_reset(form.email.data)
        flash(
            _(
                "If an account exists for this address, we have sent it a link to choose a new password. "
                "The link works for %(minutes)d minutes.",
                minutes=max(1, int(current_app.config["RESET_TOKEN_MAX_AGE"]) // 60),
            ),
            "info",
        )
        return redirect(url_for("accounts.login"))
    return render_template("accounts/forgot_password.html", form=form)


@bp.route("/password/reset/<token>", methods=["GET", "POST"])
def reset_password(token: str):
    """Choose a new password through a mailed link; other sessions end and this one is signed in."""
    try:
        services.user_for_reset(token)
    except LinkProblem as problem:
        return link_problem(problem, "reset")
    form = ResetPasswordForm()
    if form.validate_on_submit():
        try:
            user = services.reset_password(token, form.password.data)
        except LinkProblem as problem:
            return link_problem(problem, "reset")
        except DomainError as error:
            field_error(form, error)
        else:
            if user.has_two_factor:
                flash(_("Your new password is saved. Enter a code to finish signing in."), "success")
                return two_factor_views.begin_second_step(user, None)
            login_user(user)
            flash(_("Your new password is saved. You are signed in."), "success")
            return redirect(url_for("submissions.dashboard"))
    return render_template("accounts/reset_password.html", form=form)


from judging.accounts import organisation_views, profile_views, two_factor_views  # noqa: E402,F401  (routes on ``bp``)
