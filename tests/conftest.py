"""Fixtures: one application per test session on SQLite (or TEST_DATABASE_URL), a clean database per test."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from flask import g
from flask.testing import FlaskClient
from sqlalchemy import text

from judging import create_app
from judging.extensions import db, limiter
from tests.factories import World, build_world

TEST_DATABASE_URL = os.environ.get("TEST_DATABASE_URL")


def _test_config(tmp: Path) -> dict[str, object]:
    return {
        "TESTING": True,
        "SECRET_KEY": "test-secret-key",
        "SQLALCHEMY_DATABASE_URI": TEST_DATABASE_URL or f"sqlite:///{tmp / 'test.sqlite3'}",
        "WTF_CSRF_ENABLED": False,
        "UPLOAD_FOLDER": str(tmp / "uploads"),
        "OUTBOX_FOLDER": str(tmp / "outbox"),
        "BASE_URL": "https://judging.example.org",
        "RATELIMIT_STORAGE_URI": "memory://",
        "SERVER_NAME": None,
        # Background jobs run in the request that starts them (tests of the back-ends switch this off).
        "JOBS_INLINE": True,
        # Tests need no durability: skipping the wait for the disk makes every commit cheap on PostgreSQL.
        "SQLALCHEMY_ENGINE_OPTIONS": (
            {"connect_args": {"options": "-c synchronous_commit=off"}} if TEST_DATABASE_URL else {}
        ),
    }


class IsolatedClient(FlaskClient):
    """A test client whose every request starts with an empty ``g``, as a real request does.

    Tests keep an application context pushed (to use the database), and Flask reuses it for each
    request, so per-request caches kept in ``g`` (the signed-in user, the reader's locale and time
    zone, the CSRF token) would otherwise leak from one request to the next within a test.
    """

    def open(self, *args, **kwargs):
        g.__dict__.clear()
        return super().open(*args, **kwargs)


@pytest.fixture(scope="session")
def _app(tmp_path_factory: pytest.TempPathFactory):
    tmp = tmp_path_factory.mktemp("instance")
    os.environ["JUDGING_INSTANCE_PATH"] = str(tmp)
    app = create_app(_test_config(tmp))
    app.test_client_class = IsolatedClient
    with app.app_context():
        if TEST_DATABASE_URL:
            with db.engine.begin() as connection:
                connection.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
                connection.execute(text("CREATE SCHEMA public"))
        from flask_migrate import upgrade

        upgrade()
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def _empty_database() -> None:
    """Delete every row, children first (on small tables DELETE is much faster than TRUNCATE)."""
    with db.engine.begin() as connection:
        for table in reversed(db.metadata.sorted_tables):
            connection.execute(table.delete())


@pytest.fixture
def app(_app):
    """The application with an empty database, empty outbox and uploads, reset rate limits."""
    with _app.app_context():
        yield _app
        db.session.remove()
        _empty_database()
    for key in ("OUTBOX_FOLDER", "UPLOAD_FOLDER"):
        shutil.rmtree(_app.config[key], ignore_errors=True)
    limiter.reset()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def world(app) -> World:
    """One user in every role around two challenges (see ``tests.factories.build_world``)."""
    return build_world()


@pytest.fixture
def outbox(app):
    """Read the mail written so far: a list of ``email.message.EmailMessage``, oldest first."""
    from tests.factories import read_outbox

    return lambda: read_outbox(app)
