"""Charts of the results pages, drawn on the server as inline SVG (no JavaScript, printable).

Each chart carries a <title> and a <desc> referenced by ``aria-labelledby``, as in
``judging.assignments.charts``; the page that shows it gives the same numbers in a table.
"""

from __future__ import annotations

import math
import secrets

from flask_babel import format_decimal
from flask_babel import gettext as _
from markupsafe import Markup, escape

LABEL_WIDTH = 190
PLOT_WIDTH = 420
RIGHT = 70
ROW_HEIGHT = 24
TOP = 30  # room for the axis labels
BOTTOM = 8
NAME_MAX = 28

DOT_COLOUR = "#0b5cad"
MEAN_COLOUR = "#1b1f24"
BAR_COLOUR = "#9bbbe0"
CUT_COLOUR = "#b42318"
GRID_COLOUR = "#d0d7de"


def _short(name: str) -> str:
    return name if len(name) <= NAME_MAX else name[: NAME_MAX - 1] + "…"


def _number(value: float) -> str:
    return format_decimal(round(value, 2), format="#,##0.##")  # in the reader's locale: "3.5", "3,5"


def _open(title: str, description: str, height: int) -> tuple[str, list[str]]:
    ident = "chart-" + secrets.token_hex(4)
    width = LABEL_WIDTH + PLOT_WIDTH + RIGHT
    return ident, [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" '
        f'aria-labelledby="{ident}-title {ident}-desc" viewBox="0 0 {width} {height}" '
        f'width="100%" style="max-width:{width}px" font-size="12" font-family="system-ui, sans-serif">',
        f'<title id="{ident}-title">{escape(title)}</title>',
        f'<desc id="{ident}-desc">{escape(description)}</desc>',
    ]


def _ticks(low: float, high: float, count: int = 5) -> list[float]:
    if high <= low:
        return [low]
    step = (high - low) / count
    magnitude = 10 ** math.floor(math.log10(step))
    step = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= step)
    first = math.ceil(low / step) * step
    return [first + i * step for i in range(int((high - first) / step + 1e-9) + 1)]


def _axis(ticks: list[float], x_of, height: int) -> list[str]:
    parts = []
    for tick in ticks:
        x = x_of(tick)
        parts.append(
            f'<line x1="{x:.1f}" y1="{TOP - 6}" x2="{x:.1f}" y2="{height - BOTTOM}" stroke="{GRID_COLOUR}"/>'
        )
        parts.append(f'<text x="{x:.1f}" y="{TOP - 10}" text-anchor="middle">{escape(_number(tick))}</text>')
    return parts


def distribution_chart(
    rows: list[tuple[str, list[float], float]],
    scale: tuple[float, float],
    *,
    title: str,
    description: str,
) -> Markup:
    """One strip per (judge name, totals, mean) on a common axis over ``scale``: a dot per total and
    a bar at the judge's mean."""
    low, high = scale
    if high <= low:
        values = [value for _name, totals, _mean in rows for value in totals] or [0.0]
        low, high = min(values + [low]), max(values + [low + 1])
    unit = PLOT_WIDTH / (high - low)

    def x_of(value: float) -> float:
        return LABEL_WIDTH + (min(max(value, low), high) - low) * unit

    height = TOP + ROW_HEIGHT * len(rows) + BOTTOM
    _ident, parts = _open(title, description, height)
    parts.extend(_axis(_ticks(low, high), x_of, height))
    for index, (name, totals, mean) in enumerate(rows):
        y = TOP + index * ROW_HEIGHT + ROW_HEIGHT / 2
        tooltip = _("%(name)s: %(num)d sheets, mean %(mean)s", name=name, num=len(totals), mean=_number(mean))
        parts.append(f"<g><title>{escape(tooltip)}</title>")
        parts.append(
            f'<text x="{LABEL_WIDTH - 8}" y="{y + 4:.1f}" text-anchor="end">{escape(_short(name))}</text>'
        )
        for value in totals:
            parts.append(
                f'<circle cx="{x_of(value):.1f}" cy="{y:.1f}" r="4" fill="{DOT_COLOUR}" fill-opacity="0.45"/>'
            )
        x = x_of(mean)
        parts.append(
            f'<line x1="{x:.1f}" y1="{y - 9:.1f}" x2="{x:.1f}" y2="{y + 9:.1f}" '
            f'stroke="{MEAN_COLOUR}" stroke-width="3"/>'
        )
        parts.append(
            f'<text x="{LABEL_WIDTH + PLOT_WIDTH + 8}" y="{y + 4:.1f}">{escape(_number(mean))}</text></g>'
        )
    parts.append("</svg>")
    return Markup("".join(parts))  # noqa: S704 (every text above is escaped)


def interval_chart(
    rows: list[tuple[str, int | None, tuple[int, int] | None]],
    cutoff: int | None,
    *,
    title: str,
    description: str,
) -> Markup:
    """One row per (entry title, rank, rank interval), rank 1 on the left: a bar over the interval, a
    dot at the rank, and a dashed line between the last entry going through and the next."""
    count = max([1] + [row[2][1] for row in rows if row[2]] + [row[1] for row in rows if row[1]])
    unit = PLOT_WIDTH / max(count, 1)

    def x_of(rank: float) -> float:
        return LABEL_WIDTH + (rank - 0.5) * unit

    height = TOP + ROW_HEIGHT * len(rows) + BOTTOM
    _ident, parts = _open(title, description, height)
    parts.extend(_axis([tick for tick in _ticks(1, count) if tick == int(tick)] or [1], x_of, height))
    if cutoff is not None and cutoff < count:
        x = x_of(cutoff + 0.5)
        parts.append(
            f'<line x1="{x:.1f}" y1="{TOP - 6}" x2="{x:.1f}" y2="{height - BOTTOM}" stroke="{CUT_COLOUR}" '
            'stroke-width="2" stroke-dasharray="5 3"/>'
        )
    for index, (name, rank, interval) in enumerate(rows):
        y = TOP + index * ROW_HEIGHT + ROW_HEIGHT / 2
        if rank is None:
            tooltip = _("%(name)s: no score yet", name=name)
        elif interval is None:
            tooltip = _("%(name)s: rank %(rank)d", name=name, rank=rank)
        else:
            tooltip = _(
                "%(name)s: rank %(rank)d, between %(low)d and %(high)d",
                name=name,
                rank=rank,
                low=interval[0],
                high=interval[1],
            )
        parts.append(f"<g><title>{escape(tooltip)}</title>")
        parts.append(
            f'<text x="{LABEL_WIDTH - 8}" y="{y + 4:.1f}" text-anchor="end">{escape(_short(name))}</text>'
        )
        if interval is not None:
            left, right = x_of(interval[0]), x_of(interval[1])
            parts.append(
                f'<rect x="{left - 4:.1f}" y="{y - 5:.1f}" width="{right - left + 8:.1f}" height="10" '
                f'rx="5" fill="{BAR_COLOUR}"/>'
            )
        if rank is not None:
            parts.append(f'<circle cx="{x_of(rank):.1f}" cy="{y:.1f}" r="5" fill="{MEAN_COLOUR}"/>')
            words = f"{interval[0]}–{interval[1]}" if interval and interval[0] != interval[1] else str(rank)
            parts.append(f'<text x="{LABEL_WIDTH + PLOT_WIDTH + 8}" y="{y + 4:.1f}">{escape(words)}</text>')
        parts.append("</g>")
    parts.append("</svg>")
    return Markup("".join(parts))  # noqa: S704 (every text above is escaped)
