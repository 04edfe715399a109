"""Two-factor sign-in pages: the second step of signing in, and turning it on or off from the profile.

After a correct password, a user with two-factor sign-in is not signed in yet: the session holds only
who passed the first step, when, where to go next, and a fingerprint of the user's sessions (a password
reset or a sign-out everywhere in between ends the step) (``PENDING``). The second step signs them in with
Flask-Login, so the session's time limits (``judging.security``) start then. The pending step lasts
``PENDING_SECONDS``; wrong codes are limited per pending user, and a code's messages go only to someone
who passed the first step.

While a user sets it up, the session keeps a nonce the secret is derived from (never the secret).
When ``TWO_FACTOR_REQUIRED_FOR_STAFF`` is on, administrators and organisers without two-factor sign-in
are sent to set it up from every page but that one, sign-out, static files and the health check.
"""

from __future__ import annotations

import hmac

from flask import current_app, flash, g, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user

from judging import permissions, security, security_log
from judging.accounts import two_factor as service
from judging.accounts.forms import (
    RecoveryCodesForm,
    TwoFactorDisableForm,
    TwoFactorSetupForm,
    TwoFactorSignInForm,
)
from judging.accounts.models import User
from judging.accounts.views import after_sign_in, bp, field_error, limit_setting, safe_next, user_key
from judging.errors import DomainError
from judging.extensions import client_address, db, limiter
from judging.tokens import fingerprint

PENDING = "_two_factor_pending"
ENROLMENT = "_two_factor_enrolment"
PENDING_SECONDS = 5 * 60
CODE_LIMIT = "TWO_FACTOR_LIMIT"
DEFAULT_CODE_LIMIT = "5 per 15 minutes"
# Pages a signed-in administrator or organiser may still open while the requirement sends them to set up.
OPEN_WHILE_REQUIRED = {"accounts.two_factor", "accounts.two_factor_setup", "accounts.logout", "static"}
OPEN_BLUEPRINTS = {"health"}


def _failed_check(response) -> bool:
    """A code check counts against the limit unless it succeeded (a redirect, or the new codes shown)."""
    return response.status_code != 302 and not g.get("two_factor_codes_shown")


def _pending_key() -> str:
    pending = session.get(PENDING)
    if isinstance(pending, dict) and isinstance(pending.get("uid"), int):
        return f"two-factor:{pending['uid']}"
    return client_address()


_sign_in_checks = limiter.limit(
    limit_setting(CODE_LIMIT, DEFAULT_CODE_LIMIT),
    key_func=_pending_key,
    methods=["POST"],
    deduct_when=_failed_check,
)
_account_checks = limiter.limit(
    limit_setting(CODE_LIMIT, DEFAULT_CODE_LIMIT),
    key_func=user_key,
    methods=["POST"],
    deduct_when=_failed_check,
)


def required_for(user) -> bool:
    """Whether the platform requires two-factor sign-in of ``user`` (administrators and organisers)."""
    if not current_app.config.get("TWO_FACTOR_REQUIRED_FOR_STAFF"):
        return False
    return permissions.is_admin(user) or permissions.is_any_organiser(user)


@bp.before_app_request
def require_two_factor_for_staff():
    """Send staff without two-factor sign-in to set it up, whatever they asked for (POSTs included)."""
    if not current_app.config.get("TWO_FACTOR_REQUIRED_FOR_STAFF"):
        return None
    if request.endpoint in OPEN_WHILE_REQUIRED or request.blueprint in OPEN_BLUEPRINTS:
        return None
    if not current_user.is_authenticated or current_user.has_two_factor:
        return None
    if not required_for(current_user):
        return None
    flash(
        _(
            "Organisers and administrators must use two-factor sign-in on this platform. Please set it up "
            "now: you can open other pages once it is on."
        ),
        "error",
    )
    return redirect(url_for("accounts.two_factor_setup"))


# Signing in: the second step -----------------------------------------------------------------------------


def begin_second_step(user: User, next_target: str | None):
    """Remember that ``user`` passed the password step, and ask for their code (no one is signed in)."""
    session[PENDING] = {
        "uid": user.id,
        "sessions": fingerprint(user.id, user.session_token),
        "at": int(security.now()),
        "next": safe_next(next_target) or "",
    }
    security_log.event("sign-in password accepted", user_id=user.id)
    return redirect(url_for("accounts.two_factor_sign_in"))


def _pending_user(pending: dict) -> User | None:
    """The user of a pending step still within its time, with the same sessions and two-factor on."""
    started, uid = pending.get("at"), pending.get("uid")
    if not isinstance(started, int) or not isinstance(uid, int):
        return None
    if security.now() - started > PENDING_SECONDS:
        return None
    user = db.session.get(User, uid)
    if user is None or not user.has_two_factor:
        return None
    if not hmac.compare_digest(fingerprint(user.id, user.session_token), str(pending.get("sessions"))):
        return None
    return user


@bp.route("/login/two-factor", methods=["GET", "POST"])
@_sign_in_checks
def two_factor_sign_in():
    if current_user.is_authenticated:
        return redirect(after_sign_in(None))
    pending = session.get(PENDING)
    if not isinstance(pending, dict):
        flash(_("Please sign in with your email address and password first."), "info")
        return redirect(url_for("accounts.login"))
    form = TwoFactorSignInForm()
    user = _pending_user(pending)
    if user is None:
        session.pop(PENDING, None)
        form.form_errors.append(
            _("This sign-in has expired. Please sign in again with your email address and password.")
        )
        return render_template("accounts/two_factor_sign_in.html", form=form, expired=True)
    if form.validate_on_submit():
        try:
            kind = service.complete_sign_in(user, form.code.data)
        except DomainError as error:
            field_error(form, error)
        else:
            session.pop(PENDING, None)
            login_user(user)
            if kind == service.RECOVERY:
                flash(_recovery_left_message(user), "info")
            return redirect(after_sign_in(pending.get("next")))
    return render_template("accounts/two_factor_sign_in.html", form=form, expired=False)


def _recovery_left_message(user: User) -> str:
    return _(
        "You signed in with a recovery code; it cannot be used again. Recovery codes left: %(count)d.",
        count=len(user.recovery_codes),
    )


# The profile: status, setting up, turning off, new recovery codes ---------------------------------------


def _status_page(user: User, *, disable_form=None, codes_form=None):
    return render_template(
        "accounts/two_factor.html",
        user=user,
        required=required_for(user),
        disable_form=disable_form or TwoFactorDisableForm(prefix="off", formdata=None),
        codes_form=codes_form or RecoveryCodesForm(prefix="codes", formdata=None),
    )


def _codes_page(user: User, codes: list[str], *, first: bool):
    g.two_factor_codes_shown = True
    return render_template("accounts/two_factor_codes.html", user=user, codes=codes, first=first)


@bp.route("/account/two-factor")
@login_required
def two_factor():
    return _status_page(current_user._get_current_object())


def _enrolment_nonce(user: User) -> str:
    """The nonce of this user's set-up in this session, made on first sight (kept until it succeeds)."""
    stored = session.get(ENROLMENT)
    if isinstance(stored, dict) and stored.get("uid") == user.id and isinstance(stored.get("nonce"), str):
        return stored["nonce"]
    nonce = service.new_enrolment_nonce()
    session[ENROLMENT] = {"uid": user.id, "nonce": nonce}
    return nonce


@bp.route("/account/two-factor/setup", methods=["GET", "POST"])
@login_required
@_account_checks
def two_factor_setup():
    user = current_user._get_current_object()
    if user.has_two_factor:
        return redirect(url_for("accounts.two_factor"))
    secret = service.enrolment_secret(user, _enrolment_nonce(user))
    form = TwoFactorSetupForm()
    if form.validate_on_submit():
        try:
            codes = service.enable(user, secret=secret, code=form.code.data, password=form.password.data)
        except DomainError as error:
            field_error(form, error)
        else:
            session.pop(ENROLMENT, None)
            login_user(user)  # the session token changed: keep this session, end the others
            return _codes_page(user, codes, first=True)
    uri = service.provisioning_uri(user, secret)
    return render_template(
        "accounts/two_factor_setup.html",
        form=form,
        secret=service.grouped(secret),
        qr=service.qr_svg(uri, _("QR code for your authenticator app")),
        required=required_for(user),
    )


@bp.route("/account/two-factor/disable", methods=["POST"])
@login_required
@_account_checks
def disable_two_factor():
    user = current_user._get_current_object()
    if not user.has_two_factor:
        return redirect(url_for("accounts.two_factor"))
    form = TwoFactorDisableForm(prefix="off")
    if form.validate_on_submit():
        try:
            service.disable(
                user, password=form.password.data, code=form.code.data, required=required_for(user)
            )
        except DomainError as error:
            field_error(form, error)
        else:
            login_user(user)
            flash(
                _("Two-factor sign-in is off. Every other session of your account was signed out."), "success"
            )
            return redirect(url_for("accounts.two_factor"))
    return _status_page(user, disable_form=form)


@bp.route("/account/two-factor/recovery-codes", methods=["POST"])
@login_required
@_account_checks
def regenerate_recovery_codes():
    user = current_user._get_current_object()
    if not user.has_two_factor:
        return redirect(url_for("accounts.two_factor"))
    form = RecoveryCodesForm(prefix="codes")
    if form.validate_on_submit():
        try:
            codes = service.regenerate_recovery_codes(user, code=form.code.data)
        except DomainError as error:
            field_error(form, error)
        else:
            login_user(user)
            return _codes_page(user, codes, first=False)
    return _status_page(user, codes_form=form)
