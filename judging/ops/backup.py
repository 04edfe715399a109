"""Backups: a consistent copy of the database plus the instance files that matter, and restoring one.

A backup is a folder ``judging-backup-<UTC time>/`` holding

- ``database.sqlite3`` (SQLite, copied with the online backup API while the application runs) or
  ``database.dump`` (PostgreSQL, ``pg_dump --format=custom``: one consistent snapshot);
- ``files/storage/<key>``: the stored files that matter, read through ``judging.storage`` (pitch decks
  under ``decks/``, and under ``certificate-assets/`` the logos and signatures that issued certificates
  print), and ``files/secret_key`` when the key was generated into the instance folder (without it, every
  signed link mailed before the restore stops working). Rendered certificates, ZIP builds and the mail
  outbox are not kept: they are made again on demand or are not needed;
- ``manifest.json``: the format version, the creation time, the database kind, the Alembic revision, and
  the relative path, size and SHA-256 of every file.

The folder is written under a temporary name and renamed when complete. A restore checks every file of
the manifest before it changes anything, then replaces the database, then writes each file under a
temporary name and renames it into place (``Storage.write``). Files added since the backup are left where
they are. Backups of format 1 (``files/uploads/...`` and ``files/certificate-assets/...``, written before
the storage interface) are restored to the same keys.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import secrets
import shutil
import sqlite3
import subprocess
from contextlib import closing
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path, PurePosixPath

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import text

from judging.errors import DomainError
from judging.extensions import db
from judging.storage import StorageKeyError, check_key, get_storage

log = logging.getLogger(__name__)

FORMAT_VERSION = 2
READABLE_VERSIONS = (1, 2)
MANIFEST_NAME = "manifest.json"
DATABASE_FILES = {"sqlite": "database.sqlite3", "postgresql": "database.dump"}
FILES_FOLDER = "files"
STORAGE_FOLDER = "storage"  # files/storage/<key>
BACKED_UP = ("decks/", "certificate-assets/")  # storage key prefixes kept in a backup
# Format 1 kept files by folder: files/uploads/<key> and files/certificate-assets/<name>.
LEGACY_AREAS = {"uploads": "", "certificate-assets": "certificate-assets/"}
SECRET_KEY_NAME = "secret_key"  # noqa: S105 (a file name, not a secret)
_CHUNK = 1024 * 1024


class BackupError(DomainError):
    """A backup cannot be made, or a folder cannot be restored; the message says why."""


@dataclass(frozen=True)
class FileEntry:
    path: str  # relative to the backup folder, with "/" separators
    size: int
    sha256: str


@dataclass(frozen=True)
class Manifest:
    format_version: int
    created_at: str  # ISO 8601, UTC
    database: str  # "sqlite" or "postgresql"
    alembic_revision: str | None
    files: tuple[FileEntry, ...]

    @property
    def database_file(self) -> str:
        return DATABASE_FILES[self.database]

    def to_json(self) -> str:
        data = asdict(self)
        data["files"] = [asdict(entry) for entry in self.files]
        return json.dumps(data, indent=2, sort_keys=True) + "\n"

    @classmethod
    def from_json(cls, raw: str) -> Manifest:
        data = json.loads(raw)
        return cls(
            format_version=int(data["format_version"]),
            created_at=str(data["created_at"]),
            database=str(data["database"]),
            alembic_revision=data.get("alembic_revision"),
            files=tuple(
                FileEntry(str(entry["path"]), int(entry["size"]), str(entry["sha256"]))
                for entry in data["files"]
            ),
        )


def database_kind() -> str:
    backend = db.engine.url.get_backend_name()
    if backend not in DATABASE_FILES:
        raise BackupError(_("Backups support SQLite and PostgreSQL only, not %(name)s.", name=backend))
    return backend


def create_backup(dest: Path) -> Path:
    """Write a complete backup into a new folder under ``dest`` and return that folder."""
    kind = database_kind()
    stamp = datetime.now(UTC).replace(microsecond=0)
    dest = Path(dest)
    dest.mkdir(parents=True, exist_ok=True)
    target = dest / f"judging-backup-{stamp:%Y%m%dT%H%M%SZ}"
    suffix = 1
    while target.exists():
        suffix += 1
        target = dest / f"judging-backup-{stamp:%Y%m%dT%H%M%SZ}-{suffix}"
    partial = dest / f".{target.name}.partial-{secrets.token_hex(4)}"
    partial.mkdir()
    try:
        database_file = partial / DATABASE_FILES[kind]
        if kind == "sqlite":
            _sqlite_copy(_sqlite_path(), database_file)
            revision = _sqlite_revision(database_file)
        else:
            revision = _live_revision()
            _pg_dump(database_file)
        _copy_files(partial / FILES_FOLDER)
        entries = [_entry(partial, path) for path in sorted(partial.rglob("*")) if path.is_file()]
        manifest = Manifest(FORMAT_VERSION, stamp.isoformat(), kind, revision, tuple(entries))
        (partial / MANIFEST_NAME).write_text(manifest.to_json(), encoding="utf-8")
        partial.rename(target)
    except BaseException:
        shutil.rmtree(partial, ignore_errors=True)
        raise
    log.info("Backup written to %s (%d files)", target, len(entries))
    return target


def verify_backup(path: Path) -> Manifest:
    """The backup's manifest, once every file it lists is present with its size and hash unchanged."""
    path = Path(path)
    try:
        manifest = Manifest.from_json((path / MANIFEST_NAME).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise BackupError(_("%(path)s holds no manifest.json: it is not a backup.", path=path)) from None
    except (ValueError, KeyError, TypeError):
        raise BackupError(_("The manifest.json of %(path)s cannot be read.", path=path)) from None
    if manifest.format_version not in READABLE_VERSIONS or manifest.database not in DATABASE_FILES:
        raise BackupError(_("This backup was made in a format this version cannot restore."))
    listed = {entry.path for entry in manifest.files}
    if manifest.database_file not in listed:
        raise BackupError(_("The backup's manifest does not list its database file."))
    problems = [problem for entry in manifest.files if (problem := _check_entry(path, entry))]
    if problems:
        raise BackupError(_("The backup does not match its manifest: %(files)s.", files="; ".join(problems)))
    return manifest


def restore_backup(path: Path) -> None:
    """Replace the database and the instance files with the backup's, after checking every file."""
    path = Path(path)
    manifest = verify_backup(path)
    kind = database_kind()
    if manifest.database != kind:
        raise BackupError(
            _(
                "This backup holds a %(kept)s database but the application uses %(live)s.",
                kept=manifest.database,
                live=kind,
            )
        )
    pg_restore = _tool("pg_restore") if kind == "postgresql" else None
    db.session.remove()
    db.engine.dispose()
    try:
        if kind == "sqlite":
            _sqlite_copy(path / manifest.database_file, _sqlite_path())
        else:
            _pg_restore(pg_restore, path / manifest.database_file)
    finally:
        db.engine.dispose()
    store = get_storage()
    for entry in manifest.files:
        key = _storage_key(entry.path)
        if key is not None:
            with (path / entry.path).open("rb") as source:
                store.write(key, source)
        elif entry.path == f"{FILES_FOLDER}/{SECRET_KEY_NAME}":
            _put_file(path / entry.path, Path(current_app.instance_path) / SECRET_KEY_NAME)
    log.warning("Restored the backup %s made at %s", path, manifest.created_at)


def _sqlite_path() -> Path:
    name = db.engine.url.database
    if not name or name == ":memory:" or name.startswith("file:"):
        raise BackupError(_("Only a SQLite database kept in a file can be backed up or restored."))
    return Path(name)


def _sqlite_copy(source: Path, target: Path) -> None:
    """Copy ``source`` into ``target`` with SQLite's online backup API (``source`` is opened read-only)."""
    if not source.is_file():
        raise BackupError(_("The SQLite database %(path)s does not exist.", path=source))
    read_only = sqlite3.connect(f"{source.resolve().as_uri()}?mode=ro", uri=True)
    with closing(read_only) as src, closing(sqlite3.connect(target)) as dst:
        src.backup(dst)


def _sqlite_revision(database: Path) -> str | None:
    with closing(sqlite3.connect(database)) as connection:
        try:
            row = connection.execute("SELECT version_num FROM alembic_version").fetchone()
        except sqlite3.Error:
            return None
    return row[0] if row else None


def _live_revision() -> str | None:
    try:
        return db.session.scalar(text("SELECT version_num FROM alembic_version"))
    except Exception:  # noqa: BLE001 (a database never migrated has no revision)
        return None
    finally:
        db.session.rollback()


def _tool(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        raise BackupError(
            _("%(tool)s was not found: install the PostgreSQL client tools (postgresql-client).", tool=name)
        )
    return found


def _libpq_target() -> tuple[str, dict[str, str]]:
    """The database URL for the PostgreSQL tools (password passed in the environment, not argv)."""
    url = db.engine.url
    env = dict(os.environ)
    if url.password:
        env["PGPASSWORD"] = str(url.password)
    plain = url.set(drivername="postgresql", password=None)
    return plain.render_as_string(hide_password=False), env


def _run(command: list[str], env: dict[str, str], tool: str) -> None:
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)  # noqa: S603
    if done.returncode != 0:
        detail = (done.stderr or "").strip().splitlines()
        raise BackupError(
            _("%(tool)s failed: %(detail)s", tool=tool, detail=detail[-1] if detail else done.returncode)
        )


def _pg_dump(target: Path) -> None:
    url, env = _libpq_target()
    _run([_tool("pg_dump"), "--format=custom", f"--file={target}", f"--dbname={url}"], env, "pg_dump")


def _pg_restore(tool: str, dump: Path) -> None:
    url, env = _libpq_target()
    command = [
        tool,
        "--clean",
        "--if-exists",
        "--no-owner",
        "--single-transaction",
        f"--dbname={url}",
        str(dump),
    ]
    _run(command, env, "pg_restore")


def _copy_files(target: Path) -> None:
    store = get_storage()
    for prefix in BACKED_UP:
        for key in store.keys(prefix):
            copy = target.joinpath(STORAGE_FOLDER, *key.split("/"))
            copy.parent.mkdir(parents=True, exist_ok=True)
            with store.open(key) as source, copy.open("wb") as out:
                shutil.copyfileobj(source, out, _CHUNK)
    key = Path(current_app.instance_path) / SECRET_KEY_NAME
    if key.is_file():
        target.mkdir(parents=True, exist_ok=True)
        shutil.copy2(key, target / SECRET_KEY_NAME)


def _storage_key(relative: str) -> str | None:
    """The storage key a file of the backup goes back to; None for the database and the secret key, and
    for anything that is not a key under a backed-up prefix."""
    parts = PurePosixPath(relative).parts
    if len(parts) < 3 or parts[0] != FILES_FOLDER:
        return None
    rest = "/".join(parts[2:])
    if parts[1] == STORAGE_FOLDER:
        key = rest
    elif parts[1] in LEGACY_AREAS:
        key = LEGACY_AREAS[parts[1]] + rest
    else:
        return None
    try:
        check_key(key)
    except StorageKeyError:
        return None
    return key if key.startswith(BACKED_UP) else None


def _put_file(source: Path, target: Path) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    temporary = target.parent / f".restore-{secrets.token_hex(8)}.tmp"
    try:
        shutil.copy2(source, temporary)
        os.replace(temporary, target)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise


def _entry(root: Path, path: Path) -> FileEntry:
    return FileEntry(path.relative_to(root).as_posix(), path.stat().st_size, file_sha256(path))


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def _allowed(relative: str) -> bool:
    pure = PurePosixPath(relative)
    parts = pure.parts
    if pure.is_absolute() or not parts or any(part in ("", ".", "..") for part in parts) or "\\" in relative:
        return False
    if parts[0] in DATABASE_FILES.values():
        return len(parts) == 1
    if parts[0] != FILES_FOLDER or len(parts) < 2:
        return False
    return parts[1:] == (SECRET_KEY_NAME,) or _storage_key(relative) is not None


def _check_entry(root: Path, entry: FileEntry) -> str | None:
    """None when the file is as the manifest says; otherwise the file's path and what is wrong."""
    if not _allowed(entry.path):
        return _("%(path)s (not a place a backup may write to)", path=entry.path)
    path = root / entry.path
    if not path.is_file() or path.is_symlink():
        return _("%(path)s (missing)", path=entry.path)
    if path.stat().st_size != entry.size or file_sha256(path) != entry.sha256:
        return _("%(path)s (changed)", path=entry.path)
    return None
