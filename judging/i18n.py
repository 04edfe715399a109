"""Language and time zone of the reader: the profile first, then the browser.

The language picker in every page's footer posts to ``/language``: the choice is kept in a ``lang``
cookie (so it beats the browser's Accept-Language) and, for a signed-in user, in their profile (so it
follows them to every device).
"""

from __future__ import annotations

from functools import cache
from urllib.parse import urlsplit
from zoneinfo import available_timezones

from babel import Locale, UnknownLocaleError
from flask import Blueprint, current_app, flash, has_request_context, redirect, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user

bp = Blueprint("language", __name__)

LANGUAGE_COOKIE = "lang"
LANGUAGE_COOKIE_MAX_AGE = 365 * 24 * 3600

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
    chosen = request.cookies.get(LANGUAGE_COOKIE)
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


@cache
def _direction(code: str) -> str:
    return "rtl" if Locale.parse(code).character_order == "right-to-left" else "ltr"


def text_direction(code: str | None = None) -> str:
    """ "rtl" or "ltr" for a language (default: the reader's), as CLDR writes it."""
    return _direction(str(code or get_locale() or current_app.config["BABEL_DEFAULT_LOCALE"]))


def language_choices() -> list[tuple[str, str, str]]:
    """(code, name in that language, direction) for every language the site speaks."""
    return [(code, _endonym(code), text_direction(code)) for code in current_app.config["LANGUAGES"]]


def language_name(code: str) -> str:
    """A language's name in that language ("français")."""
    return Locale.parse(code).get_display_name(code) or code


def language_label(code: str | None, *, mid_sentence: bool = False, own_name: bool = False) -> str:
    """A language's name in the reader's language: "Spanish"; "Espagnol" in a French list, "espagnol"
    with ``mid_sentence``. With ``own_name``, followed by the language's own name when that differs:
    "Swahili (Kiswahili)". Codes CLDR does not name fall back to ISO 639, then to the code itself."""
    if not code:
        return ""
    reader = get_locale() or Locale.parse(current_app.config["BABEL_DEFAULT_LOCALE"])
    try:
        language = Locale.parse(code.replace("-", "_"))
    except (ValueError, UnknownLocaleError):
        language = None
    name = language.get_display_name(reader) if language else None
    own = language.get_display_name(language) if language else None
    if not name:
        from pycountry import languages

        known = languages.get(alpha_2=code) if len(code) == 2 else None
        name = own or (known.name if known else code)
    if not mid_sentence and name != code:
        name = name[:1].upper() + name[1:]
    if own_name and own and own.casefold() != name.casefold():
        return f"{name} ({own})"
    return name


@cache
def _endonym(code: str) -> str:
    name = language_name(code)
    return name[:1].upper() + name[1:]


def _referring_page() -> str | None:
    """The path of the page the form was sent from, when the browser says and it is on this site."""
    from judging.accounts.views import safe_next

    referrer = urlsplit(request.referrer or "")
    if referrer.netloc != request.host:
        return None
    return safe_next(referrer.path + (f"?{referrer.query}" if referrer.query else ""))


@bp.route("/language", methods=["POST"])
def choose():
    """Remember the reader's language, then go back to the page they were reading.

    The cookie is Secure like the session's (``BASE_URL`` on https) or when the request came over https.
    The form token is checked for a signed-in user, whose profile changes. A visitor's choice is only a
    cookie of their own browser, so public pages carry no token: they need no session and stay the same
    for every visitor (and cacheable).
    """
    from judging.accounts.views import safe_next
    from judging.extensions import csrf, db

    if current_user.is_authenticated and current_app.config.get("WTF_CSRF_ENABLED", True):
        csrf.protect()
    target = safe_next(request.form.get("next")) or _referring_page() or url_for("challenges.index")
    code = request.form.get("lang", "")
    if code not in current_app.config["LANGUAGES"]:
        flash(_("Choose a language from the list."), "error")
        return redirect(target)
    if current_user.is_authenticated and current_user.language != code:
        current_user.language = code
        db.session.commit()
    response = redirect(target)
    response.set_cookie(
        LANGUAGE_COOKIE,
        code,
        max_age=LANGUAGE_COOKIE_MAX_AGE,
        samesite="Lax",
        secure=request.is_secure or bool(current_app.config.get("SESSION_COOKIE_SECURE")),
        httponly=True,
    )
    return response


def init_language_picker(app) -> None:
    from judging.extensions import csrf

    csrf.exempt(choose)  # checked in the view for signed-in users only
    app.register_blueprint(bp)
