"""The committee's words: a drafted narrative of the quarter, made from the figures.

``narrative(report, wording) -> tuple[Entry, ...]``: for each portfolio an opening entry
(its net, gross and income variance, then the cash-limit reconciliation, red savings
and capital where the workbook has them), followed by a section for each budget line
with a component at or over the threshold: a paragraph on the line as a whole, one for
each driver (volume against the affordable level, unit cost against budget, income that
follows volume), a sentence for each explained item, and what nothing explains, named
as needing an explanation. The last entries cover the key activity indicators and
performance against target (KPIs and the action plan). A report with a previous report
or management action gets paragraphs on them too (``narrative_series``); one with neither
reads exactly as it did before they existed.

Pure and deterministic: records in, records out, the same words for the same figures;
no files, no formats. Every amount shown goes through ``money.display``, the project's
one display rounding, by way of ``phrases``. Input text (line, driver and item names) is carried as plain text;
the writers decide how to keep it text.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Literal

import attrs

from ..engine import Report
from ..engine.conventions import DESCRIPTIONS
from ..model import Component, DriverEffect, GrossIncome, Indicator
from ..money import THOUSAND, ZERO, display
from ..rules import HEADING_UNITS, WORDS, Wording
from .mix import mix_commentary
from .narrative_series import SeriesWords
from .performance import PERFORMANCE_HEADING, performance_paragraphs
from .phrases import (
    MILLION,
    MOST_NAMED,
    Say,
    as_sentence,
    capital_m,
    count_text,
    difference_text,
    join,
    k_shown,
    k_text,
    rate_pair,
    rate_text,
    signed_k,
    units,
)
from .tables import Col, Row, Table
from .tense import outturn_words, words_for
from .year import ACCURACY_HEADING, accuracy_paragraphs

EntryKind = Literal["portfolio", "line", "indicators", "performance", "accuracy"]


@attrs.frozen
class Entry:
    """One heading of the narrative and its paragraphs.

    ``kind`` is ``portfolio`` (``line`` blank: the portfolio's opening), ``line`` (a
    budget line's section), ``indicators`` or ``performance`` (portfolio and line blank).
    ``amount`` is the variance the heading shows, exact (None for indicators and performance)."""

    kind: EntryKind
    portfolio: str
    line: str
    heading: str
    amount: GrossIncome | None
    paragraphs: tuple[str, ...]


# --- the parts of a line's section ----------------------------------------------------------


def driver_paragraph(e: DriverEffect, say: Say) -> str:
    """A driver's volume, unit cost and income, each with what it gives."""
    d = e.driver
    u = units(d.unit)
    gross = e.activity + e.unit_cost + e.joint
    income = e.income_activity + e.income_rate + e.income_joint
    parts = [f"{d.driver}: {say.whole(GrossIncome(gross, income))}."]
    dv = d.forecast_volume - d.budget_volume
    if dv:
        where = "above" if dv > 0 else "below"
        parts.append(
            f"Forecast activity of {u.count(d.forecast_volume)} is {u.count(dv)} {where} the affordable level of "
            f"{count_text(d.budget_volume)}, which gives {say.a(e.activity)}."
        )
    else:
        parts.append(f"Forecast activity is at the affordable level of {u.count(d.budget_volume)}.")
    du = d.forecast_unit_cost - d.budget_unit_cost
    forecast_cost, budget_cost = rate_pair(d.forecast_unit_cost, d.budget_unit_cost)
    cost = f"The cost of {forecast_cost} {u.per}"
    if du and e.unit_cost:
        where = "above" if du > 0 else "below"
        says = f"{cost} is {difference_text(du)} {where} the budgeted {budget_cost}, which "
        shown = display(e.unit_cost)
        if not shown:
            says += "changes the cost by less than £1k."
        elif not display(e.activity):
            says += f"gives {say.a(e.unit_cost)}."
        elif (e.unit_cost > 0) == (e.activity > 0):
            says += f"adds {k_shown(shown)} to the {say.word(e.activity)}."
        else:
            says += f"reduces the {say.word(e.activity)} by {k_shown(shown)}."
        parts.append(says)
    else:
        parts.append(f"{cost} is as budgeted.")
    if e.joint:
        parts.append(f"The two changes together give a joint effect of {say.a(e.joint)}.")
    if e.income_activity:
        rate = d.budget_income_rate or ZERO
        parts.append(
            f"Income follows the volume at {rate_text(rate)} {u.per}, so it is "
            f"{say.income(e.income_activity).removeprefix('income ')} ({say.a(e.income_activity)})."
        )
    if e.income_rate and d.forecast_income_rate is not None and d.budget_income_rate is not None:
        dr = d.forecast_income_rate - d.budget_income_rate
        now, budgeted = rate_pair(d.forecast_income_rate, d.budget_income_rate)
        parts.append(
            f"The income rate of {now} {u.per} is {difference_text(dr)} "
            f"{'above' if dr > 0 else 'below'} the budgeted {budgeted}, "
            f"which gives {say.a(e.income_rate)}."
        )
    if e.income_joint:
        parts.append(f"The changes in volume and income rate together give {say.a(e.income_joint)} of income.")
    return " ".join(parts)


def item_sentence(description: str, x: GrossIncome, say: Say) -> str:
    """An explained item: ``Increased costs of legal services: a pressure of £2,840k.``"""
    return as_sentence(f"{description}: {say.whole(x)}")


def unexplained_sentence(c: Component, say: Say) -> str:
    if c.side == "net":  # a net-only line: its net is all there is
        what = f"{say.a(c.amount, 'net')} is"
    elif c.side == "gross":
        what = f"{say.a(c.amount, 'gross')} is"
    else:
        what = f"{say.income(c.amount)} is"
    return as_sentence(f"{what} not explained by any driver or item and needs an explanation")


# --- sections ----------------------------------------------------------------------------


def _effect_size(e: DriverEffect) -> tuple:
    total = e.activity + e.unit_cost + e.joint + e.income_activity + e.income_rate + e.income_joint
    return (-abs(total), e.driver.driver)


def line_entry(
    portfolio: str,
    line: str,
    variance: GrossIncome,
    effects: Sequence[DriverEffect],
    comps: Sequence[Component],
    say: Say,
    net_only: bool = False,
) -> Entry:
    """A budget line's section: the heading, the line as a whole, its drivers, items, and
    what needs an explanation. A net-only line is spoken of as net throughout."""
    if net_only:
        paragraphs = [as_sentence(f"The forecast shows {say.a(variance.net, 'net')}")]
    else:
        paragraphs = [as_sentence(f"The forecast shows {say.whole(variance)}")]
    moving = [
        e
        for e in effects
        if e.activity or e.unit_cost or e.joint or e.income_activity or e.income_rate or e.income_joint
    ]
    for e in sorted(moving, key=_effect_size):  # largest first, as committee papers list them
        paragraphs.append(driver_paragraph(e, say))
    items: dict[str, list[Decimal]] = {}
    for c in comps:
        if c.kind == "item":
            amounts = items.setdefault(c.source, [ZERO, ZERO])
            amounts[c.side == "income"] += c.amount
    ordered = sorted(items.items(), key=lambda kv: (-abs(kv[1][0] + kv[1][1]), kv[0]))
    if net_only:
        sentences = [as_sentence(f"{desc}: {say.a(g + i, 'net')}") for desc, (g, i) in ordered]
    else:
        sentences = [item_sentence(desc, GrossIncome(g, i), say) for desc, (g, i) in ordered]
    if sentences:
        paragraphs.append(" ".join(sentences))
    loose = [unexplained_sentence(c, say) for c in comps if c.kind == "unexplained" and display(c.amount)]
    if loose:
        paragraphs.append(" ".join(loose))
    heading = say.heading(line, variance)
    if net_only:
        heading = heading.split(" (", 1)[0] + " (net only)"
    return Entry("line", portfolio, line, heading, variance, tuple(paragraphs))


def portfolio_paragraphs(
    report: Report, portfolio: str, variance: GrossIncome, cash_limit: GrossIncome, n: int, say: Say, shown: int
) -> list[str]:
    """The portfolio's opening: its variance against the cash limit, and how many of its
    lines (``n``) have a component over the threshold, of which ``shown`` are explained."""
    threshold = report.over_threshold.threshold
    out = [
        as_sentence(
            f"Overall the forecast against the net cash limit of {k_text(cash_limit.net)} is {say.whole(variance)}"
        )
    ]
    if n:
        lines = "budget line has" if n == 1 else "budget lines have"
        out.append(
            f"{count_text(Decimal(n))} {lines} a variance of £{display(threshold):,}k or more (gross or income, "
            "each driver's effect and each explained item taken separately); "
            + (
                ("it is explained below." if n == 1 else "each is explained below.")
                if shown == n
                else f"the {shown:,} with the largest net variance are explained below."
                if shown
                else "none is among the largest, explained here."
            )
        )
    return out


def method_paragraph(report: Report) -> str:
    """How drivers' variances are split: the formula of the report's split method."""
    return as_sentence(f"Drivers' variances follow the {DESCRIPTIONS[report.split_method]}")


def split_paragraphs(report: Report, portfolio: str, state: bool) -> list[str]:
    """How drivers' variances are split (once, for the first portfolio with drivers), and
    each of the portfolio's groups of drivers: volume, the shift between them, unit cost.
    ``state`` says whether this portfolio is the one to state the method in."""
    out = []
    if state:
        out.append(method_paragraph(report))
    for g in report.mixes or ():
        if g.portfolio == portfolio:
            text = mix_commentary(g)
            out.append(as_sentence(f"{g.group} ({g.unit}, taken together): {text[:1].lower()}{text[1:]}"))
    return out


def cash_limit_paragraph(rec, say: Say) -> str:
    """The reconciliation from the previous report's cash limit to this one's."""
    moves = []
    for category, amount in rec.by_category().items():
        moves.append(f"{category.lower()} changes of {signed_k(amount.gross)} gross ({signed_k(amount.net)} net)")
    text = f"Cash limit: {k_text(rec.opening.gross)} gross ({k_text(rec.opening.net)} net) at the previous report"
    if moves:
        text += "; " + join(moves)
    text += f", giving a revised cash limit of {k_text(rec.revised.gross)} gross ({k_text(rec.revised.net)} net)."
    diff = rec.difference
    if display(diff.gross) or display(diff.net):
        more = "more" if diff.net > 0 or (not diff.net and diff.gross > 0) else "less"
        text += (
            f" The budget lines add up to {k_text(rec.lines_total.gross)} gross ({k_text(rec.lines_total.net)} net), "
            f"{k_text(diff.net or diff.gross)} {more} than the revised cash limit: the difference needs to be resolved."
        )
    elif diff.gross or diff.income:
        text += " The budget lines add up to the revised cash limit to within £1k."
    else:
        text += " The budget lines add up to the revised cash limit."
    return text


def savings_paragraph(savings: Sequence, say: Say) -> str | None:
    red = [s for s in savings if s.rag == "Red"]
    if not red:
        return None
    total = sum((s.amount for s in red), ZERO)
    red.sort(key=lambda s: (-abs(s.amount), s.saving))
    named = [f"{s.saving} ({k_text(s.amount)})" for s in red[:MOST_NAMED]]
    if len(red) > MOST_NAMED:
        named.append(f"{len(red) - MOST_NAMED} more")
    if len(red) == 1:
        head = f"One saving of {k_text(total)} built into the budget is rated red (not expected to be delivered)"
    else:
        head = f"{len(red):,} savings totalling {k_text(total)} built into the budget are rated red (not expected to be delivered)"
    return f"{head}: {join(named)}."


def capital_paragraph(projects: Sequence, year: str, listed: Sequence) -> str | None:
    if not projects:
        return None
    cash = sum((p.cash_limit for p in projects), ZERO)
    forecast = sum((p.forecast for p in projects), ZERO)
    real = sum((p.real_variance for p in projects), ZERO)
    rephasing = sum((p.rephasing for p in projects), ZERO)
    text = (
        f"Capital, {year}: a forecast of {capital_m(forecast).lstrip('+')} "
        f"against a cash limit of {capital_m(cash).lstrip('+')}, a variance of "
        f"{capital_m(forecast - cash)}: "
        + (f"a real variance of {capital_m(real)}" if display(real, MILLION, 3) else "no real variance")
        + " and "
        + (
            f"re-phasing of {capital_m(rephasing)} (spending moving between years)."
            if display(rephasing, MILLION, 3)
            else "no re-phasing."
        )
    )
    if listed:
        names = [f"{p.project} ({capital_m(p.variance)})" for p in listed[:MOST_NAMED]]
        if len(listed) > MOST_NAMED:
            names.append(f"{len(listed) - MOST_NAMED} more")
        one = len(listed) == 1
        text += f" {'One project has a variance' if one else f'{len(listed):,} projects have variances'} over the threshold: {join(names)}."
    return text


def indicators_entry(report: Report) -> Entry | None:
    """The latest actual of each key activity indicator against its budgeted level."""
    inds = report.indicators
    if not inds:
        return None
    latest: dict[str, tuple[Indicator, Decimal]] = {}
    for i in inds:  # sorted by indicator, then period
        if i.actual is not None:
            latest[i.indicator] = (i, i.actual)
    sentences = []
    for name, (i, actual) in list(latest.items())[: MOST_NAMED * 2]:
        u = units(i.unit)
        text = f"{name}, {i.period}: {u.count(actual)}"
        if i.budget_level is not None:
            diff = actual - i.budget_level
            if diff:
                text += f", {u.count(diff)} {'above' if diff > 0 else 'below'} the budgeted level of {count_text(i.budget_level)}"
            else:
                text += ", at the budgeted level"
        if i.actual_unit_cost is not None and i.budget_unit_cost is not None:
            text += f"; average cost {rate_text(i.actual_unit_cost)} {u.per} against {rate_text(i.budget_unit_cost)} budgeted"
        sentences.append(text + ".")
    if not sentences:
        return None
    if len(latest) > MOST_NAMED * 2:
        sentences.append(f"{len(latest) - MOST_NAMED * 2:,} more indicators are on the Indicators sheet.")
    return Entry("indicators", "", "", "Key activity indicators", None, tuple(sentences))


# --- the whole narrative ---------------------------------------------------------------------


def _by_line(records: Iterable, key) -> dict[tuple[str, str], list]:
    out: dict[tuple[str, str], list] = defaultdict(list)
    for r in records:
        out[key(r)].append(r)
    return out


def _savings_and_capital(report: Report, portfolio: str, say: Say) -> list[str]:
    out = []
    if report.savings is not None:
        text = savings_paragraph([s for s in report.savings.items if s.portfolio == portfolio], say)
        if text:
            out.append(text)
    if report.capital is not None:
        cap = report.capital
        text = capital_paragraph(
            [p for p in cap.projects if p.portfolio == portfolio],
            cap.year,
            [p for p in cap.over_threshold if p.portfolio == portfolio],
        )
        if text:
            out.append(text)
    return out


def narrative(report: Report, wording: Wording | None = None, most: int | None = None) -> tuple[Entry, ...]:
    """The narrative of ``report``, in reading order: each portfolio's opening and its
    lines' sections (in Table 1's order), then the key activity indicators. With
    ``most``, only the ``most`` line sections with the largest net variance are made.
    ``wording`` defaults to the report's rules (``[narrative]``)."""
    say = Say(wording if wording is not None else report.rules.narrative)
    ot = report.over_threshold
    listed = {(c.portfolio, c.line) for c in ot.pressures + ot.underspends}
    over: defaultdict[str, int] = defaultdict(int)  # lines over the threshold, by portfolio
    for portfolio, _ in listed:
        over[portfolio] += 1
    if most is not None and len(listed) > most:
        sizes = [(-abs(bl.variance.net), i, bl.key) for i, bl in enumerate(report.lines) if bl.key in listed]
        listed = {key for _, _, key in sorted(sizes)[:most]}
    # A remainder within [revenue] rounding is rounding (listed on Checks), not a variance to explain.
    rounded = {(r.portfolio, r.line, r.what) for r in getattr(report, "rounding", ())}
    comps = _by_line(
        (
            c
            for c in report.components
            if (c.portfolio, c.line) in listed
            and not (c.kind == "unexplained" and (c.portfolio, c.line, f"unexplained {c.side} variance") in rounded)
        ),
        lambda c: (c.portfolio, c.line),
    )
    effects = _by_line(
        (e for e in report.effects if (e.portfolio, e.driver.line) in listed), lambda e: (e.portfolio, e.driver.line)
    )
    portfolios: dict[str, list] = {}
    for bl in report.lines:
        portfolios.setdefault(bl.portfolio, []).append(bl)
    cash = {r.portfolio: r for r in report.cash_limits or ()}
    out: list[Entry] = []
    moves = None  # the words on the series, only for a report with a previous one or management action
    if report.movement is not None or report.management is not None:
        moves = SeriesWords(report, listed, say)
    method_said = False  # the split method is stated once, in the first portfolio with drivers
    with_drivers = {e.portfolio for e in report.effects}
    for portfolio, lines in portfolios.items():
        variance = GrossIncome(
            sum([bl.forecast.gross for bl in lines], ZERO) - sum([bl.cash_limit.gross for bl in lines], ZERO),
            sum([bl.forecast.income for bl in lines], ZERO) - sum([bl.cash_limit.income for bl in lines], ZERO),
        )
        cash_limit = GrossIncome(
            sum([bl.cash_limit.gross for bl in lines], ZERO), sum([bl.cash_limit.income for bl in lines], ZERO)
        )
        sections = []
        for bl in lines:
            key = (portfolio, bl.line)
            if key in listed:
                entry = line_entry(
                    portfolio, bl.line, bl.variance, effects.get(key, ()), comps.get(key, ()), say, bl.net_only
                )
                said = moves.line(portfolio, bl.line) if moves is not None else None
                if said is not None:  # the movement, after the line's opening sentence
                    entry = attrs.evolve(entry, paragraphs=(entry.paragraphs[0], said, *entry.paragraphs[1:]))
                sections.append(entry)
        paragraphs = portfolio_paragraphs(report, portfolio, variance, cash_limit, over[portfolio], say, len(sections))
        all_net = all(bl.net_only for bl in lines)
        if all_net:  # no gross or income to speak of: the net, in words that say so
            paragraphs[0] = as_sentence(
                f"Overall the forecast against the net cash limit of {k_text(cash_limit.net)} is "
                f"{say.a(variance.net, 'net')}"
            )
        if moves is not None:  # after the opening sentence
            paragraphs[1:1] = moves.portfolio(portfolio, variance)
        paragraphs += split_paragraphs(report, portfolio, not method_said and portfolio in with_drivers)
        method_said = method_said or portfolio in with_drivers
        if portfolio in cash:
            paragraphs.append(cash_limit_paragraph(cash[portfolio], say))
        paragraphs += _savings_and_capital(report, portfolio, say)
        heading = say.heading(portfolio, variance)
        if all_net:
            heading = heading.split(" (", 1)[0] + " (net only)"
        out.append(Entry("portfolio", portfolio, "", heading, variance, tuple(paragraphs)))
        out += sections
    # Savings and capital of portfolios with no budget lines here (capital often spans more).
    others = {s.portfolio for s in report.savings.items} if report.savings is not None else set()
    others |= {p.portfolio for p in report.capital.projects} if report.capital is not None else set()
    gone = moves.gone_portfolios(set(portfolios)) if moves is not None else set()
    for portfolio in sorted((others | gone) - set(portfolios)):
        paragraphs = _savings_and_capital(report, portfolio, say)
        if portfolio in gone and moves is not None:
            paragraphs.insert(0, moves.gone(portfolio))
        out.append(Entry("portfolio", portfolio, "", portfolio, None, tuple(paragraphs)))
    indicators = indicators_entry(report)
    if indicators is not None:
        out.append(indicators)
    performance = performance_paragraphs(report.kpis or (), report.actions, MOST_NAMED)
    if performance:
        out.append(Entry("performance", "", "", PERFORMANCE_HEADING, None, performance))
    words = words_for(report.quarter.settings.period)  # an outturn says "outturn", not "forecast"
    if words is outturn_words:
        out = [attrs.evolve(e, paragraphs=tuple(words(p) for p in e.paragraphs)) for e in out]
    if report.accuracy is not None:  # how good the year's forecasts were (it speaks of forecasts)
        out.append(Entry("accuracy", "", "", ACCURACY_HEADING, None, tuple(accuracy_paragraphs(report.accuracy))))
    return tuple(out)


NARRATIVE = "Narrative"
NARRATIVE_COLUMNS = (Col("Portfolio", width=28), Col("Budget line", width=32), Col("Narrative", width=110))


def narrative_table(entries: Sequence[Entry], title: str) -> Table:
    """The narrative as a table for the workbook's Narrative sheet: each heading on a row
    of its own, then each paragraph, with its portfolio and budget line beside it so
    that a reader can filter."""
    rows: list[Row] = []
    for e in entries:
        rows.append(Row((e.portfolio, e.line, e.heading), "subheading" if e.kind == "line" else "heading"))
        rows += [Row((e.portfolio, e.line, text)) for text in e.paragraphs]
    return Table(
        NARRATIVE,
        title,
        NARRATIVE_COLUMNS,
        tuple(rows),
        notes=(
            (
                "Drafted from the figures, to be edited: amounts in £k are the £000 figures of the tables "
                "(rounded half away from zero); a positive variance is a pressure, a negative one a saving."
            ),
        ),
    )


def entry_text(entry: Entry) -> str:
    """An entry as plain text: the heading, then each paragraph."""
    return "\n".join((entry.heading, *entry.paragraphs))


__all__ = ["HEADING_UNITS", "THOUSAND", "WORDS", "Entry", "Wording", "entry_text", "narrative"]
