"""The streamed JSON is, byte for byte, ``json.dumps`` of ``report_dict``.

``report_dict`` is the readable definition of the JSON report; ``write_json`` makes the
same text record by record. These tests hold the two together on the sample quarter,
through the command line, and on generated quarters whose text has quotes,
backslashes, control characters, non-ASCII and lone surrogates in it and whose
amounts are not all whole pennies.
"""

from __future__ import annotations

import gc
import io
import json
import sys
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from budget_monitor import model as m
from budget_monitor.engine import analyse
from budget_monitor.money import pounds_text
from budget_monitor.write import json_out, report_dict, report_json
from tests.support.paths import SAMPLE
from tests.support.strategies import NAMES, money, rates, volumes


def dumps(report) -> str:
    """The JSON text as it was first defined: the dict through the C encoder."""
    return json.dumps(report_dict(report), ensure_ascii=False, separators=(",", ":")) + "\n"


def streamed(report, chunk: int) -> str:
    """``write_json`` into a string, with lists written ``chunk`` records at a time."""
    before = json_out.CHUNK
    json_out.CHUNK = chunk
    try:
        buf = io.StringIO()
        json_out.write_json(report, buf)
        return buf.getvalue()
    finally:
        json_out.CHUNK = before


@pytest.fixture(scope="module")
def sample_report():
    from budget_monitor.read import read_workbook
    from budget_monitor.rules import load_rules

    rules = load_rules(None)  # as the command line reads it
    quarter, problems = read_workbook(SAMPLE, rules.limits)
    assert quarter is not None
    return analyse(quarter, rules, problems)


def test_sample_is_byte_for_byte_the_same(sample_report):
    expected = dumps(sample_report)
    assert report_json(sample_report) == expected
    for chunk in (1, 2, 5, 10_000):
        assert streamed(sample_report, chunk) == expected
    data = json.loads(expected)
    # Every optional part is in the sample, so every writer above has been used.
    assert {"cash_limits", "savings", "capital", "indicators"} <= set(data)
    assert all(data[key] for key in ("lines", "drivers", "components", "checks", "indicators"))


def test_a_series_report_is_byte_for_byte_the_same_and_its_keys_come_last(sample_quarter, tmp_path):
    """With a previous report and management action, the streamed JSON is still ``report_dict``'s,
    ``previous``, ``movement`` and ``management_action`` come last, and the JSON before the
    narrative is byte for byte the JSON of the report without a previous one; only the narrative,
    ``previous`` and ``movement`` differ."""
    import attrs

    import budget_monitor as bm
    from budget_monitor.inputs.quarterbook import write_quarter
    from tests.support.paths import ROOT

    portfolio = sample_quarter.lines[0].portfolio
    actions = (m.ManagementAction(portfolio, "Adoption Service", "Defer the new post", Decimal("-75000.00"), "Red"),)
    write_quarter(attrs.evolve(sample_quarter, management_actions=actions), tmp_path / "q3.xlsx")
    result = bm.analyse(tmp_path / "q3.xlsx", previous=ROOT / "workbooks" / "kcc-scs-2011-12-q2-illustrative.xlsx")
    report = result.report
    expected = dumps(report)
    assert report_json(report) == expected
    for chunk in (1, 3, 10_000):
        assert streamed(report, chunk) == expected
    data = json.loads(expected)
    # the series' keys come after the others but for those of a council's layout, appended last
    assert [k for k in data if k not in ("variance_sign", "rounding")][-3:] == [
        "previous",
        "movement",
        "management_action",
    ]
    assert data["previous"]["period"] == "2011-12 Q2" and data["previous"]["source"] == "file"
    assert data["movement"]["lines"] and data["management_action"]["actions"]
    alone = dumps(bm.analyse(tmp_path / "q3.xlsx").report)
    cut = expected.index(',"narrative":')  # the narrative says how the report moved
    assert alone[:cut] == expected[:cut]
    without = json.loads(alone)
    assert without["previous"] is None and without["movement"] is None
    for doc in (data, without):
        for key in ("narrative", "previous", "movement"):
            doc.pop(key)
    assert data == without


def test_file_is_utf8_with_unix_line_ends(sample_report, tmp_path):
    path = tmp_path / "r.json"
    json_out.write_json_file(sample_report, path)
    assert path.read_bytes() == dumps(sample_report).encode("utf-8")


def test_the_command_line_writes_the_same_bytes(sample_report, tmp_path):
    from tests.support.cli import run

    result = run("report", str(SAMPLE), "-o", str(tmp_path / "r.xlsx"), "--json", str(tmp_path / "r.json"))
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "r.json").read_bytes() == dumps(sample_report).encode("utf-8")
    # no temporary file left: only the report, its JSON and the history store it was recorded in
    assert sorted(p.name for p in tmp_path.iterdir()) == ["budget-monitor.sqlite", "r.json", "r.xlsx"]


def test_a_failed_json_write_leaves_the_old_file(monkeypatch, tmp_path, capsys):
    """The JSON goes to a temporary file in pieces; a failure half way through (a full
    disk) leaves the earlier JSON as it was and no temporary file behind."""
    from budget_monitor import cli

    target = tmp_path / "r.json"
    target.write_text("the earlier report\n", encoding="utf-8")

    def half_then_full(report, fh, entries=None):
        fh.write('{"schema":')
        fh.flush()
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(json_out, "write_json", half_then_full)
    monkeypatch.setattr(
        sys, "argv", ["budget-monitor", "report", str(SAMPLE), "-o", str(tmp_path / "r.xlsx"), "--json", str(target)]
    )
    try:
        with pytest.raises(SystemExit) as info:
            cli.main()
    finally:
        gc.enable()  # a run switches the cyclic collector off for its short life
    assert info.value.code == 2
    assert "No space left on device" in capsys.readouterr().err
    assert target.read_text(encoding="utf-8") == "the earlier report\n"
    # the workbook was written before the JSON failed; nothing was recorded
    assert sorted(p.name for p in tmp_path.iterdir()) == ["r.json", "r.xlsx"]


# --- generated quarters ------------------------------------------------------------------

AWKWARD_CHARS = st.one_of(
    st.characters(),  # any code point but a surrogate, control characters included
    st.characters(categories=["Cs"]),  # lone surrogates
    st.sampled_from(['"', "\\", "/", "\x00", "\x1f", "\x7f", "\n", "\r", "\t", "\u2028", "\ufeff", "é", "£", "😀"]),
)
TEXT = st.one_of(NAMES, st.just(""), st.text(AWKWARD_CHARS, max_size=10))

#: Amounts as the reader gives them (whole pennies) and as it might not: whole pounds,
#: tenths of a penny, exponents above zero, negative zero.
AMOUNTS = st.one_of(
    money(),
    money(10**6),
    st.integers(-(10**12), 10**12).map(Decimal),
    st.decimals(min_value=-(10**9), max_value=10**9, allow_nan=False, allow_infinity=False),
    st.sampled_from([Decimal("-0.00"), Decimal("-0"), Decimal("1E+3"), Decimal("0.005"), Decimal("-12.345")]),
)
NUMBERS = st.one_of(st.none(), volumes(), rates(), st.decimals(allow_nan=False, allow_infinity=False))


def gi(draw) -> m.GrossIncome:
    return m.GrossIncome(draw(AMOUNTS), draw(AMOUNTS))


def where(draw) -> m.Where:
    return m.Where(
        draw(st.one_of(st.just("Budget lines"), TEXT)),
        draw(st.integers(0, 10**6)),
        draw(st.sampled_from(["", "A", "E", "AB"])),
    )


@st.composite
def quarters(draw) -> tuple[m.Quarter, list[m.Problem]]:
    """A quarter with every optional part, awkward text everywhere, and references that
    may or may not match (the engine's checks are part of the JSON too)."""
    portfolios = draw(st.lists(TEXT, min_size=1, max_size=3, unique_by=str.casefold))
    lines = [
        m.BudgetLine(portfolio, draw(TEXT), name, gi(draw), gi(draw), draw(TEXT), where(draw))
        for portfolio in portfolios
        for name in draw(st.lists(TEXT, min_size=1, max_size=4, unique_by=str.casefold))
    ]
    keys = st.sampled_from([(bl.portfolio, bl.line) for bl in lines] + [(draw(TEXT), draw(TEXT))])
    drivers, items, changes, savings, capital = [], [], [], [], []
    for _ in range(draw(st.integers(1, 6))):
        portfolio, line = draw(keys)
        income = draw(st.booleans())
        drivers.append(
            m.Driver(
                line, draw(TEXT), draw(TEXT), draw(volumes()), draw(rates()), draw(volumes()), draw(rates()),
                draw(rates()) if income else None, draw(rates()) if income else None, portfolio, where(draw),
            )
        )  # fmt: skip
    for _ in range(draw(st.integers(0, 6))):
        portfolio, line = draw(keys)
        items.append(m.VarianceItem(line, draw(TEXT), gi(draw), portfolio, where(draw)))
    for portfolio in portfolios:
        for category in draw(st.lists(st.sampled_from(m.CATEGORIES), max_size=4)) + ["Opening"]:
            line = draw(st.one_of(st.just(""), TEXT))
            changes.append(m.CashLimitChange(portfolio, line, category, gi(draw), draw(TEXT), where(draw)))
    for _ in range(draw(st.integers(1, 4))):
        portfolio, line = draw(keys)
        savings.append(
            m.Saving(portfolio, line, draw(TEXT), draw(AMOUNTS), draw(st.sampled_from(m.RAGS)), draw(TEXT), where(draw))
        )
    years = st.sampled_from(["Prev Yrs", "2024-25", "2025-26", "Future Years"])
    for row in range(draw(st.integers(1, 6))):
        portfolio = draw(st.sampled_from(portfolios))
        capital.append(
            m.CapitalRow(
                portfolio,
                draw(TEXT),
                draw(TEXT),
                draw(years),
                draw(AMOUNTS),
                draw(AMOUNTS),
                m.Where("Capital", row + 2),
            )
        )
    indicators = [
        m.Indicator(
            draw(TEXT), draw(TEXT), draw(TEXT), draw(NUMBERS), draw(NUMBERS), draw(NUMBERS), draw(NUMBERS), where(draw)
        )
        for _ in range(draw(st.integers(0, 3)))
    ]
    settings_ = m.Settings(
        draw(TEXT),
        draw(st.sampled_from(["2024-25 Q1", "2025/26 Q4"]) | TEXT),
        draw(TEXT),
        draw(st.sampled_from(["£000", "£", "£m"])),
    )
    optional = st.sampled_from([True, True, True, False])  # each part is there more often than not
    quarter = m.Quarter(
        settings_,
        tuple(lines),
        tuple(drivers) if draw(optional) else None,
        tuple(items) if draw(optional) else None,
        tuple(changes) if draw(optional) else None,
        tuple(savings) if draw(optional) else None,
        tuple(capital) if draw(optional) else None,
        tuple(indicators) if draw(optional) else None,
    )
    read_problems = [
        m.Problem(draw(st.sampled_from(["error", "warning"])), draw(TEXT), draw(TEXT), where(draw))
        for _ in range(draw(st.integers(0, 3)))
    ]
    return quarter, read_problems


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(quarters(), st.sampled_from([1, 2, 3, 2000]))
def test_streamed_json_is_json_dumps_of_report_dict(generated, chunk):
    quarter, problems = generated
    report = analyse(quarter, problems=problems)
    expected = dumps(report)
    assert streamed(report, chunk) == expected
    assert json.loads(streamed(report, chunk)) == report_dict(report)


@given(st.one_of(AMOUNTS, st.decimals(), st.decimals(places=2), st.just(Decimal("-0E+5"))))
def test_amounts_are_pounds_text(value):
    assert json_out._pounds(value) == pounds_text(value)
