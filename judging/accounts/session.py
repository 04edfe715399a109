"""Flask-Login wiring: the login cookie carries the user id and the user's current session token."""

from __future__ import annotations

import hmac

from flask import Flask
from flask_babel import lazy_gettext as _l

from judging.accounts.models import User
from judging.extensions import db, login_manager


def load_user(user_id: str) -> User | None:
    """The user named by a login cookie, if its session token is still the user's current one."""
    ident, _, token = user_id.partition(":")
    if not ident.isdigit() or not token:
        return None
    user = db.session.get(User, int(ident))
    if user is None or not hmac.compare_digest(user.session_token, token):
        return None
    return user


def configure_login(app: Flask) -> None:
    login_manager.init_app(app)
    login_manager.login_view = "accounts.login"
    login_manager.login_message = _l("Please sign in to see this page.")
    login_manager.login_message_category = "info"
    login_manager.session_protection = "basic"
    login_manager.user_loader(load_user)
