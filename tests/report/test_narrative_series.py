"""The narrative of a report in a series: the movement since the last report (portfolio,
line and component, new and gone named so), lines that moved without a section of their
own, and management action. The figures are worked out here from the quarters' own
records; a report without a previous one or management action reads exactly as before."""

from __future__ import annotations

import re
from decimal import Decimal

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from budget_monitor import model as m
from budget_monitor.engine import analyse
from budget_monitor.engine.movement import ComponentMovement, LineMovement, Movement, PreviousReport
from budget_monitor.money import display
from budget_monitor.report.narrative import Say, Wording, narrative
from budget_monitor.report.narrative_series import line_movement, management_paragraph
from budget_monitor.rules import Threshold
from budget_monitor.series import with_series
from tests.support.series import make_q2

D = Decimal


def signed(shown: Decimal) -> str:
    return f"+£{shown:,}k" if shown > 0 else f"-£{-shown:,}k" if shown < 0 else "£0k"


def net(lines) -> Decimal:
    return sum(
        (bl.forecast.gross + bl.forecast.income - bl.cash_limit.gross - bl.cash_limit.income for bl in lines), D(0)
    )


def previous_of(quarter: m.Quarter) -> PreviousReport:
    r = analyse(quarter)
    return PreviousReport("Kent County Council", quarter.settings.period, "file", r.lines, r.components)


@pytest.fixture(scope="module")
def pair(sample_quarter):
    q2 = make_q2(sample_quarter)
    alone = analyse(sample_quarter)
    placed = with_series(alone, previous_of(q2), None)
    return sample_quarter, q2, alone, placed


def by_heading(entries):
    return {e.heading.split(":")[0]: e for e in entries}


def test_each_portfolio_opening_says_how_its_net_variance_moved(pair):
    q3, q2, _, placed = pair
    before, now = display(net(q2.lines)), display(net(q3.lines))
    opening = narrative(placed)[0]
    assert opening.kind == "portfolio"
    expected = (
        f"The forecast net pressure has moved from {signed(before)} at 2011-12 Q2 to {signed(now)}, "
        f"a movement of {signed(now - before)}."
    )
    assert opening.paragraphs[1] == expected
    assert expected == (
        "The forecast net pressure has moved from +£11,944k at 2011-12 Q2 to +£14,703k, a movement of +£2,759k."
    )


def test_each_line_section_says_how_it_moved_and_names_new_and_gone_parts(pair):
    q3, q2, _, placed = pair
    sections = by_heading(narrative(placed))
    fostering = sections["Fostering Service"].paragraphs[1]
    assert fostering.startswith(
        "The net pressure is unchanged since the last report (2011-12 Q2), but its parts moved: "
    )
    assert "Increased costs of legal services (new, +£2,840k)" in fostering
    gone = next(i for i in q2.items if i.description == "Agency social workers")
    assert f"Agency social workers (no longer reported, {signed(-display(gone.amount.gross))})" in fostering
    assert fostering.endswith("with 5 smaller movements.")
    # 16+ Service: its cash limit moved; the line's movement is the forecast's less the cash limit's.
    old = next(bl for bl in q2.lines if bl.line == "16+ Service")
    new = next(bl for bl in q3.lines if bl.line == "16+ Service")
    moved = display(net([new])) - display(net([old]))
    forecast = display(new.forecast.net - old.forecast.net)
    limit = display(new.cash_limit.net - old.cash_limit.net)
    assert forecast - limit == moved == D(-135)
    text = sections["16+ Service"].paragraphs[1]
    assert text.startswith(
        f"The net pressure has moved by {signed(moved)} since the last report (2011-12 Q2), from "
        f"{signed(display(net([old])))} to {signed(display(net([new])))} (the forecast moved by {signed(forecast)} "
        f"and the cash limit by {signed(limit)}). The largest movements within it: "
    )
    assert sections["Assessment of Vulnerable Children"].paragraphs[1] == (
        "This line is new since the last report (2011-12 Q2)."
    )


def test_a_line_that_moved_without_a_section_is_named_in_the_opening(pair):
    q3, q2, _, placed = pair
    opening = narrative(placed)[0].paragraphs
    closed = next(bl for bl in q2.lines if bl.line == "Closed Residential Unit")
    said = (
        "One other budget line moved by £100k or more since the last report (2011-12 Q2): "
        f"Closed Residential Unit (no longer reported, {signed(-display(net([closed])))})."
    )
    assert said in opening
    # With the two largest sections only (as the Word document may show), 16+ Service has none: it is named too.
    few = narrative(placed, most=2)
    assert [e.line for e in few if e.kind == "line"] == ["Assessment of Vulnerable Children", "Fostering Service"]
    assert (
        "2 other budget lines moved by £100k or more since the last report (2011-12 Q2): "
        "16+ Service (-£135k, from +£884k to +£749k) and Closed Residential Unit (no longer reported, -£112k)."
    ) in few[0].paragraphs
    # A movement threshold above both: neither is named.
    higher = attrs.evolve(placed, rules=attrs.evolve(placed.rules, movement=Threshold(D(200_000))))
    assert not any("other budget line" in p for p in narrative(higher)[0].paragraphs)


def test_without_a_previous_report_the_narrative_is_as_before_and_with_one_only_adds(pair):
    _, _, alone, placed = pair
    before, after = narrative(alone), narrative(placed)
    assert narrative(attrs.evolve(placed, previous=None, movement=None, trend=None)) == before
    assert [e.heading for e in before] == [e.heading for e in after]
    for b, a in zip(before, after, strict=True):
        rest = iter(a.paragraphs)
        assert all(p in rest for p in b.paragraphs), b.heading  # the same paragraphs, in order, with more between
    assert sum(len(a.paragraphs) for a in after) > sum(len(b.paragraphs) for b in before)


def test_a_portfolio_no_longer_reported_and_one_that_is_new(pair, sample_quarter):
    q3, q2, alone, _ = pair
    other = [attrs.evolve(bl, portfolio="Libraries") for bl in q2.lines[:2]]
    previous = previous_of(attrs.evolve(q2, lines=q2.lines[2:] + tuple(other), drivers=(), items=()))
    entries = by_heading(narrative(with_series(alone, previous, None)))
    assert entries["Libraries"].paragraphs == (
        (
            f"This portfolio is not in this report; its forecast {'net pressure' if net(other) > 0 else 'net saving'} "
            f"at 2011-12 Q2 was {signed(display(net(other)))}."
        ),
    )
    renamed = analyse(attrs.evolve(q3, lines=tuple(attrs.evolve(bl, portfolio="Children") for bl in q3.lines),
                                   drivers=(), items=()))  # fmt: skip
    text = narrative(with_series(renamed, previous_of(q2), None))[0].paragraphs[1]
    assert text == "This portfolio is new since the last report (2011-12 Q2)."


def _line(previous: str, now: str, cash_limit: str = "0", status="changed") -> LineMovement:
    p, n, c = D(previous), D(now), D(cash_limit)
    return LineMovement("P", "S", "Home care", status, m.GrossIncome(p, D(0)), m.GrossIncome(n, D(0)),
                        m.GrossIncome(n - p + c, D(0)), m.GrossIncome(c, D(0)))  # fmt: skip


def _part(source, kind, previous, amount, status="changed", side="gross") -> ComponentMovement:
    return ComponentMovement("P", "Home care", source, side, kind, status, D(previous), D(amount))


MV = Movement(PreviousReport("Org", "2011-12 M08", "file", (), ()), (), ())


@pytest.mark.parametrize(
    ("line", "parts", "words", "expected"),
    [
        (_line("-500000", "-800400"), [_part("Hours", "activity", "-500000", "-800400")], "pressure/saving",
         ("The net saving has moved by -£300k since the last report (2011-12 M08), from -£500k to -£800k. "
         "The movement within it: Hours activity (-£300k).")),
        (_line("250000", "-100000", "-50000"),
         [_part("Fees", "income_rate", "0", "-40000", "new", "income"), _part("", "unexplained", "250000", "0", "gone"),
          _part("Rent", "item", "0", "-310000", "new", "income")], "overspend/underspend",
         ("The net variance has moved by -£350k since the last report (2011-12 M08), from +£250k to -£100k "
         "(the forecast moved by -£400k and the cash limit by -£50k). The largest movements within it: "
         "Rent (new, income, -£310k), the unexplained remainder (no longer reported, gross, -£250k) and Fees income rate (new, -£40k).")),
        (_line("100000", "100000"), [], "overspend/underspend",
         "The net overspend is unchanged since the last report (2011-12 M08)."),
        (_line("100000", "100000.40"), [], "pressure/saving",
         "The net pressure has moved by less than £1k since the last report (2011-12 M08)."),
    ],
)  # fmt: skip
def test_movement_words_for_pressures_savings_one_and_many(line, parts, words, expected):
    assert line_movement(line, parts, MV, Say(Wording(words=words))) == expected


def test_management_action_before_and_after_and_by_rag(pair):
    _, _, alone, _ = pair
    portfolio = alone.lines[0].portfolio
    actions = (
        m.ManagementAction(portfolio, "Fostering Service", "Recruit foster carers", D("-1250000.00"), "Amber"),
        m.ManagementAction(portfolio, "", "Vacancy freeze", D("-400000.50"), "Green"),
        m.ManagementAction(portfolio, "Adoption Service", "Defer the new post", D("-75000.00"), "Red"),
        m.ManagementAction(portfolio, "Adoption Service", "Stop agency use", D("-25499.99"), "Red"),
    )
    q = attrs.evolve(alone.quarter, management_actions=actions)
    report = analyse(q)
    assert report.management is not None
    before = display(report.management.variance_before.net)
    shown = [display(a.amount) for a in actions]
    after = before + sum(shown)
    text = narrative(report)[0].paragraphs[1]
    assert text == (
        f"Management action: 4 actions agreed but not yet in the forecast would reduce it by £{-sum(shown):,}k, "
        f"taking the net pressure from {signed(before)} before management action to {signed(after)} after it. "
        "Red, 2 actions totalling -£100k: Defer the new post (Adoption Service, -£75k) and Stop agency use "
        "(Adoption Service, -£25k). Amber: Recruit foster carers (Fostering Service, -£1,250k). "
        "Green: Vacancy freeze (-£400k)."
    )
    assert (before, after) == (D(14703), D(12953))
    one = management_paragraph(attrs.evolve(report.management, actions=actions[1:2]), portfolio,
                               report.management.variance_before, Say(Wording()))  # fmt: skip
    assert one is not None and one.startswith("Management action: One action agreed")
    assert management_paragraph(report.management, "Elsewhere", m.GrossIncome(), Say(Wording())) is None


def test_the_word_document_has_the_movement_and_management_action(pair, tmp_path):
    import docx

    from budget_monitor.write.docx import write_docx

    q3, q2, _, _ = pair
    portfolio = q3.lines[0].portfolio
    actions = (m.ManagementAction(portfolio, "Adoption Service", "Defer the new post", D("-75000.00"), "Red"),)
    report = with_series(analyse(attrs.evolve(q3, management_actions=actions)), previous_of(q2), None)
    write_docx(report, tmp_path / "q3.docx")
    document = docx.Document(str(tmp_path / "q3.docx"))
    text = "\n".join(p.text for p in document.paragraphs).replace("\u2060", "")
    assert "a movement of +£2,759k." in text and "Management action: One action agreed" in text
    headings = [p.text for p in document.paragraphs if p.style.name.startswith("Heading")]
    assert "Appendix 3: Movement since the last report, 2011-12 Q2 (£000)" in headings
    assert "Appendix 4: Management action (£000)" in headings
    rows = [[c.text for c in row.cells] for t in document.tables for row in t.rows]
    # on the movement table; Table 1 keeps the line too, with its last net variance
    closed = next(r for r in rows if r[0].endswith("Closed Residential Unit") and len(r) == 5)
    assert closed[1:] == ["gone", "112", "0", "\u2212112"]
    assert ["Net forecast variance after management action", "", "", "14,628", ""] in rows


_FIGURE = r"([+-]?)£([\d,]+)k"


def _value(sign: str, digits: str) -> Decimal:
    v = D(digits.replace(",", ""))
    return -v if sign == "-" else v


@given(
    st.decimals(min_value=-(10**9), max_value=10**9, places=2, allow_nan=False, allow_infinity=False),
    st.decimals(min_value=-(10**9), max_value=10**9, places=2, allow_nan=False, allow_infinity=False),
    st.sampled_from(["pressure/saving", "overspend/underspend"]),
)
@settings(max_examples=200, deadline=None)
def test_a_line_movement_adds_up_as_shown_and_reads_right(previous, now, words):
    text = line_movement(_line(str(previous), str(now)), [], MV, Say(Wording(words=words)))
    assert "£-" not in text and "+£0k" not in text and "-£0k" not in text
    found = re.fullmatch(rf"The net \w+ has moved by {_FIGURE} since the last report \(2011-12 M08\), from "
                         rf"(?:{_FIGURE}|£0k) to (?:{_FIGURE}|£0k)\.", text)  # fmt: skip
    if display(now) == display(previous):
        assert found is None
        assert text.endswith("unchanged since the last report (2011-12 M08).") == (previous == now), text
        return
    assert found is not None, text
    moved = _value(*found.groups()[0:2])
    before = _value(*found.groups()[2:4]) if found.group(4) else D(0)
    after = _value(*found.groups()[4:6]) if found.group(6) else D(0)
    assert (before, after, moved) == (display(previous), display(now), after - before)
    noun = text.split()[2]
    pressure, saving = words.split("/")
    assert noun == (pressure if before > 0 and after > 0 else saving if before < 0 and after < 0 else "variance")
