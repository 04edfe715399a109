"""``flask --app judging worker`` refuses to start without Redis (the RQ tests run it with Redis)."""

from __future__ import annotations


def test_worker_command_without_redis_url_says_what_is_missing(app, monkeypatch):
    monkeypatch.setitem(app.config, "REDIS_URL", None)

    result = app.test_cli_runner().invoke(args=["worker", "--burst"])

    assert result.exit_code == 1
    assert "REDIS_URL is not set" in result.output
