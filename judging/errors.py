"""Domain errors raised by services, and the error pages every failure ends on."""

from __future__ import annotations

import logging

from flask import Flask, current_app, g, render_template, request
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError
from werkzeug.exceptions import HTTPException

from judging.typed import keep_refused

log = logging.getLogger(__name__)


class DomainError(Exception):
    """A rule of the domain refused the action; ``message`` is translated and shown to the user.

    ``field`` names the form field the message belongs to, when there is one.
    """

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


class NotAllowed(DomainError):
    """The actor may not do this (views answer 404 for objects the user may not see)."""


class ClosedForChanges(DomainError):
    """The deadline has passed or the object is no longer editable."""


def _messages() -> dict[int, tuple[str, str]]:
    return {
        400: (_("Bad request"), _("The request could not be understood. Please go back and try again.")),
        403: (_("Not allowed"), _("You are not allowed to do this.")),
        404: (_("Page not found"), _("There is no such page, or you are not allowed to see it.")),
        405: (_("Not allowed"), _("This page cannot be used that way.")),
        413: (
            _("Too large"),
            _("What you sent is too large. Nothing was saved; please go back and send a smaller file."),
        ),
        429: (_("Too many attempts"), _("Too many attempts. Please wait a few minutes and try again.")),
        500: (
            _("Something went wrong"),
            _("Something went wrong on our side. Nothing was lost; please try again."),
        ),
        503: (
            _("Temporarily unavailable"),
            _("The service is briefly unavailable. Please try again in a minute."),
        ),
    }


def render_error(code: int, detail: str | None = None):
    title, message = _messages().get(code, _messages()[500])
    return render_template("errors/error.html", code=code, title=title, message=detail or message), code


RETRY_AFTER_SECONDS = 30
# SQLite's own "cannot work right now" failures; its other OperationalErrors (no such table...) are bugs.
_SQLITE_UNAVAILABLE = ("unable to open", "database is locked", "disk i/o error", "database or disk is full")


def database_unavailable(error: DBAPIError) -> bool:
    """Whether ``error`` means the database cannot be reached (not that a statement was wrong).

    A lost or refused connection (PostgreSQL's OperationalErrors are all about the server or the link),
    a connection the pool has invalidated, a driver-level failure, or SQLite unable to open or lock its file.
    """
    if isinstance(error, InterfaceError) or error.connection_invalidated:
        return True
    if not isinstance(error, OperationalError):
        return False
    if type(error.orig).__module__.startswith("sqlite3"):
        return str(error.orig).lower().startswith(_SQLITE_UNAVAILABLE)
    return True


def render_unavailable():
    """The 503 page, drawn for a visitor so that it needs no query (loading the user would fail again)."""
    from judging.extensions import db

    try:
        db.session.rollback()  # the next request starts clean; the pool drops the dead connection
    except DBAPIError:
        db.session.close()
    g._login_user = current_app.login_manager.anonymous_user()
    response = current_app.make_response((render_template("errors/unavailable.html"), 503))
    response.headers["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


def init_errors(app: Flask) -> None:
    @app.errorhandler(DBAPIError)
    def database_error(error: DBAPIError):
        if not database_unavailable(error):
            raise error  # a bug: Flask's usual 500 path, with its traceback
        log.warning(
            "database unavailable on %s %s: %s", request.method, request.path, type(error.orig).__name__
        )
        return render_unavailable()

    @app.errorhandler(CSRFError)
    def csrf_error(error: CSRFError):
        kept = keep_refused()  # a long form: what was typed comes back, never lost to an ended session
        if kept is not None:
            return kept
        return render_error(
            400,
            _(
                "This form has expired or did not come from this site, so nothing was saved. "
                "Please go back, reload the page and send it again."
            ),
        )

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        if error.code is None or error.code < 400:
            return error
        if error.code == 403:  # what a user may not see does not exist for them
            return render_error(404)
        return render_error(error.code)

    @app.errorhandler(500)
    def unexpected(error: HTTPException):
        log.error("unhandled error on %s %s", request.method, request.path)
        return render_error(500)
