"""Backups: a populated programme survives a backup, changes and a restore row for row and byte for byte;
a tampered backup is refused before anything changes. Runs on SQLite and, with TEST_DATABASE_URL, on
PostgreSQL."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest
from sqlalchemy import delete, text

from judging.assignments.models import Conflict
from judging.certificates.assets import store_image
from judging.challenges.models import Challenge
from judging.extensions import db
from judging.ops import backup as backup_module
from judging.ops.backup import BackupError, create_backup, restore_backup, verify_backup
from judging.submissions.services import attach_deck
from tests.factories import build_world, make_user
from tests.submissions.helpers import file_storage

PNG = bytes.fromhex("89504e470d0a1a0a0000000d4948445200000001000000010806000000") + b"\x1f\x15\xc4\x89"


@pytest.fixture
def instance(app, monkeypatch, tmp_path) -> Path:
    """A private instance folder (uploads, certificate assets, a generated secret key) for one test."""
    folder = tmp_path / "instance"
    folder.mkdir()
    monkeypatch.setattr(app, "instance_path", str(folder))
    monkeypatch.setitem(app.config, "UPLOAD_FOLDER", str(folder / "uploads"))
    (folder / "secret_key").write_text("generated-secret-key")
    return folder


@pytest.fixture
def programme(instance):
    """The fixture world, a stored pitch deck and a certificate logo."""
    world = build_world()
    attach_deck(world.draft_a, file_storage(name="alpha.pdf"), actor=world.entrant_a)
    store_image(PNG, "png")
    return world


def _rows() -> dict[str, list[tuple]]:
    db.session.remove()
    with db.engine.connect() as connection:
        rows = {
            # By the whole primary key: rows of link tables that share a first column come back in any
            # order otherwise (PostgreSQL), and the comparison must not depend on it.
            table.name: [
                tuple(row) for row in connection.execute(table.select().order_by(*table.primary_key.columns))
            ]
            for table in db.metadata.sorted_tables
        }
        rows["alembic_version"] = connection.execute(text("SELECT version_num FROM alembic_version")).all()
    return rows


def _files(instance: Path) -> dict[str, str]:
    return {
        path.relative_to(instance).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(instance.rglob("*"))
        if path.is_file()
    }


def _damage(world_ids: dict[str, int], instance: Path) -> None:
    """Change a title, delete rows, add a user; rewrite the deck, delete the logo, replace the key."""
    db.session.get(Challenge, world_ids["challenge"]).title = "Renamed by mistake"
    db.session.execute(delete(Conflict))
    db.session.commit()
    make_user("late@example.org")
    next((instance / "uploads" / "decks").glob("*.pdf")).write_bytes(b"%PDF-1.4 overwritten")
    next((instance / "uploads" / "certificate-assets").glob("*.png")).unlink()
    (instance / "secret_key").write_text("another-key")


def test_restore_brings_back_every_row_and_file(programme, instance, tmp_path):
    ids = {"challenge": programme.challenge.id}
    rows_before, files_before = _rows(), _files(instance)
    assert rows_before["decks"] and rows_before["conflicts"]

    made = create_backup(tmp_path / "backups")
    _damage(ids, instance)
    assert _rows() != rows_before
    restore_backup(made)

    assert _rows() == rows_before
    assert _files(instance) == files_before
    assert db.session.get(Challenge, ids["challenge"]).title == "Digital SME Awards"
    assert make_user("after.restore@example.org").id  # the session and sequences work after a restore


def test_backup_writes_a_manifest_with_every_file_hash(programme, instance, tmp_path):
    made = create_backup(tmp_path / "backups")

    assert made.parent == tmp_path / "backups"
    assert made.name.startswith("judging-backup-") and made.name.endswith("Z")
    manifest = json.loads((made / "manifest.json").read_text())
    kind = db.engine.url.get_backend_name()
    assert manifest["format_version"] == 2
    assert manifest["database"] == kind
    assert manifest["alembic_revision"] == _rows()["alembic_version"][0][0]
    paths = {entry["path"] for entry in manifest["files"]}
    database_file = "database.sqlite3" if kind == "sqlite" else "database.dump"
    assert database_file in paths and "files/secret_key" in paths
    assert any(path.startswith("files/storage/decks/") for path in paths)
    assert any(path.startswith("files/storage/certificate-assets/") for path in paths)
    for entry in manifest["files"]:
        data = (made / entry["path"]).read_bytes()
        assert (len(data), hashlib.sha256(data).hexdigest()) == (entry["size"], entry["sha256"])
    assert verify_backup(made).created_at == manifest["created_at"]


def test_restore_refuses_a_tampered_file_and_changes_nothing(programme, instance, tmp_path):
    made = create_backup(tmp_path / "backups")
    _damage({"challenge": programme.challenge.id}, instance)
    rows_damaged, files_damaged = _rows(), _files(instance)
    tampered = next((made / "files" / "storage" / "decks").glob("*.pdf"))
    tampered.write_bytes(tampered.read_bytes() + b"\n% extra")

    with pytest.raises(BackupError) as refused:
        restore_backup(made)

    assert tampered.relative_to(made).as_posix() in refused.value.message
    assert _rows() == rows_damaged
    assert _files(instance) == files_damaged


def test_restore_refuses_a_manifest_pointing_outside_the_instance(programme, instance, tmp_path):
    made = create_backup(tmp_path / "backups")
    manifest = json.loads((made / "manifest.json").read_text())
    manifest["files"].append({"path": "files/../../escape", "size": 0, "sha256": "0" * 64})
    (made / "manifest.json").write_text(json.dumps(manifest))

    with pytest.raises(BackupError, match="escape"):
        restore_backup(made)


def test_backup_without_pg_dump_says_what_to_install(app, monkeypatch):
    monkeypatch.setattr(backup_module.shutil, "which", lambda name: None)

    with pytest.raises(BackupError, match="pg_dump was not found"):
        backup_module._tool("pg_dump")


def test_backup_of_a_missing_sqlite_file_is_refused_without_creating_it(app, monkeypatch, tmp_path):
    missing = tmp_path / "nowhere.sqlite3"
    monkeypatch.setattr(backup_module, "_sqlite_path", lambda: missing)
    monkeypatch.setattr(backup_module, "database_kind", lambda: "sqlite")

    with pytest.raises(BackupError, match="does not exist"):
        create_backup(tmp_path / "backups")

    assert not missing.exists()
    assert list((tmp_path / "backups").iterdir()) == []


def test_cli_backup_then_restore_with_yes(app, programme, instance, tmp_path):
    rows_before = _rows()
    runner = app.test_cli_runner()

    made = runner.invoke(args=["backup", str(tmp_path / "backups")])
    assert made.exit_code == 0, made.output
    folder = next((tmp_path / "backups").iterdir())
    assert f"Backup written: {folder}" in made.output
    make_user("late@example.org")

    declined = runner.invoke(args=["restore", str(folder)], input="n\n")
    assert declined.exit_code == 1 and "Aborted" in declined.output
    assert _rows() != rows_before

    restored = runner.invoke(args=["restore", str(folder), "--yes"])
    assert restored.exit_code == 0, restored.output
    assert "Restored" in restored.output
    assert _rows() == rows_before


def test_cli_restore_names_the_tampered_file(app, programme, instance, tmp_path):
    folder = create_backup(tmp_path / "backups")
    (folder / "files" / "secret_key").write_text("stolen")

    result = app.test_cli_runner().invoke(args=["restore", str(folder), "--yes"])

    assert result.exit_code == 1
    assert "files/secret_key (changed)" in result.output
    assert (instance / "secret_key").read_text() == "generated-secret-key"


def _as_format_1(made: Path) -> None:
    """Rewrite a backup into the first format: decks under files/uploads/, images under files/."""
    manifest = json.loads((made / "manifest.json").read_text())
    for entry in manifest["files"]:
        old = entry["path"]
        new = old.replace("files/storage/decks/", "files/uploads/decks/").replace("files/storage/", "files/")
        if new != old:
            (made / new).parent.mkdir(parents=True, exist_ok=True)
            (made / old).rename(made / new)
            entry["path"] = new
    manifest["format_version"] = 1
    (made / "manifest.json").write_text(json.dumps(manifest))


def test_restore_of_a_format_1_backup_puts_files_back_under_their_keys(programme, instance, tmp_path):
    files_before = _files(instance)
    made = create_backup(tmp_path / "backups")
    _as_format_1(made)
    _damage({"challenge": programme.challenge.id}, instance)

    restore_backup(made)

    assert _files(instance) == files_before
