"""Time certificate rendering against a one-line WeasyPrint document, and bulk rendering against naive.

In this process and in fresh ones:

- one certificate after warm-up (median) against a minimal document (one line of text) rendered with the
  same reused font configuration and stylesheet, measured alternately so a busy machine slows both alike;
  and, for reference, the content every certificate must carry set as plain paragraphs with no design,
  and both again with the demo's logo and signature images;
- the first render in a fresh process (a subprocess importing the module and rendering one certificate);
- 1,000 certificates with ``render_batch`` (2 worker processes) against rendering them one by one with
  WeasyPrint's defaults (new HTML and CSS each time, no shared font configuration, one process), measured
  on ``NAIVE`` certificates and extrapolated;
- RSS of each bulk worker process after 50 renders and after its last chunk (each of the 2 workers renders
  about 500 of the 1,000), sampled by the workers themselves after every chunk.

Targets: one certificate <= 3 x the minimal document; bulk throughput >= 3 x the naive way; RSS growth
<= 50 MB over 1,000 renders; HarfBuzz subsetting available (WeasyPrint's slow fontTools fallback otherwise).
Prints ``name: value unit (ratio x floor)`` lines; exits 1 when a target is missed. About 2 minutes on
2 cores; other processes running at the same time slow every figure (the ratios less so).
"""

from __future__ import annotations

import argparse
import base64
import dataclasses
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from functools import partial
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from _loadkit import line  # noqa: E402

from judging.certificates import render  # noqa: E402
from judging.certificates.workers import STATS_ENV  # noqa: E402

BULK, NAIVE, WORKERS = 1000, 40, 2
RSS_FIRST, RSS_LAST = 50, 1000
TARGET_SINGLE, TARGET_BULK, TARGET_GROWTH_MB = 3.0, 3.0, 50.0
ROOT = Path(__file__).resolve().parents[1]
NAMES = [
    "Santé Connectée SARL",
    "Nguyễn Thị Hương",
    "Ирина Смирнова",
    "Helio Grid Systems",
    "Fintech Nord AB",
    "Kraków Smart Mobility sp. z o.o.",
    "Ciudad Verde Soluciones S.L.",
    "Datenwerk Süd GmbH",
    "مؤسسة الابتكار الرقمي",
    "डिजिटल भारत समाधान",
]  # about one name in ten in a non-Latin script, as in a European programme with a few others


def items(count: int) -> list[render.CertificateData]:
    kinds = render.KINDS
    return [
        render.sample_data(
            kinds[i % len(kinds)],
            recipient=f"{NAMES[i % len(NAMES)]} {i}",
            code=f"K7QX2M4W9RT3HD6PLN5V{i:08d}",
            verify_url=f"https://awards.example.org/verify/K7QX2M4W9RT3HD6PLN5V{i:08d}",
        )
        for i in range(count)
    ]


def unstyled(data: render.CertificateData) -> str:
    """The content a certificate must carry, one paragraph each and no design: the title line, the
    recipient, award, category, challenge and date, each signatory's name and title, the verification
    code and its QR code. A reference only: what the required content costs before any design."""
    from markupsafe import escape

    texts = [data.title_line, data.recipient, data.award, data.category, data.challenge_title]
    texts += [data.issued_on, *(text for pair in data.signatories for text in pair)]
    texts += [render.grouped_code(data.code)]
    body = "".join(f"<p>{escape(text)}</p>" for text in texts if text)
    qr = render._qr_svg(data.verify_url, "#000")
    images = "".join(f'<img src="{escape(uri)}" alt="">' for uri in (data.logo, data.signature) if uri)
    size = "<style>img, svg { width: 20mm; height: 20mm }</style>"  # the images' size, and nothing else
    return f"<!DOCTYPE html><html><head>{size}</head><body>{images}{qr}{body}</body></html>"


def with_images(data: render.CertificateData) -> render.CertificateData:
    """``data`` with the demo programme's logo and signature (SVG), as an organiser may set them."""
    from judging.demo.jury import LOGO_SVG, SIGNATURE_SVG

    def uri(svg: bytes) -> str:
        return "data:image/svg+xml;base64," + base64.b64encode(svg).decode("ascii")

    return dataclasses.replace(data, logo=uri(LOGO_SVG), signature=uri(SIGNATURE_SVG))


def single() -> dict[str, tuple[float, float]]:
    """Median wall and CPU seconds of one certificate, of a minimal document and of the certificate's
    required content unstyled (:func:`unstyled`), alternating, warmed up.

    CPU time (``time.process_time``) is what the target is checked on: other processes on the machine
    change it much less than wall time.
    """
    from weasyprint import HTML

    fonts, css = render.shared_settings()
    data = render.sample_data("achievement")
    imaged = with_images(data)
    images: dict = {}  # the image cache, as render_pdf keeps one

    def plain(html: str) -> bytes:
        return HTML(string=html).write_pdf(stylesheets=[css], font_config=fonts, cache=images)

    jobs = {
        "certificate": lambda: render.render_pdf(data),
        "minimal": lambda: HTML(string="<p>Certificate</p>").write_pdf(stylesheets=[css], font_config=fonts),
        "unstyled": partial(plain, unstyled(data)),
        "certificate with images": lambda: render.render_pdf(imaged),
        "unstyled with images": partial(plain, unstyled(imaged)),
    }
    for _ in range(5):
        for job in jobs.values():
            job()
    wall: dict[str, list[float]] = {name: [] for name in jobs}
    cpu: dict[str, list[float]] = {name: [] for name in jobs}
    for _ in range(25):
        for name, job in jobs.items():
            start, start_cpu = time.perf_counter(), time.process_time()
            job()
            wall[name].append(time.perf_counter() - start)
            cpu[name].append(time.process_time() - start_cpu)
    return {name: (statistics.median(wall[name]), statistics.median(cpu[name])) for name in jobs}


FIRST = """
import time
start = time.perf_counter()
from judging.certificates.render import render_pdf, sample_data
imported = time.perf_counter()
render_pdf(sample_data("achievement"))
print(imported - start, time.perf_counter() - imported)
"""


def first_render() -> tuple[float, float, float]:
    start = time.perf_counter()
    out = subprocess.run(  # noqa: S603
        [sys.executable, "-c", FIRST], cwd=ROOT, capture_output=True, text=True, check=True, timeout=120
    )
    total = time.perf_counter() - start
    imported, rendered = (float(x) for x in out.stdout.split())
    return total, imported, rendered


def naive(data: list[render.CertificateData]) -> float:
    """Seconds per certificate with WeasyPrint's defaults: new HTML and CSS, no shared font configuration."""
    from weasyprint import CSS, HTML

    start = time.perf_counter()
    for item in data:
        stylesheet = CSS(filename=str(render.TEMPLATES / "certificate.css"))
        HTML(string=render.render_html(item)).write_pdf(stylesheets=[stylesheet])
    return (time.perf_counter() - start) / len(data)


def worker_rss(stats: Path) -> dict[int, list[tuple[int, float]]]:
    """Per bulk worker process: (certificates rendered so far, RSS in MB) after each chunk."""
    workers: dict[int, list[tuple[int, float]]] = {}
    for row in stats.read_text().split("\n"):
        if row.strip():
            pid, rendered, rss = row.split()
            workers.setdefault(int(pid), []).append((int(rendered), float(rss)))
    return workers


def main() -> int:
    global BULK
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--count", type=int, default=BULK, help="certificates in the bulk run (1000)")
    BULK = parser.parse_args().count
    failed = []
    if not render.subsetter_available():
        print(
            "HarfBuzz-Subset missing: WeasyPrint falls back to fontTools (slow); install libharfbuzz-subset0"
        )
        failed.append("subsetter")
    line("harfbuzz subsetter", "yes" if render.subsetter_available() else "no")
    line("cpus", str(os.cpu_count()))
    line("load average (1 min) at start", f"{os.getloadavg()[0]:.2f}")

    times = single()
    (certificate, certificate_cpu), (floor, floor_cpu) = times["certificate"], times["minimal"]
    line("minimal document (wall)", f"{floor * 1000:.1f} ms")
    line(
        "one certificate (median, warm, wall)", f"{certificate * 1000:.1f} ms", certificate / floor, "minimal"
    )
    line("minimal document (CPU)", f"{floor_cpu * 1000:.1f} ms")
    ratio = certificate_cpu / floor_cpu
    line("one certificate (median, warm, CPU)", f"{certificate_cpu * 1000:.1f} ms", ratio, "minimal")
    if ratio > TARGET_SINGLE:
        failed.append("single")
    for name, label in (
        ("unstyled", "required content unstyled, for reference"),
        ("certificate with images", "one certificate with a logo and a signature image"),
        ("unstyled with images", "required content unstyled, with a logo and a signature image"),
    ):
        line(
            f"{label} (median, warm, CPU)",
            f"{times[name][1] * 1000:.1f} ms",
            times[name][1] / floor_cpu,
            "minimal",
        )

    total, imported, rendered = first_render()
    line("first render, fresh process (whole subprocess)", f"{total:.2f} s")
    line("first render: import", f"{imported:.2f} s")
    line("first render: render", f"{rendered:.2f} s", rendered / certificate, "warm render")

    data = items(BULK)
    per_naive = naive(data[:NAIVE])
    line(f"one by one, defaults ({NAIVE} measured, throughput extrapolated)", f"{1 / per_naive:.1f} cert/s")
    line(f"{BULK:,} one by one, defaults (extrapolated from {NAIVE})", f"{per_naive * BULK:.1f} s")
    stats = Path(tempfile.mkdtemp()) / "rss.txt"
    os.environ[STATS_ENV] = str(stats)  # the workers append their RSS after each chunk
    start = time.perf_counter()
    count = sum(1 for pdf in render.render_batch(data, workers=WORKERS) if pdf.startswith(b"%PDF"))
    batch = time.perf_counter() - start
    assert count == BULK
    line(f"{BULK:,} with render_batch ({WORKERS} workers)", f"{batch:.1f} s")
    throughput = BULK / batch
    line("render_batch throughput", f"{throughput:.1f} cert/s", throughput * per_naive, "one by one")
    if throughput * per_naive < TARGET_BULK:
        failed.append("bulk")

    growths = []
    for pid, marks in sorted(worker_rss(stats).items()):
        early = next((rss for rendered, rss in marks if rendered >= RSS_FIRST), marks[0][1])
        rendered, last = marks[-1]
        growths.append(last - early)
        line(f"worker {pid} RSS after {RSS_FIRST} renders", f"{early:.0f} MB")
        line(f"worker {pid} RSS after {rendered} renders", f"{last:.0f} MB")
        line(f"worker {pid} peak RSS (highest sample)", f"{max(rss for _, rss in marks):.0f} MB")
    growth = max(growths)
    line(f"worst worker RSS growth from {RSS_FIRST} renders to its last", f"{growth:.1f} MB")
    if growth > TARGET_GROWTH_MB:
        failed.append("memory")
    line("bench process peak RSS", f"{resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")
    line("load average (1 min) at end", f"{os.getloadavg()[0]:.2f}")
    if failed:
        print("missed:", ", ".join(failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
