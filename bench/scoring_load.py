"""Load test of score collection: 200 judges scoring at once under gunicorn, on SQLite and PostgreSQL.

For each database: a generated programme in a fresh database (one challenge, one open round with a
5-criterion 1–5 rubric, 700 entries, 200 ready judges with 10 assignments each), the app under gunicorn
(2 gthread workers, 4 threads each) on 127.0.0.1, then 200 simulated judges, one thread and one keep-alive
connection each. ``SIGN_INS`` judges sign in for real, all at once (``--all-sign-in``: all 200); the
others start with the session cookie signing in gives. Everyone waits for the sign-ins to end (timed
apart: Argon2 is slow on purpose), then for each assignment loads the sheet and submits marks; some
revise (save, reload, submit), some use two tabs (tab 1 saves, tab 2 saves the same version and must get
409), some send a mark out of range first (200, nothing written), some save and go to the next entry.

Checks, after the server has stopped: no 5xx and no unexpected status; every stale save answered 409; one
sheet per touched assignment; each sheet's version equals its judge's number of acknowledged (303) saves,
its marks, feedback and private note are those of the last acknowledged save, and the audit log holds
each acknowledged version of each sheet exactly once.

The floor: a bare Flask app serving a static page of the scoring page's size under the same gunicorn
settings, loaded by 200 keep-alive clients for a few seconds. Prints ``name: value unit (ratio x floor)``
lines; exits non-zero when a check fails. Needs PostgreSQL at ``BENCH_PG_URL`` (database ``bench_scoring``
is dropped and created); ``--sqlite-only`` skips it.
"""

from __future__ import annotations

import argparse
import os
import random
import re
import resource
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from _loadkit import Client, Sample, Server, inputs, line, percentile, reset_postgres, run_floor  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
PG_URL = os.environ.get("BENCH_PG_URL", "postgresql://postgres@127.0.0.1:5432/bench_scoring")
JUDGES, PER_JUDGE, ENTRIES = 200, 10, 700
PASSWORD = "bench password 42"
SECRET = "bench-scoring-secret-key"
SLUG = "bench-awards"
RUN_LIMIT = 300.0  # seconds: sign-ins, then scoring, may each take this long before the run counts as failed
FLOOR_SECONDS = 5.0
# Argon2 is slow on purpose: one sign-in costs about 0.5 s of this 2-core machine under load, so 200 real
# sign-ins would take minutes per database. SIGN_INS judges sign in for real (timed apart, and they check
# the sign-in under concurrency); the others start with the cookie signing in would have given them.
SIGN_INS = JUDGES if "--all-sign-in" in sys.argv else 20
DETAILS = {
    "summary": "Solar-powered cold storage for rural clinics. " * 4,
    "problem": "Vaccines spoil without power. " * 8,
    "solution": "A rented solar fridge with remote monitoring. " * 8,
    "business_model": "Pay as you go per clinic.",
    "impact": "Fewer lost doses.",
}
_MARK = re.compile(r'name="mark-(\d+)"')


def build_programme(url: str) -> tuple[dict[int, tuple[str, list[int], str]], object]:
    """Migrate a fresh database and fill it (bulk inserts); returns the plan and the app.

    The plan: ``{judge number: (email, assignment ids, session cookie)}``, the cookie being what signing
    in would give (``SECRET`` is the server's key too) for the judges who do not sign in for real.
    """
    from flask_migrate import upgrade

    from judging import create_app
    from judging.accounts.models import User
    from judging.accounts.passwords import hash_password
    from judging.database import utcnow
    from judging.extensions import db
    from tests import bulk

    app = create_app({"DATABASE_URL": url, "SECRET_KEY": SECRET})
    now = utcnow()
    with app.app_context():
        upgrade()
        password_hash = hash_password(PASSWORD)  # Argon2 is slow on purpose: hash once, reuse
        organiser = User(email="organiser@bench.example", name="Organiser", password_hash=password_hash)
        challenge = bulk.add_challenge(
            SLUG, "Bench Awards", ["Health", "Energy"], now=now, organisers=[organiser]
        )
        round_, _ = bulk.add_round(challenge, bulk.RUBRIC, now=now, guides=True)
        organisation_ids = bulk.add_organisations(100)
        category_ids = [category.id for category in challenge.categories]
        entry_ids = bulk.add_entries(
            ENTRIES,
            [challenge.id],
            category_ids,
            organisation_ids,
            title="Entry {i:03d}",
            submitted_at=now - timedelta(days=40),
            details=bulk.PITCH | DETAILS,
        )
        bulk.add_round_entries(round_.id, entry_ids)
        panel = bulk.add_panel(
            round_, entry_ids, JUDGES, PER_JUDGE, domain="bench.example", password_hash=password_hash, now=now
        )
        db.session.commit()
        plan = {
            n: (
                panel.emails[n],
                panel.assignments[n],
                bulk.session_cookie(app, panel.user_ids[n], panel.tokens[n]),
            )
            for n in range(JUDGES)
        }
    return plan, app


@dataclass
class Save:
    action: str
    marks: dict[int, int]
    feedback: str
    note: str


@dataclass
class JudgeLog:
    """What one judge saw: acknowledged saves per assignment, stale saves, anything unexpected."""

    acked: dict[int, list[Save]] = field(default_factory=dict)
    stale: int = 0
    stale_409: int = 0
    invalid: int = 0
    problems: list[str] = field(default_factory=list)
    page: str = ""


def judge_run(n: int, plan: tuple[str, list[int], str], port: int, barrier, log: JudgeLog, samples):
    """One judge's session; any surprise is written to ``log.problems`` (never raised)."""
    email, assignment_ids, cookie = plan
    client = Client(port, samples)
    rng = random.Random(n)
    if n >= SIGN_INS:
        client.cookies["session"] = cookie
    for attempt in (
        range(1, 4) if n < SIGN_INS else ()
    ):  # a person shown an error page tries again; every 5xx still counts
        try:
            token = inputs(client.get("/login", "sign-in GET").body).get("csrf_token", "")
            form = {"email": email, "password": PASSWORD, "csrf_token": token, "next": ""}
            answer = client.post("/login", form, "sign-in POST")
        except Exception as error:  # noqa: BLE001  (reported, and the judge still meets the barrier)
            log.problems.append(f"judge {n}: sign-in failed: {error!r}")
            break
        if answer.status == 302:
            break
        if answer.status < 500 or attempt == 3:
            log.problems.append(f"judge {n}: sign-in answered {answer.status}")
            break
    try:
        barrier.wait(timeout=RUN_LIMIT)
    except threading.BrokenBarrierError:
        log.problems.append(f"judge {n}: the others never finished signing in")
        return
    if log.problems:
        return
    try:
        for aid in assignment_ids:
            _score_one(client, rng, n, aid, log)
    except Exception as error:  # noqa: BLE001
        log.problems.append(f"judge {n}: {error!r}")
    finally:
        client.close()


def _score_one(client: Client, rng: random.Random, n: int, aid: int, log: JudgeLog) -> None:
    url = f"/judging/{SLUG}/entries/{aid}/score"
    acked = log.acked.setdefault(aid, [])

    def load() -> dict[str, str]:
        page = client.get(url, "sheet GET")
        if page.status != 200:
            raise RuntimeError(f"GET {url} answered {page.status}")
        log.page = log.page or page.body
        fields = inputs(page.body)
        fields["criteria"] = ",".join(dict.fromkeys(_MARK.findall(page.body)))
        return fields

    def save(tab: dict[str, str], action: str, expect: int, bad_mark: bool = False) -> None:
        criteria = [int(c) for c in tab["criteria"].split(",") if c]
        marks = {c: rng.randint(1, 5) for c in criteria}
        if bad_mark:
            marks[criteria[0]] = 9
        text = f"judge {n} sheet {aid} save {len(acked) + 1} {action} {rng.random():.6f}"
        form = {"csrf_token": tab.get("csrf_token", ""), "version": tab.get("version", ""), "action": action}
        form |= {f"mark-{c}": str(v) for c, v in marks.items()}
        form |= {"feedback": "Feedback: " + text, "private_note": "Note: " + text}
        answer = client.post(url, form, "sheet POST")
        if answer.status != expect:
            raise RuntimeError(f"{action} on {url} answered {answer.status}, expected {expect}")
        if answer.status == 303:
            acked.append(Save(action, marks, form["feedback"], form["private_note"]))

    roll = rng.random()
    tab = load()
    if roll < 0.10:  # two tabs: the second one's save is stale
        second = load()
        save(tab, "save", 303)
        log.stale += 1
        save(second, "submit", 409)
        log.stale_409 += 1
        save(load(), "submit", 303)
    elif roll < 0.30:  # revise: save a draft, come back, submit
        save(tab, "save", 303)
        save(load(), "submit", 303)
    elif roll < 0.35:  # a mark out of range: the form comes back, nothing is written
        save(tab, "submit", 200, bad_mark=True)
        log.invalid += 1
        save(load(), "submit", 303)
    elif roll < 0.45:
        save(tab, "save_next", 303)
    else:
        save(tab, "submit", 303)


def run_judges(plan, port: int) -> tuple[list[JudgeLog], list[Sample], float, float]:
    """All judges at once; returns their logs, the samples, and when scoring started and ended."""
    samples: list[Sample] = []
    started: list[float] = []
    begun = time.perf_counter()

    def signed_in() -> None:
        started.append(time.perf_counter())
        print(f"  all judges signed in after {started[0] - begun:.1f} s", file=sys.stderr, flush=True)

    barrier = threading.Barrier(JUDGES, action=signed_in)
    logs = [JudgeLog() for _ in range(JUDGES)]
    threads = [
        threading.Thread(target=judge_run, args=(n, plan[n], port, barrier, logs[n], samples), daemon=True)
        for n in range(JUDGES)
    ]
    for thread in threads:
        thread.start()
    deadline = time.monotonic() + 2 * RUN_LIMIT
    for thread in threads:
        thread.join(max(0.0, deadline - time.monotonic()))
    if any(thread.is_alive() for thread in threads):
        barrier.abort()
        logs[0].problems.append("judges still running after the time limit")
    ended = max((s.ended for s in samples), default=time.perf_counter())
    return logs, samples, (started[0] if started else ended), ended


def check_database(app, logs: list[JudgeLog]) -> tuple[int, list[str]]:
    """Compare the stored sheets with each judge's acknowledged saves; returns (saves, problems)."""
    from sqlalchemy import func, select

    from judging.audit import AuditEvent
    from judging.extensions import db
    from judging.scoring.models import Score, ScoreSheet, SheetStatus

    problems: list[str] = []
    expected = {aid: saves for log in logs for aid, saves in log.acked.items()}
    with app.app_context():
        grouped = select(ScoreSheet.assignment_id, func.count()).group_by(ScoreSheet.assignment_id)
        counts = dict(list(db.session.execute(grouped)))
        sheets = {sheet.assignment_id: sheet for sheet in db.session.scalars(select(ScoreSheet))}
        marks: dict[int, dict[int, int]] = {}
        for sheet_id, criterion_id, value in db.session.execute(
            select(Score.sheet_id, Score.criterion_id, Score.value)
        ):
            marks.setdefault(sheet_id, {})[criterion_id] = value
        audited: dict[int, list[int]] = {}
        for sheet_id, after in db.session.execute(
            select(AuditEvent.object_id, AuditEvent.after).where(AuditEvent.object_type == "ScoreSheet")
        ):
            audited.setdefault(sheet_id, []).append(int((after or {}).get("version", -1)))
    for aid, saves in expected.items():
        if counts.get(aid, 0) != (1 if saves else 0):
            problems.append(f"assignment {aid}: {counts.get(aid, 0)} sheets for {len(saves)} saves")
            continue
        if not saves:
            continue
        sheet, last = sheets[aid], saves[-1]
        if sheet.version != len(saves):
            problems.append(
                f"assignment {aid}: version {sheet.version} after {len(saves)} acknowledged saves"
            )
        if sorted(audited.get(sheet.id, [])) != list(range(1, len(saves) + 1)):
            problems.append(f"assignment {aid}: audited versions {audited.get(sheet.id)}, {len(saves)} saves")
        if marks.get(sheet.id, {}) != last.marks:
            problems.append(f"assignment {aid}: marks {marks.get(sheet.id)} but last saved {last.marks}")
        if (sheet.feedback, sheet.private_note) != (last.feedback, last.note):
            problems.append(f"assignment {aid}: feedback or note differs from the last acknowledged save")
        if last.action == "submit" and sheet.status is not SheetStatus.SUBMITTED:
            problems.append(f"assignment {aid}: submitted but stored as {sheet.status.value}")
    stray = set(counts) - set(expected)
    if stray:
        problems.append(f"{len(stray)} sheets nobody saved")
    return sum(len(saves) for saves in expected.values()), problems


def run_backend(name: str, url: str, folder: Path) -> dict:
    """Build, serve, load and check one database; returns its figures."""
    build_start = time.perf_counter()
    plan, app = build_programme(url)
    built = time.perf_counter() - build_start
    print(f"  {name}: programme built in {built:.1f} s", file=sys.stderr, flush=True)
    instance = folder / f"instance-{name}"
    instance.mkdir()
    env = {
        "JUDGING_INSTANCE_PATH": str(instance),
        "DATABASE_URL": url,
        "JUDGING_SECRET_KEY": SECRET,
        "JUDGING_LOGIN_LIMIT_PER_CLIENT": "100000 per minute",
        "JUDGING_LOGIN_LIMIT_PER_ACCOUNT": "100000 per minute",
    }
    with Server(
        "judging:create_app()", env=env, cwd=ROOT, log=folder / f"{name}.log", ready_path="/login"
    ) as s:
        logs, samples, started, ended = run_judges(plan, s.port)
    print(f"  {name}: judges done after {ended - started:.1f} s of scoring", file=sys.stderr, flush=True)
    saves, mismatches = check_database(app, logs)
    problems = [p for log in logs for p in log.problems] + mismatches
    return {
        "name": name,
        "built": built,
        "samples": samples,
        "started": started,
        "ended": ended,
        "saves": saves,
        "stale": sum(log.stale for log in logs),
        "stale_409": sum(log.stale_409 for log in logs),
        "invalid": sum(log.invalid for log in logs),
        "problems": problems,
        "mismatches": len(mismatches),
        "page": next((log.page for log in logs if log.page), ""),
        "log": folder / f"{name}.log",
    }


def report(result: dict, floor_rps: float | None, floor_samples: list[Sample]) -> bool:
    """Print one database's figures; returns whether every check held."""
    name, samples = result["name"], result["samples"]
    sign_in = [s for s in samples if s.kind.startswith("sign-in")]
    scoring = [s for s in samples if s.kind.startswith("sheet")]
    elapsed = max(result["ended"] - result["started"], 1e-9)
    rps = len(scoring) / elapsed
    floor_ms = [s.seconds * 1000 for s in floor_samples if s.status == 200]
    line(f"{name} programme built", f"{result['built']:.1f} s")
    if sign_in:
        sign_in_seconds = max(s.ended for s in sign_in) - min(s.ended - s.seconds for s in sign_in)
        posts = [s for s in sign_in if s.kind == "sign-in POST"]
        line(
            f"{name} sign-in, {SIGN_INS} judges at once (before scoring)",
            f"{len(posts)} POSTs in {sign_in_seconds:.1f} s, "
            f"p50 {percentile([s.seconds for s in posts], 50):.2f} s",
        )
    line(f"{name} scoring requests", f"{len(scoring)} in {elapsed:.1f} s")
    line(f"{name} requests per second", f"{rps:.1f} req/s", rps / floor_rps if floor_rps else None)
    ms = [s.seconds * 1000 for s in scoring]
    for q in (50, 95, 99):
        value = percentile(ms, q)
        floor = percentile(floor_ms, q) if floor_ms else 0
        line(f"{name} latency p{q}", f"{value:.1f} ms", value / floor if floor else None)
    for kind in ("sheet GET", "sheet POST"):
        of_kind = [s.seconds * 1000 for s in scoring if s.kind == kind]
        line(
            f"{name} {kind} latency p50/p95",
            f"{percentile(of_kind, 50):.1f}/{percentile(of_kind, 95):.1f} ms",
        )
    errors = sum(1 for s in samples if s.status >= 500)
    unanswered = sum(1 for s in samples if s.status == 0)
    sign_in_errors = sum(1 for s in sign_in if s.status >= 500)
    line(
        f"{name} 5xx responses",
        f"{errors} ({sign_in_errors} on sign-in, {errors - sign_in_errors} on sheets)",
    )
    line(f"{name} requests without an answer", str(unanswered))
    line(
        f"{name} acknowledged saves (303) in the database exactly once, as last saved",
        f"{result['saves']} saves, {result['mismatches']} mismatches",
    )
    line(f"{name} stale saves answered 409", f"{result['stale_409']} of {result['stale']}")
    line(f"{name} out-of-range marks refused (200, nothing written)", str(result["invalid"]))
    for problem in result["problems"][:10]:
        print(f"PROBLEM {name}: {problem}")
    if result["problems"]:
        listing = result["log"].with_suffix(".problems.txt")
        listing.write_text("\n".join(result["problems"]) + "\n")
        print(f"all {len(result['problems'])} problems: {listing}")
    ok = not errors and not unanswered and not result["problems"] and result["stale"] == result["stale_409"]
    if not ok:
        print(f"FAILED {name}; server log: {result['log']}")
    return ok


def main(sqlite_only: bool) -> int:
    begun = time.perf_counter()
    folder = Path(tempfile.mkdtemp(prefix="judging-scoring-load-"))
    os.environ["JUDGING_INSTANCE_PATH"] = str(folder)
    backends = [("sqlite", f"sqlite:///{folder}/bench.sqlite3")]
    if not sqlite_only:
        backends.append(("postgresql", PG_URL))
    results, floor_rps, floor_samples = [], None, []
    for name, url in backends:
        if name == "postgresql":
            reset_postgres(url)
        results.append(run_backend(name, url, folder))
        if floor_rps is None and results[-1]["page"]:
            floor_rps, floor_samples = run_floor(folder, results[-1]["page"], JUDGES, FLOOR_SECONDS)
    if floor_rps is not None:
        size = len(results[0]["page"].encode())
        line("floor (bare Flask, same page size, same gunicorn)", f"{floor_rps:.1f} req/s, page {size} bytes")
        line("floor 5xx or unanswered", str(sum(1 for s in floor_samples if s.status != 200)))
    ok = [report(result, floor_rps, floor_samples) for result in results]
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    line("server peak memory (largest gunicorn process, whole run)", f"{peak:.0f} MB")
    line("whole run", f"{time.perf_counter() - begun:.0f} s")
    return 0 if all(ok) else 1


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sqlite-only", action="store_true", help="skip the PostgreSQL run")
    parser.add_argument("--all-sign-in", action="store_true", help="every judge signs in for real (slow)")
    sys.exit(main(sqlite_only=parser.parse_args().sqlite_only))
