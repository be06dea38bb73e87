"""Performance indicators: the indicator rows in the order the report shows them (by
indicator, then period).

Pure: records in, records out; no files, no printing.
"""

from __future__ import annotations

from collections.abc import Iterable

from ..model import Indicator


def order_indicators(indicators: Iterable[Indicator]) -> tuple[Indicator, ...]:
    """The indicators sorted by name, then period (then source row, so that the order is total)."""
    return tuple(sorted(indicators, key=lambda i: (i.indicator, i.period, i.where.sheet, i.where.row)))
