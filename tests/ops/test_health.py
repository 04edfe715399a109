"""``/healthz``: what a load balancer sees when the instance is well, when a dependency fails, and the
proxy settings that decide which client address and scheme the application believes."""

from __future__ import annotations

from flask import request

from judging import create_app
from judging.ops import health


def test_healthz_all_checks_pass_answers_ok(client):
    response = client.get("/healthz")

    assert response.status_code == 200
    assert response.get_json() == {"status": "ok", "checks": {"database": "ok", "storage": "ok"}}
    assert response.headers["Cache-Control"] == "no-store"


def test_healthz_database_down_answers_503_naming_the_check_without_details(client, monkeypatch):
    def broken() -> None:
        raise ConnectionRefusedError("password=hunter2 host=db.internal")

    monkeypatch.setattr(health, "check_database", broken)

    response = client.get("/healthz")

    assert response.status_code == 503
    assert response.get_json() == {
        "status": "failed",
        "checks": {"database": "failed (ConnectionRefusedError)", "storage": "ok"},
    }
    assert "hunter2" not in response.get_data(as_text=True)
    assert response.headers["Cache-Control"] == "no-store"


def test_healthz_storage_not_writable_answers_503(app, client, monkeypatch, tmp_path):
    blocked = tmp_path / "not-a-folder"
    blocked.write_text("a file where the storage folder should be")
    monkeypatch.setitem(app.config, "STORAGE_ROOT", str(blocked))

    response = client.get("/healthz")

    assert response.status_code == 503
    assert response.get_json()["checks"] == {"database": "ok", "storage": "failed (FileExistsError)"}


def test_healthz_leaves_no_file_in_the_storage(app, client, monkeypatch, tmp_path):
    monkeypatch.setitem(app.config, "STORAGE_ROOT", str(tmp_path))

    client.get("/healthz")

    assert list(tmp_path.iterdir()) == []


def test_healthz_redis_unreachable_answers_503(app, client, monkeypatch):
    monkeypatch.setitem(app.config, "REDIS_URL", "redis://127.0.0.1:1/0")

    response = client.get("/healthz")

    assert response.status_code == 503
    assert response.get_json()["checks"]["redis"].startswith("failed (")
    assert response.get_json()["checks"]["database"] == "ok"


def _echo_app(**config):
    app = create_app({"TESTING": True, "SECRET_KEY": "x", "SQLALCHEMY_DATABASE_URI": "sqlite://", **config})

    @app.get("/_seen")
    def seen():
        return f"{request.remote_addr} {request.scheme} {request.host}"

    return app.test_client()


FORWARDED = {
    "X-Forwarded-For": "203.0.113.9",
    "X-Forwarded-Proto": "https",
    "X-Forwarded-Host": "awards.example",
}


def test_proxy_headers_ignored_without_proxy_count():
    response = _echo_app().get("/_seen", headers=FORWARDED)

    assert response.get_data(as_text=True) == "127.0.0.1 http localhost"


def test_proxy_headers_believed_with_proxy_count():
    response = _echo_app(PROXY_COUNT=1).get("/_seen", headers=FORWARDED)

    assert response.get_data(as_text=True) == "203.0.113.9 https awards.example"
