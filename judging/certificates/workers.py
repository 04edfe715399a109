"""Render certificates in other processes: one with a time limit for requests, a few for bulk builds.

A certificate rendered for a web request runs in a separate, reused process (``spawn``: no inherited
locks, database connections or threads), so a pathological document can only time out, never take the web
worker down. Bulk builds hand chunks of certificates to persistent worker processes, each reusing its own
font configuration and parsed stylesheet.
"""

from __future__ import annotations

import contextlib
import logging
import multiprocessing
import os
import resource
import threading
from collections import deque
from collections.abc import Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout

from judging.certificates import render

log = logging.getLogger(__name__)
TOO_LONG = "Rendering the certificate took too long."
FAILED = "The certificate could not be rendered."
CHUNK = 20  # certificates per task in a bulk build: few round trips, results arrive steadily
STATS_ENV = "JUDGING_CERTIFICATE_STATS"  # a file: bulk workers append "pid rendered rss_mb" per chunk (bench)

_pool: ProcessPoolExecutor | None = None
_pool_lock = threading.Lock()


def _context():
    return multiprocessing.get_context("spawn")


def _limited_pool() -> ProcessPoolExecutor:
    global _pool
    with _pool_lock:
        if _pool is None:
            _pool = ProcessPoolExecutor(max_workers=1, mp_context=_context(), initializer=_warm)
        return _pool


def _discard(pool: ProcessPoolExecutor) -> None:
    """Stop ``pool``'s processes at once (a render that runs too long holds one) and forget the pool."""
    global _pool
    with _pool_lock:
        if _pool is pool:
            _pool = None
    processes = list((getattr(pool, "_processes", None) or {}).values())
    for process in processes:
        with contextlib.suppress(Exception):  # already gone
            process.terminate()
    try:
        pool.shutdown(wait=False, cancel_futures=True)
    except Exception:  # noqa: BLE001
        log.debug("shutting down a certificate render pool failed", exc_info=True)
    for process in processes:
        process.join(timeout=2)
        if process.is_alive():
            process.kill()


def _warm() -> None:
    render.shared_settings()


def render_limited(data: render.CertificateData, *, timeout: float = 30.0) -> bytes:
    pool = _limited_pool()
    try:
        future = pool.submit(render.render_pdf, data)
    except Exception as error:  # a broken pool: start a new one next time
        _discard(pool)
        raise render.RenderError(FAILED) from error
    try:
        return future.result(timeout=timeout)
    except FutureTimeout as error:
        _discard(pool)
        raise render.RenderError(TOO_LONG) from error
    except Exception as error:  # noqa: BLE001 - the worker's error or a dead worker (BrokenProcessPool)
        log.warning("certificate rendering failed: %r", error)
        if getattr(pool, "_broken", False):
            _discard(pool)
        raise render.RenderError(FAILED) from error


_rendered = 0


def _render_chunk(items: list[render.CertificateData]) -> list[bytes]:
    global _rendered
    pdfs = [render.render_pdf(item) for item in items]
    _rendered += len(pdfs)
    if stats := os.environ.get(STATS_ENV):
        with open("/proc/self/statm") as statm:
            rss = int(statm.read().split()[1]) * resource.getpagesize() / 2**20
        with open(stats, "a") as out:
            out.write(f"{os.getpid()} {_rendered} {rss:.1f}\n")
    return pdfs


def render_many(items: Iterable[render.CertificateData], *, workers: int = 2) -> Iterator[bytes]:
    """Yield the PDFs of ``items`` in order; at most ``2 * workers`` chunks are in flight at a time."""
    items = list(items)
    if not items:
        return
    chunks = [items[i : i + CHUNK] for i in range(0, len(items), CHUNK)]
    workers = max(1, min(workers, len(chunks)))
    pool = ProcessPoolExecutor(max_workers=workers, mp_context=_context(), initializer=_warm)
    pending: deque[Future] = deque()
    try:
        queue = iter(chunks)
        for chunk in queue:
            pending.append(pool.submit(_render_chunk, chunk))
            if len(pending) >= 2 * workers:
                break
        while pending:
            try:
                pdfs = pending.popleft().result()
            except Exception as error:  # noqa: BLE001
                raise render.RenderError(FAILED) from error
            chunk = next(queue, None)
            if chunk is not None:
                pending.append(pool.submit(_render_chunk, chunk))
            yield from pdfs
    finally:
        _discard(pool) if pending else pool.shutdown(wait=True)
