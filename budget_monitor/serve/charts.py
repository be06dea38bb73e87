"""Charts drawn on the page as inline SVG, from figures already rounded for display.

What this module must not do: round or add up money (it is given the figures a reader
sees, from ``money.display``); fetch or embed anything from elsewhere.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from decimal import Decimal
from html import escape

PRESSURE = "#b1361e"  # dark red: contrast 6.1:1 on white
UNDERSPEND = "#1d70b8"  # blue: contrast 5.2:1 on white
INK = "#0b0c0c"


def _k(value: Decimal) -> str:
    return f"{value:+,.0f}" if value else "0"


def bars(title: str, rows: Sequence[tuple[str, Decimal]], *, unit: str = "£000", width: int = 760) -> str:
    """A horizontal bar chart of ``rows`` (label, figure shown in ``unit``), bars to the right
    of the zero line for pressures and to the left for underspends. Labels and figures are
    text in the SVG, so the chart reads aloud and prints."""
    if not rows:
        return ""
    bar_h, gap, label_w, pad = 22, 8, 300, 70
    height = len(rows) * (bar_h + gap) + 40
    most_up = max((v for _, v in rows if v > 0), default=Decimal(0))
    most_down = -min((v for _, v in rows if v < 0), default=Decimal(0))
    span = (most_up + most_down) or Decimal(1)
    plot = width - label_w - 2 * pad
    zero = label_w + pad + int(plot * most_down / span)
    ident = "chart-" + re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-")
    parts = [
        f'<svg class="chart" role="img" viewBox="0 0 {width} {height}" width="100%" aria-labelledby="{ident}">',
        f'<title id="{ident}">{escape(title)}</title>',
        f'<line x1="{zero}" y1="10" x2="{zero}" y2="{height - 20}" stroke="{INK}" stroke-width="1"/>',
    ]
    for i, (label, value) in enumerate(rows):
        y = 20 + i * (bar_h + gap)
        size = int(plot * abs(value) / span)
        x = zero if value >= 0 else zero - size
        colour = PRESSURE if value > 0 else UNDERSPEND
        short = label if len(label) <= 38 else label[:36] + "…"
        parts.append(
            f'<text x="{label_w - 4}" y="{y + bar_h - 6}" text-anchor="end" class="chart-label">'
            f"<title>{escape(label)}</title>{escape(short)}</text>"
        )
        parts.append(f'<rect x="{x}" y="{y}" width="{max(size, 1)}" height="{bar_h}" fill="{colour}"/>')
        tx, anchor = (x + size + 4, "start") if value >= 0 else (x - 4, "end")
        parts.append(
            f'<text x="{tx}" y="{y + bar_h - 6}" text-anchor="{anchor}" class="chart-figure">{escape(_k(value))}</text>'
        )
    parts.append(
        f'<text x="{width - pad}" y="{height - 4}" text-anchor="end" class="chart-unit">{escape(unit)}</text></svg>'
    )
    return "".join(parts)
