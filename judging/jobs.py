"""A minimal in-process background job runner for work too long for a request (e.g. a ZIP of certificates).

``submit(fn, *args, **kwargs)`` runs ``fn`` in one background thread per process, inside a fresh
application context of the current app, so it has its own database session. Jobs run one at a time, in
the order they were submitted. A job's exception is logged, never raised into the request that started it;
the job itself records its outcome (e.g. a build's status and error message).

With ``JOBS_INLINE`` set (tests), the job runs synchronously in the calling thread, still in a fresh
application context, and ``submit`` returns an already finished future.

Limits, by design: with several gunicorn workers a job runs in the worker process that started it, and
nothing is persisted outside the database, so a restart or a crash of that worker loses a running job.
Whoever shows a job's progress must therefore treat a job that made no progress for a while as
interrupted and offer to start it again (``judging.certificates.builds`` does).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any

from flask import Flask, current_app

log = logging.getLogger(__name__)

_executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="judging-job")


def submit(fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Future:
    """Run ``fn(*args, **kwargs)`` in the background (or now, with ``JOBS_INLINE``).

    Returns a future holding ``fn``'s result, or ``None`` when it raised (the error is logged).
    Must be called inside an application context.
    """
    app = current_app._get_current_object()
    if app.config.get("JOBS_INLINE"):
        future: Future = Future()
        future.set_result(_run(app, fn, args, kwargs))
        from judging.extensions import db

        db.session.expire_all()  # the job committed in its own session: reload what the caller holds
        return future
    return _executor.submit(_run, app, fn, args, kwargs)


def _run(app: Flask, fn: Callable[..., Any], args: tuple, kwargs: dict) -> Any:
    """Call ``fn`` in a fresh app context; log and swallow any exception. The context's teardown
    removes the job's database session."""
    with app.app_context():
        try:
            return fn(*args, **kwargs)
        except Exception:
            log.exception("background job %s failed", getattr(fn, "__qualname__", fn))
            from judging.extensions import db

            db.session.rollback()
            return None
