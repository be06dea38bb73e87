"""A series of reports: the Q2 made from the sample quarter, and the movement worked out apart from the package."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal
from fractions import Fraction
from pathlib import Path

from budget_monitor import model as m
from budget_monitor.inputs.quarterbook import illustrative_previous, write_quarter


def make_q2(q3: m.Quarter) -> m.Quarter:
    """The quarter before (see ``illustrative_previous``): the sample's workbooks/ file is made the same way."""
    return illustrative_previous(q3)


def nearest_penny(x: Fraction) -> int:
    """To the nearest penny, half away from zero."""
    p = x * 100
    n = abs(p.numerator) * 2 + p.denominator
    r = n // (2 * p.denominator)
    return r if p >= 0 else -r


def expected_components(q: m.Quarter) -> tuple[dict[tuple, int], dict[tuple, tuple[int, int, int, int]]]:
    """(portfolio, line, source, side, kind) -> pence; and each line's cash limit and forecast in pence."""
    F = Fraction
    lines = {}
    for bl in q.lines:
        lines[(bl.portfolio, bl.line)] = tuple(
            int(F(v) * 100) for v in (bl.cash_limit.gross, bl.cash_limit.income, bl.forecast.gross, bl.forecast.income)
        )
    portfolio_of = {bl.line: bl.portfolio for bl in q.lines}  # a driver or item may leave the portfolio blank
    comps: dict[tuple, int] = defaultdict(int)
    explained: dict[tuple, list[int]] = defaultdict(lambda: [0, 0])
    for dr in q.drivers or ():
        key = (dr.portfolio or portfolio_of[dr.line], dr.line)
        bv, bu, fv, fu = F(dr.budget_volume), F(dr.budget_unit_cost), F(dr.forecast_volume), F(dr.forecast_unit_cost)
        activity = nearest_penny((fv - bv) * bu)
        unit_cost = nearest_penny(fv * fu - bv * bu) - activity
        comps[key + (dr.driver, "gross", "activity")] += activity
        comps[key + (dr.driver, "gross", "unit_cost")] += unit_cost
        explained[key][0] += activity + unit_cost
        if dr.budget_income_rate is not None and dr.forecast_income_rate is not None:
            br, fr = F(dr.budget_income_rate), F(dr.forecast_income_rate)
            ia = nearest_penny(-(fv - bv) * br)
            ir = nearest_penny(-(fv * fr) + bv * br) - ia
            comps[key + (dr.driver, "income", "income_activity")] += ia
            comps[key + (dr.driver, "income", "income_rate")] += ir
            explained[key][1] += ia + ir
    for it in q.items or ():
        key = (it.portfolio or portfolio_of[it.line], it.line)
        for side, amount in (("gross", it.amount.gross), ("income", it.amount.income)):
            comps[key + (it.description, side, "item")] += int(F(amount) * 100)
            explained[key][0 if side == "gross" else 1] += int(F(amount) * 100)
    for key, (cg, ci, fg, fi) in lines.items():
        comps[key + ("", "gross", "unexplained")] += fg - cg - explained[key][0]
        comps[key + ("", "income", "unexplained")] += fi - ci - explained[key][1]
    return {k: v for k, v in comps.items() if v}, lines


def pence_of(text: str) -> int:
    whole = Decimal(text) * 100
    assert whole == whole.to_integral_value(), text
    return int(whole)


def check_movement(doc: dict, q2: m.Quarter, q3: m.Quarter) -> None:
    before_c, before_l = expected_components(q2)
    now_c, now_l = expected_components(q3)
    mv = doc["movement"]
    # every component, to the penny, with its status
    got = {(c["portfolio"], c["line"], c["source"], c["side"], c["kind"]): c for c in mv["components"]}
    assert len(got) == len(mv["components"])
    assert set(got) == set(before_c) | set(now_c)
    for key, c in got.items():
        prev, now = before_c.get(key, 0), now_c.get(key, 0)
        status = "new" if key not in before_c else "gone" if key not in now_c else "same" if prev == now else "changed"
        assert (pence_of(c["previous"]), pence_of(c["amount"]), pence_of(c["movement"]), c["status"]) == (
            prev,
            now,
            now - prev,
            status,
        ), key
    # every line, gross, income and net, both splits
    lines = {(x["portfolio"], x["line"]): x for x in mv["lines"]}
    assert set(lines) == set(before_l) | set(now_l)
    totals = [0] * 6
    for key, x in lines.items():
        cg0, ci0, fg0, fi0 = before_l.get(key, (0, 0, 0, 0))
        cg1, ci1, fg1, fi1 = now_l.get(key, (0, 0, 0, 0))
        prev, now = (fg0 - cg0, fi0 - ci0), (fg1 - cg1, fi1 - ci1)
        for j, side in enumerate(("gross", "income")):
            assert pence_of(x["previous"][side]) == prev[j] and pence_of(x["variance"][side]) == now[j]
            assert pence_of(x["movement"][side]) == now[j] - prev[j]
            assert pence_of(x["forecast_movement"][side]) == (fg1 - fg0, fi1 - fi0)[j]
            assert pence_of(x["cash_limit_movement"][side]) == (cg1 - cg0, ci1 - ci0)[j]
            comp_sum = sum(pence_of(c["movement"]) for k, c in got.items() if k[:2] == key and k[3] == side)
            assert comp_sum == now[j] - prev[j]
            totals[j] += prev[j]
            totals[2 + j] += now[j]
        assert pence_of(x["movement"]["net"]) == sum(now) - sum(prev)
        status = "new" if key not in before_l else "gone" if key not in now_l else x["status"]
        assert x["status"] == status
    t = mv["total"]
    assert (pence_of(t["previous"]["gross"]), pence_of(t["previous"]["income"])) == (totals[0], totals[1])
    assert (pence_of(t["movement"]["net"])) == totals[2] + totals[3] - totals[0] - totals[1]


def shown_k(amount: Decimal) -> str:
    """``+£1,234k`` as the Summary says it: £000, half away from zero (worked out here, not by the library)."""
    k = (amount / 1000).quantize(Decimal(1), rounding="ROUND_HALF_UP")
    return f"+£{k:,}k" if k > 0 else f"-£{-k:,}k" if k < 0 else "£0k"


def on_page(text: str) -> str:
    """``text`` as the page writes it: a word joiner (U+2060) between a sign and the pound
    sign after it (``+\u2060£14,703k``), so that no line ends between the two."""
    return text.replace("+£", "+\u2060£").replace("-£", "-\u2060£")


def net_variance(q) -> Decimal:
    return sum((bl.forecast.gross + bl.forecast.income - bl.cash_limit.gross - bl.cash_limit.income for bl in q.lines),
               Decimal(0))  # fmt: skip


def write_q2_q3(folder: Path, q3):
    """Q2 (made from the reference quarter as tests/test_history.py makes it) and Q3, as
    workbooks ``q2.xlsx`` and ``q3.xlsx`` in ``folder``: (folder, Q2, Q3)."""

    from tests.support.series import make_q2

    q2 = make_q2(q3)
    write_quarter(q2, folder / "q2.xlsx")
    write_quarter(q3, folder / "q3.xlsx")
    return folder, q2, q3
