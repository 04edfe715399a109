"""Tools for the tests that need real processes: a TCP proxy that can cut the database off, a fresh
PostgreSQL database, a migrated database, a gunicorn whose workers can be killed, and a plain HTTP client."""

from __future__ import annotations

import http.client
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import uuid
from contextlib import contextmanager, suppress
from pathlib import Path
from urllib.parse import urlencode, urlsplit

PROJECT = Path(__file__).resolve().parents[2]
LOCAL_POSTGRES = "postgresql://postgres@127.0.0.1:5432/postgres"
LOCAL_REDIS = "redis://127.0.0.1:6379/0"


def redis_reachable(url: str = LOCAL_REDIS) -> bool:
    import redis

    try:
        return bool(redis.Redis.from_url(url, socket_connect_timeout=1).ping())
    except redis.RedisError:
        return False


def migrate(env: dict[str, str]) -> None:
    """``flask db upgrade`` for the database the environment names."""
    subprocess.run(  # noqa: S603
        [sys.executable, "-m", "flask", "--app", "judging", "db", "upgrade"],
        cwd=PROJECT,
        env={**os.environ, **env},
        check=True,
        capture_output=True,
    )


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class TcpProxy:
    """Forwards 127.0.0.1:``port`` to ``upstream``. ``stop`` closes the listener and cuts every open
    connection (as a database going away does); ``start`` listens on the same port again."""

    def __init__(self, upstream: tuple[str, int]):
        self.upstream = upstream
        self.port = free_port()
        self._listener: socket.socket | None = None
        self._open: set[socket.socket] = set()
        self._lock = threading.Lock()
        self._running = threading.Event()

    def start(self) -> None:
        listener = socket.socket()
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", self.port))
        listener.listen(64)
        listener.settimeout(0.1)
        self._listener = listener
        self._running.set()
        threading.Thread(target=self._accept, args=(listener,), daemon=True).start()

    def stop(self) -> None:
        self._running.clear()
        if self._listener is not None:
            self._listener.close()
            self._listener = None
        with self._lock:
            sockets, self._open = self._open, set()
        for sock in sockets:
            _close(sock)

    def _accept(self, listener: socket.socket) -> None:
        while self._running.is_set():
            try:
                client, _ = listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            try:
                server = socket.create_connection(self.upstream, timeout=5)
            except OSError:
                _close(client)
                continue
            for sock in (client, server):
                sock.settimeout(None)
            with self._lock:
                if not self._running.is_set():
                    _close(client)
                    _close(server)
                    return
                self._open |= {client, server}
            threading.Thread(target=self._pump, args=(client, server), daemon=True).start()
            threading.Thread(target=self._pump, args=(server, client), daemon=True).start()

    def _pump(self, source: socket.socket, target: socket.socket) -> None:
        try:
            while data := source.recv(65536):
                target.sendall(data)
        except OSError:
            pass
        _close(source)
        _close(target)


def _close(sock: socket.socket) -> None:
    with suppress(OSError):
        sock.shutdown(socket.SHUT_RDWR)
    sock.close()


def postgres_base_url() -> str | None:
    """``postgresql://user@host:port`` of the test server (TEST_DATABASE_URL's, else the local one), or
    None when it does not answer."""
    import psycopg

    url = os.environ.get("TEST_DATABASE_URL") or LOCAL_POSTGRES
    base = url.rpartition("/")[0]
    try:
        psycopg.connect(base + "/postgres", connect_timeout=3).close()
    except psycopg.Error:
        return None
    return base


@contextmanager
def fresh_postgres(base: str, prefix: str):
    """A new, empty PostgreSQL database (its URL), dropped afterwards."""
    import psycopg

    name = f"{prefix}_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(base + "/postgres", autocommit=True) as connection:
        connection.execute(f'CREATE DATABASE "{name}"')
    try:
        yield f"{base}/{name}"
    finally:
        with psycopg.connect(base + "/postgres", autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def host_port(url: str) -> tuple[str, int]:
    parts = urlsplit(url.replace("postgresql+psycopg://", "postgresql://"))
    return parts.hostname or "127.0.0.1", parts.port or 5432


class Gunicorn:
    """``gunicorn 'judging:create_app()'`` with ``workers`` sync workers on 127.0.0.1, set up by ``env``."""

    def __init__(self, env: dict[str, str], *, workers: int, log: Path):
        self.env, self.workers, self.log = env, workers, log
        self.port = free_port()
        self.process: subprocess.Popen | None = None

    def __enter__(self) -> Gunicorn:
        command = [sys.executable, "-m", "gunicorn", "-w", str(self.workers), "-b", f"127.0.0.1:{self.port}"]
        command += ["--error-logfile", str(self.log), "--graceful-timeout", "5", "--timeout", "60"]
        with open(self.log, "ab") as log:  # the application's records join gunicorn's
            self.process = subprocess.Popen(  # noqa: S603
                [*command, "judging:create_app()"],
                cwd=PROJECT,
                env={**os.environ, **self.env},
                stdout=subprocess.DEVNULL,
                stderr=log,
            )
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited ({self.process.returncode}): {self.log.read_text()}")
            if len(self.worker_pids()) == self.workers:
                try:
                    if Browser(self.port).get("/healthz").status == 200:
                        return self
                except OSError:
                    pass
            time.sleep(0.2)
        self.__exit__()
        raise RuntimeError(f"gunicorn did not answer within 90 s: {self.log.read_text()}")

    def __exit__(self, *exc: object) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=10)

    def worker_pids(self) -> set[int]:
        """The master's live child processes (its workers)."""
        assert self.process is not None
        children = set()
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                fields = stat.read_text().rpartition(")")[2].split()
            except OSError:
                continue
            if int(fields[1]) == self.process.pid and fields[0] != "Z":
                children.add(int(stat.parent.name))
        return children


class Answer:
    def __init__(self, status: int, body: str, location: str | None):
        self.status, self.body, self.location = status, body, location


class Browser:
    """One visitor: a new connection per request (as a sync worker closes each), cookies kept."""

    def __init__(self, port: int, cookies: dict[str, str] | None = None):
        self.port = port
        self.cookies = dict(cookies or {})

    def get(self, path: str) -> Answer:
        return self.send("GET", path, None, {})

    def post(self, path: str, form: dict[str, str]) -> Answer:
        return self.send(
            "POST", path, urlencode(form).encode(), {"Content-Type": "application/x-www-form-urlencoded"}
        )

    def post_multipart(self, path: str, form: dict[str, str], files: dict[str, tuple[str, bytes]]) -> Answer:
        boundary = uuid.uuid4().hex
        parts = []
        for name, value in form.items():
            parts.append(
                f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode()
            )
        for name, (filename, data) in files.items():
            head = (
                f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; filename="{filename}"\r\n'
                "Content-Type: application/pdf\r\n\r\n"
            )
            parts.append(head.encode() + data + b"\r\n")
        body = b"".join(parts) + f"--{boundary}--\r\n".encode()
        return self.send("POST", path, body, {"Content-Type": f"multipart/form-data; boundary={boundary}"})

    def send(self, method: str, path: str, body: bytes | None, headers: dict[str, str]) -> Answer:
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        try:
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            text = response.read().decode("utf-8", "replace")
            for cookie in response.msg.get_all("Set-Cookie") or ():
                name, _, rest = cookie.partition("=")
                self.cookies[name.strip()] = rest.partition(";")[0]
            return Answer(response.status, text, response.getheader("Location"))
        finally:
            connection.close()
