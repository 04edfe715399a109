"""Rate limits hold across processes when Redis is configured: two servers, one limit.

Each server is its own process (as two gunicorn workers, or two machines, would be). Requests alternate
between them; with Redis the limit counts them together, with the in-memory store each process counts
only its own, and the limit is exceeded (the control that shows what the shared store is for).
"""

from __future__ import annotations

import uuid
from contextlib import ExitStack

import pytest
import redis

from tests.ops.faults_kit import LOCAL_REDIS, Browser, Gunicorn, migrate, redis_reachable

LIMIT = 4
REQUESTS = 12

pytestmark = pytest.mark.skipif(not redis_reachable(), reason="Redis is not reachable on 127.0.0.1:6379")


def _environment(tmp_path, **extra: str) -> dict[str, str]:
    env = {
        "JUDGING_INSTANCE_PATH": str(tmp_path),
        "JUDGING_SECRET_KEY": "shared-limits-test",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'limits.sqlite3'}",
        "JUDGING_VERIFY_LIMIT": f"{LIMIT} per hour",
        "REDIS_URL": "",
        **extra,
    }
    migrate(env)
    return env


def _statuses_alternating(env: dict[str, str], tmp_path) -> list[int]:
    """Send REQUESTS verification look-ups, alternating between two server processes."""
    with ExitStack() as stack:
        servers = [
            stack.enter_context(Gunicorn(env, workers=1, log=tmp_path / f"server-{n}.log")) for n in (1, 2)
        ]
        return [Browser(servers[n % 2].port).get("/verify/UNKNOWNCODE").status for n in range(REQUESTS)]


def test_rate_limit_with_redis_holds_across_processes(tmp_path):
    prefix = f"judging-test-{uuid.uuid4().hex}"
    env = _environment(tmp_path, REDIS_URL=LOCAL_REDIS, JUDGING_RATELIMIT_KEY_PREFIX=prefix)
    try:
        statuses = _statuses_alternating(env, tmp_path)
    finally:
        store = redis.Redis.from_url(LOCAL_REDIS)
        for key in store.scan_iter(f"{prefix}*"):
            store.delete(key)

    assert statuses == [404] * LIMIT + [429] * (REQUESTS - LIMIT)


def test_rate_limit_in_memory_counts_each_process_alone(tmp_path):
    env = _environment(tmp_path, JUDGING_RATELIMIT_STORAGE_URI="memory://")

    statuses = _statuses_alternating(env, tmp_path)

    assert statuses == [404] * (2 * LIMIT) + [429] * (REQUESTS - 2 * LIMIT)
