"""The drafted narrative against the figures the council published.

workbooks/kcc-scs-2011-12-q3/published_narrative.csv holds, for each heading of the
published "major reasons for variance", the line's net, gross and income variance (£000)
and, for each driver the text explains, the figures its paragraph states (volume
difference, affordable level, effects, unit-cost difference). The words are the
project's own; these figures must be in them.
"""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from budget_monitor.engine import analyse
from budget_monitor.engine.revenue import split_driver
from budget_monitor.model import Driver, GrossIncome
from budget_monitor.report.narrative import WORDS, Say, Wording, driver_paragraph, item_sentence, narrative
from tests.support.published import DRIVERS, HEADINGS, numbers


@pytest.fixture(scope="module")
def entries(sample_report):
    return narrative(sample_report)


def _entry(entries, line: str):
    if line == "Specialist Children's Services":
        found = [e for e in entries if e.kind == "portfolio" and e.portfolio == line]
    else:
        found = [e for e in entries if e.kind == "line" and e.line == line]
    assert len(found) == 1, line
    return found[0]


@pytest.mark.parametrize("row", HEADINGS, ids=[r["budget_line"] for r in HEADINGS])
def test_every_published_heading_figure(entries, row):
    entry = _entry(entries, row["budget_line"])
    shown = numbers(entry.heading)
    for key in ("net", "gross", "income"):
        figure = str(abs(int(row[key])))
        if figure == "0":
            assert "no income variance" in entry.heading
        else:
            assert figure in shown, (key, row, entry.heading)


@pytest.mark.parametrize("row", DRIVERS, ids=[f"{r['budget_line']}/{r['driver']}" for r in DRIVERS])
def test_every_figure_of_every_published_driver_paragraph(entries, row):
    entry = _entry(entries, row["budget_line"])
    mine = [p for p in entry.paragraphs if p.startswith(row["driver"] + ":")]
    assert len(mine) == 1, (row["driver"], entry.paragraphs)
    shown = numbers(mine[0])
    for figure in row["figures"].split(";"):
        assert figure.replace(",", "") in shown, (figure, mine[0])


def test_the_fostering_paragraph_reads_as_the_committee_expects(entries):
    fostering = _entry(entries, "Fostering Service")
    assert fostering.heading == "Fostering Service: +£7,923k (+£7,951k gross, -£28k income)"
    text = next(p for p in fostering.paragraphs if p.startswith("In House Non Related:"))
    assert "7,977 weeks above the affordable level of 41,800, which gives a pressure of £3,179k" in text
    assert "£21 below the budgeted £398.52, which reduces the pressure by £1,026k" in text
    residential = _entry(entries, "Residential Children's Services")
    text = next(p for p in residential.paragraphs if p.startswith("Independent Sector Disability:"))
    assert "201 weeks above" in text and "pressure of £623k" in text and "reduces the pressure by £274k" in text


def test_amounts_are_exact_pounds_and_the_unexplained_is_named(entries):
    safeguarding = _entry(entries, "Safeguarding")
    assert safeguarding.amount == GrossIncome(Decimal("25000.00"), Decimal("-135000.00"))
    assert any(
        "£135k above budget is not explained" in p and "needs an explanation" in p for p in safeguarding.paragraphs
    )
    portfolio = _entry(entries, "Specialist Children's Services")
    text = " ".join(portfolio.paragraphs)
    assert (
        "£1,150k" in text
        and "rated red" in text
        and "-£0.008m" in text
        and "£1k more than the revised cash limit" in text
    )


def test_words_come_from_the_rules(sample_quarter):
    entries = narrative(analyse(sample_quarter), Wording(units="£m", words="overspend/underspend"))
    fostering = _entry(entries, "Fostering Service")
    # the net is the sum of the parts as printed (+£7,951k and -£28k are +£8.0m and £0.0m)
    assert fostering.heading == "Fostering Service: +£8.0m (+£8.0m gross, £0.0m income)"
    text = " ".join(fostering.paragraphs)
    assert "an overspend of £3,179k" in text and "pressure" not in text
    centres = " ".join(_entry(entries, "Children's Centres").paragraphs)
    assert "a gross underspend of £280k" in centres and "saving" not in centres.replace("savings", "")


def test_the_same_report_gives_the_same_words(sample_quarter):
    assert narrative(analyse(sample_quarter)) == narrative(analyse(sample_quarter))


# --- sentences read well for one or many, pressure or saving, above or below -----------------

_volumes = st.integers(min_value=0, max_value=100_000).map(Decimal)
_costs = st.integers(min_value=0, max_value=500_000).map(lambda n: Decimal(n).scaleb(-2))


@settings(max_examples=200, deadline=None)
@given(
    _volumes,
    _costs,
    _volumes,
    _costs,
    st.sampled_from(["client weeks", "hours", "placements", "", "week"]),
    st.sampled_from(WORDS),
)
def test_driver_sentences_read_well(bv, bc, fv, fc, unit, words):
    e = split_driver(Driver("Line", "Placements", unit, bv, bc, fv, fc))
    text = driver_paragraph(e, Say(Wording(words=words)))
    assert not re.search(r"(?<![\d,.])1 (weeks|hours|placements|units)\b", text), text
    assert "of -£" not in text and "by -£" not in text and "adds -£" not in text, text
    assert "of £0k" not in text and "by £0k" not in text, text
    assert " a overspend" not in text and " a underspend" not in text, text
    if fv > bv:
        assert "above the affordable level" in text
    elif fv < bv:
        assert "below the affordable level" in text


@settings(max_examples=100, deadline=None)
@given(st.integers(-(10**9), 10**9), st.integers(-(10**9), 10**9))
def test_item_sentences_never_show_a_negative_saving(gross, income):
    text = item_sentence(
        "Legal costs", GrossIncome(Decimal(gross).scaleb(-2), Decimal(income).scaleb(-2)), Say(Wording())
    )
    assert "-£" not in text and "of £0k" not in text and text.endswith(".")


@settings(max_examples=100, deadline=None)
@given(_volumes, _costs, _volumes, _costs, _costs, _costs, st.sampled_from(WORDS))
def test_driver_sentences_with_income_read_well(bv, bc, fv, fc, br, fr, words):
    e = split_driver(Driver("Line", "Grant clients", "client weeks", bv, bc, fv, fc, br, fr))
    text = driver_paragraph(e, Say(Wording(words=words)))
    assert "-£" not in text and "of £0k" not in text, text
    assert not re.search(r"(?<![\d,.])1 weeks\b", text), text
    if e.income_activity:
        assert "Income follows the volume" in text
