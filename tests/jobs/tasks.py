"""Task functions for the job tests, registered as kinds by the ``kinds`` fixture (``conftest.py``)."""

from __future__ import annotations

import os
import signal
import threading

from flask import g

from judging.jobs import JobError, Run


def count(run: Run) -> dict[str, object]:
    """Report progress ``params["steps"]`` times, then return where it ran (and whether it saw the ``g``
    of the request that enqueued it: it must not, as it runs in an application context of its own)."""
    steps = int(run.params.get("steps", 3))
    for done in range(1, steps + 1):
        run.progress(done, steps)
    thread = threading.current_thread().name
    return {"steps": steps, "thread": thread, "pid": os.getpid(), "saw_callers_g": "caller" in g}


def refuse(run: Run) -> None:
    raise JobError("The list of recipients is empty.")


def crash(run: Run) -> None:
    raise RuntimeError("secret connection string postgres://user:pw@db")


def flaky(run: Run) -> dict[str, int]:
    """Fails on its first attempt, succeeds on the next."""
    if run.attempt == 1:
        raise JobError("The mail server did not answer.")
    return {"attempt": run.attempt}


def die_once(run: Run) -> dict[str, int]:
    """Kills its own process (an RQ work-horse) on the first attempt, as the OOM killer would."""
    run.progress(1, 4)
    if run.attempt == 1:
        os.kill(os.getpid(), signal.SIGKILL)
    return {"attempt": run.attempt}


RELEASE = threading.Event()


def block(run: Run) -> dict[str, object]:
    """Hold a thread of the pool until the test sets ``RELEASE`` (a long build, as far as the pool knows)."""
    if not RELEASE.wait(timeout=30):
        raise JobError("Never released.")
    return {}
