"""Charts drawn on the page, from figures already rounded for display: one row a bar,
its label in full above it (wrapping, never cut) with its figure at the end of the line,
as HTML text at the page's own size, so that the chart reads at a phone's width as at a
desk's, reads aloud and prints; the bar itself is a thin inline SVG as wide as the row,
its position and length in percentages of that width (no style attribute, which the
page's content security policy would refuse).

What this module must not do: round or add up money (it is given the figures a reader
sees, from ``money.display``; only the bars' positions are worked out here); fetch or
embed anything from elsewhere.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from decimal import Decimal
from html import escape

PRESSURE = "#b1361e"  # dark red: contrast 6.1:1 on white
UNDERSPEND = "#1d70b8"  # blue: contrast 5.2:1 on white
INK = "#0b0c0c"
TOTAL = "#505a5f"  # dark grey: contrast 7:1 on white

#: The height of a bar, in pixels.
BAR = 18
#: The shortest bar drawn (% of the width), so that a small figure still shows one.
THINNEST = Decimal("0.3")


def _k(value: Decimal) -> str:
    return f"{value:+,.0f}" if value else "0"


def _pct(value: Decimal) -> str:
    """A share of the row's width as an SVG length: ``12.35%``."""
    return f"{min(max(value, Decimal(0)), Decimal(100)):.2f}%"


def _ident(title: str) -> str:
    return "chart-" + re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-")


def _row(
    label: str,
    figure: str,
    left: Decimal,
    size: Decimal,
    colour: str,
    zero: Decimal,
    *,
    joins: Decimal | None = None,
    total: bool = False,
    step: int | None = None,
) -> str:
    """One bar: the label and the figure on a line (the label wraps), the bar below from
    ``left`` for ``size`` (% of the width), the zero line through it, and, where ``joins``
    is given, a dashed line where the bar above ended."""
    data = f' data-step="{step}"' if step is not None else ""
    cls = ' class="total"' if total else ""
    marks = f'<line x1="{_pct(zero)}" y1="0" x2="{_pct(zero)}" y2="{BAR}" stroke="{INK}" stroke-width="1"/>'
    if joins is not None:
        marks += (
            f'<line x1="{_pct(joins)}" y1="0" x2="{_pct(joins)}" y2="{BAR}" stroke="{INK}" '
            'stroke-width="1" stroke-dasharray="2,2"/>'
        )
    return (
        f"<li{cls}>"
        f'<span class="chart-label">{escape(label)}</span>'
        f'<span class="chart-figure"{data}>{escape(figure)}</span>'
        f'<svg class="chart-bar" aria-hidden="true" focusable="false" width="100%" height="{BAR}">'
        f'<rect x="{_pct(left)}" y="0" width="{_pct(max(size, THINNEST))}" height="{BAR}" fill="{colour}"/>'
        f"{marks}</svg></li>"
    )


def _chart(kind: str, title: str, rows: list[str], key: str) -> str:
    ident = _ident(title)
    return (
        f'<figure class="chart {kind}" aria-labelledby="{ident}">'
        f'<figcaption id="{ident}" class="visually-hidden">{escape(title)}</figcaption>'
        f'<ol class="chart-rows">{"".join(rows)}</ol><p class="chart-unit">{escape(key)}</p></figure>'
    )


def bars(title: str, rows: Sequence[tuple[str, Decimal]], *, unit: str = "£000") -> str:
    """A horizontal bar chart of ``rows`` (label, figure shown in ``unit``), one below the
    other: bars to the right of the zero line for pressures, to the left for underspends."""
    if not rows:
        return ""
    most_up = max((v for _, v in rows if v > 0), default=Decimal(0))
    most_down = -min((v for _, v in rows if v < 0), default=Decimal(0))
    span = (most_up + most_down) or Decimal(1)
    zero = 100 * most_down / span
    out = []
    for label, value in rows:
        size = 100 * abs(value) / span
        left = zero if value >= 0 else zero - size
        out.append(_row(label, _k(value), left, size, PRESSURE if value > 0 else UNDERSPEND, zero))
    key = f"Figures in {unit}: pressures in red, right of the line; underspends in blue, left of it."
    return _chart("bars", title, out, key)


def bridge(title: str, steps: Sequence[dict], *, unit: str = "£000") -> str:
    """A bridge (waterfall) chart, one row a step, read from the top: the last report's
    total as a bar from zero, each cause as a bar from where the one above ended to where
    it takes the total (red when it adds to the variance, blue when it takes away), and
    this report's total from zero. ``steps`` are the library's (label, kind ``total`` or
    ``step``, amount, start, end), in ``unit`` as shown; only the drawing is worked out here."""
    if not steps:
        return ""
    ends = [Decimal(0)] + [s["start"] for s in steps] + [s["end"] for s in steps]
    low, high = min(ends), max(ends)
    span = (high - low) or Decimal(1)

    def x_of(value: Decimal) -> Decimal:
        return 100 * (value - low) / span

    zero = x_of(Decimal(0))
    out = []
    before: Decimal | None = None  # where the bar above ended
    for i, s in enumerate(steps):
        total = s["kind"] == "total"
        start = Decimal(0) if total else s["start"]
        left, right = x_of(min(start, s["end"])), x_of(max(start, s["end"]))
        colour = TOTAL if total else (PRESSURE if s["amount"] > 0 else UNDERSPEND)
        out.append(
            _row(s["label"], _k(s["amount"]), left, right - left, colour, zero, joins=before, total=total, step=i)
        )
        before = x_of(s["end"])
    key = f"Figures in {unit}: each bar starts where the one above ended; red adds to the variance, blue takes away."
    return _chart("bridge", title, out, key)
