"""``flask --app judging worker [--burst] [--queue NAME]``: an RQ worker that runs the application's jobs.

The Flask command line builds the app with ``create_app()``, as the web app is built; each job then runs in
a forked work-horse, in a fresh application context of that app (``judging.jobs.backends``).
"""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import with_appcontext

from judging.jobs.backends import make_worker


@click.command("worker")
@click.option("--burst", is_flag=True, help="Run the jobs waiting now, then stop.")
@click.option(
    "--queue",
    "queue_name",
    default=None,
    help="The one queue to work on (default: JOBS_QUEUE-quick, then JOBS_QUEUE).",
)
@with_appcontext
def worker_command(burst: bool, queue_name: str | None) -> None:
    """Start an RQ worker on the job queue (needs REDIS_URL)."""
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    if not app.config.get("REDIS_URL"):
        raise click.ClickException(
            "REDIS_URL is not set: the worker takes jobs from Redis. Set REDIS_URL (or JUDGING_REDIS_URL) to "
            "the Redis the web app uses; without it, jobs run in the web process and no worker is needed."
        )
    worker = make_worker(app, queue_name=queue_name)
    names = ", ".join(queue.name for queue in worker.queues)
    click.echo(f"Worker {worker.name} on queues {names}" + (" (burst)" if burst else ""))
    worker.work(burst=burst, logging_level="INFO")
