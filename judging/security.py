"""Security hardening on every request: response headers, secure cookies and session time limits.

Every response carries a strict Content-Security-Policy (no inline script; inline style attributes stay
allowed for the server-drawn SVG charts) and the usual browser protections; HSTS only over HTTPS. Pages
for a signed-in user are never stored by the browser or a proxy (``Cache-Control: no-store``) unless the
view chose its own caching; static files keep theirs. A view's own header always wins.

A signed-in session ends after ``SESSION_IDLE_MINUTES`` without a request or ``SESSION_ABSOLUTE_HOURS``
after signing in, whichever comes first. A GET then leads to the sign-in page; any other method carries
on as a visitor, so the view's own signed-out handling applies (the scoring page keeps the typed marks).

When ``TRUSTED_HOSTS`` lists the host names the platform answers to (Flask's own setting; a leading dot
allows subdomains), a request for any other Host is refused with 400 before any view runs, so a forged
Host can never reach a page, a redirect or a link.
"""

from __future__ import annotations

import time

from flask import Flask, Request, Response, current_app, flash, redirect, request, session
from flask.sessions import SessionMixin
from flask_babel import gettext as _
from flask_login import current_user, login_url, logout_user, user_logged_in, user_logged_out
from werkzeug.datastructures import ImmutableMultiDict, iter_multi_items
from werkzeug.exceptions import SecurityError

CONTENT_SECURITY_POLICY = "; ".join(
    (
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data:",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    )
)

HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=()",
}
HSTS = "max-age=31536000; includeSubDomains"

# Session keys (seconds since the epoch): when this session signed in, and when it was last seen.
SIGNED_IN_AT = "_signed_in_at"
SEEN_AT = "_seen_at"
# The last-seen time is rewritten at most this often, so the cookie is not re-sent on every request.
SEEN_RESOLUTION = 60

GET_METHODS = ("GET", "HEAD")


def now() -> float:
    """The clock the session limits are measured with (tests move it)."""
    return time.time()


def init_security(app: Flask) -> None:
    secure = str(app.config.get("BASE_URL") or "").startswith("https://")
    for key in ("SESSION_COOKIE_SECURE", "REMEMBER_COOKIE_SECURE"):
        if app.config.get(key) is None:
            app.config[key] = secure
    app.before_request(end_expired_session)
    app.request_class = NulFreeRequest
    app.after_request(add_security_headers)
    user_logged_in.connect(_start_session, app)
    user_logged_out.connect(_forget_times, app)
    app.register_error_handler(SecurityError, refuse_host)
    from judging.security_log import init_security_log

    init_security_log(app)


def refuse_host(error: SecurityError) -> Response:
    """400 for a Host outside ``TRUSTED_HOSTS``, as plain text: no page can be built for an unknown host
    (links need a trusted one), and nothing of the request is echoed."""
    response = Response(_("Bad request: this server does not answer to that host name."), 400)
    response.mimetype = "text/plain"
    return add_security_headers(response)


class NulFreeValues(ImmutableMultiDict):
    """Query and form values with any NUL character taken out: no keyboard types one, PostgreSQL cannot
    store one (a view would fail at the database with a server error), and it can cut a value short for
    C-based tools further on."""

    def __init__(self, mapping=None) -> None:
        items = iter_multi_items(mapping) if mapping is not None else ()
        super().__init__([(k, v.replace("\x00", "") if isinstance(v, str) else v) for k, v in items])


class NulFreeRequest(Request):
    """The application's request: its ``args``, ``form`` and ``values`` hold no NUL characters."""

    parameter_storage_class = NulFreeValues


def _start_session(sender, user, **extra) -> None:
    moment = int(now())
    session[SIGNED_IN_AT] = moment
    session[SEEN_AT] = moment


def _forget_times(sender, user, **extra) -> None:
    session.pop(SIGNED_IN_AT, None)
    session.pop(SEEN_AT, None)


def _times(store: SessionMixin) -> tuple[float, float] | None:
    started, seen = store.get(SIGNED_IN_AT), store.get(SEEN_AT)
    if isinstance(started, int | float) and isinstance(seen, int | float):
        return float(started), float(seen)
    return None


def end_expired_session():
    """Sign out a session past its idle or absolute limit; otherwise note that it was seen."""
    if request.endpoint == "static" or not current_user.is_authenticated:
        return None
    moment = now()
    times = _times(session)
    if times is None:  # signed in without the times (e.g. before this check existed): starts now
        _start_session(None, current_user)
        return None
    started, seen = times
    idle = float(current_app.config["SESSION_IDLE_MINUTES"]) * 60
    absolute = float(current_app.config["SESSION_ABSOLUTE_HOURS"]) * 3600
    if moment - seen > idle or moment - started > absolute:
        session.clear()
        logout_user()
        flash(_("Your session has ended; please sign in again."), "info")
        login_view = current_app.login_manager.login_view
        if request.method in GET_METHODS and request.endpoint != login_view:
            return redirect(login_url(login_view, next_url=request.url))
        return None
    if moment - seen >= SEEN_RESOLUTION:
        session[SEEN_AT] = int(moment)
    return None


def add_security_headers(response):
    for name, value in HEADERS.items():
        response.headers.setdefault(name, value)
    if request.is_secure:
        response.headers.setdefault("Strict-Transport-Security", HSTS)
    if request.endpoint != "static" and "Cache-Control" not in response.headers and _signed_in():
        response.headers["Cache-Control"] = "no-store"
    return response


def _signed_in() -> bool:
    """Whether this response goes to a signed-in user, without loading the user again (nor failing)."""
    try:
        return bool(current_user.is_authenticated)
    except Exception:  # e.g. the database is down and this is the error page: assume signed in
        return "_user_id" in session
