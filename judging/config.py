"""Configuration layers: defaults, then ``instance/config.py``, then ``JUDGING_*`` environment variables.

``DATABASE_URL`` and ``REDIS_URL`` are also read without the prefix, as hosting platforms set them.
Values from the environment are parsed as JSON when they look like JSON (numbers, booleans, lists) and
kept as strings otherwise.
"""

from __future__ import annotations

import json
import os
import secrets
from pathlib import Path

LANGUAGES = ("en", "fr", "es", "ar", "zh", "ru")


class Defaults:
    """Settings that hold unless the instance or the environment says otherwise."""

    SECRET_KEY: str | None = None
    DATABASE_URL: str | None = None
    BASE_URL = "http://127.0.0.1:5000"
    SITE_NAME = "judging"

    # Mail: SMTP when MAIL_SERVER is set, otherwise .eml files in instance/outbox/.
    MAIL_SERVER: str | None = None
    MAIL_PORT = 587
    MAIL_USERNAME: str | None = None
    MAIL_PASSWORD: str | None = None
    MAIL_USE_TLS = True
    MAIL_USE_SSL = False
    MAIL_FROM = "judging <no-reply@localhost>"

    # Files
    MAX_DECK_BYTES = 10 * 1024 * 1024
    UPLOAD_FOLDER: str | None = None
    OUTBOX_FOLDER: str | None = None
    # File store (judging.storage) of decks, certificate images, rendered certificates and ZIP builds:
    # a local folder, STORAGE_ROOT (default UPLOAD_FOLDER, i.e. instance/uploads; a shared volume when
    # several machines serve). STORAGE_BACKEND, when set, is the dotted path "package.module:name" of a
    # callable taking the application and returning another Storage (e.g. an object store).
    STORAGE_ROOT: str | None = None
    STORAGE_BACKEND: str | None = None

    # Accounts
    PASSWORD_MIN_LENGTH = 10
    VERIFY_TOKEN_MAX_AGE = 3 * 24 * 3600
    RESET_TOKEN_MAX_AGE = 3600
    INVITE_TOKEN_MAX_AGE = 14 * 24 * 3600
    LOGIN_LIMIT_PER_ACCOUNT = "10 per 15 minutes"
    LOGIN_LIMIT_PER_CLIENT = "50 per 15 minutes"
    # Two-factor sign-in: when True, administrators and organisers without it are sent to set it up
    # from every page until they do. Wrong codes allowed per user (second sign-in step, account pages).
    TWO_FACTOR_REQUIRED_FOR_STAFF = False
    TWO_FACTOR_LIMIT = "5 per 15 minutes"

    # Shared state between workers: memory by default, Redis when REDIS_URL is set.
    REDIS_URL: str | None = None
    RATELIMIT_STORAGE_URI = "memory://"
    RATELIMIT_HEADERS_ENABLED = True

    LANGUAGES = LANGUAGES
    # Text responses (HTML, CSS, JavaScript, SVG, JSON, CSV) at least this long, in bytes, are compressed.
    COMPRESS_MIN_SIZE = 500
    BABEL_DEFAULT_LOCALE = "en"
    BABEL_DEFAULT_TIMEZONE = "UTC"

    # Scoring: a judge is reminded about a round at most once per this many hours.
    REMINDER_INTERVAL_HOURS = 48
    # Standings: bootstrap resamples behind each rank interval, and the interval's confidence.
    RESULTS_RESAMPLES = 1000
    RESULTS_CONFIDENCE = 0.95
    # Background jobs (judging.jobs): True runs them synchronously in the caller (tests).
    JOBS_INLINE = False
    # Where jobs run: "threads" (this process), "rq" (Redis workers: flask --app judging worker) or
    # "inline"; None means "rq" when REDIS_URL is set, else "threads". The RQ queue's name; threads per
    # process; a running job without a heartbeat for this many minutes is shown as failed (and a
    # certificate build started from the command line without progress as interrupted); RQ's time limit.
    JOBS_BACKEND: str | None = None
    JOBS_QUEUE = "judging"
    JOBS_THREADS = 2
    JOBS_STALE_MINUTES = 10
    JOBS_TIMEOUT_SECONDS = 3600

    # Sessions: a signed-in session ends after this many minutes without a request, and this many hours
    # after signing in whatever the activity. Cookies are Secure when None and BASE_URL is https://.
    SESSION_IDLE_MINUTES = 120
    SESSION_ABSOLUTE_HOURS = 24
    SESSION_COOKIE_SECURE: bool | None = None
    REMEMBER_COOKIE_SECURE: bool | None = None
    # Reverse proxies in front of the application: when > 0, X-Forwarded-For/-Proto/-Host are trusted
    # from that many proxies (werkzeug's ProxyFix). Leave 0 when clients reach the application directly.
    PROXY_COUNT = 0

    # Logs (judging.logs): "text" for people, "json" (one object per line) for a log collector;
    # ``make serve`` writes json unless JUDGING_LOG_FORMAT says otherwise.
    LOG_FORMAT = "text"
    LOG_LEVEL = "INFO"

    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    WTF_CSRF_TIME_LIMIT: int | None = None
    SQLALCHEMY_TRACK_MODIFICATIONS = False


def env_overrides(environ: os._Environ[str] | dict[str, str]) -> dict[str, object]:
    """Return the settings given by ``JUDGING_*`` variables (and bare ``DATABASE_URL``/``REDIS_URL``)."""
    found: dict[str, object] = {}
    for bare in ("DATABASE_URL", "REDIS_URL"):
        if environ.get(bare):
            found[bare] = environ[bare]
    for key, raw in environ.items():
        if key.startswith("JUDGING_") and len(key) > len("JUDGING_"):
            found[key[len("JUDGING_") :]] = _parse(raw)
    return found


def _parse(raw: str) -> object:
    try:
        value = json.loads(raw)
    except ValueError:
        return raw
    return value if isinstance(value, int | float | bool | list | dict) else raw


def ensure_secret_key(instance_path: str) -> str:
    """Read the generated secret key from the instance folder, creating it (mode 600) on first use."""
    path = Path(instance_path) / "secret_key"
    if path.exists():
        return path.read_text().strip()
    key = secrets.token_urlsafe(48)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(key)
    return key
