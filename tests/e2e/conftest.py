"""Browser tests: the application served on 127.0.0.1 by a background thread, Debian's Chromium driven by
Playwright, axe-core injected into each page visited.

The server has its own instance folder and database (SQLite, or a fresh database on the PostgreSQL server
of TEST_DATABASE_URL), emptied after each test. Tests prepare data with ``tests.factories`` inside
``server.app.app_context()``, as the client tests do, and then use the pages only.
"""

from __future__ import annotations

import json
import os
import shutil
import threading
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from flask import Flask
from werkzeug.serving import make_server

from judging import create_app
from judging.extensions import db, limiter
from tests.factories import read_outbox
from tests.ops.faults_kit import free_port, fresh_postgres, postgres_base_url

HERE = Path(__file__).resolve().parent
CHROMIUM = Path(os.environ.get("CHROMIUM", "/usr/bin/chromium"))
AXE = HERE / "node_modules" / "axe-core" / "axe.min.js"
ARTIFACTS = HERE / "artifacts"
SETUP_HINT = "run `make browser-packages` (installs Debian's chromium and `npm ci --prefix tests/e2e`)"

# Generous waits: the suite runs on loaded 2-core machines, where a page can take seconds.
ACTION_TIMEOUT = 30_000  # ms, for clicks, typing, waits
NAVIGATION_TIMEOUT = 45_000  # ms, for page loads
EXPECT_TIMEOUT = 15_000  # ms, for each ``expect`` (Playwright's own default is 5 s)

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 800}
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


@dataclass
class LiveServer:
    app: Flask
    url: str

    def outbox(self):
        return read_outbox(self.app)


def _config(tmp: Path, database_url: str, base_url: str) -> dict[str, object]:
    return {
        "TESTING": True,
        "SECRET_KEY": "e2e-secret-key",
        "SQLALCHEMY_DATABASE_URI": database_url,
        "UPLOAD_FOLDER": str(tmp / "uploads"),
        "OUTBOX_FOLDER": str(tmp / "outbox"),
        "BASE_URL": base_url,
        "RATELIMIT_STORAGE_URI": "memory://",
        "SERVER_NAME": None,
        "JOBS_INLINE": True,
    }


@contextmanager
def _database(tmp: Path) -> Iterator[str]:
    if not os.environ.get("TEST_DATABASE_URL"):
        yield f"sqlite:///{tmp / 'e2e.sqlite3'}"
        return
    base = postgres_base_url()
    if base is None:
        pytest.fail("TEST_DATABASE_URL is set but its PostgreSQL server does not answer")
    with fresh_postgres(base, "judging_e2e") as url:
        yield url


@pytest.fixture(scope="package")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """The application on a free 127.0.0.1 port, migrated, in a background thread."""
    tmp = tmp_path_factory.mktemp("e2e-instance")
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    with ExitStack() as stack:
        database_url = stack.enter_context(_database(tmp))
        previous = os.environ.get("JUDGING_INSTANCE_PATH")
        os.environ["JUDGING_INSTANCE_PATH"] = str(tmp)
        try:
            app = create_app(_config(tmp, database_url, url))
        finally:
            if previous is None:
                os.environ.pop("JUDGING_INSTANCE_PATH", None)
            else:
                os.environ["JUDGING_INSTANCE_PATH"] = previous
        with app.app_context():
            from flask_migrate import upgrade

            upgrade()
        http = make_server("127.0.0.1", port, app, threaded=True)
        thread = threading.Thread(target=http.serve_forever, name="e2e-server", daemon=True)
        thread.start()
        try:
            yield LiveServer(app, url)
        finally:
            http.shutdown()
            thread.join(10)
            with app.app_context():
                db.session.remove()
                db.engine.dispose()


@pytest.fixture
def live(server: LiveServer) -> Iterator[LiveServer]:
    """The server with an empty database, outbox and uploads afterwards; an app context for factories."""
    with server.app.app_context():
        yield server
        db.session.remove()
        with db.engine.begin() as connection:
            for table in reversed(db.metadata.sorted_tables):
                connection.execute(table.delete())
    for key in ("OUTBOX_FOLDER", "UPLOAD_FOLDER"):
        shutil.rmtree(server.app.config[key], ignore_errors=True)
    limiter.reset()


@pytest.fixture(scope="package")
def browser():
    from playwright.sync_api import expect

    expect.set_options(timeout=EXPECT_TIMEOUT)
    if not CHROMIUM.exists():
        pytest.fail(f"Chromium is missing at {CHROMIUM}: {SETUP_HINT}", pytrace=False)
    if not AXE.exists():
        pytest.fail(f"axe-core is missing at {AXE}: {SETUP_HINT}", pytrace=False)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=["--no-sandbox"])
        yield chromium
        chromium.close()


@pytest.fixture
def new_page(browser, live):
    """Open a page in a new browser context (a person of their own: own cookies), closed after the test."""
    contexts = []

    def open_page(**options):
        context = browser.new_context(base_url=live.url, viewport=DESKTOP, locale="en-GB", **options)
        context.set_default_timeout(ACTION_TIMEOUT)
        context.set_default_navigation_timeout(NAVIGATION_TIMEOUT)
        contexts.append(context)
        return context.new_page()

    yield open_page
    for context in contexts:
        context.close()


@pytest.fixture
def page(new_page):
    return new_page()


@dataclass
class Axe:
    """Runs axe-core on pages and keeps every WCAG 2.1 A/AA violation, reported together at the end."""

    source: str
    checked: set[str] = field(default_factory=set)
    problems: list[str] = field(default_factory=list)

    def check(self, page, name: str | None = None) -> None:
        """Audit the page as it is now (once per ``name``, by default the page's path and title).

        Callers make sure the page they mean is the one shown (a navigation a click starts may not have
        begun yet): ``goto``, ``wait_for_url`` or an ``expect`` on the new page's content first."""
        page.wait_for_load_state("load")
        key = name or f"{urlsplit(page.url).path} ({page.title()})"
        if key in self.checked:
            return
        self.checked.add(key)
        if not page.evaluate("() => typeof window.axe !== 'undefined'"):
            page.evaluate(self.source)  # not a <script> tag: the page's CSP would refuse it
        result = page.evaluate(
            """async (tags) => {
                const result = await axe.run(document, {runOnly: {type: "tag", values: tags}});
                return result.violations.map(v => ({
                    id: v.id, impact: v.impact, help: v.help,
                    targets: v.nodes.map(n => n.target.join(" ")),
                    summaries: v.nodes.map(n => n.failureSummary),
                }));
            }""",
            WCAG_TAGS,
        )
        for violation in result:
            targets = "; ".join(violation["targets"][:6])
            more = len(violation["targets"]) - 6
            self.problems.append(
                f"{key}: {violation['id']} ({violation['impact']}) {violation['help']} -> {targets}"
                + (f" (+{more} more)" if more > 0 else "")
                + "\n      "
                + json.dumps(violation["summaries"][0])[:400]
            )

    def assert_clean(self) -> None:
        if self.problems:
            pytest.fail(
                "accessibility violations (WCAG 2.1 A/AA):\n  " + "\n  ".join(self.problems), pytrace=False
            )


@pytest.fixture
def axe() -> Axe:
    return Axe(AXE.read_text(encoding="utf-8"))


def screenshot(page, name: str) -> None:
    """Save the page as ``artifacts/<name>-desktop.png`` and ``artifacts/<name>-phone.png`` (full height)."""
    ARTIFACTS.mkdir(exist_ok=True)
    viewport = page.viewport_size
    for label, size in (("phone", PHONE), ("desktop", DESKTOP)):
        page.set_viewport_size(size)
        page.screenshot(path=str(ARTIFACTS / f"{name}-{label}.png"), full_page=True)
    page.set_viewport_size(viewport)
