"""Two-factor sign-in: time-based one-time codes (TOTP, RFC 6238) from an authenticator app, and ten
single-use recovery codes for the day the phone is lost.

A code is accepted for the current 30-second step or the one before or after (phone clocks drift), and
only once: the accepted step is claimed with one conditional UPDATE, so a code seen over a shoulder (or
sent twice at the same moment) cannot be used again. Recovery codes are random (about 60 bits each), so
a SHA-256 of each is enough to keep them unreadable in the database; each is removed when used, by a
conditional UPDATE too.

While a user sets it up, the secret is not stored anywhere: it is derived from SECRET_KEY, the user and
a random nonce that the view keeps in the session, so the (readable) session cookie never holds it.

Every change ends the user's other sessions, is written to the security log and mailed to the user.
Services never touch ``request``, ``session`` or ``current_user``; they commit once and mail afterwards.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import logging
import secrets
import time

import pyotp
import segno
from flask import current_app
from flask_babel import gettext as _
from markupsafe import Markup
from sqlalchemy import Text, cast, or_, update
from sqlalchemy.orm.attributes import set_committed_value

from judging import security_log
from judging.accounts.models import User
from judging.accounts.passwords import verify_password
from judging.database import utcnow
from judging.errors import DomainError
from judging.extensions import db
from judging.mail import queue_mail, send_template

STEP_SECONDS = 30
DRIFT_STEPS = 1
RECOVERY_CODE_COUNT = 10
# Recovery codes: 12 characters without look-alikes (no i, l, o, 0, 1), shown in groups of four.
RECOVERY_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"
RECOVERY_LENGTH = 12
TOTP, RECOVERY = "totp", "recovery"


def now() -> float:
    """The clock codes are checked against (tests may move it)."""
    return time.time()


# Setting up ---------------------------------------------------------------------------------------------


def new_enrolment_nonce() -> str:
    return secrets.token_urlsafe(16)


def enrolment_secret(user: User, nonce: str) -> str:
    """The base32 secret offered to ``user`` for this set-up attempt (160 bits, as RFC 4226 advises)."""
    key = str(current_app.config["SECRET_KEY"]).encode()
    digest = hmac.new(key, f"totp-enrolment:{user.id}:{nonce}".encode(), hashlib.sha256).digest()
    return base64.b32encode(digest[:20]).decode()


def provisioning_uri(user: User, secret: str) -> str:
    """The ``otpauth://`` address an authenticator app reads from the QR code."""
    return pyotp.TOTP(secret).provisioning_uri(name=user.email, issuer_name=current_app.config["SITE_NAME"])


def qr_svg(uri: str, title: str) -> Markup:
    """The QR code of ``uri`` as inline SVG (our own path data; ``title`` is escaped by segno)."""
    qr = segno.make(uri, error="m", micro=False)
    return Markup(qr.svg_inline(scale=5, border=4, title=title, omitsize=True))  # noqa: S704


def grouped(secret: str) -> str:
    """The secret in groups of four characters, easier to type by hand."""
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def new_recovery_codes() -> list[str]:
    codes = []
    for _index in range(RECOVERY_CODE_COUNT):
        raw = "".join(secrets.choice(RECOVERY_ALPHABET) for _char in range(RECOVERY_LENGTH))
        codes.append("-".join(raw[i : i + 4] for i in range(0, RECOVERY_LENGTH, 4)))
    return codes


def hash_code(code: str) -> str:
    return hashlib.sha256(normalise(code).encode()).hexdigest()


def normalise(code: str | None) -> str:
    """What was typed, without spaces or dashes, in lower case."""
    return "".join(char for char in (code or "").lower() if char.isalnum())


def enable(user: User, *, secret: str, code: str, password: str) -> list[str]:
    """Turn two-factor sign-in on with ``secret`` once a current code and the password are right.

    Returns the ten recovery codes (shown once; only their hashes are kept). Side effects: every
    session of the user ends (the caller signs the current one in again), a security log event, a mail.
    """
    if user.has_two_factor:
        raise DomainError(_("Two-factor sign-in is already on for your account."))
    if not verify_password(user.password_hash, password):
        raise DomainError(_("Your password is not correct."), "password")
    step = _matching_step(secret, code)
    if step is None:
        _log_failure(user, "set-up")
        raise DomainError(
            _(
                "This code is not correct. Check that your phone's clock is right, then enter the "
                "6-digit code your app shows now."
            ),
            "code",
        )
    codes = new_recovery_codes()
    user.totp_secret = secret
    user.two_factor_enabled_at = utcnow()
    user.totp_last_step = step
    user.recovery_codes = [hash_code(item) for item in codes]
    user.end_all_sessions()
    db.session.commit()
    security_log.event("two-factor enabled", user_id=user.id)
    _mail(user, "enabled")
    return codes


def disable(user: User, *, password: str, code: str, required: bool = False) -> None:
    """Turn two-factor sign-in off after checking the password and a current code or a recovery code.

    ``required``: the platform requires it of this user (staff), so it cannot be turned off.
    Side effects: every session of the user ends, a security log event, a mail.
    """
    _check_enabled(user)
    if required:
        raise DomainError(
            _("Two-factor sign-in is required for organisers and administrators, so it cannot be turned off.")
        )
    if not verify_password(user.password_hash, password):
        raise DomainError(_("Your password is not correct."), "password")
    verify(user, code, allow_recovery=True, purpose="turn off")
    user.totp_secret = None
    user.two_factor_enabled_at = None
    user.totp_last_step = None
    user.recovery_codes = []
    user.end_all_sessions()
    db.session.commit()
    security_log.event("two-factor disabled", user_id=user.id)
    _mail(user, "disabled")


def regenerate_recovery_codes(user: User, *, code: str) -> list[str]:
    """Replace every recovery code with ten new ones, after a current code from the app.

    Side effects: every session of the user ends, a security log event, a mail.
    """
    _check_enabled(user)
    verify(user, code, allow_recovery=False, purpose="new recovery codes")
    codes = new_recovery_codes()
    user.recovery_codes = [hash_code(item) for item in codes]
    user.end_all_sessions()
    db.session.commit()
    security_log.event("two-factor recovery codes replaced", user_id=user.id)
    _mail(user, "codes")
    return codes


def _check_enabled(user: User) -> None:
    if not user.has_two_factor:
        raise DomainError(_("Two-factor sign-in is not on for your account."))


# Checking codes -----------------------------------------------------------------------------------------


def _matching_step(secret: str, code: str) -> int | None:
    """The time step (now ± drift) whose code is ``code``; whether it was used before is not checked."""
    typed = normalise(code)
    if len(typed) != 6 or not typed.isdigit():
        return None
    totp = pyotp.TOTP(secret)
    current = int(now() // STEP_SECONDS)
    for step in range(current - DRIFT_STEPS, current + DRIFT_STEPS + 1):
        if hmac.compare_digest(totp.generate_otp(step), typed):
            return step
    return None


def _claim_step(user: User, step: int) -> bool:
    """Record ``step`` as used unless this or a later step already was (atomic across requests)."""
    result = db.session.execute(
        update(User)
        .where(User.id == user.id, or_(User.totp_last_step.is_(None), User.totp_last_step < step))
        .values(totp_last_step=step)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        return False
    set_committed_value(user, "totp_last_step", step)
    return True


def _use_recovery_code(user: User, code: str) -> bool:
    """Remove the recovery code ``code`` from ``user``, unless another request changed the codes first.

    The UPDATE only applies to the list this request read (compared as its JSON text, as written), so
    of two requests spending the same code at once only one succeeds.
    """
    db.session.refresh(user, ["recovery_codes"])
    stored = list(user.recovery_codes)
    digest = hash_code(code)
    remaining = [item for item in stored if not hmac.compare_digest(item, digest)]
    if len(remaining) == len(stored):
        return False
    result = db.session.execute(
        update(User)
        .where(User.id == user.id, cast(User.recovery_codes, Text) == json.dumps(stored))
        .values(recovery_codes=remaining)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        return False
    set_committed_value(user, "recovery_codes", remaining)
    return True


def verify(user: User, code: str, *, allow_recovery: bool, purpose: str) -> str:
    """Check a code of ``user`` and spend it: ``TOTP`` or ``RECOVERY`` says which kind it was.

    The caller commits. A wrong, reused or malformed code raises ``DomainError`` (field ``code``) and is
    written to the security log with ``purpose``.
    """
    typed = normalise(code)
    if len(typed) == 6 and typed.isdigit():
        step = _matching_step(user.totp_secret or "", typed)
        if step is not None and _claim_step(user, step):
            return TOTP
        if step is not None:
            _log_failure(user, purpose, reused=True)
            raise DomainError(
                _("This code has already been used. Wait for the next code from your app."), "code"
            )
    elif allow_recovery and len(typed) == RECOVERY_LENGTH and _use_recovery_code(user, typed):
        return RECOVERY
    _log_failure(user, purpose)
    if allow_recovery:
        message = _(
            "This code is not correct. Enter the 6-digit code your app shows now, or a recovery code."
        )
    else:
        message = _("This code is not correct. Enter the 6-digit code your app shows now.")
    raise DomainError(message, "code")


def complete_sign_in(user: User, code: str) -> str:
    """The second step of signing in: spend a current code or a recovery code of ``user``.

    Side effects: ``last_login_at``; a recovery code used is logged and mailed (with how many are left).
    """
    kind = verify(user, code, allow_recovery=True, purpose="sign-in")
    user.last_login_at = utcnow()
    db.session.commit()
    if kind == RECOVERY:
        security_log.event("two-factor recovery code used", user_id=user.id, left=len(user.recovery_codes))
        _mail(user, "recovery")
    return kind


def _log_failure(user: User, purpose: str, *, reused: bool = False) -> None:
    security_log.event(
        "two-factor code failed", level=logging.WARNING, user_id=user.id, purpose=purpose, reused=reused
    )


def _mail(user: User, change: str) -> None:
    queue_mail("two_factor_changed", user_id=user.id, change=change)


def mail_change(user_id: int, change: str) -> bool:
    """Tell the user their two-factor sign-in changed (``change``: enabled, disabled, codes, recovery)."""
    from judging.accounts.services import mail_link

    user = db.session.get(User, user_id)
    if user is None:
        return False
    send_template(
        user.email,
        "two_factor_changed",
        language=user.language,
        user=user,
        change=change,
        left=len(user.recovery_codes),
        settings_link=mail_link("accounts.two_factor"),
        reset_link=mail_link("accounts.forgot_password"),
    )
    return True
