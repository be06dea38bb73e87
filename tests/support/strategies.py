"""Hypothesis strategies for quarters: budget lines, drivers and items with exact money."""

from __future__ import annotations

from decimal import Decimal

from hypothesis import strategies as st

from budget_monitor import model as m

NAMES = st.text(alphabet="ABCDEFGHJK abc&-'", min_size=1, max_size=12).map(lambda s: " ".join(s.split()) or "X")


def money(max_pounds: int = 10**9) -> st.SearchStrategy[Decimal]:
    """Pounds and pence, as a cash column holds them."""
    return st.integers(-max_pounds * 100, max_pounds * 100).map(lambda p: Decimal(p).scaleb(-2))


def volumes() -> st.SearchStrategy[Decimal]:
    return st.one_of(
        st.integers(0, 200_000).map(Decimal),
        st.integers(0, 2_000_000).map(lambda v: Decimal(v).scaleb(-1)),
    )


def rates() -> st.SearchStrategy[Decimal]:
    return st.integers(0, 1_000_000).map(lambda p: Decimal(p).scaleb(-2))


@st.composite
def drivers(draw, line: str = "L", portfolio: str = "") -> m.Driver:
    has_income = draw(st.booleans())
    return m.Driver(
        line,
        draw(NAMES),
        draw(st.sampled_from(["client weeks", "hours", "placements", ""])),
        draw(volumes()),
        draw(rates()),
        draw(volumes()),
        draw(rates()),
        draw(rates()) if has_income else None,
        draw(rates()) if has_income else None,
        portfolio,
    )


@st.composite
def quarters(draw, max_lines: int = 8) -> m.Quarter:
    """A quarter whose drivers and items refer to its own lines (so it has no errors)."""
    portfolios = draw(st.lists(NAMES, min_size=1, max_size=3, unique_by=str.casefold))
    lines: list[m.BudgetLine] = []
    for portfolio in portfolios:
        names = draw(st.lists(NAMES, min_size=1, max_size=max_lines, unique_by=str.casefold))
        sections = draw(st.lists(st.one_of(st.just(""), NAMES), min_size=1, max_size=3))
        for name in names:
            lines.append(
                m.BudgetLine(
                    portfolio,
                    draw(st.sampled_from(sections)),
                    name,
                    m.GrossIncome(draw(money()), draw(money())),
                    m.GrossIncome(draw(money()), draw(money())),
                    draw(st.one_of(st.just(""), NAMES)),
                )
            )
    ds = []
    items = []
    for bl in lines:
        for _ in range(draw(st.integers(0, 2))):
            ds.append(draw(drivers(bl.line, bl.portfolio)))
        for _ in range(draw(st.integers(0, 2))):
            items.append(
                m.VarianceItem(
                    bl.line, draw(NAMES), m.GrossIncome(draw(money(10**7)), draw(money(10**7))), bl.portfolio
                )
            )
    return m.Quarter(m.Settings("Org", "2024-25 Q1", "Title"), tuple(lines), tuple(ds), tuple(items))
