"""The in-process background job runner: inline for tests, one background thread otherwise."""

from __future__ import annotations

import logging
import threading

from flask import current_app, g

from judging import jobs


def _where(tag: str) -> tuple[str, str, bool, str]:
    """Where the job ran: its thread, its app, whether it saw the caller's ``g``, and ``tag``."""
    return threading.current_thread().name, current_app.name, "caller" in g, tag


def _fail() -> None:
    raise RuntimeError("the job broke")


def test_submit_inline_runs_now_in_a_fresh_context(app, monkeypatch):
    monkeypatch.setitem(app.config, "JOBS_INLINE", True)
    g.caller = True

    future = jobs.submit(_where, "inline")

    assert future.done()
    assert future.result() == (threading.current_thread().name, app.name, False, "inline")


def test_submit_threaded_runs_in_the_background_worker(app, monkeypatch):
    monkeypatch.setitem(app.config, "JOBS_INLINE", False)
    g.caller = True

    future = jobs.submit(_where, tag="threaded")

    thread, app_name, saw_caller, tag = future.result(timeout=10)
    assert thread.startswith("judging-job")
    assert (app_name, saw_caller, tag) == (app.name, False, "threaded")


def test_submit_logs_a_failing_job_and_never_raises(app, monkeypatch, caplog):
    monkeypatch.setitem(app.config, "JOBS_INLINE", False)

    with caplog.at_level(logging.ERROR, logger="judging.jobs"):
        result = jobs.submit(_fail).result(timeout=10)

    assert result is None
    assert "background job _fail failed" in caplog.text
    assert "the job broke" in caplog.text


def test_submit_inline_logs_a_failing_job_and_never_raises(app, monkeypatch, caplog):
    monkeypatch.setitem(app.config, "JOBS_INLINE", True)

    with caplog.at_level(logging.ERROR, logger="judging.jobs"):
        assert jobs.submit(_fail).result() is None

    assert "the job broke" in caplog.text
