"""Logs and request ids: every request has an id, sent back in ``X-Request-ID`` and attached to every log
record written while it runs, so one line of the access log leads to everything the application logged
for that request.

The id comes from the reverse proxy's ``X-Request-ID`` header when it looks like an id (letters, digits,
``-``, ``_``, ``.``, up to 64 characters); otherwise a new random one is made. gunicorn's access log prints
the id the application sent back (see ``gunicorn.conf.py``).

``LOG_FORMAT`` chooses how the application's own records are written to standard error: ``json`` (one
object per line, for a log collector: time, level, logger, message, request_id, and any ``extra`` fields)
or ``text`` (for people). ``LOG_LEVEL`` sets the level of the application's loggers (``judging.*``).
"""

from __future__ import annotations

import logging
import re
import secrets
import sys
import time

from flask import Flask, g, has_request_context, request
from pythonjsonlogger.json import JsonFormatter

REQUEST_ID_HEADER = "X-Request-ID"
_VALID_ID = re.compile(r"[A-Za-z0-9._-]{1,64}")
TEXT_FORMAT = "[%(asctime)s] %(levelname)s %(name)s [%(request_id)s]: %(message)s"
UTC_TIME = "%Y-%m-%dT%H:%M:%SZ"
JSON_FIELDS = "%(asctime)s %(levelname)s %(name)s %(message)s %(request_id)s"


def request_id() -> str | None:
    """The id of the request being served, or None outside a request."""
    if not has_request_context():
        return None
    current = g.get("request_id")
    if current is None:
        offered = request.headers.get(REQUEST_ID_HEADER, "")
        current = offered if _VALID_ID.fullmatch(offered) else secrets.token_hex(16)
        g.request_id = current
    return current


class RequestIdFilter(logging.Filter):
    """Adds ``request_id`` to every record (``-`` outside a request)."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = request_id() or "-"
        return True


class StderrHandler(logging.StreamHandler):
    """Writes to whatever ``sys.stderr`` is at the time of the record (it may be replaced after start-up,
    as test runners and daemonising servers do), not to the stream it was created with."""

    def __init__(self) -> None:
        logging.Handler.__init__(self)

    @property
    def stream(self):  # type: ignore[override]
        return sys.stderr

    @stream.setter
    def stream(self, value) -> None:
        pass


class OneLineFormatter(logging.Formatter):
    """Text records in UTC whose message cannot start a new line (CR, LF and other controls escaped);
    a traceback, written by the application itself, still follows on lines of its own."""

    converter = time.gmtime

    def formatMessage(self, record: logging.LogRecord) -> str:  # noqa: N802 (logging's name)
        line = super().formatMessage(record)
        return "".join(char if char.isprintable() else repr(char)[1:-1] for char in line)


def _handler(log_format: str) -> logging.Handler:
    handler = StderrHandler()
    if log_format == "json":
        renamed = {"asctime": "time", "levelname": "level", "name": "logger"}
        formatter = JsonFormatter(JSON_FIELDS, rename_fields=renamed, datefmt=UTC_TIME)
        formatter.converter = time.gmtime
        handler.setFormatter(formatter)
    else:
        handler.setFormatter(OneLineFormatter(TEXT_FORMAT, datefmt=UTC_TIME))
    handler.addFilter(RequestIdFilter())
    handler.judging_handler = True  # type: ignore[attr-defined]
    return handler


def init_logging(app: Flask) -> None:
    """Write the application's records in ``LOG_FORMAT`` at ``LOG_LEVEL``, and give each request an id.

    Side effects: replaces the handler a previous call installed on the ``judging`` logger (the app's
    logger; tests build many apps), so records are written once.
    """
    logger = logging.getLogger("judging")
    for old in [handler for handler in logger.handlers if getattr(handler, "judging_handler", False)]:
        logger.removeHandler(old)
    logger.addHandler(_handler(str(app.config.get("LOG_FORMAT") or "text")))
    logger.setLevel(str(app.config.get("LOG_LEVEL") or "INFO").upper())

    @app.after_request
    def send_request_id(response):
        response.headers[REQUEST_ID_HEADER] = request_id() or ""
        return response
