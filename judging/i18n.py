"""Language and time zone of the reader: the profile first, then the browser."""

from __future__ import annotations

from zoneinfo import available_timezones

from flask import current_app, has_request_context, request
from flask_login import current_user

_ZONES: frozenset[str] | None = None


def known_zones() -> frozenset[str]:
    global _ZONES
    if _ZONES is None:
        _ZONES = frozenset(available_timezones())
    return _ZONES


def select_locale() -> str | None:
    if not has_request_context():  # CLI and background work: the default language
        return None
    languages = current_app.config["LANGUAGES"]
    if current_user.is_authenticated and current_user.language in languages:
        return current_user.language
    chosen = request.cookies.get("lang")
    if chosen in languages:
        return chosen
    return request.accept_languages.best_match(languages) or current_app.config["BABEL_DEFAULT_LOCALE"]


def select_timezone() -> str | None:
    if not has_request_context():
        return None
    if current_user.is_authenticated and current_user.timezone in known_zones():
        return current_user.timezone
    zone = request.cookies.get("tz")
    if zone in known_zones():
        return zone
    return None
