"""What WeasyPrint may read while rendering a certificate: our files under ``static/`` and ``data:`` URLs.

Everything else (http, https, ftp, ``file://`` outside ``static/``, a symlink leading out of it) is refused
with an error, which WeasyPrint turns into a warning and a skipped resource. Each fetcher keeps the URLs it
served and refused, so tests can assert that nothing outside ``static/`` was read.
"""

from __future__ import annotations

import os
from pathlib import Path
from urllib.parse import unquote, urlsplit

from weasyprint.text.ffi import harfbuzz, harfbuzz_subset
from weasyprint.urls import URLFetcher

REPOSITORY = Path(__file__).resolve().parents[2]
STATIC = REPOSITORY / "static"
BASE_URL = STATIC.as_uri() + "/"


class RefusedURL(ValueError):
    """WeasyPrint asked for a resource a certificate may not use."""


class StaticFetcher(URLFetcher):
    """A WeasyPrint URL fetcher that serves ``static/`` and ``data:`` URLs only; no network, no redirects."""

    def __init__(self, static: Path = STATIC) -> None:
        super().__init__(timeout=1, allowed_protocols=("file", "data"), allow_redirects=False)
        self.static = os.path.realpath(static)
        self.allowed: list[str] = []
        self.refused: list[str] = []

    def permitted(self, url: str) -> bool:
        scheme = url.split(":", 1)[0].lower() if ":" in url else ""
        if scheme == "data":
            return True
        if scheme != "file":
            return False
        parts = urlsplit(url)
        if parts.netloc not in ("", "localhost"):
            return False
        path = os.path.realpath(unquote(parts.path))
        return os.path.commonpath([path, self.static]) == self.static and os.path.isfile(path)

    def fetch(self, url, headers=None):
        if not self.permitted(url):
            self.refused.append(url)
            raise RefusedURL(f"Certificates may not load {url[:200]}")
        self.allowed.append(url if not url.startswith("data:") else url[:60])
        return super().fetch(url, headers)


def subsetter_available() -> bool:
    """Whether WeasyPrint subsets fonts with HarfBuzz (fast) rather than fontTools (slow, logs a warning).

    The same test as ``weasyprint.pdf.fonts.Font.subset`` in WeasyPrint 70.
    """
    return bool(harfbuzz_subset) and bool(harfbuzz.hb_version_atleast(4, 1, 0))
