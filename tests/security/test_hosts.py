"""Unknown Host headers are refused when the platform is told which host names it answers to."""

from __future__ import annotations

import pytest

from judging import create_app


@pytest.fixture
def guarded(tmp_path):
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "x",
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'hosts.sqlite3'}",
            "TRUSTED_HOSTS": ["awards.example.org", ".judging.example.net"],
        }
    )
    return app.test_client()


@pytest.mark.parametrize("host", ["awards.example.org", "awards.example.org:443", "eu.judging.example.net"])
def test_trusted_host_is_served(guarded, host):
    response = guarded.get("/healthz", headers={"Host": host})

    assert response.status_code == 200
    assert response.get_json()["status"] == "ok"


@pytest.mark.parametrize(
    "host", ["evil.example.com", "awards.example.org.evil.com", "127.0.0.1", "judging.example.net.evil"]
)
def test_unknown_host_is_refused_without_echoing_it(guarded, host):
    response = guarded.get("/login", headers={"Host": host})

    assert response.status_code == 400
    assert response.mimetype == "text/plain"
    assert "does not answer to that host name" in response.get_data(as_text=True)
    assert host not in response.get_data(as_text=True)
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_unknown_host_cannot_post_a_password_reset(guarded):
    response = guarded.post(
        "/password/forgot", data={"email": "someone@example.org"}, headers={"Host": "evil.example.com"}
    )

    assert response.status_code == 400


def test_without_a_list_every_host_is_served(client):
    assert client.get("/healthz", headers={"Host": "anything.example"}).status_code == 200
