"""Where jobs run: inline (tests), a thread pool in this process (the default), or RQ over Redis.

``backend_name(app)``: ``inline`` when ``JOBS_INLINE`` is set; else ``JOBS_BACKEND`` when set; else ``rq``
when ``REDIS_URL`` is set; else ``threads``. Every back-end runs ``runner.execute(job_id)`` in a fresh
application context of an app built like the web app, so a job has its own database session.

Threads: ``JOBS_THREADS`` workers per process; a restart loses queued and running jobs (they are then shown
as stopped, see ``services.refresh``). RQ: jobs wait in Redis on the ``JOBS_QUEUE`` queue until a
``flask --app judging worker`` process takes them; each runs in a forked work-horse. When a work-horse dies
(killed, out of memory), ``JudgingWorker`` marks the job FAILED at once.

Quick kinds (a mail someone waits for) have a lane of their own, so they never wait behind a long build: a
second small thread pool, or a second RQ queue (``<JOBS_QUEUE>-quick``) that every worker checks first.
"""

from __future__ import annotations

import logging
import os
import threading
from concurrent.futures import ThreadPoolExecutor

from flask import Flask
from flask_babel import gettext as _

from judging.extensions import db
from judging.jobs import runner

log = logging.getLogger(__name__)

BACKENDS = ("inline", "threads", "rq")
RQ_FUNCTION = "judging.jobs.backends.run_rq_job"

QUICK_THREADS = 2
_pools: dict[bool, tuple[int, ThreadPoolExecutor]] = {}
_pool_lock = threading.Lock()
_worker_app: tuple[int, Flask] | None = None


def backend_name(app: Flask) -> str:
    if app.config.get("JOBS_INLINE"):
        return "inline"
    name = app.config.get("JOBS_BACKEND") or ("rq" if app.config.get("REDIS_URL") else "threads")
    if name not in BACKENDS:
        raise RuntimeError(f"JOBS_BACKEND must be one of {', '.join(BACKENDS)}, not {name!r}")
    return name


def run_in_context(app: Flask, job_id: int) -> None:
    """``execute`` in a fresh app context; anything escaping it is logged, never raised."""
    with app.app_context():
        try:
            runner.execute(job_id)
        except Exception:
            log.exception("job %d could not be run", job_id)
            db.session.rollback()


def start(app: Flask, name: str, job_id: int, *, quick: bool = False) -> str | None:
    """Hand the job to back-end ``name`` (in the quick lane when ``quick``); the back-end's id for it
    (RQ), or None."""
    if name == "inline":
        run_in_context(app, job_id)
        db.session.expire_all()  # the job committed in its own session: reload what the caller holds
        return None
    if name == "threads":
        _executor(app, quick=quick).submit(run_in_context, app, job_id)
        return None
    rq_job = queue(app, quick=quick).enqueue(
        RQ_FUNCTION,
        job_id,
        job_timeout=int(app.config["JOBS_TIMEOUT_SECONDS"]),
        failure_ttl=7 * 24 * 3600,
        result_ttl=24 * 3600,
    )
    return rq_job.id


def _executor(app: Flask, *, quick: bool = False) -> ThreadPoolExecutor:
    """This process's pool for long or for quick jobs (made again after a fork, e.g. in a gunicorn worker)."""
    with _pool_lock:
        found = _pools.get(quick)
        if found is None or found[0] != os.getpid():
            workers = QUICK_THREADS if quick else max(1, int(app.config.get("JOBS_THREADS") or 1))
            prefix = "judging-quick-job" if quick else "judging-job"
            found = _pools[quick] = (os.getpid(), ThreadPoolExecutor(workers, thread_name_prefix=prefix))
        return found[1]


def redis_connection(app: Flask, *, timeout: float = 10.0):
    from redis import Redis

    url = app.config.get("REDIS_URL")
    if not url:
        raise RuntimeError("REDIS_URL is not set: the RQ job back-end needs Redis.")
    return Redis.from_url(url, socket_connect_timeout=min(2.0, timeout), socket_timeout=timeout)


def queue_names(app: Flask) -> list[str]:
    """The RQ queues a worker takes jobs from, in the order it looks at them: the quick lane first."""
    return [app.config["JOBS_QUEUE"] + "-quick", app.config["JOBS_QUEUE"]]


def queue(app: Flask, connection=None, *, quick: bool = False):
    from rq import Queue

    return Queue(queue_names(app)[0 if quick else 1], connection=connection or redis_connection(app))


def rq_state(app: Flask, backend_id: str) -> tuple[str, str | None]:
    """RQ's status of its job (``"missing"`` when Redis no longer has it) and, when failed, the last line
    of its recorded error."""
    from rq.exceptions import NoSuchJobError
    from rq.job import Job as RQJob

    try:
        rq_job = RQJob.fetch(backend_id, connection=redis_connection(app))
    except NoSuchJobError:
        return "missing", None
    status = rq_job.get_status(refresh=False)
    value = getattr(status, "value", status) or "missing"
    reason = None
    if value in ("failed", "stopped", "canceled"):
        result = rq_job.latest_result()
        text = (result.exc_string if result is not None else None) or ""
        reason = text.strip().splitlines()[-1] if text.strip() else None
    return str(value), reason


def run_rq_job(job_id: int) -> None:
    """RQ's entry point (in the work-horse): ``execute`` inside the worker's app, or a new app built by
    ``create_app()`` when this process has none. A forked horse drops the parent's database connections
    without closing them, so both processes never share one."""
    global _worker_app
    if _worker_app is None:
        from judging import create_app

        _worker_app = (os.getpid(), create_app())
    pid, app = _worker_app
    if pid != os.getpid():
        with app.app_context():
            db.engine.dispose(close=False)
        _worker_app = (os.getpid(), app)
    run_in_context(app, job_id)


def _lost_message(reason: str) -> str:
    return _("The worker stopped without finishing (%(reason)s).", reason=reason)


def make_worker(app: Flask, *, queue_name: str | None = None, simple: bool = False):
    """An RQ worker on the app's queues, the quick lane first (``queue_name``: that queue only), whose jobs
    run in ``app``."""
    from rq import SimpleWorker, Worker

    global _worker_app
    _worker_app = (os.getpid(), app)
    connection = redis_connection(app)
    base = SimpleWorker if simple else Worker

    class JudgingWorker(base):  # type: ignore[valid-type, misc]
        """Marks the job FAILED as soon as its work-horse dies (RQ records it as failed too)."""

        def handle_work_horse_killed(self, job, retpid, ret_val, rusage):
            super().handle_work_horse_killed(job, retpid, ret_val, rusage)
            signal_number = os.WTERMSIG(ret_val) if ret_val and os.WIFSIGNALED(ret_val) else None
            reason = f"signal {signal_number}" if signal_number else f"exit status {ret_val}"
            job_id = int(job.args[0]) if job.args else None
            if job_id is None:
                return
            with app.app_context():
                runner.fail(job_id, _lost_message(reason))

    from rq import Queue

    names = [queue_name] if queue_name else queue_names(app)
    return JudgingWorker([Queue(name, connection=connection) for name in names], connection=connection)
