"""``GET /healthz``: is this instance able to serve? For load balancers, uptime monitors and deploy scripts.

Public and never rate-limited. Each check either passes or names the exception's class only (never its
text, which may carry a connection string). The database answers ``SELECT 1``; the file store
(``judging.storage``) takes a new file, reads it back and deletes it; Redis, when ``REDIS_URL`` is set,
answers a PING within a second; so does the job queue's Redis when jobs run on RQ (``judging.jobs``).
"""

from __future__ import annotations

import logging
import secrets

from flask import Blueprint, current_app, jsonify
from sqlalchemy import text

from judging.extensions import db, limiter
from judging.storage import get_storage

log = logging.getLogger(__name__)

bp = Blueprint("health", __name__)

REDIS_TIMEOUT_SECONDS = 1.0


def check_database() -> None:
    try:
        db.session.execute(text("SELECT 1"))
    finally:
        db.session.rollback()


def check_storage() -> None:
    """The file store takes a new file, gives it back whole, and lets it be deleted."""
    store, key = get_storage(), f"healthz-{secrets.token_hex(8)}"
    store.write(key, b"ok")
    try:
        if store.read_bytes(key) != b"ok":
            raise OSError("the storage returned other content than was written")
    finally:
        store.delete(key)


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


def _jobs_use_rq() -> bool:
    from judging.jobs.backends import backend_name

    try:
        return backend_name(current_app) == "rq"
    except RuntimeError:
        return True  # a misconfigured back-end: let check_queue name the failure


def check_queue() -> None:
    """The job queue's Redis (RQ back-end) answers a PING within a second."""
    from judging.jobs.backends import backend_name, redis_connection

    backend_name(current_app)
    connection = redis_connection(current_app, timeout=REDIS_TIMEOUT_SECONDS)
    try:
        connection.ping()
    finally:
        connection.close()


def run_checks() -> dict[str, str]:
    """Every check by name: ``"ok"`` or ``"failed (ExceptionClass)"``."""
    checks = {"database": check_database, "storage": check_storage}
    if current_app.config.get("REDIS_URL"):
        checks["redis"] = check_redis
    if _jobs_use_rq():
        checks["queue"] = check_queue
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
