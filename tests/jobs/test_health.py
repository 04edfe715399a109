"""``/healthz`` reports the job queue when jobs run on RQ, and only then."""

from __future__ import annotations

import pytest

from tests.jobs.test_rq import REDIS_URL, _reachable


def test_healthz_has_no_queue_check_for_in_process_jobs(app, client, monkeypatch):
    monkeypatch.setitem(app.config, "JOBS_INLINE", False)

    assert "queue" not in client.get("/healthz").get_json()["checks"]


def test_healthz_queue_unreachable_answers_503(app, client, monkeypatch):
    monkeypatch.setitem(app.config, "JOBS_INLINE", False)
    monkeypatch.setitem(app.config, "JOBS_BACKEND", "rq")
    monkeypatch.setitem(app.config, "REDIS_URL", "redis://127.0.0.1:1/0")

    response = client.get("/healthz")

    assert response.status_code == 503
    assert response.get_json()["checks"]["queue"] == "failed (ConnectionError)"


def test_healthz_rq_without_redis_url_names_the_failure(app, client, monkeypatch):
    monkeypatch.setitem(app.config, "JOBS_INLINE", False)
    monkeypatch.setitem(app.config, "JOBS_BACKEND", "rq")

    response = client.get("/healthz")

    assert response.status_code == 503
    assert response.get_json()["checks"]["queue"] == "failed (RuntimeError)"


@pytest.mark.skipif(not _reachable(), reason="no Redis at 127.0.0.1:6379")
def test_healthz_queue_reachable_is_ok(app, client, monkeypatch):
    monkeypatch.setitem(app.config, "JOBS_INLINE", False)
    monkeypatch.setitem(app.config, "REDIS_URL", REDIS_URL)

    response = client.get("/healthz")

    assert response.get_json()["checks"]["queue"] == "ok"
