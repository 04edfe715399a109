"""Small charts drawn on the server as inline SVG: no JavaScript, readable by screen readers.

Each chart carries a <title> and a <desc> (referenced by ``aria-labelledby``); the page that shows it
also gives the same numbers in a table.
"""

from __future__ import annotations

import secrets

from flask_babel import gettext as _
from markupsafe import Markup, escape

LABEL_WIDTH = 190
BAR_WIDTH = 380
VALUE_WIDTH = 110
ROW_HEIGHT = 26
BAR_HEIGHT = 16
TOP = 34  # room for the legend
NAME_MAX = 28

KEPT_COLOUR = "#555e68"
ADDED_COLOUR = "#0b5cad"
OVER_COLOUR = "#b42318"
CAPACITY_COLOUR = "#1b1f24"


def _short(name: str) -> str:
    return name if len(name) <= NAME_MAX else name[: NAME_MAX - 1] + "…"


def load_chart(rows: list[tuple[str, int, int, int]], *, title: str, description: str) -> Markup:
    """Horizontal bars, one per (name, load before, load after, capacity): kept part, added part and
    an outline at the capacity; a bar past its capacity is drawn in red."""
    ident = "chart-" + secrets.token_hex(4)
    scale_max = max([1] + [max(after, capacity) for _name, _before, after, capacity in rows])
    unit = BAR_WIDTH / scale_max
    width = LABEL_WIDTH + BAR_WIDTH + VALUE_WIDTH
    height = TOP + ROW_HEIGHT * len(rows) + 6
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" '
        f'aria-labelledby="{ident}-title {ident}-desc" viewBox="0 0 {width} {height}" '
        f'width="100%" style="max-width:{width}px" font-size="13" font-family="system-ui, sans-serif">',
        f'<title id="{ident}-title">{escape(title)}</title>',
        f'<desc id="{ident}-desc">{escape(description)}</desc>',
    ]
    parts.extend(_legend())
    for index, (name, before, after, capacity) in enumerate(rows):
        y = TOP + index * ROW_HEIGHT
        added = max(0, after - before)
        over = after > capacity
        tooltip = _(
            "%(name)s: %(before)d assigned, %(added)d added, capacity %(capacity)d",
            name=name,
            before=before,
            added=added,
            capacity=capacity,
        )
        parts.append(f"<g><title>{escape(tooltip)}</title>")
        baseline = y + BAR_HEIGHT - 3
        label = escape(_short(name))
        parts.append(f'<text x="{LABEL_WIDTH - 8}" y="{baseline}" text-anchor="end">{label}</text>')
        kept_width = min(before, after) * unit
        parts.append(_rect(LABEL_WIDTH, y, kept_width, OVER_COLOUR if over else KEPT_COLOUR))
        parts.append(_rect(LABEL_WIDTH + kept_width, y, added * unit, OVER_COLOUR if over else ADDED_COLOUR))
        if capacity > 0:
            parts.append(
                f'<rect x="{LABEL_WIDTH}" y="{y - 1}" width="{capacity * unit:.1f}" '
                f'height="{BAR_HEIGHT + 2}" fill="none" stroke="{CAPACITY_COLOUR}" stroke-dasharray="3 2"/>'
            )
        value = _("%(load)d of %(capacity)d", load=after, capacity=capacity)
        parts.append(f'<text x="{LABEL_WIDTH + BAR_WIDTH + 8}" y="{baseline}">{escape(value)}</text></g>')
    parts.append("</svg>")
    return Markup("".join(parts))  # noqa: S704 (every text above is escaped)


def _rect(x: float, y: float, width: float, colour: str) -> str:
    if width <= 0:
        return ""
    return f'<rect x="{x:.1f}" y="{y}" width="{width:.1f}" height="{BAR_HEIGHT}" fill="{colour}"/>'


def _legend() -> list[str]:
    items = [
        (KEPT_COLOUR, _("already assigned")),
        (ADDED_COLOUR, _("added by this commit")),
        (OVER_COLOUR, _("over capacity")),
    ]
    parts = []
    x = 0
    for colour, text in items:
        parts.append(f'<rect x="{x}" y="6" width="12" height="12" fill="{colour}"/>')
        parts.append(f'<text x="{x + 16}" y="17">{escape(text)}</text>')
        x += 30 + 7 * len(text)
    parts.append(
        f'<rect x="{x}" y="6" width="12" height="12" fill="none" stroke="{CAPACITY_COLOUR}" '
        'stroke-dasharray="3 2"/>'
    )
    parts.append(f'<text x="{x + 16}" y="17">{escape(_("capacity"))}</text>')
    return parts
