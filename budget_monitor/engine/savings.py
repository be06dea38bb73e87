"""Savings: the savings plan's items in RAG order and their totals by RAG status.

Pure: records in, records out; no files, no printing, no display rounding.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

import attrs

from ..model import (
    RAGS,
    Saving,
)
from ..money import ZERO


@attrs.frozen
class SavingsSummary:
    items: tuple[Saving, ...]

    @property
    def by_rag(self) -> dict[str, Decimal]:
        totals = {rag: ZERO for rag in RAGS}
        for s in self.items:
            totals[s.rag] += s.amount
        return totals


def summarise_savings(savings: Sequence[Saving]) -> SavingsSummary:
    order = {rag: i for i, rag in enumerate(RAGS)}
    return SavingsSummary(
        tuple(
            sorted(
                savings,
                key=lambda s: (
                    order[s.rag],
                    s.portfolio,
                    s.line,
                    s.saving,
                    s.amount,
                    s.comment,
                    s.where.sheet,
                    s.where.row,
                ),
            )
        )
    )
