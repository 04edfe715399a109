"""Time the two long lists, the organiser's entry list and the judge's dashboard, against a floor.

A generated programme in a fresh database: one challenge in judging, 200 entries of 200 organisations
in two categories, one round holding them all, one ready judge assigned all 200 (half of them scored,
3 criteria). Both pages are rendered many times in this process through the WSGI test client (no
network); the figures are the medians of wall-clock and of CPU time after a warm-up. The floor is a
bare Flask app returning the same bytes from a template, timed the same way. Also prints the SQL
statements each page issues (counted with SQLAlchemy's ``before_cursor_execute`` event during one
request) and the process's peak memory.

Target: each page under 50 ms (wall-clock). Runs on SQLite in a temporary folder; ``--postgres`` also runs on
PostgreSQL at ``BENCH_PG_URL`` (that database is dropped and created). Prints
``name: value unit (ratio x floor)`` lines; exits non-zero when a target is missed.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from _loadkit import line, reset_postgres  # noqa: E402

PG_URL = os.environ.get("BENCH_PG_URL", "postgresql://postgres@127.0.0.1:5432/bench_lists")
ROWS = 200
RUNS, WARM_UP = 200, 20
TARGET_MS = 50.0


def _median_ms(get, url: str) -> tuple[float, float, bytes]:
    """Median wall-clock and CPU milliseconds of ``get(url)`` after a warm-up, and the page's bytes.

    CPU time is the figure that holds on a busy shared machine: wall time also counts the waits for a
    core (and, on PostgreSQL, for the server).
    """
    for _ in range(WARM_UP):
        body = get(url).data
    wall, cpu = [], []
    for _ in range(RUNS):
        started, started_cpu = time.perf_counter(), time.process_time()
        response = get(url)
        wall.append(time.perf_counter() - started)
        cpu.append(time.process_time() - started_cpu)
        assert response.status_code == 200, (url, response.status_code)
    return statistics.median(wall) * 1000, statistics.median(cpu) * 1000, body


def _floor_ms(body: bytes) -> tuple[float, float]:
    """A bare Flask app returning ``body`` from a template: the cheapest way to serve the same page."""
    from flask import Flask, render_template_string

    bare = Flask("floor")
    text = body.decode()

    @bare.route("/")
    def page():
        return render_template_string("{{ body|safe }}", body=text)

    return _median_ms(bare.test_client().get, "/")[:2]


def _statements(engine, get, url: str) -> int:
    from sqlalchemy import event

    count = 0

    def counted(*_args) -> None:
        nonlocal count
        count += 1

    event.listen(engine, "before_cursor_execute", counted)
    try:
        get(url)
    finally:
        event.remove(engine, "before_cursor_execute", counted)
    return count


def measure(label: str, url: str) -> bool:
    from flask_migrate import upgrade

    from judging import create_app
    from judging.extensions import db
    from tests.bulk import judged_round

    app = create_app({"DATABASE_URL": url, "SECRET_KEY": "bench-lists"})
    ok = True
    with app.app_context():
        upgrade()
        started = time.perf_counter()
        programme = judged_round(ROWS, sheets=ROWS // 2)
        line(f"{label} build", f"{time.perf_counter() - started:.1f} s")
        pages = [
            ("organiser entry list", programme.organiser.get_id(), "/manage/bulk-awards/entries"),
            ("judge dashboard", programme.judge.get_id(), "/judging/"),
        ]
        engine = db.engine
    for name, user_id, address in pages:
        client = app.test_client()
        with client.session_transaction() as session:
            session["_user_id"] = user_id
            session["_fresh"] = True
        ms, cpu_ms, body = _median_ms(client.get, address)  # each request in its own app context
        statements = _statements(engine, client.get, address)
        floor, floor_cpu = _floor_ms(body)
        ok &= ms < TARGET_MS
        line(f"{label} {name} ({ROWS} rows, {len(body) / 1024:.0f} KiB)", f"{ms:.1f} ms", ms / floor)
        line(f"{label} {name} CPU time", f"{cpu_ms:.1f} ms", cpu_ms / floor_cpu)
        line(f"{label} {name} queries", f"{statements} statements")
    return ok


def main(postgres: bool) -> int:
    ok = True
    with tempfile.TemporaryDirectory() as folder:
        os.environ["JUDGING_INSTANCE_PATH"] = folder
        ok &= measure("sqlite", f"sqlite:///{folder}/bench.db")
        if postgres:
            reset_postgres(PG_URL)
            ok &= measure("postgresql", PG_URL)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    line("peak memory", f"{peak:.0f} MB")
    if not ok:
        print(f"a page took {TARGET_MS:.0f} ms or more", file=sys.stderr)
    return 0 if ok else 1


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--postgres", action="store_true", help="also measure on PostgreSQL at BENCH_PG_URL")
    sys.exit(main(parser.parse_args().postgres))
