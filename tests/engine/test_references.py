"""A name on another sheet that is not on Budget lines, said the same way for every sheet
that refers to budget lines or portfolios (Activity, Variance items, Cash limit changes,
Savings, Management action, Roll forward): at the cell that names it, with the closest name
(``engine.references``, one function)."""

from __future__ import annotations

from decimal import Decimal

import attrs
import pytest

import budget_monitor as bm
from budget_monitor import model as m
from budget_monitor.engine.references import closest
from budget_monitor.inputs.quarterbook import write_quarter

SCS = "Specialist Children's Services"


def test_closest_is_a_typing_slip_or_the_start_of_a_name():
    names = ["Fostering Service", "Adoption Service", "Early Years & Childcare Advisory Service"]
    assert closest("Fostering Servise", names) == "Fostering Service"
    assert closest("fostering service", names) == "Fostering Service"
    assert closest("Early Years", names) == "Early Years & Childcare Advisory Service"
    assert closest("Highways", names) is None
    assert closest("", names) is None and closest("   ", names) is None


@pytest.fixture(scope="module")
def small(sample_quarter):
    """The sample's budget lines alone (13 lines, one portfolio), every optional sheet off."""
    return attrs.evolve(
        sample_quarter, drivers=None, items=None, changes=None, savings=None, capital=None, indicators=None,
        kpis=None, actions=None, management_actions=None,
    )  # fmt: skip


def problems(tmp_path, quarter) -> list[str]:
    """Every problem the library finds in ``quarter`` written as a workbook with its header
    in row 1, as ``Sheet!Cell: [warning: ]message``."""
    path = tmp_path / "q.xlsx"
    write_quarter(quarter, path, title_rows=False)
    result = bm.analyse(path)
    return [f"{p.where}: {'' if p.level == 'error' else 'warning: '}{p.message}" for p in result.problems]


def _driver(line: str, portfolio: str = "") -> m.Driver:
    one = Decimal(1)
    return m.Driver(line, "Independent", "client weeks", one, one, one, one, portfolio=portfolio)


CASES = {
    "Activity": (
        lambda q: attrs.evolve(q, drivers=(_driver("Fostering Servise"),)),
        (
            "Activity!B2: driver 'Independent' refers to the budget line 'Fostering Servise', which is not on "
            "Budget lines; did you mean 'Fostering Service'?"
        ),
    ),
    "Activity, a portfolio that is not there": (
        lambda q: attrs.evolve(q, drivers=(_driver("Fostering Service", "Specialist Childrens Service"),)),
        (
            "Activity!A2: driver 'Independent' names the portfolio 'Specialist Childrens Service', which is not on "
            f"Budget lines; did you mean '{SCS}'?"
        ),
    ),
    "Variance items": (
        lambda q: attrs.evolve(
            q, items=(m.VarianceItem("Adopton Service", "Legal costs", m.GrossIncome(Decimal(5), Decimal(0))),)
        ),
        (
            "Variance items!B2: item 'Legal costs' refers to the budget line 'Adopton Service', which is not on "
            "Budget lines; did you mean 'Adoption Service'?"
        ),
    ),
    "Management action, a line": (
        lambda q: attrs.evolve(
            q,
            management_actions=(m.ManagementAction(SCS, "Fostering Servise", "Recruit carers", Decimal(-1), "Amber"),),
        ),
        (
            "Management action!B2: action 'Recruit carers' refers to the budget line 'Fostering Servise', which is not "
            f"in the portfolio '{SCS}' on Budget lines; did you mean 'Fostering Service'?"
        ),
    ),
    "Management action, a portfolio": (
        lambda q: attrs.evolve(
            q, management_actions=(m.ManagementAction("Childrens Services", "", "Hold vacancies", Decimal(-1), "Red"),)
        ),
        (
            "Management action!A2: action 'Hold vacancies' names the portfolio 'Childrens Services', which is not on "
            f"Budget lines; did you mean '{SCS}'?"
        ),
    ),
    "Cash limit changes, a portfolio": (
        lambda q: attrs.evolve(
            q, changes=(m.CashLimitChange("Highways", "", "Opening", m.GrossIncome(Decimal(1), Decimal(0)), "Opening"),)
        ),
        (
            "Cash limit changes!A2: the change 'Opening' names the portfolio 'Highways', which is not on Budget lines; "
            f"expected one of {SCS}"
        ),
    ),
    "Cash limit changes, a line": (
        lambda q: attrs.evolve(
            q,
            changes=(
                m.CashLimitChange(SCS, "Safeguardng", "Grant", m.GrossIncome(Decimal(1), Decimal(-1)), "New grant"),
            ),
        ),
        (
            "Cash limit changes!B2: warning: the change 'New grant' refers to the budget line 'Safeguardng', which is "
            f"not in the portfolio '{SCS}' on Budget lines; did you mean 'Safeguarding'?"
        ),
    ),
    "Savings, a line": (
        lambda q: attrs.evolve(q, savings=(m.Saving(SCS, "Early Years", "Review contracts", Decimal(100), "Green"),)),
        (
            "Savings!B2: warning: saving 'Review contracts' refers to the budget line 'Early Years', which is not in "
            f"the portfolio '{SCS}' on Budget lines; did you mean 'Early Years & Childcare Advisory Service'?"
        ),
    ),
    "Savings, a portfolio": (
        lambda q: attrs.evolve(
            q, savings=(m.Saving("Specialist Children Services", "", "Review contracts", Decimal(100), "Green"),)
        ),
        (
            "Savings!A2: warning: saving 'Review contracts' names the portfolio 'Specialist Children Services', which "
            f"is not on Budget lines; did you mean '{SCS}'?"
        ),
    ),
    "Roll forward, a line": (
        lambda q: attrs.evolve(
            q, roll_forward=(m.RollForward(SCS, "Adopton Service", Decimal(10), "Carers' training", "Proposed"),)
        ),
        (
            "Roll forward!B2: the request 'Carers' training' refers to the budget line 'Adopton Service', which is "
            f"not in the portfolio '{SCS}' on Budget lines; did you mean 'Adoption Service'?"
        ),
    ),
    "Roll forward, a portfolio": (
        lambda q: attrs.evolve(
            q, roll_forward=(m.RollForward("Specialist Children", "Adoption Service", Decimal(10), "", "Agreed"),)
        ),
        (
            "Roll forward!A2: the request names the portfolio 'Specialist Children', which is not on Budget lines; "
            f"did you mean '{SCS}'?"
        ),
    ),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_a_name_not_on_budget_lines_is_said_at_its_cell_with_the_closest(tmp_path, small, case):
    edit, said = CASES[case]
    assert said in problems(tmp_path, edit(small))


def test_a_line_of_another_portfolio_is_said_with_the_portfolio_it_is_in(tmp_path, small):
    other = attrs.evolve(small.lines[0], portfolio="Adult Social Care", line="Assessment Services")
    q = attrs.evolve(
        small,
        lines=small.lines + (other,),
        management_actions=(m.ManagementAction(SCS, "Assessment Services", "Share a team", Decimal(-2), "Green"),),
    )
    assert (
        "Management action!B2: action 'Share a team' refers to the budget line 'Assessment Services' in the "
        "portfolio 'Specialist Children's Services', but that line is in Adult Social Care"
    ) in problems(tmp_path, q)


def test_names_that_match_but_for_case_are_found(tmp_path, small):
    q = attrs.evolve(
        small,
        management_actions=(m.ManagementAction(SCS.upper(), "fostering service", "Recruit", Decimal(-1), "Green"),),
        savings=(m.Saving(SCS.lower(), "SAFEGUARDING", "Review", Decimal(1), "Red"),),
    )
    assert not [p for p in problems(tmp_path, q) if "not on Budget lines" in p or "not in the portfolio" in p]
