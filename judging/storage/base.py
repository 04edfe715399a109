"""What every file store offers, and the rule every key follows.

A key is a relative, ``/``-separated name such as ``decks/3f2a….pdf``. It is refused (``StorageKeyError``)
when it is empty, absolute, holds a backslash, a NUL or another control character, or has an empty,
``.`` or ``..`` segment, or a segment starting with ``.`` (such names are kept for temporary files). So a
key can never name anything outside the store, and never a file that is being written.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import AbstractContextManager
from datetime import datetime
from pathlib import Path
from typing import BinaryIO, Protocol, runtime_checkable

MAX_KEY_LENGTH = 1024


class StorageKeyError(ValueError):
    """A key that could escape the store or collide with a temporary file."""


def check_key(key: str) -> str:
    """``key`` itself when it is a valid key; ``StorageKeyError`` otherwise."""
    if not isinstance(key, str) or not key or len(key) > MAX_KEY_LENGTH:
        raise StorageKeyError(f"not a storage key: {key!r}")
    if key.startswith("/") or "\\" in key or any(ord(char) < 32 or char == "\x7f" for char in key):
        raise StorageKeyError(f"not a storage key: {key!r}")
    for segment in key.split("/"):
        if not segment or segment.startswith("."):
            raise StorageKeyError(f"not a storage key: {key!r}")
    return key


def check_prefix(prefix: str) -> str:
    """A prefix to list keys under: empty (everything), or a key, optionally ending with ``/``."""
    if prefix:
        check_key(prefix[:-1] if prefix.endswith("/") else prefix)
    return prefix


@runtime_checkable
class Storage(Protocol):
    """A store of files by key. Writes are atomic: until a write completes, readers see the previous
    content (or no file); when it fails, nothing changes under the key. Missing keys raise
    ``FileNotFoundError`` from ``open``, ``read_bytes``, ``size`` and ``modified``."""

    def write(self, key: str, data: bytes | BinaryIO) -> int:
        """Store ``data`` (bytes, or a binary stream read to its end) under ``key``; returns its size."""
        ...

    def writer(self, key: str) -> AbstractContextManager[BinaryIO]:
        """A file to write into; published under ``key`` when the block ends without an exception and
        discarded otherwise."""
        ...

    def open(self, key: str) -> BinaryIO:
        """The stored file for reading (the caller closes it)."""
        ...

    def read_bytes(self, key: str) -> bytes: ...

    def exists(self, key: str) -> bool: ...

    def size(self, key: str) -> int: ...

    def modified(self, key: str) -> datetime:
        """When the file under ``key`` was last written (UTC)."""
        ...

    def delete(self, key: str) -> None:
        """Remove the file under ``key``; nothing happens when there is none."""
        ...

    def keys(self, prefix: str = "") -> Iterator[str]:
        """Every key starting with ``prefix``, in sorted order (files being written are never listed)."""
        ...

    def local_path(self, key: str) -> Path | None:
        """The file's path on this machine when the store is a local folder, else None (then use ``open``)."""
        ...
