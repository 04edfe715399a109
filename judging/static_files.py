"""Static files under content-hashed names, cached for a year; compression of every text response.

``url_for('static', filename='css/main.css')`` gives ``/static/css/main.<hash>.css``, the hash being the
start of the file's SHA-256 (computed once at start-up; again when a file changes while debugging). A
request for the current hashed name is answered with ``Cache-Control: public, max-age=31536000,
immutable``: the browser never asks again, and a new version of the file gets a new name. The plain name,
or a hash that is no longer current (a page cached before a release), still gets the file, cached for an
hour only.

Responses of a text type (HTML, CSS, JavaScript, SVG, JSON, CSV) over ``COMPRESS_MIN_SIZE`` bytes are
compressed (zstd, Brotli or gzip, as the client accepts) by Flask-Compress; PDFs, ZIPs and images, which
are compressed already, are sent as they are.
"""

from __future__ import annotations

import hashlib
import mimetypes
import re
from dataclasses import dataclass
from pathlib import Path
from threading import Lock

from flask import Flask, Response, abort, current_app, request
from flask_compress import Compress

HASH_LENGTH = 10
IMMUTABLE = "public, max-age=31536000, immutable"
SHORT = "public, max-age=3600"
_HASHED = re.compile(rf"^(?P<stem>.+)\.(?P<hash>[0-9a-f]{{{HASH_LENGTH}}})(?P<suffix>\.[A-Za-z0-9]+)$")

COMPRESSED_TYPES = [
    "text/html",
    "text/css",
    "text/plain",
    "text/csv",
    "text/javascript",
    "application/javascript",
    "application/json",
    "application/xml",
    "image/svg+xml",
]

compress = Compress()


@dataclass(frozen=True)
class _Entry:
    digest: str
    mtime: float
    data: bytes  # the folder holds a stylesheet and a script: kept in memory, read once


class Fingerprints:
    """The content hash of every file in a folder, by path relative to it (``css/main.css``)."""

    def __init__(self, folder: str | Path, *, watch: bool = False) -> None:
        self.folder = Path(folder).resolve()
        self.watch = watch
        self._entries: dict[str, _Entry] = {}
        self._lock = Lock()
        if self.folder.is_dir():
            for path in sorted(self.folder.rglob("*")):
                if path.is_file():
                    self._load(path.relative_to(self.folder).as_posix())

    def _path(self, name: str) -> Path | None:
        path = (self.folder / name).resolve()
        if not path.is_relative_to(self.folder) or not path.is_file():
            return None
        return path

    def _load(self, name: str) -> _Entry | None:
        path = self._path(name)
        if path is None:
            return None
        mtime, data = path.stat().st_mtime, path.read_bytes()
        entry = _Entry(hashlib.sha256(data).hexdigest()[:HASH_LENGTH], mtime, data)
        with self._lock:
            self._entries[name] = entry
        return entry

    def entry(self, name: str) -> _Entry | None:
        """The current hash and content of ``name``, or None when there is no such file."""
        entry = self._entries.get(name)
        if entry is None or self.watch:
            path = self._path(name)
            if path is None:
                return None
            if entry is None or path.stat().st_mtime != entry.mtime:
                entry = self._load(name)
        return entry

    def digest(self, name: str) -> str | None:
        """The current hash of ``name``, or None when there is no such file."""
        entry = self.entry(name)
        return entry.digest if entry else None

    def hashed_name(self, name: str) -> str:
        """``css/main.css`` → ``css/main.<hash>.css``; the name as given when there is no such file."""
        digest = self.digest(name)
        if digest is None:
            return name
        stem, dot, suffix = name.rpartition(".")
        if not dot or "/" in suffix:
            return f"{name}.{digest}"
        return f"{stem}.{digest}.{suffix}"

    def resolve(self, requested: str) -> tuple[str, _Entry, bool] | None:
        """(real name, its hash and content, whether ``requested`` carries the current hash), or None."""
        entry = self.entry(requested)
        if entry is not None:
            return requested, entry, False
        match = _HASHED.match(requested)
        if match is None:
            return None
        name = match["stem"] + match["suffix"]
        entry = self.entry(name)
        if entry is None:
            return None
        return name, entry, entry.digest == match["hash"]


def _fingerprints() -> Fingerprints:
    return current_app.extensions["static_fingerprints"]


def _hash_static_urls(endpoint: str, values: dict) -> None:
    if endpoint == "static" and "filename" in values:
        values["filename"] = _fingerprints().hashed_name(values["filename"])


def send_static(filename: str) -> Response:
    """The app's static view: the file from memory (so that it can be compressed), with its cache rule."""
    found = _fingerprints().resolve(filename)
    if found is None:
        abort(404)
    name, entry, current = found
    mimetype = mimetypes.guess_type(name)[0] or "application/octet-stream"
    response = Response(entry.data, mimetype=mimetype)
    response.headers["Cache-Control"] = IMMUTABLE if current else SHORT
    response.set_etag(entry.digest)
    response.last_modified = int(entry.mtime)
    return response.make_conditional(request)


def init_static_files(app: Flask) -> None:
    app.extensions["static_fingerprints"] = Fingerprints(app.static_folder or "", watch=app.debug)
    app.url_defaults(_hash_static_urls)
    app.view_functions["static"] = send_static
    app.config.setdefault("COMPRESS_MIMETYPES", COMPRESSED_TYPES)
    compress.init_app(app)
