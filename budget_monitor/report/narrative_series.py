"""The narrative's words on the series: how the figures moved since the last report, and
the management action. Called by ``narrative`` only when the report has a previous report
or management actions, so a report with neither reads exactly as before.

- ``portfolio_movement``: the portfolio's net variance then and now ("The forecast net
  pressure has moved from +£11,944k at 2011-12 Q2 to +£14,703k, a movement of +£2,759k"),
  and the lines that moved by at least ``[movement] threshold`` without a section of
  their own in this narrative, named with their movement;
- ``line_movement``: a line section's movement since the last report (and how much of it
  is the cash limit's), and its largest component movements, new and gone ones named so;
- ``gone_portfolio``: a portfolio reported last time and not now;
- ``management_paragraph``: a portfolio's actions, the variance before and after them,
  and the actions by RAG.

Amounts are shown in £k through ``money.display``; a movement is shown as the difference
of the two shown figures, so "from +£A to +£B, a movement of +£C" adds up as the reader
sees it, as the Movement sheet and the Summary show it. Pure: records in, text out.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from ..engine import Report
from ..engine.management import ManagementSummary
from ..engine.movement import ComponentMovement, LineMovement, Movement
from ..model import RAGS, GrossIncome, ManagementAction
from ..money import ZERO, display
from ..rules import Threshold
from .phrases import MOST_NAMED, Say, as_sentence, join, money_text, signed_shown
from .schedules import size_text

#: How many of a line's component movements its section names, largest first.
LARGEST_PARTS = 3

#: A driver's effects as the section names them after the driver: "In House Non Related activity".
KIND_WORDS = {
    "activity": "activity",
    "unit_cost": "unit cost",
    "joint": "joint effect",
    "income_activity": "income from activity",
    "income_rate": "income rate",
    "income_joint": "joint effect on income",
}

STATUS_NOTES = {"new": "new", "gone": "no longer reported"}


def _moved(previous: Decimal, now: Decimal) -> Decimal:
    """The movement as shown: this figure as shown less the last as shown (£k)."""
    return display(now) - display(previous)


def _when(mv: Movement) -> tuple[str, str]:
    """(``at 2011-12 Q2``, ``since the last report (2011-12 Q2)``), or without a period."""
    period = mv.previous.period.strip()
    if period:
        return f"at {period}", f"since the last report ({period})"
    return "at the last report", "since the last report"


def _noun(say: Say, *amounts: Decimal) -> str:
    """``net pressure`` when every figure shown is one, ``net saving`` likewise, else ``net variance``."""
    return _noun_shown(say, *(display(a) for a in amounts))


def _noun_shown(say: Say, *shown: Decimal) -> str:
    if all(s > 0 for s in shown):
        return f"net {say.pressure}"
    if all(s < 0 for s in shown):
        return f"net {say.saving}"
    return "net variance"


def portfolio_movement(
    mv: Movement, portfolio: str, with_section: set[tuple[str, str]], threshold: Threshold, say: Say
) -> list[str]:
    """The portfolio's movement since the last report, then the lines that moved by at
    least ``threshold`` but have no section here (``with_section``: (portfolio, line))."""
    lines = [m for m in mv.lines if m.portfolio == portfolio]
    at, since = _when(mv)
    if lines and all(m.status == "new" for m in lines):
        return [f"This portfolio is new {since}."]
    before = sum((m.previous.net for m in lines), ZERO)
    now = sum((m.variance.net for m in lines), ZERO)
    moved = _moved(before, now)
    noun = _noun(say, before, now)
    if moved:
        text = (
            f"The forecast {noun} has moved from {signed_shown(display(before))} {at} to "
            f"{signed_shown(display(now))}, a movement of {signed_shown(moved)}."
        )
    elif before == now:
        text = f"The forecast {noun} is unchanged {since}, at {signed_shown(display(now))}."
    else:
        text = f"The forecast {noun} has moved by less than £1k {since}, to {signed_shown(display(now))}."
    out = [text]
    big, _ = mv.moved(threshold)
    others = [m for m in big if m.portfolio == portfolio and (m.portfolio, m.line) not in with_section]
    if others:
        named = [_line_moved(m) for m in others[:MOST_NAMED]]
        if len(others) > MOST_NAMED:
            named.append(f"{len(others) - MOST_NAMED:,} more on the Movement sheet")
        other = "other " if any(p == portfolio for p, _ in with_section) else ""
        head = f"One {other}budget line moved" if len(others) == 1 else f"{len(others):,} {other}budget lines moved"
        out.append(f"{head} by {size_text(threshold.amount)} or more {since}: {join(named)}.")
    return out


def _line_moved(m: LineMovement) -> str:
    """``Adoption Service (+£250k, from +£100k to +£350k)``; new and gone lines said so."""
    shown = signed_shown(_moved(m.previous.net, m.variance.net))
    if m.status == "new":
        return f"{m.line} (new, {shown})"
    if m.status == "gone":
        return f"{m.line} (no longer reported, {shown})"
    return (
        f"{m.line} ({shown}, from {signed_shown(display(m.previous.net))} to {signed_shown(display(m.variance.net))})"
    )


def part_name(c: ComponentMovement) -> str:
    """A component as its line's section names it: the item's description, the driver and
    its effect, or the remainder that nothing explains."""
    if c.kind == "item":
        return c.source
    if c.kind == "unexplained":
        return "the unexplained remainder"
    words = KIND_WORDS.get(c.kind, c.kind.replace("_", " "))
    return f"{c.source} {words}" if c.source else words


def _part_moved(c: ComponentMovement) -> str:
    """``Agency social workers (no longer reported, -£412k)``, ``the unexplained remainder (gross, -£273k)``."""
    notes = [STATUS_NOTES[c.status]] if c.status in STATUS_NOTES else []
    if c.kind == "unexplained" or (c.kind == "item" and c.side == "income"):
        notes.append(c.side)
    notes.append(signed_shown(_moved(c.previous, c.amount)))
    return f"{part_name(c)} ({', '.join(notes)})"


def line_movement(m: LineMovement, parts: Sequence[ComponentMovement], mv: Movement, say: Say) -> str:
    """A line section's paragraph on its movement since the last report, and its largest
    component movements (a new line's parts are all new: they are its section)."""
    _, since = _when(mv)
    shown = [c for c in parts if _moved(c.previous, c.amount)]
    shown.sort(key=lambda c: -abs(c.amount - c.previous))
    if m.status == "new":
        return f"This line is new {since}."
    moved = _moved(m.previous.net, m.variance.net)
    noun = _noun(say, m.previous.net, m.variance.net)
    if moved:
        text = (
            f"The {noun} has moved by {signed_shown(moved)} {since}, from "
            f"{signed_shown(display(m.previous.net))} to {signed_shown(display(m.variance.net))}"
        )
        forecast, limit = display(m.forecast_movement.net), display(m.cash_limit_movement.net)
        if limit:
            text += f" (the forecast moved by {signed_shown(forecast)} and the cash limit by {signed_shown(limit)})"
        lead = ". The largest movements within it" if len(shown) > 1 else ". The movement within it"
    else:
        if m.previous.net == m.variance.net:
            text = f"The {noun} is unchanged {since}"
        else:
            text = f"The {noun} has moved by less than £1k {since}"
        lead = ", but its parts moved"
    if not shown:
        return text + "."
    named = [_part_moved(c) for c in shown[:LARGEST_PARTS]]
    more = len(shown) - LARGEST_PARTS
    text += f"{lead}: {join(named)}"
    if more > 0:
        text += f", with {'one smaller movement' if more == 1 else f'{more:,} smaller movements'}"
    return text + "."


def gone_portfolio(mv: Movement, portfolio: str, say: Say) -> str:
    """A portfolio in the last report that this one does not have."""
    before = sum((m.previous.net for m in mv.lines if m.portfolio == portfolio), ZERO)
    at, _ = _when(mv)
    return as_sentence(
        f"This portfolio is not in this report; its forecast {_noun(say, before)} {at} was {signed_shown(display(before))}"
    )


def management_paragraph(summary: ManagementSummary, portfolio: str, variance: GrossIncome, say: Say) -> str | None:
    """The portfolio's management actions: what they would do to the forecast, the net
    variance before and after them, and the actions by RAG. The total is the sum of the
    actions as shown, and the variance after is the variance before as shown plus that
    total, as the Management action sheet adds them up."""
    actions = [a for a in summary.actions if a.portfolio == portfolio]
    if not actions:
        return None
    shown = {id(a): display(a.amount) for a in actions}
    total = sum(shown.values(), ZERO)
    before = display(variance.net)
    after = before + total
    n = len(actions)
    count = "One action" if n == 1 else f"{n:,} actions"
    if total < 0:
        effect = f"would reduce it by {money_text(-total)}"
    elif total > 0:
        effect = f"would add {money_text(total)} to it"
    else:
        effect = "would leave it unchanged to the nearest £1k"
    noun = _noun_shown(say, before, after)
    text = (
        f"Management action: {count} agreed but not yet in the forecast {effect}, taking the {noun} from "
        f"{signed_shown(before)} before management action to {signed_shown(after)} after it."
    )
    for rag in RAGS:
        these = [a for a in actions if a.rag == rag]
        if not these:
            continue
        named = [_action(a, shown[id(a)]) for a in these[:MOST_NAMED]]
        if len(these) > MOST_NAMED:
            named.append(f"{len(these) - MOST_NAMED:,} more on the Management action sheet")
        if len(these) == 1:
            text += f" {rag}: {named[0]}."
        else:
            rag_total = sum((shown[id(a)] for a in these), ZERO)
            text += f" {rag}, {len(these):,} actions totalling {signed_shown(rag_total)}: {join(named)}."
    return text


def _action(a: ManagementAction, shown: Decimal) -> str:
    where = f"{a.line}, " if a.line else ""
    return f"{a.action} ({where}{signed_shown(shown)})"


class SeriesWords:
    """What ``narrative`` adds for a report with a previous report or management action:
    ``listed`` is the (portfolio, line) of every line with a section in the narrative."""

    def __init__(self, report: Report, listed: set[tuple[str, str]], say: Say):
        self.mv, self.management, self.say = report.movement, report.management, say
        self.listed, self.threshold = listed, report.rules.movement
        self.lines: dict[tuple[str, str], LineMovement] = {}
        self.parts: dict[tuple[str, str], list[ComponentMovement]] = {}
        if self.mv is not None:
            self.lines = {(m.portfolio.casefold(), m.line.casefold()): m for m in self.mv.lines}
            for c in self.mv.components:
                self.parts.setdefault((c.portfolio.casefold(), c.line.casefold()), []).append(c)

    def line(self, portfolio: str, line: str) -> str | None:
        """The paragraph on a line section's movement (None for a line it does not know)."""
        key = (portfolio.casefold(), line.casefold())
        m = self.lines.get(key)
        if self.mv is None or m is None:
            return None
        return line_movement(m, self.parts.get(key, ()), self.mv, self.say)

    def portfolio(self, portfolio: str, variance: GrossIncome) -> list[str]:
        """The portfolio opening's paragraphs on its movement and its management action."""
        out = []
        if self.mv is not None:
            out += portfolio_movement(self.mv, portfolio, self.listed, self.threshold, self.say)
        if self.management is not None:
            text = management_paragraph(self.management, portfolio, variance, self.say)
            if text:
                out.append(text)
        return out

    def gone_portfolios(self, present: set[str]) -> set[str]:
        """The portfolios of the last report that this one does not have."""
        if self.mv is None:
            return set()
        return {m.portfolio for m in self.mv.lines if m.portfolio not in present}

    def gone(self, portfolio: str) -> str:
        assert self.mv is not None
        return gone_portfolio(self.mv, portfolio, self.say)
