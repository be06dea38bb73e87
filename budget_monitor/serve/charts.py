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


TOTAL = "#505a5f"  # dark grey: contrast 7:1 on white


def bridge(title: str, steps: Sequence[dict], *, unit: str = "£000", width: int = 840) -> str:
    """A bridge (waterfall) chart, one row a step, read from the top: the last report's
    total as a bar from zero, each cause as a bar from where the one above ended to where
    it takes the total (red when it adds to the variance, blue when it takes away), and
    this report's total from zero. ``steps`` are the library's (label, kind ``total`` or
    ``step``, amount, start, end), in ``unit`` as shown; only the drawing is worked out here."""
    if not steps:
        return ""
    bar_h, gap, label_w, pad = 22, 10, 400, 70
    height = len(steps) * (bar_h + gap) + 40
    ends = [Decimal(0)] + [s["start"] for s in steps] + [s["end"] for s in steps]
    low, high = min(ends), max(ends)
    span = (high - low) or Decimal(1)
    plot = width - label_w - 2 * pad

    def x_of(value: Decimal) -> int:
        return label_w + pad + int(plot * (value - low) / span)

    zero = x_of(Decimal(0))
    ident = "chart-" + re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-")
    parts = [
        f'<svg class="chart bridge" role="img" viewBox="0 0 {width} {height}" width="100%" aria-labelledby="{ident}">',
        f'<title id="{ident}">{escape(title)}</title>',
        f'<line x1="{zero}" y1="10" x2="{zero}" y2="{height - 20}" stroke="{INK}" stroke-width="1"/>',
    ]
    for i, s in enumerate(steps):
        y = 20 + i * (bar_h + gap)
        total = s["kind"] == "total"
        start = Decimal(0) if total else s["start"]
        end = s["end"]
        left, right = x_of(min(start, end)), x_of(max(start, end))
        colour = TOTAL if total else (PRESSURE if s["amount"] > 0 else UNDERSPEND)
        label = s["label"]
        short = label if len(label) <= 54 else label[:52] + "…"
        weight = ' font-weight="700"' if total else ""
        parts.append(
            f'<text x="{label_w - 4}" y="{y + bar_h - 6}" text-anchor="end" class="chart-label"{weight}>'
            f"<title>{escape(label)}</title>{escape(short)}</text>"
        )
        parts.append(
            f'<rect x="{left}" y="{y}" width="{max(right - left, 1)}" height="{bar_h}" fill="{colour}">'
            f"<title>{escape(label)}: {escape(_k(s['amount']))}</title></rect>"
        )
        if i + 1 < len(steps):  # the connector to the next step, at this one's end
            x = x_of(end)
            parts.append(
                f'<line x1="{x}" y1="{y + bar_h}" x2="{x}" y2="{y + bar_h + gap}" stroke="{INK}" '
                'stroke-width="1" stroke-dasharray="2,2"/>'
            )
        up = total and s["amount"] >= 0 or not total and s["amount"] > 0
        tx, anchor = (right + 4, "start") if up else (left - 4, "end")
        parts.append(
            f'<text x="{tx}" y="{y + bar_h - 6}" text-anchor="{anchor}" class="chart-figure" data-step="{i}"'
            f"{weight}>{escape(_k(s['amount']))}</text>"
        )
    parts.append(
        f'<text x="{width - pad}" y="{height - 4}" text-anchor="end" class="chart-unit">{escape(unit)}</text></svg>'
    )
    return "".join(parts)
