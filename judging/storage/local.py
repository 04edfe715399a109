"""``LocalStorage``: the store as a folder on this machine (or a shared volume mounted on every machine).

A write goes to a temporary file in the same folder as its key (``.<name>.<random>.tmp``), is flushed
and fsynced, then renamed over the key with ``os.replace``, which is atomic on POSIX file systems: a
reader opens either the old file or the new one, never a part. On any exception the temporary file is
removed. Folders are created as needed, the root included.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import BinaryIO

from judging.storage.base import check_key, check_prefix

CHUNK = 1024 * 1024
FILE_MODE = 0o640


class LocalStorage:
    """Files under ``root``, one file per key."""

    def __init__(self, root: str | os.PathLike[str]) -> None:
        self.root = Path(root).absolute()

    def __repr__(self) -> str:
        return f"LocalStorage({str(self.root)!r})"

    def path(self, key: str) -> Path:
        """Where ``key`` lives (the key is checked first)."""
        return self.root.joinpath(*check_key(key).split("/"))

    def local_path(self, key: str) -> Path | None:
        return self.path(key)

    @contextmanager
    def writer(self, key: str) -> Iterator[BinaryIO]:
        target = self.path(key)
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, temporary = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
        try:
            with os.fdopen(fd, "wb") as handle:
                os.fchmod(handle.fileno(), FILE_MODE)
                yield handle
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(temporary, target)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
        _sync_folder(target.parent)

    def write(self, key: str, data: bytes | BinaryIO) -> int:
        with self.writer(key) as handle:
            if isinstance(data, bytes | bytearray | memoryview):
                handle.write(data)
                return len(data)
            shutil.copyfileobj(data, handle, CHUNK)
            return handle.tell()

    def open(self, key: str) -> BinaryIO:
        return self.path(key).open("rb")

    def read_bytes(self, key: str) -> bytes:
        return self.path(key).read_bytes()

    def exists(self, key: str) -> bool:
        return self.path(key).is_file()

    def size(self, key: str) -> int:
        return self.path(key).stat().st_size

    def modified(self, key: str) -> datetime:
        return datetime.fromtimestamp(self.path(key).stat().st_mtime, tz=UTC)

    def delete(self, key: str) -> None:
        self.path(key).unlink(missing_ok=True)

    def keys(self, prefix: str = "") -> Iterator[str]:
        check_prefix(prefix)
        folder, _, _start = prefix.rpartition("/")
        base = self.root.joinpath(*folder.split("/")) if folder else self.root
        found = []
        for directory, subfolders, names in os.walk(base):
            subfolders[:] = [name for name in subfolders if not name.startswith(".")]
            relative = Path(directory).relative_to(self.root).as_posix()
            for name in names:
                if name.startswith(".") or not os.path.isfile(os.path.join(directory, name)):
                    continue
                key = name if relative == "." else f"{relative}/{name}"
                if key.startswith(prefix):
                    found.append(key)
        yield from sorted(found)

    def remove_stale_temporaries(self, older_than: timedelta) -> list[str]:
        """Delete temporary files left by writers that died (a killed process never reaches its clean-up)
        and not touched for ``older_than``; returns their paths relative to the root. They are never
        listed or read as keys, so this only frees space."""
        limit = time.time() - older_than.total_seconds()
        removed = []
        for path in self.root.rglob(".*.tmp") if self.root.is_dir() else ():
            try:
                if path.is_file() and path.stat().st_mtime < limit:
                    path.unlink()
                    removed.append(path.relative_to(self.root).as_posix())
            except FileNotFoundError:
                continue
        return removed


def _sync_folder(folder: Path) -> None:
    """Make the rename itself durable (best effort: some file systems refuse to open a folder)."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
