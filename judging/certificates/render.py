"""Render a certificate from plain data: HTML (Jinja, autoescaped), then PDF (WeasyPrint). No Flask, no DB.

One font configuration and the parsed stylesheet are kept per process and reused on every render, so
memory stays flat and a certificate costs little more than a one-line document. WeasyPrint only reads
what :class:`~judging.certificates.fetcher.StaticFetcher` allows. :func:`render_pdf_limited` and
:func:`render_batch` (in :mod:`judging.certificates.workers`) render in other processes.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any

import segno
from jinja2 import Environment, FileSystemLoader
from markupsafe import Markup
from weasyprint import CSS, HTML
from weasyprint.text.fonts import FontConfiguration

from judging.certificates.fetcher import BASE_URL, REPOSITORY, StaticFetcher, subsetter_available

__all__ = [
    "KINDS",
    "TEXT_KEYS",
    "CertificateData",
    "RenderError",
    "english_texts",
    "grouped_code",
    "render_batch",
    "render_html",
    "render_pdf",
    "render_pdf_limited",
    "sample_data",
    "subsetter_available",
]

TEMPLATES = REPOSITORY / "templates" / "certificates"
KINDS = ("achievement", "finalist", "participation", "judge")


def N_(text: str) -> str:  # noqa: N802 (the usual name of gettext's no-op marker)
    """Mark a phrase for the translation catalogue without translating it here (this module is pure);
    callers translate the English phrase, which is the message id."""
    return text


_ENGLISH = {
    "presented_to": N_("Presented to"),
    "for_entry": N_("for the entry"),
    "in_category": N_("in the category"),
    "on_date": N_("Awarded on"),
    "verify": N_("Check this certificate at"),
    "code": N_("Verification code"),
}
TEXT_KEYS: tuple[str, ...] = tuple(_ENGLISH)
_COLOUR = re.compile(r"#(?:[0-9a-fA-F]{3}|[0-9a-fA-F]{6})")
_IMAGE = re.compile(r"data:image/(?:png|svg\+xml)[;,]", re.IGNORECASE)
DEFAULT_PRIMARY, DEFAULT_ACCENT = "#0b3d91", "#c99700"


class RenderError(Exception):
    """The certificate could not be rendered; the message can be shown to the user (in English)."""


@dataclass(frozen=True)
class CertificateData:
    kind: str  # CertificateKind value: achievement | finalist | participation | judge
    recipient: str
    award: str
    category: str | None
    entry_title: str | None
    challenge_title: str
    issued_on: str
    title_line: str
    texts: Mapping[str, str] = field(default_factory=dict)
    signatories: tuple[tuple[str, str], ...] = ()  # (name, title), at most 3
    primary_colour: str = DEFAULT_PRIMARY
    accent_colour: str = DEFAULT_ACCENT
    logo: str | None = None  # data: URI of a validated PNG or SVG
    signature: str | None = None  # data: URI of a validated PNG or SVG
    code: str = ""
    verify_url: str = ""
    language: str = "en"


def english_texts() -> dict[str, str]:
    """The fixed phrases in English; callers pass translated ones in ``CertificateData.texts``."""
    return dict(_ENGLISH)


def grouped_code(code: str) -> str:
    """``"ABCDEFGHIJ"`` -> ``"ABCD EFGH IJ"``: easier to read out and to type."""
    compact = "".join(code.split())
    return " ".join(compact[i : i + 4] for i in range(0, len(compact), 4))


def _colour(value: str, default: str) -> str:
    # Colours go into a <style> element: only a plain hex colour may pass, never arbitrary CSS.
    return value if isinstance(value, str) and _COLOUR.fullmatch(value) else default


def _image(value: str | None) -> str | None:
    return value if value and _IMAGE.match(value) else None


def _qr_path(matrix) -> str:
    """SVG path data drawing the dark modules of a QR code as lines one module wide.

    Fewer path commands than segno's own SVG (one line per run of dark modules in a row): a run of two
    or more in a row is a horizontal line, and a single module is drawn by the longest vertical run
    through it (which may also cross modules already drawn), so a column of single modules is one
    line: about a fifth fewer commands. WeasyPrint parses and draws every command in Python, and the QR
    code is still about a sixth of a certificate's render time.
    """
    rows = [bytes(row) for row in matrix]
    size = len(rows)
    parts, singles = [], []
    for y, row in enumerate(rows):
        x = 0
        while x < size:
            if not row[x]:
                x += 1
                continue
            start = x
            while x < size and row[x]:
                x += 1
            if x - start > 1:
                parts.append(f"M{start} {y}.5h{x - start}")
            else:
                singles.append((start, y))
    drawn = set()
    for x, y in singles:
        if (x, y) in drawn:
            continue
        top, bottom = y, y + 1
        while top > 0 and rows[top - 1][x]:
            top -= 1
        while bottom < size and rows[bottom][x]:
            bottom += 1
        drawn.update((x, row) for row in range(top, bottom))
        parts.append(f"M{x}.5 {top}v{bottom - top}")
    return "".join(parts)


def _qr_svg(url: str, colour: str) -> Markup | None:
    if not url:
        return None
    # Our own SVG (path data only, no text from the user), so it may be inserted as markup.
    # A fixed mask: choosing the best of eight costs more than the rest of the QR code. No quiet zone in
    # the drawing: the blank paper around it is one.
    qr = segno.make(url, error="m", mask=2, micro=False)
    size = len(qr.matrix)
    return Markup(  # noqa: S704
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {size} {size}">'
        f'<path fill="none" stroke="{colour}" d="{_qr_path(qr.matrix)}"/></svg>'
    )


_environment: Environment | None = None


def _jinja() -> Environment:
    global _environment
    if _environment is None:
        _environment = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=True)
    return _environment


def render_html(data: CertificateData) -> str:
    """The certificate as an HTML page; every text the organisers or entrants typed is escaped."""
    texts = {**_ENGLISH, **{k: v for k, v in (data.texts or {}).items() if k in _ENGLISH and v}}
    primary = _colour(data.primary_colour, DEFAULT_PRIMARY)
    return (
        _jinja()
        .get_template("certificate.html")
        .render(
            data=data,
            kind=data.kind if data.kind in KINDS else "participation",
            texts=texts,
            primary=primary,
            accent=_colour(data.accent_colour, DEFAULT_ACCENT),
            logo=_image(data.logo),
            signature=_image(data.signature),
            signatories=tuple(data.signatories)[:3],
            code=grouped_code(data.code),
            qr=_qr_svg(data.verify_url, primary),
            language=data.language
            if re.fullmatch(r"[A-Za-z]{2,3}(?:-[A-Za-z0-9]{2,8})*", data.language)
            else "en",
        )
    )


_shared: tuple[FontConfiguration, CSS] | None = None
_lock = threading.Lock()


def shared_settings() -> tuple[FontConfiguration, CSS]:
    """This process's font configuration and parsed certificate stylesheet (made once, then reused)."""
    global _shared
    with _lock:
        if _shared is None:
            fonts = FontConfiguration()
            css = CSS(
                filename=str(TEMPLATES / "certificate.css"),
                base_url=BASE_URL,
                url_fetcher=StaticFetcher(),
                font_config=fonts,
            )
            _shared = (fonts, css)
        return _shared


_local = threading.local()
_IMAGES_KEPT = 16


def _thread_state() -> tuple[StaticFetcher, dict]:
    """This thread's fetcher and image cache, reused from render to render: making a fetcher costs
    about as much as laying out a line of text, and an organiser's logo and signature are then decoded
    once for all the certificates of a challenge. The fetcher's record of URLs is emptied before each
    render and the cache when it holds many images, so memory stays flat."""
    if not hasattr(_local, "fetcher"):
        _local.fetcher, _local.images = StaticFetcher(), {}
    _local.fetcher.allowed.clear()
    _local.fetcher.refused.clear()
    if len(_local.images) > _IMAGES_KEPT:
        _local.images.clear()
    return _local.fetcher, _local.images


def render_pdf(data: CertificateData, *, fetcher: StaticFetcher | None = None) -> bytes:
    """The certificate as PDF bytes, rendered in this process (requests use :func:`render_pdf_limited`)."""
    fonts, css = shared_settings()
    shared_fetcher, images = _thread_state()
    if fetcher is not None:
        # A cached image keeps the fetcher it was loaded with: a caller's own fetcher sees every fetch.
        images = {}
    html = HTML(string=render_html(data), base_url=BASE_URL, url_fetcher=fetcher or shared_fetcher)
    return html.write_pdf(stylesheets=[css], font_config=fonts, cache=images)


_AWARDS = {
    "achievement": ("Winner", "Certificate of achievement"),
    "finalist": ("Finalist", "Finalist certificate"),
    "participation": ("Participant", "Certificate of participation"),
    "judge": ("Judge", "Certificate of appreciation"),
}


def sample_data(kind: str, **overrides: Any) -> CertificateData:
    """Plausible data for a preview of ``kind``; ``overrides`` replace any field (e.g. the design's)."""
    award, title_line = _AWARDS.get(kind, _AWARDS["participation"])
    judge = kind == "judge"
    data = CertificateData(
        kind=kind,
        recipient="Dr. Amélie Laurent" if judge else "Santé Connectée SARL",
        award=award,
        category="E-health",
        entry_title=None if judge else "CardioLink: remote heart monitoring for rural clinics",
        challenge_title="Digital SME Awards 2027",
        issued_on="12 June 2027",
        title_line=title_line,
        texts=english_texts(),
        signatories=(("Maria Keller", "Chair of the jury"), ("Jonas Weber", "Programme director")),
        code="SAMPLE7QK2M4XW9RT3HD6PLN5VC",
        verify_url="https://example.org/verify/SAMPLE",
    )
    return replace(data, **overrides)


def render_pdf_limited(data: CertificateData, *, timeout: float = 30.0) -> bytes:
    """Render in a worker process, giving up after ``timeout`` seconds; raises :class:`RenderError`."""
    from judging.certificates.workers import render_limited

    return render_limited(data, timeout=timeout)


def render_batch(items, *, workers: int = 2):
    """Render many certificates in ``workers`` processes; yields the PDFs in the order of ``items``."""
    from judging.certificates.workers import render_many

    return render_many(items, workers=workers)
