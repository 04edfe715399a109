"""Every table comes from a migration: the migrated schema and the models must not differ, and every
migration can be undone and done again (on SQLite, and on PostgreSQL when ``TEST_DATABASE_URL`` is set)."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import create_engine, inspect, text
from sqlalchemy.engine import make_url

from judging import create_app
from judging.database import compare_type
from judging.extensions import db
from tests.conftest import TEST_DATABASE_URL


def _differences() -> list:
    with db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": compare_type})
        return compare_metadata(context, db.metadata)


def test_migrated_database_matches_the_models(app):
    assert _differences() == []


@contextmanager
def _scratch_database(tmp_path) -> Iterator[str]:
    """An empty database of the kind the suite runs on, dropped afterwards."""
    if not TEST_DATABASE_URL:
        yield f"sqlite:///{tmp_path / 'migrations.sqlite3'}"
        return
    url = make_url(TEST_DATABASE_URL)
    name = f"{url.database}_migrations_{uuid.uuid4().hex[:8]}"
    admin = create_engine(url.set(drivername="postgresql+psycopg"), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield url.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def _tables() -> set[str]:
    return set(inspect(db.engine).get_table_names()) - {"alembic_version"}


@pytest.mark.usefixtures("app")
def test_migrations_upgrade_downgrade_and_upgrade_again(tmp_path):
    with _scratch_database(tmp_path) as url:
        scratch = create_app({"TESTING": True, "SECRET_KEY": "x", "SQLALCHEMY_DATABASE_URI": url})
        with scratch.app_context():
            try:
                upgrade()
                assert _tables() == set(db.metadata.tables)
                assert _differences() == []

                downgrade(revision="base")
                assert _tables() == set()

                upgrade()
                assert _tables() == set(db.metadata.tables)
                assert _differences() == []
            finally:
                db.session.remove()
                db.engine.dispose()
