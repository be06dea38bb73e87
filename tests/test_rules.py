from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from budget_monitor.rules import Rules, RulesError, load_rules, parse_rules
from tests.support.paths import ROOT


def test_default_file_is_the_built_in_rules():
    assert load_rules(ROOT / "rules" / "default.toml") == Rules()
    assert Rules().revenue.amount == Decimal(100_000) and Rules().capital.amount == Decimal(250_000)


def test_partial_file_keeps_the_other_defaults():
    rules = parse_rules("[revenue]\nthreshold = 50000\ninclusive = false\n")
    assert rules.revenue.amount == Decimal(50_000) and rules.revenue.inclusive is False
    assert rules.capital == Rules().capital


@pytest.mark.parametrize(
    "text, words",
    [
        ("[revenue]\nthreshold = 100000.5\n", "whole number of pounds"),
        ("[revenue]\nthreshhold = 1\n", "unknown key revenue.threshhold"),
        ("[revnue]\n", "unknown section [revnue]"),
        ("[revenue]\ninclusive = 'yes'\n", "expected true or false"),
        ("[limits]\nmax_entry_bytes = -1\n", "positive whole number"),
        ("not toml = = \n", "not valid TOML"),
    ],
)
def test_bad_rules_are_named(text, words):
    with pytest.raises(RulesError, match=None) as info:
        parse_rules(text, Path("r.toml"))
    assert words in str(info.value) and "r.toml" in str(info.value)


@pytest.mark.parametrize(
    "written, unit",
    [("£000", "£000"), ("£'000", "£000"), ("thousands", "£000"), ("£k", "£000"), ("£m", "£m"), ("millions", "£m"),
     ("£", "£"), ("pounds", "£"), ("euros", None), ("£bn", None)],
)  # fmt: skip
def test_units_as_people_write_them(written, unit):
    from budget_monitor.read import parse_units

    assert parse_units(written) == unit


def test_text_numbers_as_people_write_them():
    from budget_monitor.money import NumberError, parse_text_number

    for text, value in [
        ("£(1,234)", "-1234"),
        ("(£1,234)", "-1234"),
        ("1,234-", "-1234"),
        ("1 234", "1234"),
        ("-", "0"),
    ]:
        assert parse_text_number(text) == Decimal(value), text
    for text in ("--5", "1,23", "£1.2m", "12k", "£"):
        with pytest.raises(NumberError):
            parse_text_number(text)


def test_narrative_wording_keys():
    rules = parse_rules('[narrative]\nunits = "£m"\nwords = "overspend/underspend"\ndocx_rows = 50\n')
    assert rules.narrative.units == "£m" and rules.narrative.pressure == "overspend"
    assert rules.narrative.saving == "underspend" and rules.narrative.docx_rows == 50
    assert rules.narrative.docx_sections == Rules().narrative.docx_sections


@pytest.mark.parametrize(
    "text, words",
    [
        ('[narrative]\nunits = "£bn"\n', 'narrative.units = \'£bn\': expected one of "£k", "£m"'),
        ('[narrative]\nwords = "over/under"\n', "narrative.words = 'over/under': expected one of"),
        ("[narrative]\ndocx_rows = 0\n", "narrative.docx_rows = 0: expected a positive whole number"),
        ("[narrative]\ndocx_sections = true\n", "expected a positive whole number"),
        ('[narrative]\nwording = "x"\n', "unknown key narrative.wording"),
    ],
)
def test_bad_narrative_keys_are_named(text, words):
    with pytest.raises(RulesError) as info:
        parse_rules(text, Path("r.toml"))
    assert words in str(info.value) and "r.toml" in str(info.value)
