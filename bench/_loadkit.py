"""Small tools for HTTP load tests on loopback: a gunicorn server, a keep-alive client, figures.

Standard library only (``http.client``), so the load generator adds no dependency and little overhead.
Running this file does nothing; ``bench/scoring_load.py`` imports it.
"""

from __future__ import annotations

import http.client
import math
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode

# gthread: keeps 200 keep-alive connections open per worker and lets a request waiting on the database
# (SQLite busy timeout, PostgreSQL row lock) or on Argon2 leave the worker's other threads running; a sync
# worker would close every connection and hold the whole worker for each wait.
GUNICORN_ARGS = ["-w", "2", "-k", "gthread", "--threads", "4", "--keep-alive", "30", "--timeout", "60"]

IDLE_LIMIT = 20.0  # seconds; below the server's keep-alive
_INPUT = re.compile(r"<input\b[^>]*>", re.IGNORECASE)
_ATTRIBUTE = re.compile(r'([\w:-]+)\s*=\s*"([^"]*)"')


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Server:
    """``gunicorn <app>`` on 127.0.0.1 with :data:`GUNICORN_ARGS`; a context manager that always stops it."""

    def __init__(self, app: str, *, env: dict[str, str], cwd: Path, log: Path, ready_path: str = "/"):
        self.app, self.env, self.cwd, self.log, self.ready_path = app, env, cwd, log, ready_path
        self.port = free_port()
        self.process: subprocess.Popen | None = None

    def __enter__(self) -> Server:
        command = [sys.executable, "-m", "gunicorn", *GUNICORN_ARGS, "--graceful-timeout", "5"]
        command += ["-b", f"127.0.0.1:{self.port}", "--error-logfile", str(self.log), self.app]
        # The application's own log records (standard error) go to the same file as gunicorn's.
        with open(self.log, "ab") as log:
            self.process = subprocess.Popen(  # noqa: S603
                command, cwd=self.cwd, env={**os.environ, **self.env}, stdout=subprocess.DEVNULL, stderr=log
            )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited ({self.process.returncode}); see {self.log}")
            try:
                connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=5)
                connection.request("GET", self.ready_path)
                if connection.getresponse().status < 500:
                    connection.close()
                    return self
            except OSError:
                time.sleep(0.1)
        self.__exit__(None, None, None)
        raise RuntimeError(f"gunicorn did not answer within 30 s; see {self.log}")

    def __exit__(self, *exc: object) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        self.process.send_signal(signal.SIGTERM)  # the master stops its workers
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=5)


@dataclass
class Sample:
    kind: str
    status: int  # 0: no answer (connection error or timeout)
    seconds: float
    ended: float  # time.perf_counter() when the answer arrived


@dataclass
class Response:
    status: int
    body: str
    location: str | None


@dataclass
class Client:
    """One browser: a keep-alive connection and its cookies. Every request is timed into ``samples``."""

    port: int
    samples: list[Sample]
    timeout: float = 90.0
    cookies: dict[str, str] = field(default_factory=dict)
    connection: http.client.HTTPConnection | None = None
    last_used: float = 0.0

    def get(self, path: str, kind: str) -> Response:
        return self.request("GET", path, kind)

    def post(self, path: str, form: dict[str, str], kind: str) -> Response:
        return self.request("POST", path, kind, urlencode(form))

    def request(self, method: str, path: str, kind: str, body: str | None = None) -> Response:
        headers = {"Host": f"127.0.0.1:{self.port}"}
        if body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{name}={value}" for name, value in self.cookies.items())
        start = time.perf_counter()
        if start - self.last_used > IDLE_LIMIT:
            self.close()  # as browsers do: the server may have closed a keep-alive connection idle so long
        try:
            if self.connection is None:
                self.connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=self.timeout)
            self.connection.request(method, path, body=body, headers=headers)
            answer = self.connection.getresponse()
            text = answer.read().decode("utf-8", "replace")
        except (OSError, http.client.HTTPException):
            self.close()
            self.samples.append(Sample(kind, 0, time.perf_counter() - start, time.perf_counter()))
            raise
        ended = self.last_used = time.perf_counter()
        self.samples.append(Sample(kind, answer.status, ended - start, ended))
        for cookie in answer.msg.get_all("Set-Cookie") or ():
            self._keep(cookie)
        if answer.will_close:
            self.close()
        return Response(answer.status, text, answer.getheader("Location"))

    def _keep(self, header: str) -> None:
        name, _, rest = header.partition("=")
        value, _, attributes = rest.partition(";")
        lowered = attributes.lower()
        if not value or "max-age=0" in lowered or "expires=thu, 01 jan 1970" in lowered:
            self.cookies.pop(name.strip(), None)
        else:
            self.cookies[name.strip()] = value

    def close(self) -> None:
        if self.connection is not None:
            self.connection.close()
            self.connection = None


def inputs(html: str) -> dict[str, str]:
    """``name -> value`` of the page's ``<input>`` elements that carry a value (the first of each name)."""
    found: dict[str, str] = {}
    for tag in _INPUT.findall(html):
        attributes = dict(_ATTRIBUTE.findall(tag))
        if "name" in attributes and "value" in attributes:
            found.setdefault(attributes["name"], attributes["value"])
    return found


def percentile(values: list[float], q: float) -> float:
    """The ``q``-th percentile (nearest rank) of ``values``; 0 for none."""
    if not values:
        return 0.0
    ordered = sorted(values)
    rank = max(1, min(len(ordered), math.ceil(q / 100 * len(ordered))))
    return ordered[rank - 1]


def line(name: str, value: str, ratio: float | None = None, floor: str = "floor") -> None:
    print(f"{name}: {value}" + (f" ({ratio:.4f} x {floor})" if ratio is not None else ""), flush=True)


FLOOR_APP = '''"""A bare Flask app serving one static page: the floor of a load test."""
from pathlib import Path

from flask import Flask

PAGE = (Path(__file__).parent / "page.html").read_text()
app = Flask(__name__)


@app.route("/")
def page():
    return PAGE
'''


def run_floor(folder: Path, page: str, clients: int, seconds: float) -> tuple[float, list[Sample]]:
    """Requests per second of a bare Flask app serving ``page`` under :class:`Server`, ``clients`` at once.

    The cheapest way to serve the same bytes with the same server settings and concurrency: the floor.
    """
    (folder / "page.html").write_text(page)
    (folder / "bare_app.py").write_text(FLOOR_APP)
    samples: list[Sample] = []
    with Server("bare_app:app", env={}, cwd=folder, log=folder / "bare.log") as server:
        stop = time.perf_counter() + seconds

        def browse() -> None:
            client = Client(server.port, samples)
            try:
                while time.perf_counter() < stop:
                    client.get("/", "floor GET")
            except Exception:  # noqa: BLE001,S110  (the sample records the failure)
                pass
            finally:
                client.close()

        start = time.perf_counter()
        threads = [threading.Thread(target=browse, daemon=True) for _ in range(clients)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(seconds + 100)
    elapsed = max(s.ended for s in samples) - start
    return sum(1 for s in samples if s.status == 200) / elapsed, samples


def reset_postgres(url: str) -> None:
    """Drop and create the database named at the end of ``url`` (connecting to ``postgres`` to do so)."""
    import psycopg

    base, _, name = url.rpartition("/")
    with psycopg.connect(base + "/postgres", autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{name}"')
