"""Account use cases: register, confirm an address, sign in, reset or change a password or an address,
edit the profile, create an administrator.

Services never touch ``request``, ``session`` or ``current_user``: the views sign people in and out with
Flask-Login around these calls. Each public function commits at most once and queues its mail after the
commit (``judging.mail.queue_mail``: a background job writes and sends it), so a refused action leaves no
row and no message behind. The ``mail_*`` functions are what those jobs call. Links in mail come from
BASE_URL (``external_url``). Single use comes from binding each token to a fingerprint of the state its
use changes.
"""

from __future__ import annotations

from flask import current_app, has_request_context, url_for
from flask_babel import gettext as _
from sqlalchemy.exc import IntegrityError

from judging import audit
from judging.accounts.models import User, user_by_email
from judging.accounts.passwords import hash_password, needs_rehash, verify_password
from judging.database import begin_write, utcnow
from judging.errors import DomainError
from judging.extensions import db
from judging.i18n import known_zones
from judging.mail import external_url, queue_mail, send_template
from judging.templating import valid_country
from judging.tokens import TokenError, fingerprint, make_token, read_token

MAX_PASSWORD_LENGTH = 1024
VERIFY, RESET, EMAIL_CHANGE = "verify-email", "reset-password", "change-email"


class LinkProblem(DomainError):
    """A mailed link that cannot be used: ``kind`` is ``invalid``, ``expired`` or ``used``."""

    def __init__(self, kind: str) -> None:
        messages = {
            "invalid": _(
                "This link is not valid. Please check that you opened the whole link from the message."
            ),
            "expired": _("This link has expired."),
            "used": _("This link has already been used."),
        }
        super().__init__(messages[kind])
        self.kind = kind


def normalise_email(address: str) -> str:
    """Addresses are stored and compared in lower case, without surrounding spaces."""
    return address.strip().lower()


def check_password_rules(password: str, field: str = "password") -> None:
    """Refuse a password shorter than PASSWORD_MIN_LENGTH or longer than MAX_PASSWORD_LENGTH."""
    minimum = int(current_app.config["PASSWORD_MIN_LENGTH"])
    if len(password) < minimum:
        raise DomainError(_("Use at least %(count)d characters.", count=minimum), field)
    if len(password) > MAX_PASSWORD_LENGTH:
        raise DomainError(_("Use at most %(count)d characters.", count=MAX_PASSWORD_LENGTH), field)


def mail_link(endpoint: str, **values: object) -> str:
    """An absolute link for mail: the path of ``endpoint`` on BASE_URL (never the request's Host)."""
    if has_request_context():
        path = url_for(endpoint, _external=False, **values)
    else:  # CLI and background work: build the path without a request
        path = current_app.url_map.bind("localhost").build(endpoint, values)
    return external_url(path)


def read_link(purpose: str, token: str, max_age_setting: str) -> dict:
    """The payload of a mailed link, or ``LinkProblem`` (invalid or expired)."""
    try:
        return read_token(purpose, token, max_age=int(current_app.config[max_age_setting]))
    except TokenError as error:
        raise LinkProblem("expired" if error.expired else "invalid") from error


def _user_of(payload: dict) -> User:
    user_id = payload.get("uid")
    user = db.session.get(User, user_id) if isinstance(user_id, int) else None
    if user is None:
        raise LinkProblem("invalid")
    return user


def _locked(user: User) -> User:
    """``user`` re-read inside a writing transaction, its row locked until the commit: a one-time link
    checked after this holds for the rest of the use case, however many copies of the request arrive."""
    begin_write(db.session)
    db.session.refresh(user, with_for_update=True)
    return user


def _hours(setting: str) -> int:
    return max(1, int(current_app.config[setting]) // 3600)


# Registration and address confirmation ------------------------------------------------------------------


def register_user(*, name: str, email: str, password: str, country: str, language: str) -> User | None:
    """Create an unverified account and mail it a confirmation link; return the new user.

    When the address already has an account, nothing is created: the password is hashed anyway (same
    time), the holder is mailed a note, and ``None`` comes back so the caller can show the same page.
    """
    check_password_rules(password)
    _check_profile(country=country, language=language, timezone=None)
    address = normalise_email(email)
    password_hash = hash_password(password)
    existing = user_by_email(address)
    if existing is not None:
        queue_mail("register_existing", user_id=existing.id)
        return None
    user = User(
        email=address, name=name.strip(), password_hash=password_hash, country=country, language=language
    )
    db.session.add(user)
    try:
        db.session.commit()
    except IntegrityError:  # registered at the same moment by another request
        db.session.rollback()
        return None
    queue_mail("verify_email", user_id=user.id)
    return user


def mail_existing_holder(user_id: int) -> bool:
    """Tell an address's holder that someone tried to register it (the ``register_existing`` mail)."""
    user = db.session.get(User, user_id)
    if user is None:
        return False
    send_template(
        user.email,
        "register_existing",
        language=user.language,
        user=user,
        login_link=mail_link("accounts.login"),
        reset_link=mail_link("accounts.forgot_password"),
    )
    return True


def _verify_fingerprint(user: User) -> str:
    return fingerprint(user.id, user.email, user.email_verified_at)


def mail_verification(user_id: int) -> bool:
    """Mail a link confirming the user's address (the ``verify_email`` mail), unless it is confirmed."""
    user = db.session.get(User, user_id)
    if user is None or user.is_verified:
        return False
    token = make_token(VERIFY, {"uid": user.id, "fp": _verify_fingerprint(user)})
    send_template(
        user.email,
        "verify_email",
        language=user.language,
        user=user,
        link=mail_link("accounts.verify_email", token=token),
        hours=_hours("VERIFY_TOKEN_MAX_AGE"),
    )
    return True


def resend_verification(user: User) -> None:
    """Mail a fresh confirmation link (earlier links stay valid until one is used or they expire)."""
    if user.is_verified:
        raise DomainError(_("Your email address is already confirmed."))
    queue_mail("verify_email", user_id=user.id)


def verify_email(token: str) -> User:
    """Mark the address of the link's user as confirmed; a used, expired or forged link is refused."""
    payload = read_link(VERIFY, token, "VERIFY_TOKEN_MAX_AGE")
    user = _locked(_user_of(payload))
    if payload.get("fp") != _verify_fingerprint(user):
        raise LinkProblem("used" if user.is_verified else "invalid")
    user.email_verified_at = utcnow()
    db.session.commit()
    return user


# Signing in and passwords -------------------------------------------------------------------------------


def authenticate(email: str, password: str) -> User:
    """The user with these credentials, with ``last_login_at`` recorded (and the hash upgraded if due).

    Unknown addresses spend the same hashing time and get the same message as wrong passwords.
    """
    user = user_by_email(email)
    if not verify_password(user.password_hash if user else None, password) or user is None:
        raise DomainError(_("The email address or password is not correct."))
    if needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    user.last_login_at = utcnow()
    db.session.commit()
    return user


def request_password_reset(email: str) -> None:
    """Mail a reset link when the address has an account; do nothing visible otherwise. The same job is
    queued either way: whether the address has an account is found out by the job, not the request."""
    queue_mail("reset_password", email=normalise_email(email))


def mail_reset(email: str) -> bool:
    """Mail a reset link to ``email`` if it has an account (the ``reset_password`` mail)."""
    user = user_by_email(email)
    if user is None:
        return False
    token = make_token(RESET, {"uid": user.id, "fp": fingerprint(user.id, user.password_hash)})
    send_template(
        user.email,
        "reset_password",
        language=user.language,
        user=user,
        link=mail_link("accounts.reset_password", token=token),
        minutes=max(1, int(current_app.config["RESET_TOKEN_MAX_AGE"]) // 60),
    )
    return True


def user_for_reset(token: str, *, lock: bool = False) -> User:
    """The user a reset link belongs to, while it is valid and unused (it dies with the password); with
    ``lock``, in a writing transaction that holds the user's row (see ``_locked``)."""
    payload = read_link(RESET, token, "RESET_TOKEN_MAX_AGE")
    user = _user_of(payload)
    if lock:
        _locked(user)
    if payload.get("fp") != fingerprint(user.id, user.password_hash):
        raise LinkProblem("used")
    return user


def reset_password(token: str, new_password: str) -> User:
    """Set a new password through a reset link; every existing session of the user ends.

    Following the link proves the address, so an unconfirmed address becomes confirmed.
    """
    user_for_reset(token)  # a bad link is refused before the password is judged
    check_password_rules(new_password)
    password_hash = hash_password(new_password)  # slow on purpose: before the lock, not while holding it
    user = user_for_reset(token, lock=True)
    user.password_hash = password_hash
    user.end_all_sessions()
    if not user.is_verified:
        user.email_verified_at = utcnow()
    db.session.commit()
    queue_mail("password_changed", user_id=user.id)
    return user


def change_password(user: User, *, current_password: str, new_password: str) -> None:
    """Replace the password after checking the current one; every session of the user ends."""
    if not verify_password(user.password_hash, current_password):
        raise DomainError(_("Your current password is not correct."), "current_password")
    check_password_rules(new_password, "new_password")
    user.password_hash = hash_password(new_password)
    user.end_all_sessions()
    db.session.commit()
    queue_mail("password_changed", user_id=user.id)


def mail_password_changed(user_id: int) -> bool:
    """Tell the user their password changed, with a way back if it was not them."""
    user = db.session.get(User, user_id)
    if user is None:
        return False
    send_template(
        user.email,
        "password_changed",
        language=user.language,
        user=user,
        reset_link=mail_link("accounts.forgot_password"),
    )
    return True


# Profile and address changes ----------------------------------------------------------------------------


def _check_profile(*, country: str | None, language: str | None, timezone: str | None) -> None:
    if country and not valid_country(country):
        raise DomainError(_("Choose a country from the list."), "country")
    if language and language not in current_app.config["LANGUAGES"]:
        raise DomainError(_("Choose a language from the list."), "language")
    if timezone and timezone not in known_zones():
        raise DomainError(_("Choose a time zone from the list."), "timezone")


def update_profile(
    user: User, *, name: str, country: str | None, language: str | None, timezone: str | None
) -> None:
    """Change the user's name, country, language and time zone."""
    _check_profile(country=country, language=language, timezone=timezone)
    if not name.strip():
        raise DomainError(_("Enter your name."), "name")
    user.name = name.strip()
    user.country = country or None
    user.language = language or None
    user.timezone = timezone or None
    db.session.commit()


def request_email_change(user: User, *, new_email: str, password: str) -> None:
    """Mail a confirmation link to the new address; the address changes only when the link is followed."""
    if not verify_password(user.password_hash, password):
        raise DomainError(_("Your password is not correct."), "password")
    address = normalise_email(new_email)
    if address == user.email:
        raise DomainError(_("This is already your email address."), "email")
    if user_by_email(address) is not None:
        raise DomainError(_("This address cannot be used. Please choose another one."), "email")
    queue_mail("confirm_email_change", user_id=user.id, new_email=address)


def mail_email_change(user_id: int, new_email: str) -> bool:
    """Mail the new address a link that switches the account to it (the ``confirm_email_change`` mail)."""
    user = db.session.get(User, user_id)
    if user is None:
        return False
    token = make_token(
        EMAIL_CHANGE, {"uid": user.id, "email": new_email, "fp": fingerprint(user.id, user.email)}
    )
    send_template(
        new_email,
        "confirm_email_change",
        language=user.language,
        user=user,
        link=mail_link("accounts.confirm_email", token=token),
        hours=_hours("VERIFY_TOKEN_MAX_AGE"),
    )
    return True


def confirm_email_change(token: str) -> User:
    """Switch the user to the address the link was sent to (now confirmed); tell the old address."""
    payload = read_link(EMAIL_CHANGE, token, "VERIFY_TOKEN_MAX_AGE")
    user = _locked(_user_of(payload))
    address = payload.get("email")
    if not isinstance(address, str) or payload.get("fp") != fingerprint(user.id, user.email):
        raise LinkProblem("used")
    if user_by_email(address) is not None:
        raise DomainError(_("This address is now used by another account. Please choose another one."))
    old_address = user.email
    user.email = address
    user.email_verified_at = utcnow()
    db.session.commit()
    queue_mail("email_changed", user_id=user.id, old_address=old_address, new_address=address)
    return user


def mail_email_changed(user_id: int, old_address: str, new_address: str) -> bool:
    """Tell the old address that the account now uses ``new_address``."""
    user = db.session.get(User, user_id)
    if user is None:
        return False
    send_template(old_address, "email_changed", language=user.language, user=user, new_address=new_address)
    return True


# Administrators -----------------------------------------------------------------------------------------


def create_administrator(*, email: str, name: str, password: str) -> User:
    """Create a confirmed platform administrator, or make the existing account with this address one.

    An existing account keeps its own name and password. Side effect: an audit event.
    """
    from email_validator import EmailNotValidError, validate_email

    try:
        address = normalise_email(validate_email(email.strip(), check_deliverability=False).normalized)
    except EmailNotValidError as error:
        raise DomainError(_("Enter a valid email address."), "email") from error
    check_password_rules(password)
    user = user_by_email(address)
    if user is None:
        if not name.strip():
            raise DomainError(_("Enter a name."), "name")
        user = User(email=address, name=name.strip(), password_hash=hash_password(password))
        db.session.add(user)
    user.is_admin = True
    if user.email_verified_at is None:
        user.email_verified_at = utcnow()
    db.session.flush()
    audit.record("user.made_admin", user, actor=None, after={"email": user.email, "is_admin": True})
    db.session.commit()
    return user
