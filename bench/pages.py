"""Time the main pages of issue 2 against a floor: a bare Flask app serving the same bytes.

Builds a demo programme in a temporary SQLite database, then renders each page many times through the
WSGI test client (no network), so the figures measure our code path: routing, session, queries, templates.
Prints ``name: value unit (ratio x floor)`` lines and the process's peak memory.
"""

from __future__ import annotations

import os
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

ROUNDS = 200


def _median_ms(get, url: str, rounds: int = ROUNDS) -> tuple[float, int]:
    size = len(get(url).data)  # warm-up, and the page size
    samples = []
    for _ in range(rounds):
        start = time.perf_counter()
        response = get(url)
        samples.append(time.perf_counter() - start)
        assert response.status_code == 200, (url, response.status_code)
    return statistics.median(samples) * 1000, size


def _floor_ms(body: bytes) -> float:
    """A bare Flask app returning ``body`` from a template: the cheapest way to serve the same page."""
    from flask import Flask, render_template_string

    bare = Flask("floor")
    text = body.decode()

    @bare.route("/")
    def page():
        return render_template_string("{{ body|safe }}", body=text)

    return _median_ms(bare.test_client().get, "/")[0]


def main() -> None:
    instance = tempfile.mkdtemp(prefix="judging-bench-")
    os.environ["JUDGING_INSTANCE_PATH"] = instance
    from flask_migrate import upgrade
    from sqlalchemy import select

    from judging import create_app
    from judging.accounts.models import User
    from judging.demo import load_demo
    from judging.extensions import db

    app = create_app(
        {"SECRET_KEY": "bench", "SQLALCHEMY_DATABASE_URI": f"sqlite:///{instance}/bench.sqlite3"}
    )
    with app.app_context():
        upgrade()
        load_demo()
        entrant = db.session.scalar(select(User).where(User.email == "amina@meshwave.example"))
        organiser = db.session.scalar(select(User).where(User.email == "awards.organiser@example.org"))
        entrant_id, organiser_id = entrant.get_id(), organiser.get_id()

    pages = [
        ("home", None, "/"),
        ("challenge_page", None, "/challenges/digital-sme-awards-2027"),
        ("entrant_dashboard", entrant_id, "/entries/"),
        ("organiser_entry_list", organiser_id, "/manage/digital-sme-awards-2027/entries"),
    ]
    for name, user_id, url in pages:
        client = app.test_client()
        if user_id:
            with client.session_transaction() as session:
                session["_user_id"] = user_id
                session["_fresh"] = True
        ms, size = _median_ms(client.get, url)
        floor = _floor_ms(client.get(url).data)
        print(f"{name}: {ms:.2f} ms median, {size / 1024:.1f} KiB ({ms / floor:.1f} x floor)")
    peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak_memory: {peak_mib:.0f} MiB")


if __name__ == "__main__":
    main()
