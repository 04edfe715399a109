"""A gunicorn worker killed with SIGKILL in the middle of score saves and pitch-deck uploads.

Two sync workers serve a programme in a fresh database (SQLite; PostgreSQL too when TEST_DATABASE_URL
is set, in a database of its own). Threads save score sheets and upload decks without pause; once some
have been acknowledged, one worker is killed, the master starts another, and every thread carries on.
Afterwards, with the server stopped: each sheet is whole (every mark present, all from the same save,
its version that save's and one audit event per version), every acknowledged save is kept, every deck
row's file is complete, no visible file other than complete decks lies in the instance folder (no
partial file under a stored name), and every request sent after the new worker started succeeded.
"""

from __future__ import annotations

import hashlib
import os
import re
import signal
import threading
import time
from contextlib import ExitStack
from datetime import timedelta
from http.client import HTTPException
from io import BytesIO

import pytest
from pypdf import PdfWriter
from sqlalchemy import func, select

from judging import create_app
from judging.audit import AuditEvent
from judging.core.lifecycle import ChallengeStatus, SubmissionStatus
from judging.extensions import db
from judging.scoring.models import Score, ScoreSheet
from judging.submissions.models import Deck
from tests.factories import (
    make_assignment,
    make_challenge,
    make_criterion,
    make_judge,
    make_organisation,
    make_round,
    make_submission,
    make_user,
)
from tests.ops.faults_kit import Browser, Gunicorn, fresh_postgres, postgres_base_url

SECRET = "worker-kill-test"
SCORERS, SHEETS_EACH, UPLOADERS = 3, 2, 3
BEFORE_KILL = 8  # acknowledged writes before the kill
AFTER_RESTART = 3  # requests each thread sends once the new worker is up; all must succeed
WAIT = 120.0  # generous: the machine may be busy
_VERSION = re.compile(r'name="version"[^>]*value="(\d+)"|value="(\d+)"[^>]*name="version"')
_FEEDBACK = re.compile(r"^save (\d+) marks (\d)$")


def _deck(n: int) -> bytes:
    """A valid one-page PDF, different for each ``n`` and of a varying size (tens of KB)."""
    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    writer.add_metadata({"/Subject": f"deck {n} " + "x" * (20_000 + 997 * (n % 40))})
    buffer = BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def _programme(app) -> dict:
    """Criteria, a judge's sheets and entrants' drafts; returns what the threads need."""
    with app.app_context():
        db.create_all()
        judged = make_challenge(status=ChallengeStatus.JUDGING, closes_in=timedelta(days=-1))
        entries = [make_submission(judged, make_organisation()) for _ in range(SCORERS * SHEETS_EACH)]
        round_ = make_round(judged, entries=entries)
        criteria = [make_criterion(round_, name, position=i) for i, name in enumerate(("A", "B", "C"))]
        judge = make_judge(judged, make_user())
        assignments = [make_assignment(round_, judge, entry).id for entry in entries]
        open_call = make_challenge()
        entrants = []
        for _ in range(UPLOADERS):
            organisation = make_organisation()
            user = make_user(organisation=organisation)
            draft = make_submission(open_call, organisation, status=SubmissionStatus.DRAFT, created_by=user)
            entrants.append((draft.id, _cookie(app, user)))
        return {
            "slug": judged.slug,
            "criteria": [c.id for c in criteria],
            "assignments": assignments,
            "judge_cookie": _cookie(app, judge.user),
            "entrants": entrants,
        }


def _cookie(app, user) -> str:
    return app.session_interface.get_signing_serializer(app).dumps(
        {"_user_id": user.get_id(), "_fresh": False}
    )


class Run:
    """What the threads saw, shared between them."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.acked = 0
        self.restarted = threading.Event()
        self.stop = threading.Event()
        self.sent_decks: set[str] = set()
        self.acked_decks: set[str] = set()
        self.sent_sheets: dict[int, set[tuple[int, int]]] = {}  # assignment -> {(version, mark)}
        self.acked_versions: dict[int, int] = {}
        self.after_failures: list[str] = []
        self.after_done = 0

    def count(self) -> None:
        with self.lock:
            self.acked += 1

    def outcome(self, started_after: bool, what: str, ok: bool) -> None:
        if started_after:
            with self.lock:
                self.after_done += 1
                if not ok:
                    self.after_failures.append(what)


def _score(port: int, plan: dict, mine: list[int], run: Run) -> None:
    browser = Browser(port, {"session": plan["judge_cookie"]})
    sent = after = 0
    while after < AFTER_RESTART and not run.stop.is_set():
        aid = mine[sent % len(mine)]
        sent += 1
        started_after = run.restarted.is_set()
        url = f"/judging/{plan['slug']}/entries/{aid}/score"
        ok = False
        try:
            page = browser.get(url)
            found = _VERSION.search(page.body)
            version = int(next(g for g in found.groups() if g)) if found else 0
            mark = 1 + sent % 5
            form = {"version": str(version), "action": "save", "feedback": f"save {version + 1} marks {mark}"}
            form |= {f"mark-{c}": str(mark) for c in plan["criteria"]}
            with run.lock:
                run.sent_sheets.setdefault(aid, set()).add((version + 1, mark))
            answer = browser.post(url, form)
            ok = page.status == 200 and answer.status == 303
            if ok:
                with run.lock:
                    run.acked_versions[aid] = max(run.acked_versions.get(aid, 0), version + 1)
                run.count()
        except (OSError, HTTPException):  # the worker died while answering
            ok = False
        run.outcome(started_after, f"score save on {aid}", ok)
        after += started_after


def _upload(port: int, submission_id: int, cookie: str, seed: int, run: Run) -> None:
    browser = Browser(port, {"session": cookie})
    n = after = 0
    while after < AFTER_RESTART and not run.stop.is_set():
        n += 1
        started_after = run.restarted.is_set()
        data = _deck(seed * 1000 + n)
        digest = hashlib.sha256(data).hexdigest()
        with run.lock:
            run.sent_decks.add(digest)
        ok = False
        try:
            answer = browser.post_multipart(
                f"/entries/{submission_id}/edit",
                {"title": f"Entry {submission_id}", "action": "save", "summary": "Solar cold storage."},
                {"deck": (f"deck-{n}.pdf", data)},
            )
            ok = answer.status == 302
            if ok:
                with run.lock:
                    run.acked_decks.add(digest)
                run.count()
        except (OSError, HTTPException):  # the worker died while answering
            ok = False
        run.outcome(started_after, f"deck upload on {submission_id}", ok)
        after += started_after


def _kill_one_worker(server: Gunicorn, run: Run) -> tuple[int, set[int]]:
    deadline = time.monotonic() + WAIT
    while run.acked < BEFORE_KILL and time.monotonic() < deadline:
        time.sleep(0.05)
    assert run.acked >= BEFORE_KILL, "the server acknowledged too few writes before the kill"
    workers = server.worker_pids()
    victim = min(workers)
    os.kill(victim, signal.SIGKILL)
    while time.monotonic() < deadline:
        now = server.worker_pids()
        if victim not in now and len(now) == server.workers:
            run.restarted.set()
            return victim, now
        time.sleep(0.05)
    run.stop.set()
    raise AssertionError("the master did not replace the killed worker")


def _stored_files(folder) -> list:
    """Every file under the instance folder except the database's and the server's log."""
    skipped = (".sqlite3", ".sqlite3-wal", ".sqlite3-shm", ".log", "secret_key")
    return [p for p in folder.rglob("*") if p.is_file() and not p.name.endswith(skipped)]


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request, tmp_path):
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'kill.sqlite3'}"
        return
    if not os.environ.get("TEST_DATABASE_URL"):
        pytest.skip("TEST_DATABASE_URL is not set")
    base = postgres_base_url()
    if base is None:
        pytest.skip("PostgreSQL is not reachable")
    with fresh_postgres(base, "faults_kill") as url:
        yield url


def test_worker_killed_mid_writes_leaves_whole_rows_and_files(database_url, tmp_path, monkeypatch):
    instance = tmp_path / "instance"
    monkeypatch.setenv("JUDGING_INSTANCE_PATH", str(instance))
    app = create_app({"DATABASE_URL": database_url, "SECRET_KEY": SECRET, "TESTING": True})
    plan = _programme(app)
    env = {
        "JUDGING_INSTANCE_PATH": str(instance),
        "DATABASE_URL": database_url,
        "JUDGING_SECRET_KEY": SECRET,
        "JUDGING_WTF_CSRF_ENABLED": "false",
        "REDIS_URL": "",
    }
    run = Run()
    with ExitStack() as stack:
        server = stack.enter_context(Gunicorn(env, workers=2, log=tmp_path / "server.log"))
        stack.callback(run.stop.set)
        threads = [
            threading.Thread(
                target=_score, args=(server.port, plan, plan["assignments"][i::SCORERS], run), daemon=True
            )
            for i in range(SCORERS)
        ]
        threads += [
            threading.Thread(target=_upload, args=(server.port, sid, cookie, i, run), daemon=True)
            for i, (sid, cookie) in enumerate(plan["entrants"])
        ]
        for thread in threads:
            thread.start()
        victim, workers = _kill_one_worker(server, run)
        for thread in threads:
            thread.join(WAIT)
        assert not any(thread.is_alive() for thread in threads), "requests still running after the wait"

    assert victim not in workers
    assert run.after_failures == []
    assert run.after_done == (SCORERS + UPLOADERS) * AFTER_RESTART
    with app.app_context():
        try:
            _check_sheets(plan, run)
            _check_decks(instance, run)
        finally:
            db.session.remove()
            db.engine.dispose()


def _check_sheets(plan: dict, run: Run) -> None:
    marks: dict[int, list[int]] = {}
    for sheet_id, value in db.session.execute(select(Score.sheet_id, Score.value)):
        marks.setdefault(sheet_id, []).append(value)
    audited = dict(
        db.session.execute(
            select(AuditEvent.object_id, func.count())
            .where(AuditEvent.object_type == "ScoreSheet")
            .group_by(AuditEvent.object_id)
        ).all()
    )
    sheets = {sheet.assignment_id: sheet for sheet in db.session.scalars(select(ScoreSheet))}
    assert set(run.acked_versions) <= set(sheets)
    for aid, sheet in sheets.items():
        version, mark = (int(n) for n in _FEEDBACK.match(sheet.feedback or "").groups())
        assert marks[sheet.id] == [mark] * len(plan["criteria"])  # every mark, all from one save
        assert sheet.version == version
        assert (version, mark) in run.sent_sheets[aid]
        assert audited.get(sheet.id) == sheet.version  # one audit event per stored version
        assert sheet.version >= run.acked_versions.get(aid, 0)  # nothing acknowledged was lost


def _check_decks(instance, run: Run) -> None:
    rows = list(db.session.scalars(select(Deck)))
    found = _stored_files(instance)
    files = {path.name: path for path in found if not path.name.startswith(".")}
    # A write in progress lives under a hidden temporary name, never listed or served; a worker killed
    # while writing leaves it behind until the store clears it, so it is allowed here, and nothing else is.
    hidden = [path.name for path in found if path.name.startswith(".")]
    assert [name for name in hidden if not name.endswith(".tmp")] == []
    assert run.acked_decks <= {row.sha256 for row in rows}
    for row in rows:
        data = files.pop(row.storage_name.rpartition("/")[2]).read_bytes()
        assert (len(data), hashlib.sha256(data).hexdigest()) == (row.size, row.sha256)
    # A visible file without a row may only be a complete copy of a sent deck (renamed into place when
    # the worker died before its row was committed): never a partial file.
    leftovers = {name: hashlib.sha256(path.read_bytes()).hexdigest() for name, path in files.items()}
    assert {name: digest for name, digest in leftovers.items() if digest not in run.sent_decks} == {}
