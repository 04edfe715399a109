"""Certificates render only our own files: user text is printed literally and nothing is fetched."""

from __future__ import annotations

import base64
import http.server
import os
import threading

import pytest

from judging.certificates.fetcher import STATIC, StaticFetcher
from judging.certificates.render import render_batch, render_pdf, render_pdf_limited, sample_data
from tests.certificates.test_render import flat, pdf_text

INJECTED = '<img src="file:///etc/passwd">'


@pytest.fixture
def listener():
    """A local HTTP server counting the requests it receives."""
    hits: list[str] = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802
            hits.append(self.path)
            self.send_response(200)
            self.send_header("Content-Type", "text/css")
            self.end_headers()
            self.wfile.write(b"body { background: red }")

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}", hits
    server.shutdown()
    server.server_close()


def malicious(url: str):
    svg = (
        '<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink"'
        ' width="40" height="40">'
        f'<style>@import url("{url}/svg.css");</style>'
        f'<image href="{url}/y.png" width="10" height="10"/>'
        '<image xlink:href="http://127.0.0.1:9/y.png" width="10" height="10"/>'
        '<image href="file:///etc/passwd" width="10" height="10"/>'
        "</svg>"
    )
    logo = "data:image/svg+xml;base64," + base64.b64encode(svg.encode()).decode()
    return sample_data(
        "achievement",
        recipient=INJECTED + f'<link rel="stylesheet" href="{url}/r.css">',
        title_line=f'<style>@import url("http://127.0.0.1:9/x.css"); @import url("{url}/x.css");</style>Best',
        entry_title=f'<img src="{url}/e.png">',
        logo=logo,
        signature=logo,
    )


def test_render_pdf_prints_markup_literally_and_fetches_nothing_outside_static(listener):
    url, hits = listener
    fetcher = StaticFetcher()

    pdf = render_pdf(malicious(url), fetcher=fetcher)

    text = flat(pdf_text(pdf))
    assert flat(INJECTED) in text
    assert flat('@import url("http://127.0.0.1:9/x.css");') in text.lower()  # the title line is in capitals
    static = os.path.realpath(STATIC)
    outside = [u for u in fetcher.allowed if not (u.startswith("data:") or u.startswith(STATIC.as_uri()))]
    assert outside == [] and not any(static not in u and u.startswith("file:") for u in fetcher.allowed)
    assert any(u.startswith(url) for u in fetcher.refused)  # the SVG's references were asked for and refused
    assert "file:///etc/passwd" in fetcher.refused
    assert hits == []


def test_render_pdf_limited_and_batch_fetch_nothing(listener):
    url, hits = listener
    data = malicious(url)

    assert flat(INJECTED) in flat(pdf_text(render_pdf_limited(data, timeout=60)))
    pdfs = list(render_batch([data, sample_data("judge")], workers=1))

    assert len(pdfs) == 2 and flat(INJECTED) in flat(pdf_text(pdfs[0]))
    assert hits == []


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:9/x.css",
        "https://example.org/x.png",
        "ftp://example.org/x",
        "file:///etc/passwd",
        STATIC.as_uri() + "/../pyproject.toml",
        STATIC.as_uri() + "/%2e%2e/pyproject.toml",
        "file://example.org" + STATIC.as_posix() + "/css/app.css",
    ],
)
def test_static_fetcher_refuses_everything_but_static(url):
    fetcher = StaticFetcher()
    with pytest.raises(ValueError):
        fetcher.fetch(url)
    assert fetcher.refused == [url]


def test_static_fetcher_serves_static_and_data_urls():
    fetcher = StaticFetcher()
    css = next(STATIC.rglob("*.css"))
    assert fetcher.fetch(css.as_uri()).read()
    assert fetcher.fetch("data:text/plain;base64,aGk=").read() == b"hi"
    assert fetcher.refused == []
