"""Where the application keeps files: pitch decks, certificate images, rendered certificates, ZIP builds.

Every file goes through one ``Storage`` (see ``base``), reached with ``get_storage()``, so that a shared
volume or an object store can replace the local folder without touching the code that reads and writes.
Keys by area: ``decks/``, ``certificate-assets/``, ``certificates/`` (PDF cache), ``certificate-builds/``.

Settings: ``STORAGE_ROOT`` is the folder of the local store (default: ``UPLOAD_FOLDER``, itself
``instance/uploads``). ``STORAGE_BACKEND``, when set, is the dotted path (``package.module:name``) of a
callable that takes the application and returns a ``Storage``; unset, it is ``LocalStorage`` on the root.
The store is made once per application and setting, on first use.
"""

from __future__ import annotations

import io
import logging
import os
from datetime import timedelta
from pathlib import Path
from typing import Any

from flask import Flask, current_app, send_file
from werkzeug.utils import import_string

from judging.storage.base import Storage, StorageKeyError, check_key
from judging.storage.local import LocalStorage

__all__ = [
    "LocalStorage",
    "Storage",
    "StorageKeyError",
    "check_key",
    "get_storage",
    "local_storage",
    "remove_stale_temporaries",
    "send_stored",
]

log = logging.getLogger(__name__)

EXTENSION = "judging.storage"
IN_MEMORY_BYTES = 16 * 1024 * 1024
STALE_TEMPORARY = timedelta(hours=1)  # a temporary file untouched this long was abandoned by its writer
# Folders of the instance folder that earlier versions wrote directly; moved under the root on first use.
LEGACY_FOLDERS = ("certificate-assets", "certificates", "certificate-builds")


def storage_root(app: Flask) -> Path:
    return Path(app.config.get("STORAGE_ROOT") or app.config["UPLOAD_FOLDER"])


def local_storage(app: Flask) -> LocalStorage:
    """The default back-end: ``LocalStorage`` on ``storage_root(app)``, after adopting legacy folders."""
    root = storage_root(app)
    adopt_legacy_folders(Path(app.instance_path), root)
    return LocalStorage(root)


def get_storage() -> Storage:
    """The application's store (made on first use for the current ``STORAGE_BACKEND`` and root)."""
    app: Flask = current_app._get_current_object()  # type: ignore[attr-defined]
    backend = app.config.get("STORAGE_BACKEND") or None
    made: dict[tuple[Any, str], Storage] = app.extensions.setdefault(EXTENSION, {})
    selector = (backend, str(storage_root(app)))
    store = made.get(selector)
    if store is None:
        factory = import_string(backend.replace(":", ".")) if backend else local_storage
        store = made[selector] = factory(app)
    return store


def send_stored(key: str, **options: Any):
    """A response sending the stored file (``flask.send_file`` options; give ``mimetype``).

    A file of at most ``IN_MEMORY_BYTES`` (a pitch deck, a certificate) is read whole, so no file stays
    open while the response is sent; a larger one is sent from its path when the store is local, and
    streamed from the store otherwise. ``FileNotFoundError`` when the key holds no file."""
    store = get_storage()
    if store.size(key) <= IN_MEMORY_BYTES:
        return send_file(io.BytesIO(store.read_bytes(key)), **options)
    path = store.local_path(key)
    return send_file(path if path is not None else store.open(key), **options)


def remove_stale_temporaries(older_than: timedelta = STALE_TEMPORARY) -> int:
    """Clear the temporary files of writers that died (e.g. a worker killed mid-upload), when the store
    keeps such files (``LocalStorage``); returns how many were removed. Run by ``flask tick``."""
    sweep = getattr(get_storage(), "remove_stale_temporaries", None)
    return len(sweep(older_than)) if sweep is not None else 0


def adopt_legacy_folders(instance: Path, root: Path) -> None:
    """Move ``instance/<area>`` to ``root/<area>`` for each area earlier versions kept in the instance
    folder, when the area is not under the root yet. Several processes may race: the loser finds the
    folder gone and moves nothing."""
    for area in LEGACY_FOLDERS:
        old, new = instance / area, root / area
        if old.resolve() == new.resolve() or not old.is_dir() or new.exists():
            continue
        try:
            root.mkdir(parents=True, exist_ok=True)
            os.rename(old, new)
        except OSError:
            log.warning("Could not move %s to %s; move it by hand", old, new, exc_info=True)
        else:
            log.warning("Moved %s to %s (files now live under STORAGE_ROOT)", old, new)
