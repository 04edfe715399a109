"""Mixed load on PostgreSQL under gunicorn: judges scoring, entrants editing drafts, visitors browsing.

A generated programme (``build_large_programme``, bulk inserts: 5,000 entries of which 300 are drafts
in an open call, 300 judges, 15,000 assignments, plus the demo's published edition) in a fresh database
(``bench_load``, at ``BENCH_PG_URL``), the app under gunicorn (``_loadkit.GUNICORN_ARGS``) on 127.0.0.1,
then for ``--seconds`` (default 60) keep-alive clients at once, each without pause: judges load a score
sheet and save or submit marks, entrants load their draft's edit form and save it, visitors load the
challenge list and the published results.

Then each page alone, ``SOLO_CLIENTS`` clients for a few seconds, and the floor: a bare Flask app under
the same gunicorn settings answering the same status with a body of the same size, loaded the same way.
The ratio is the page's throughput over its floor's. For the judge's pages, a second reference: the
application itself under the same settings, answering a signed-in page that holds a CSRF token (GET) or
checks one (POST) and does nothing else (``SIGNED_FLOOR_APP``), so the figures separate what every
signed-in page costs (session, user, request hooks) from what the page's own code costs.

Checks, after the server has stopped: no 5xx, no unexpected status, and every acknowledged write (a
save answered with a redirect) is in the database with the values last acknowledged (a sheet's version
equals its acknowledged saves). Prints ``name: value unit (ratio x floor)`` lines; exits non-zero when a
check fails.
"""

from __future__ import annotations

import argparse
import os
import random
import re
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from _loadkit import Client, Sample, Server, inputs, line, percentile, reset_postgres  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
PG_URL = os.environ.get("BENCH_PG_URL", "postgresql://postgres@127.0.0.1:5432/bench_load")
SECRET = "bench-load-secret-key"
ENTRIES, JUDGES, ASSIGNMENTS, DRAFTS = 5000, 300, 15000, 300
JUDGE_CLIENTS, ENTRANT_CLIENTS, VISITOR_CLIENTS = 24, 8, 8
SOLO_CLIENTS = 16
_MARK = re.compile(r'name="mark-(\d+)"')
JUDGE_PAGES = ("sheet GET", "sheet POST")


# The generated programme: a fake password hash (nobody signs in; judges and entrants get session cookies).
PASSWORD_HASH = "$argon2id$v=19$m=65536,t=3,p=4$bm90LWEtcmVhbC1oYXNo$bm90LWEtcmVhbC1oYXNoLWF0LWFsbA"
CATEGORIES = ["Connectivity", "Smart cities", "E-health", "Digital finance"]
JUDGED_SLUG = "load-awards"
OPEN_SLUG = "load-open-call"
TEXT = "Solar-powered cold storage for rural clinics, rented per month with remote monitoring. "
DETAILS = {
    "summary": TEXT * 2,
    "problem": TEXT * 4,
    "solution": TEXT * 4,
    "business_model": "Pay as you go per clinic.",
    "impact": "Fewer lost doses.",
    "language": "en",
}


@dataclass
class Programme:
    judged_slug: str
    open_slug: str
    published_slug: str
    judges: list[tuple[list[int], str]] = field(default_factory=list)  # (assignment ids, cookie)
    entrants: list[tuple[int, str]] = field(default_factory=list)  # (draft submission id, cookie)
    counts: dict[str, int] = field(default_factory=dict)


def build_large_programme(app, *, entries: int, judges: int, assignments: int, drafts: int) -> Programme:
    """Fill the (empty) database behind ``app``; ``drafts`` of the ``entries`` are drafts in an open call.

    Migrates, loads the demo (so a published challenge has public results), then adds one challenge in
    judging (an open round with a 5-criterion rubric, judged entries, ready judges and their assignments)
    and one open challenge whose entrants each hold a draft. Cookies are signed with ``app``'s secret key:
    the server under test must be given the same key.
    """
    from flask_migrate import upgrade

    from judging.accounts.models import User
    from judging.challenges.models import ChallengeKind
    from judging.core.lifecycle import ChallengeStatus, SubmissionStatus
    from judging.database import utcnow
    from judging.demo import load_demo
    from judging.demo.jury import PUBLISHED_SLUG
    from judging.extensions import db
    from tests import bulk

    judged_entries, per_judge = entries - drafts, assignments // judges
    companies = max(1, judged_entries // 5)
    now = utcnow()
    with app.app_context():
        upgrade()
        load_demo()  # includes a published edition: public results with content
        organiser = User(email="organiser@load.example", name="Organiser", password_hash=PASSWORD_HASH)
        judged = bulk.add_challenge(JUDGED_SLUG, "Load Awards", CATEGORIES, now=now, organisers=[organiser])
        open_call = bulk.add_challenge(
            OPEN_SLUG,
            "Load Open Call",
            CATEGORIES,
            now=now,
            organisers=[organiser],
            kind=ChallengeKind.CHALLENGE,
            status=ChallengeStatus.OPEN,
            days=(-10, 30),
        )
        round_, _ = bulk.add_round(judged, bulk.RUBRIC, now=now, guides=True)
        organisation_ids = bulk.add_organisations(companies + drafts)
        entrant_ids, entrant_tokens = bulk.add_users(
            bulk.people(drafts, "load.example", role="entrant"),
            password_hash=PASSWORD_HASH,
            now=now,
            organisation_ids=organisation_ids[companies:],
        )
        entry_ids = bulk.add_entries(
            judged_entries,
            [judged.id],
            [c.id for c in judged.categories],
            organisation_ids[:companies],
            title="Entry {i:05d}",
            submitted_at=now - timedelta(days=40),
            details=bulk.PITCH | DETAILS,
        )
        draft_ids = bulk.add_entries(
            drafts,
            [open_call.id],
            [c.id for c in open_call.categories],
            organisation_ids[companies:],
            title="Entry {i:05d}",
            numbered_from=judged_entries,
            status=SubmissionStatus.DRAFT,
            authors=entrant_ids,
            details=bulk.PITCH | DETAILS,
        )
        bulk.add_round_entries(round_.id, entry_ids)
        panel = bulk.add_panel(
            round_,
            entry_ids,
            judges,
            per_judge,
            domain="load.example",
            password_hash=PASSWORD_HASH,
            now=now,
            capacity=per_judge + 1,
        )
        db.session.commit()
        programme = Programme(JUDGED_SLUG, OPEN_SLUG, PUBLISHED_SLUG)
        programme.judges = [
            (panel.assignments[n], bulk.session_cookie(app, panel.user_ids[n], panel.tokens[n]))
            for n in range(judges)
        ]
        programme.entrants = [
            (draft_ids[n], bulk.session_cookie(app, entrant_ids[n], entrant_tokens[n])) for n in range(drafts)
        ]
        programme.counts = {
            "entries": len(entry_ids) + len(draft_ids),
            "judges": judges,
            "assignments": sum(len(mine) for mine in panel.assignments),
            "drafts": len(draft_ids),
        }
    return programme


@dataclass
class Ledger:
    """Acknowledged writes, by the one client that owns each object, in the order they were answered."""

    sheets: dict[int, list[tuple[str, dict[int, int], str]]] = field(default_factory=dict)
    drafts: dict[int, dict[str, str]] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)
    bodies: dict[str, tuple[int, str]] = field(default_factory=dict)  # page -> (status, body) seen once


class Judge:
    def __init__(self, port, samples, ledger, slug, assignment_ids, cookie, seed):
        self.client = Client(port, samples)
        self.client.cookies["session"] = cookie
        self.ledger, self.slug, self.ids = ledger, slug, assignment_ids
        self.rng = random.Random(seed)
        self.turn = 0
        self.loaded: dict[int, dict[str, str]] = {}

    def url(self, aid: int) -> str:
        return f"/judging/{self.slug}/entries/{aid}/score"

    def load(self, aid: int) -> None:
        page = self.client.get(self.url(aid), "sheet GET")
        _expect(self.ledger, "sheet GET", page, 200)
        fields = inputs(page.body)
        fields["criteria"] = ",".join(dict.fromkeys(_MARK.findall(page.body)))
        self.loaded[aid] = fields

    def save(self, aid: int) -> None:
        tab = self.loaded[aid]
        criteria = [int(c) for c in tab["criteria"].split(",") if c]
        marks = {c: self.rng.randint(1, 5) for c in criteria}
        action = "submit" if self.rng.random() < 0.2 else "save"
        text = f"sheet {aid} version {tab.get('version')} {self.rng.random():.6f}"
        form = {"csrf_token": tab.get("csrf_token", ""), "version": tab.get("version", ""), "action": action}
        form |= {f"mark-{c}": str(v) for c, v in marks.items()}
        form |= {"feedback": "Feedback: " + text, "private_note": "Note: " + text}
        answer = self.client.post(self.url(aid), form, "sheet POST")
        if _expect(self.ledger, "sheet POST", answer, 303):
            self.ledger.sheets.setdefault(aid, []).append((action, marks, form["feedback"]))
            tab["version"] = str(int(tab.get("version") or 0) + 1)

    def step(self) -> None:  # mixed load: the next sheet, loaded then saved
        aid = self.ids[self.turn % len(self.ids)]
        self.turn += 1
        self.load(aid)
        self.save(aid)


class Entrant:
    def __init__(self, port, samples, ledger, submission_id, cookie, seed):
        self.client = Client(port, samples)
        self.client.cookies["session"] = cookie
        self.ledger, self.sid = ledger, submission_id
        self.rng = random.Random(seed)
        self.token = ""

    def load(self) -> None:
        page = self.client.get(f"/entries/{self.sid}/edit", "edit GET")
        if _expect(self.ledger, "edit GET", page, 200):
            self.token = inputs(page.body).get("csrf_token", "")

    def save(self) -> None:
        mark = f"{self.sid}-{self.rng.random():.6f}"
        values = {"title": f"Draft {mark}", "summary": f"Summary {mark}", "problem": f"Problem {mark}"}
        form = {"csrf_token": self.token, "action": "save", "stage": "market", "language": "en"}
        form |= values | {"solution": "A rented solar fridge.", "business_model": "", "impact": ""}
        answer = self.client.post(f"/entries/{self.sid}/edit", form, "edit POST")
        if _expect(self.ledger, "edit POST", answer, 302):
            self.ledger.drafts[self.sid] = values

    def step(self) -> None:
        self.load()
        self.save()


class Visitor:
    def __init__(self, port, samples, ledger, published_slug):
        self.client = Client(port, samples)
        self.ledger, self.results = ledger, f"/challenges/{published_slug}/results"

    def list(self) -> None:
        _expect(self.ledger, "challenge list", self.client.get("/", "challenge list"), 200)

    def read(self) -> None:
        _expect(self.ledger, "results page", self.client.get(self.results, "results page"), 200)

    def step(self) -> None:
        self.list()
        self.read()


def _expect(ledger: Ledger, page: str, answer, status: int) -> bool:
    ledger.bodies.setdefault(page, (answer.status, answer.body))
    if answer.status != status:
        ledger.problems.append(f"{page} answered {answer.status}, expected {status}")
        return False
    return True


def run_clients(actions, seconds: float) -> float:
    """Run each callable in its own thread, again and again, for ``seconds``; returns the start time."""
    start = time.perf_counter()
    stop = start + seconds

    def loop(action) -> None:
        while time.perf_counter() < stop:
            try:
                action()
            except Exception:  # noqa: BLE001,S112  (the sample records the failure; the client reconnects)
                continue

    threads = [threading.Thread(target=loop, args=(action,), daemon=True) for action in actions]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(seconds + 120)
    return start


def throughput(samples: list[Sample], kind: str, start: float, seconds: float, warm: float = 0.5) -> float:
    """Answers of ``kind`` per second, leaving out the first ``warm`` seconds."""
    counted = [s for s in samples if s.kind == kind and s.status and s.ended >= start + warm]
    return len(counted) / max(seconds - warm, 1e-9)


FLOOR_APP = '''"""A bare Flask app answering each measured page's status with a body of that page's size."""
import json
from pathlib import Path

from flask import Flask, Response

PAGES = json.loads((Path(__file__).parent / "pages.json").read_text())
app = Flask(__name__)


@app.route("/")
def ready():
    return "ok"


@app.route("/<name>", methods=["GET", "POST"])
def page(name):
    status, body = PAGES[name]
    headers = {"Location": "/" + name} if 300 <= status < 400 else {}
    return Response(body, status=status, headers=headers)
'''


SIGNED_FLOOR_APP = '''"""The application with one page more: signed in, with a CSRF token, and no page code.

A GET answers a form holding a fresh CSRF token, padded to the measured page's size; a POST checks the
token (the application's CSRF protection) and answers 303. Every request hook of the application runs:
the session, the signed-in user's row, the language, the security headers.
"""
import json
from pathlib import Path

from flask import Blueprint, Response, redirect
from flask_login import login_required
from flask_wtf.csrf import generate_csrf

from judging import create_app

PAGES = json.loads((Path(__file__).parent / "pages.json").read_text())
floor = Blueprint("floor", __name__)


@floor.route("/floor/<name>", methods=["GET", "POST"])
@login_required
def page(name):
    status, body = PAGES[name]
    if status == 200:
        form = f\'<input name="csrf_token" type="hidden" value="{generate_csrf()}">\'
        return Response(form + body[len(form):], status=200)
    return redirect("/floor/" + name, 303)


app = create_app()
app.register_blueprint(floor)
'''


def run_signed_floors(
    folder: Path, env: dict[str, str], pages: list[str], cookies: list[str], seconds: float
) -> dict[str, float]:
    """Per judge page, the requests per second of :data:`SIGNED_FLOOR_APP` with ``SOLO_CLIENTS`` judges.

    ``pages.json`` is the one :func:`run_floors` wrote. The highest throughput any signed-in page with a
    form can reach on this machine: what a judge's page costs beyond it is the page's own code.
    """
    (folder / "signed_app.py").write_text(SIGNED_FLOOR_APP)
    rates: dict[str, float] = {}
    samples: list[Sample] = []
    env = {**env, "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))}
    with Server("signed_app:app", env=env, cwd=folder, log=folder / "signed.log", ready_path="/") as server:
        clients = [Client(server.port, samples) for _ in cookies]
        tokens = {}
        for client, cookie in zip(clients, cookies, strict=True):
            client.cookies["session"] = cookie
            page = client.get("/floor/" + _slug("sheet GET"), "signed floor warm-up")
            tokens[id(client)] = inputs(page.body).get("csrf_token", "")
        for page in pages:
            path = "/floor/" + _slug(page)
            actions = [_floor_request(c, path, page, {"csrf_token": tokens[id(c)]}) for c in clients]
            start = run_clients(actions, seconds)
            rates[page] = throughput(samples, page, start, seconds)
        wrong = sorted({(s.kind, s.status) for s in samples if s.status not in (200, 303)})
        for client in clients:
            client.close()
    if wrong:
        raise RuntimeError(f"signed-in floor answered {wrong}; see {folder / 'signed.log'}")
    return rates


def _slug(page: str) -> str:
    """The floor apps' address for a measured page (``sheet GET`` -> ``sheet-GET``)."""
    return re.sub(r"\W+", "-", page)


def _floor_request(client: Client, path: str, page: str, form: dict[str, str] | None = None):
    """One floor request as the measured page makes it: a POST (with ``form``) or a GET."""
    if page.endswith("POST"):
        return lambda: client.post(path, form or {"a": "b"}, page)
    return lambda: client.get(path, page)


def run_floors(folder: Path, bodies: dict[str, tuple[int, str]], seconds: float) -> dict[str, float]:
    """Per page, the requests per second of the bare Flask floor with ``SOLO_CLIENTS`` clients."""
    import json

    pages = {_slug(page): [status, "x" * len(body.encode())] for page, (status, body) in bodies.items()}
    (folder / "pages.json").write_text(json.dumps(pages))
    (folder / "bare_app.py").write_text(FLOOR_APP)
    rates: dict[str, float] = {}
    samples: list[Sample] = []
    with Server("bare_app:app", env={}, cwd=folder, log=folder / "bare.log", ready_path="/") as server:
        for page in bodies:
            path = "/" + _slug(page)
            clients = [Client(server.port, samples) for _ in range(SOLO_CLIENTS)]
            actions = [_floor_request(client, path, page) for client in clients]
            start = run_clients(actions, seconds)
            rates[page] = throughput(samples, page, start, seconds)
            for client in clients:
                client.close()
    return rates


def check_database(app, ledger: Ledger) -> tuple[int, list[str]]:
    """Every acknowledged save is stored as last acknowledged; returns (acknowledged saves, problems)."""
    from sqlalchemy import select

    from judging.extensions import db
    from judging.scoring.models import Score, ScoreSheet, SheetStatus
    from judging.submissions.models import Submission

    problems: list[str] = []
    with app.app_context():
        sheets = {
            s.assignment_id: s
            for s in db.session.scalars(select(ScoreSheet).where(ScoreSheet.assignment_id.in_(ledger.sheets)))
        }
        marks: dict[int, dict[int, int]] = {}
        ids = [s.id for s in sheets.values()]
        for sheet_id, criterion_id, value in db.session.execute(
            select(Score.sheet_id, Score.criterion_id, Score.value).where(Score.sheet_id.in_(ids))
        ):
            marks.setdefault(sheet_id, {})[criterion_id] = value
        for aid, saves in ledger.sheets.items():
            sheet = sheets.get(aid)
            action, last_marks, feedback = saves[-1]
            if sheet is None:
                problems.append(f"assignment {aid}: {len(saves)} acknowledged saves, no sheet")
            elif sheet.version != len(saves):
                problems.append(f"assignment {aid}: version {sheet.version} after {len(saves)} saves")
            elif marks.get(sheet.id) != last_marks or sheet.feedback != feedback:
                problems.append(f"assignment {aid}: marks or feedback differ from the last acknowledged")
            elif action == "submit" and sheet.status is not SheetStatus.SUBMITTED:
                problems.append(f"assignment {aid}: submitted but stored as {sheet.status.value}")
        stored = {
            s.id: s for s in db.session.scalars(select(Submission).where(Submission.id.in_(ledger.drafts)))
        }
        for sid, values in ledger.drafts.items():
            entry = stored[sid]
            if (entry.title, entry.summary, entry.problem) != (
                values["title"],
                values["summary"],
                values["problem"],
            ):
                problems.append(f"draft {sid}: stored values differ from the last acknowledged save")
    return sum(len(saves) for saves in ledger.sheets.values()) + len(ledger.drafts), problems


def main(seconds: float) -> int:
    begun = time.perf_counter()
    solo = max(2.0, min(4.0, seconds / 15))
    folder = Path(tempfile.mkdtemp(prefix="judging-load-"))
    os.environ["JUDGING_INSTANCE_PATH"] = str(folder)
    reset_postgres(PG_URL)
    from judging import create_app

    app = create_app({"DATABASE_URL": PG_URL, "SECRET_KEY": SECRET})
    programme = build_large_programme(
        app, entries=ENTRIES, judges=JUDGES, assignments=ASSIGNMENTS, drafts=DRAFTS
    )
    built = time.perf_counter() - begun
    counts = ", ".join(f"{n} {what}" for what, n in programme.counts.items())
    line("programme built (bulk inserts, with migrations and the demo)", f"{built:.1f} s ({counts})")
    instance = folder / "instance"
    instance.mkdir()
    env = {"JUDGING_INSTANCE_PATH": str(instance), "DATABASE_URL": PG_URL, "JUDGING_SECRET_KEY": SECRET}
    samples: list[Sample] = []
    solo_samples: list[Sample] = []
    ledger = Ledger()
    solo_rates: dict[str, float] = {}
    with Server(
        "judging:create_app()", env=env, cwd=ROOT, log=folder / "server.log", ready_path="/"
    ) as server:
        port = server.port
        judges = [
            Judge(port, samples, ledger, programme.judged_slug, ids, cookie, n)
            for n, (ids, cookie) in enumerate(programme.judges[:JUDGE_CLIENTS])
        ]
        entrants = [
            Entrant(port, samples, ledger, sid, cookie, n)
            for n, (sid, cookie) in enumerate(programme.entrants[:ENTRANT_CLIENTS])
        ]
        visitors = [Visitor(port, samples, ledger, programme.published_slug) for _ in range(VISITOR_CLIENTS)]
        everyone = [*judges, *entrants, *visitors]
        start = run_clients([person.step for person in everyone], seconds)
        mixed_end = max((s.ended for s in samples), default=start + seconds)
        # Each page alone: fresh owners (judges and entrants the mixed load did not use).
        solo_judges = [
            Judge(port, solo_samples, ledger, programme.judged_slug, ids, cookie, 1000 + n)
            for n, (ids, cookie) in enumerate(programme.judges[JUDGE_CLIENTS : JUDGE_CLIENTS + SOLO_CLIENTS])
        ]
        solo_entrants = [
            Entrant(port, solo_samples, ledger, sid, cookie, 1000 + n)
            for n, (sid, cookie) in enumerate(
                programme.entrants[ENTRANT_CLIENTS : ENTRANT_CLIENTS + SOLO_CLIENTS]
            )
        ]
        solo_visitors = [
            Visitor(port, solo_samples, ledger, programme.published_slug) for _ in range(SOLO_CLIENTS)
        ]
        for judge in solo_judges:
            judge.load(judge.ids[0])
        for entrant in solo_entrants:
            entrant.load()
        phases = {
            "challenge list": [v.list for v in solo_visitors],
            "results page": [v.read for v in solo_visitors],
            "sheet GET": [lambda j=j: j.load(j.ids[1]) for j in solo_judges],
            "sheet POST": [lambda j=j: j.save(j.ids[0]) for j in solo_judges],
            "edit GET": [e.load for e in solo_entrants],
            "edit POST": [e.save for e in solo_entrants],
        }
        for page, actions in phases.items():
            solo_start = run_clients(actions, solo)
            solo_rates[page] = throughput(solo_samples, page, solo_start, solo)
        for person in [*everyone, *solo_judges, *solo_entrants, *solo_visitors]:
            person.client.close()
    floors = run_floors(folder, {page: ledger.bodies[page] for page in phases if page in ledger.bodies}, solo)
    signed = JUDGE_CLIENTS + SOLO_CLIENTS
    cookies = [cookie for _, cookie in programme.judges[signed : signed + SOLO_CLIENTS]]
    signed_floors = run_signed_floors(folder, env, [p for p in JUDGE_PAGES if p in floors], cookies, solo)
    acknowledged, mismatches = check_database(app, ledger)
    return report(
        samples + solo_samples,
        samples,
        start,
        mixed_end,
        solo_rates,
        floors,
        signed_floors,
        ledger,
        acknowledged,
        mismatches,
        folder,
        begun,
    )


def report(
    all_samples,
    samples,
    start,
    end,
    solo_rates,
    floors,
    signed_floors,
    ledger,
    acknowledged,
    mismatches,
    folder,
    begun,
):
    elapsed = max(end - start, 1e-9)
    clients = JUDGE_CLIENTS + ENTRANT_CLIENTS + VISITOR_CLIENTS
    line(
        f"mixed load ({JUDGE_CLIENTS} judges, {ENTRANT_CLIENTS} entrants, {VISITOR_CLIENTS} visitors)",
        f"{len(samples)} requests in {elapsed:.1f} s, {len(samples) / elapsed:.1f} req/s ({clients} clients)",
    )
    ok = True
    for page in ("sheet GET", "sheet POST", "edit GET", "edit POST", "challenge list", "results page"):
        ms = [s.seconds * 1000 for s in samples if s.kind == page]
        rate = len(ms) / elapsed
        size = len(ledger.bodies.get(page, (0, ""))[1].encode())
        line(
            f"{page} in the mix",
            f"{rate:.1f} req/s, p50/p95/p99 {percentile(ms, 50):.1f}/"
            f"{percentile(ms, 95):.1f}/{percentile(ms, 99):.1f} ms, {size} bytes",
        )
        solo, floor = solo_rates.get(page, 0.0), floors.get(page, 0.0)
        ratio = solo / floor if floor else None
        target = " (target >= 0.5)" if page in JUDGE_PAGES else ""
        line(f"{page} alone, {SOLO_CLIENTS} clients{target}", f"{solo:.1f} req/s", ratio)
        line(f"{page} floor (bare Flask, same status and size, same gunicorn)", f"{floor:.1f} req/s")
        if page in signed_floors:
            signed = signed_floors[page]
            line(
                f"{page} signed-in floor (the application, signed in, CSRF token, no page code)",
                f"{signed:.1f} req/s",
                signed / floor if floor else None,
            )
            line(
                f"{page} against the signed-in floor",
                f"{solo:.1f} req/s",
                solo / signed if signed else None,
                "signed-in floor",
            )
    errors = sum(1 for s in all_samples if s.status >= 500)
    unanswered = sum(1 for s in all_samples if s.status == 0)
    line("5xx responses", str(errors))
    line("requests without an answer", str(unanswered))
    line(
        "acknowledged writes in the database as last acknowledged",
        f"{acknowledged} objects, {len(mismatches)} mismatches",
    )
    problems = ledger.problems + mismatches
    for problem in problems[:10]:
        print(f"PROBLEM: {problem}")
    if errors or unanswered or problems:
        ok = False
        print(f"FAILED; server log: {folder / 'server.log'}")
    line("whole run", f"{time.perf_counter() - begun:.0f} s")
    return 0 if ok else 1


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=60.0, help="length of the mixed load (default 60)")
    sys.exit(main(parser.parse_args().seconds))
