"""``GET /healthz``: is this instance able to serve? For load balancers, uptime monitors and deploy scripts.

Public and never rate-limited. Each check either passes or names the exception's class only (never its
text, which may carry a connection string). The database answers ``SELECT 1``; the instance folder takes a
new file and lets it be deleted; Redis, when ``REDIS_URL`` is set, answers a PING within a second.
"""

from __future__ import annotations

import logging
import os
import tempfile

from flask import Blueprint, current_app, jsonify
from sqlalchemy import text

from judging.extensions import db, limiter

log = logging.getLogger(__name__)

bp = Blueprint("health", __name__)

REDIS_TIMEOUT_SECONDS = 1.0


def check_database() -> None:
    try:
        db.session.execute(text("SELECT 1"))
    finally:
        db.session.rollback()


def check_storage() -> None:
    fd, name = tempfile.mkstemp(prefix=".healthz-", dir=current_app.instance_path)
    try:
        os.write(fd, b"ok")
    finally:
        os.close(fd)
        os.unlink(name)


def check_redis() -> None:
    import redis

    client = redis.Redis.from_url(
        current_app.config["REDIS_URL"],
        socket_timeout=REDIS_TIMEOUT_SECONDS,
        socket_connect_timeout=REDIS_TIMEOUT_SECONDS,
    )
    try:
        client.ping()
    finally:
        client.close()


def run_checks() -> dict[str, str]:
    """Every check by name: ``"ok"`` or ``"failed (ExceptionClass)"``."""
    checks = {"database": check_database, "storage": check_storage}
    if current_app.config.get("REDIS_URL"):
        checks["redis"] = check_redis
    results: dict[str, str] = {}
    for name, check in checks.items():
        try:
            check()
        except Exception as error:  # noqa: BLE001 (any failure makes the instance unhealthy)
            log.warning("Health check %s failed", name, exc_info=True)
            results[name] = f"failed ({type(error).__name__})"
        else:
            results[name] = "ok"
    return results


@bp.get("/healthz")
@limiter.exempt
def healthz():
    checks = run_checks()
    healthy = all(result == "ok" for result in checks.values())
    response = jsonify({"status": "ok" if healthy else "failed", "checks": checks})
    response.status_code = 200 if healthy else 503
    response.headers["Cache-Control"] = "no-store"
    return response
