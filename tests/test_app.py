"""The application factory and its configuration layers."""

from __future__ import annotations

import os

from judging import create_app
from judging.config import env_overrides


def test_env_overrides_parse_json_values_and_bare_database_url():
    found = env_overrides(
        {
            "JUDGING_MAIL_PORT": "2525",
            "JUDGING_MAIL_USE_TLS": "false",
            "JUDGING_BASE_URL": "https://awards.example.org",
            "DATABASE_URL": "postgresql://db/judging",
            "HOME": "/root",
        }
    )
    assert found == {
        "MAIL_PORT": 2525,
        "MAIL_USE_TLS": False,
        "BASE_URL": "https://awards.example.org",
        "DATABASE_URL": "postgresql://db/judging",
    }


def test_secret_key_is_generated_once_into_the_instance_folder(tmp_path, monkeypatch):
    monkeypatch.setenv("JUDGING_INSTANCE_PATH", str(tmp_path))
    first = create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://"})
    second = create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://"})
    key_file = tmp_path / "secret_key"
    assert first.config["SECRET_KEY"] == second.config["SECRET_KEY"] == key_file.read_text()
    assert len(first.config["SECRET_KEY"]) >= 40
    assert oct(os.stat(key_file).st_mode & 0o777) == "0o600"


def test_instance_config_then_environment_override_defaults(tmp_path, monkeypatch):
    (tmp_path / "config.py").write_text('BASE_URL = "https://from-instance.example"\nSITE_NAME = "Awards"\n')
    monkeypatch.setenv("JUDGING_INSTANCE_PATH", str(tmp_path))
    monkeypatch.setenv("JUDGING_SITE_NAME", "SME Awards")
    monkeypatch.setenv("DATABASE_URL", "sqlite://")
    app = create_app()
    assert app.config["BASE_URL"] == "https://from-instance.example"
    assert app.config["SITE_NAME"] == "SME Awards"
    assert app.config["SQLALCHEMY_DATABASE_URI"] == "sqlite://"


def test_postgres_urls_use_the_psycopg_driver(tmp_path, monkeypatch):
    monkeypatch.setenv("JUDGING_INSTANCE_PATH", str(tmp_path))
    app = create_app({"DATABASE_URL": "postgres://user@localhost/judging"})
    assert app.config["SQLALCHEMY_DATABASE_URI"] == "postgresql+psycopg://user@localhost/judging"
    assert app.config["SQLALCHEMY_ENGINE_OPTIONS"]["pool_pre_ping"] is True
