"""One voice for money in words: one formatter (``-£135k``, ``+£3,006k``), parts printed
in a sentence that add up as printed, like figures to the same precision, and the
movement of what no driver or item explains said as what it is."""

from __future__ import annotations

import re
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from budget_monitor.engine import analyse
from budget_monitor.engine.movement import ComponentMovement
from budget_monitor.model import GrossIncome
from budget_monitor.report.narrative import narrative
from budget_monitor.report.phrases import Say, money_text, rate_pair, shown_parts
from budget_monitor.report.tables import table2
from budget_monitor.rules import Wording

D = Decimal


def test_one_formatter_puts_the_sign_before_the_pound():
    assert money_text(D(-135)) == "-£135k"
    assert money_text(D(3006), signed=True) == "+£3,006k"
    assert money_text(D(3006)) == "£3,006k"
    assert money_text(D(0), signed=True) == "£0k"
    assert money_text(D("-0.093"), "m", signed=True) == "-£0.093m"


def test_no_sign_after_a_pound_sign_anywhere_in_the_words(sample_quarter):
    report = analyse(sample_quarter)
    said = [p for e in narrative(report) for p in (e.heading, *e.paragraphs)]
    said += list(table2(report, "").notes)
    assert not [s for s in said if "£-" in s or "£+" in s]
    assert "Net of the listed variances: +" not in " ".join(said)


@given(
    st.decimals(min_value=-(10**9), max_value=10**9, places=2),
    st.decimals(min_value=-(10**9), max_value=10**9, places=2),
)
def test_parts_printed_in_a_sentence_add_up_as_printed(gross, income):
    x = GrossIncome(gross, income)
    say = Say(Wording())
    text = say.whole(x)
    figures = re.findall(r"(a net \w+|a gross \w+|income) (?:of )?£([\d,]+)k( above| below)?", text)
    if len(figures) == 3:  # a net figure and its two parts
        (net_word, net, _), (gross_word, g, _), (_, i, where) = figures
        signed_net = D(net.replace(",", "")) * (1 if "pressure" in net_word else -1)
        signed_gross = D(g.replace(",", "")) * (1 if "pressure" in gross_word else -1)
        signed_income = D(i.replace(",", "")) * (1 if where == " below" else -1)
        assert signed_net == signed_gross + signed_income, text
    g, i, n = shown_parts(x)
    assert n == g + i


def test_the_papers_example_adds_up():
    x = GrossIncome(D("708400"), D("-89600"))  # £708k gross and £90k income: £619k net, as shown £618k
    text = Say(Wording()).whole(x)
    assert text == "a net pressure of £618k (a gross pressure of £708k and income £90k above budget)"


def test_unit_costs_said_together_have_the_same_precision():
    assert rate_pair(D("1015"), D("1079.90")) == ("£1,015.00", "£1,079.90")
    assert rate_pair(D("166"), D("150")) == ("£166", "£150")


def test_the_unexplained_remainders_movement_is_said_as_what_it_is():
    gone = ComponentMovement("SCS", "Fostering Service", "", "gross", "unexplained", "gone", D(-2728000), D(0))
    new = gone._replace(status="new", previous=D(0), amount=D(50000))
    same = gone._replace(status="changed", amount=D(-1000000))
    assert gone.label == "Fostering Service - Gross - unexplained last report, now explained"
    assert new.label == "Fostering Service - Gross - unexplained, new since the last report"
    assert same.label == "Fostering Service - Gross - still unexplained"
