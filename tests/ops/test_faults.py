"""Faults a production site meets: the database going away, and a worker killed in the middle of writes.

The database is cut off by a TCP proxy between the application and PostgreSQL (the shared server keeps
running); the application answers 503 with a friendly page while it is gone, and serves again as soon
as it is back, without a restart. The worker test is in ``test_worker_kill.py``.
"""

from __future__ import annotations

import logging

import pytest

from judging import create_app
from judging.extensions import db
from tests.ops.faults_kit import TcpProxy, fresh_postgres, host_port, postgres_base_url

POSTGRES = postgres_base_url()


@pytest.fixture
def proxied_app(tmp_path, monkeypatch):
    """An application whose database (a fresh one, tables created) is reached through a TcpProxy."""
    if POSTGRES is None:
        pytest.skip("PostgreSQL is not reachable")
    monkeypatch.setenv("JUDGING_INSTANCE_PATH", str(tmp_path))
    with fresh_postgres(POSTGRES, "faults") as url:
        proxy = TcpProxy(host_port(url))
        proxy.start()
        host, _ = host_port(url)
        proxied = url.replace(f"{host}:{host_port(url)[1]}", f"127.0.0.1:{proxy.port}", 1)
        app = create_app(
            {
                "TESTING": True,
                "SECRET_KEY": "faults-test",
                "SQLALCHEMY_DATABASE_URI": proxied,
                "SQLALCHEMY_ENGINE_OPTIONS": {"connect_args": {"connect_timeout": 5}},
                "RATELIMIT_STORAGE_URI": "memory://",
                "WTF_CSRF_ENABLED": False,
            }
        )
        with app.app_context():
            db.create_all()
        try:
            yield app, proxy
        finally:
            proxy.stop()
            with app.app_context():
                db.engine.dispose()


def test_database_gone_answers_503_with_a_friendly_page(proxied_app, caplog):
    app, proxy = proxied_app
    client = app.test_client()
    assert client.get("/").status_code == 200

    proxy.stop()
    with caplog.at_level(logging.WARNING, logger="judging.errors"):
        response = client.get("/")

    page = response.get_data(as_text=True)
    assert response.status_code == 503
    assert "Temporarily unavailable" in page
    assert "We cannot reach our database just now" in page
    assert response.headers["Retry-After"] == "30"
    logged = [record for record in caplog.records if record.name == "judging.errors"]
    assert [(r.levelname, r.exc_info) for r in logged] == [("WARNING", None)]


def test_database_back_serves_again_without_a_restart(proxied_app):
    app, proxy = proxied_app
    client = app.test_client()
    assert client.get("/").status_code == 200

    proxy.stop()
    outage = [client.get("/").status_code for _ in range(3)]
    proxy.start()
    after = [client.get("/").status_code for _ in range(3)]

    assert outage == [503, 503, 503]
    assert after == [200, 200, 200]


def test_database_gone_during_a_form_post_says_it_may_not_be_saved(proxied_app):
    app, proxy = proxied_app
    client = app.test_client()
    client.get("/login")

    proxy.stop()
    response = client.post("/login", data={"email": "someone@example.org", "password": "x" * 12})

    assert response.status_code == 503
    assert "may not have been saved" in response.get_data(as_text=True)
