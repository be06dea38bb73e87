"""Report -> the committee paper in Word (python-docx; the building blocks are ``word``).

``write_docx(report, path)`` writes an A4 committee paper: the title, organisation and
period, a front block from Settings (committee, meeting date, contact officer; blank
ones left out), then sections numbered by Word's own numbering: 1. Summary, 2.
Recommendations ("Members are asked to note ...", or Settings' own), 3. Major reasons
for variance (the narrative), 4. Appendices (their list); then the appendices, each on a
new page: Table 1 (the revenue position by line), Table 2 (variances over the
threshold, pressures beside underspends, the effects of one driver shaded alike as in
the workbook), with a previous report the lines and components that moved, with
management action its actions, the cash-limit, savings, capital, indicator (this
financial year and the one before) and performance tables, and last the methods (the
conventions and the split formula). Tables have right-aligned £000 columns, bold totals
and header rows repeated on each page; a table wider than a portrait page gets a
landscape section; every page has its number in the footer. On a council's template
(``template``, or the rules' ``[docx] template``) its styles, page set-up, header and
footer are kept.

A committee paper of 100,000 rows is of no use, so a table longer than
``docx_rows`` (rules, ``[narrative]``) is summarised (section totals for Table 1, the
largest variances for Table 2, the totals for the others) and the line sections of the
narrative are limited to the ``docx_sections`` largest, each time with a sentence saying so; the
workbook and the JSON have everything. This module writes to the path it is given;
callers that must not leave a partial file use ``files.atomic_write``.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

import attrs

from ..engine import Report
from ..model import OverThreshold
from ..money import ZERO, display
from ..report import management as management_tables
from ..report import movement as movement_tables
from ..report import performance, schedules, tables
from ..report import year as year_tables
from ..report.narrative import method_paragraph, narrative
from ..report.phrases import money_text
from ..report.tables import Row, Table
from ..report.tense import words_for
from ..rules import Wording
from .word import (
    Styles,
    add_numbering,
    add_paragraph,
    add_table,
    needs_landscape,
    open_template,
    orient,
    page_number_footer,
    plain,
)

# --- summarising what is too long -------------------------------------------------------------------


def summarised_revenue(report: Report, max_rows: int) -> tuple[Table, str]:
    """Table 1 by section (or, when the sections are too many too, by portfolio):
    cash limit and variance, gross, income and net, each row rounded once and the totals
    the sums of the rows shown."""
    cols = tables.REVENUE_COLUMNS[:7]
    groups: dict[tuple[str, str], list[Decimal]] = {}
    for bl in report.lines:
        acc = groups.get((bl.portfolio, bl.section))
        if acc is None:
            acc = groups[(bl.portfolio, bl.section)] = [ZERO, ZERO, ZERO, ZERO, ZERO]  # the last counts lines
        acc[0] += bl.cash_limit.gross
        acc[1] += bl.cash_limit.income
        acc[2] += bl.forecast.gross - bl.cash_limit.gross
        acc[3] += bl.forecast.income - bl.cash_limit.income
        acc[4] += 1
    portfolios = sorted({p for p, _ in groups})
    by_section = len(groups) + 2 * len(portfolios) + 1 <= max_rows
    if not by_section:
        merged: dict[tuple[str, str], list[Decimal]] = {}
        for (p, _), acc in groups.items():
            m = merged.setdefault((p, ""), [ZERO, ZERO, ZERO, ZERO, ZERO])
            for i in range(5):
                m[i] += acc[i]
        groups = merged
    rows: list[Row] = []
    totals: list[int] = []
    for portfolio in portfolios:
        members = sorted(((s, acc) for (p, s), acc in groups.items() if p == portfolio), key=lambda x: x[0].casefold())
        if by_section:
            rows.append(Row((portfolio,) + (None,) * 6, "heading"))
        first = len(rows)
        for section, acc in members:
            name = (
                f"  {section or '(no section)'} ({acc[4]:,} line{'s' if acc[4] != 1 else ''})"
                if by_section
                else portfolio
            )
            cells: list[object] = [name, display(acc[0]), display(acc[1]), None, display(acc[2]), display(acc[3]), None]
            rows.append(Row(tables.with_across(cells, cols)))
        if by_section:
            totals.append(len(rows))
            rows.append(
                tables.add_totals(
                    rows, cols, Row((f"Total {portfolio}",) + (None,) * 6, "total", tuple(range(first, len(rows))))
                )
            )
        else:
            totals.append(first)
    if len(portfolios) > 1:
        rows.append(tables.add_totals(rows, cols, Row(("Total",) + (None,) * 6, "grand", tuple(totals))))
    level = "section" if by_section else "portfolio"
    say = (
        f"Table 1 has {len(report.lines):,} budget lines, too many for a committee paper: it is shown here by "
        f"{level}, with totals. Every line is on the workbook's Revenue by line sheet."
    )
    table = Table(
        "Revenue by line",
        "",
        cols,
        tuple(rows),
        notes=("£000. A positive variance is a pressure, a negative one an underspend.",),
        groups=((1, 3, "Cash limit (£000)"), (4, 6, "Forecast variance (£000)")),
    )
    return table, say


def summarised_table2(report: Report, max_rows: int) -> tuple[Table, str]:
    """Table 2 with the ``max_rows`` largest pressures and underspends, and a sentence
    giving the totals of all of them."""
    ot = report.over_threshold
    top = OverThreshold(ot.threshold, ot.pressures[:max_rows], ot.underspends[:max_rows])
    table = tables.table2(attrs.evolve(report, over_threshold=top), "")
    rows = list(table.rows)
    total = rows[-1]
    rows[-1] = attrs.evolve(
        total, cells=(None, "Total of those shown", total.cells[2], None, None, "Total of those shown", total.cells[6])
    )
    shown = tables.shown_totals(report)
    say = (
        f"There are {len(ot.pressures):,} pressures and {len(ot.underspends):,} underspends over the threshold: the "
        f"{min(max_rows, len(ot.pressures)):,} largest of each are shown. All the pressures add up to {money_text(shown['total_pressures'])} "
        f"and all the underspends to {money_text(shown['total_underspends'])}; every one is on the workbook's Variances over threshold sheet."
    )
    return attrs.evolve(table, rows=tuple(rows), notes=table.notes[:1] + table.notes[2:3]), say


def summarised(table: Table, max_rows: int, sheet: str) -> tuple[Table, str | None]:
    """``table`` as it is when short enough; otherwise its headings and totals only (and
    at most ``max_rows`` of those), with a sentence saying so."""
    if len(table.rows) <= max_rows:
        return table, None
    kept = [r for r in table.rows if r.style != "line"][:max_rows]
    details = sum(1 for r in table.rows if r.style == "line")
    return (
        attrs.evolve(table, rows=tuple(kept)),
        (
            f"This table has {details:,} rows of detail, too many for a committee paper: its headings and totals are shown. "
            f"Every row is on the workbook's {sheet} sheet."
        ),
    )


# --- the document -------------------------------------------------------------------------------------


@attrs.frozen
class Part:
    """One table of an appendix: its heading (blank: the appendix's own), a sentence
    saying how it was shortened, and whether it is shaded as Table 2 is."""

    title: str
    table: Table
    note: str | None = None
    shade: bool = False


@attrs.frozen
class Appendix:
    title: str
    parts: tuple[Part, ...]
    note: str | None = None


A4 = (11906, 16838)  # twips


def write_docx(
    report: Report,
    path: Path | str,
    *,
    wording: Wording | None = None,
    max_rows: int | None = None,
    max_sections: int | None = None,
    template: Path | str | None = None,
) -> None:
    """Write the committee paper for ``report`` to ``path``: title, the front block
    (committee, meeting date, contact officer: from Settings, blanks left out), then
    numbered sections (Summary, Recommendations, the reasons for variance, the
    appendices listed), then the appendices: Table 1, Table 2, the other tables and the
    methods. A4 portrait, landscape sections for the wide tables. ``template`` (default:
    the rules' ``[docx] template``) is the council's .docx it is built on. ``wording``
    defaults to the report's rules."""
    from docx.shared import Cm, Twips

    if wording is None:
        wording = report.rules.narrative
    if template is None:
        template = report.rules.docx_template
    max_rows = wording.docx_rows if max_rows is None else max_rows
    max_sections = wording.docx_sections if max_sections is None else max_sections
    document = open_template(template)
    styles = Styles(document, restyle=template is None)
    styles.brackets = report.quarter.settings.negative_numbers == "brackets"  # the council's negatives
    first = document.sections[0]
    if template is None:
        first.page_width, first.page_height = Twips(A4[0]), Twips(A4[1])
        first.left_margin = first.right_margin = Cm(2)
        first.top_margin = first.bottom_margin = Cm(1.8)
    if template is None or not _has_text(first.footer):
        page_number_footer(first)
    numbers = add_numbering(document)
    settings = report.quarter.settings
    props = document.core_properties
    props.title = plain(" - ".join(x for x in (settings.organisation, settings.title, settings.period) if x))[:250]
    props.author = ""
    props.comments = "budget_monitor report"

    def add(text: str, style=None) -> None:
        add_paragraph(document, text, style or styles.body)

    def numbered(text: str) -> None:
        add_paragraph(document, _keep_figures_together(plain(text)), styles.body, (numbers, 1))

    def section(text: str) -> None:
        add_paragraph(document, text, styles.heading(1), (numbers, 0))

    add(plain(settings.title or "Budget monitoring report"), styles.title)
    subtitle = ", ".join(plain(x) for x in (settings.organisation, settings.period) if x)
    if subtitle:
        add(subtitle, styles.subtitle)
    for label, value in (
        ("To:", settings.committee),
        ("Meeting date:", settings.meeting_date),
        ("Contact officer:", settings.contact),
    ):
        if value.strip():
            add_paragraph(document, plain(value), styles.front, label=label)

    words = words_for(settings.period)  # an outturn report says "outturn", not "forecast"
    appendices = [_in_words(a, words) for a in _appendices(report, wording, max_rows)]
    if report.accuracy is not None:  # before the methods; it speaks of each period's forecast
        table = year_tables.accuracy_table(report.accuracy, "")
        title = f"Forecast accuracy: each period's forecast against {report.accuracy.against} (£000)"
        appendices.insert(
            len(appendices) - 1, Appendix(title, (Part("", *_first_rows(table, max_rows, "Forecast accuracy")),))
        )
    entries = narrative(report, wording, most=max_sections)
    method = words(method_paragraph(report))
    portfolios = [e for e in entries if e.kind == "portfolio" and e.amount is not None and e.paragraphs]

    section("Summary")
    named = len(portfolios) > 1
    for e in portfolios:
        numbered(f"{e.portfolio}: {e.paragraphs[0]}" if named else e.paragraphs[0])
    numbered(
        f"Figures are in £000 (capital in £m) unless stated. The tables are in appendices 1 to {len(appendices) - 1}, "
        f"and how the figures are worked out in Appendix {len(appendices)}."
    )

    section("Recommendations")
    for text in _recommendations(report):
        numbered(words(text))

    section("Major reasons for variance")
    listed = {(c.portfolio, c.line) for c in report.over_threshold.pressures + report.over_threshold.underspends}
    if len(listed) > max_sections:
        add(
            f"{len(listed):,} budget lines have a variance over the threshold; the {max_sections:,} with the largest net "
            "variance are explained here. Every line's explanation is on the workbook's Narrative sheet and in the JSON.",
            styles.note,
        )
    for e in entries:
        add(_keep_figures_together(plain(e.heading)), styles.heading(2 if e.kind != "line" else 3))
        for text in e.paragraphs:
            if text != method:  # in the methods appendix
                numbered(text)

    section("Appendices")
    for k, appendix in enumerate(appendices, 1):
        numbered(f"Appendix {k}: {appendix.title}")

    for k, appendix in enumerate(appendices, 1):
        _appendix(document, styles, f"Appendix {k}: {appendix.title}", appendix)
    document.save(str(path))


def _in_words(appendix: Appendix, words: Callable[[str], str]) -> Appendix:
    """``appendix`` with its titles, notes and tables' headers and notes as the report says them."""

    def said(table: Table) -> Table:
        return attrs.evolve(
            table,
            columns=tuple(attrs.evolve(c, header=words(c.header)) for c in table.columns),
            groups=tuple((a, b, words(text)) for a, b, text in table.groups),
            notes=tuple(words(n) for n in table.notes),
        )

    def note(text: str | None) -> str | None:
        return None if text is None else words(text)

    parts = tuple(attrs.evolve(p, title=words(p.title), table=said(p.table), note=note(p.note)) for p in appendix.parts)
    return Appendix(words(appendix.title), parts, note(appendix.note))


def _has_text(part) -> bool:
    """Does a template's header or footer hold anything (text, a field, a picture)?"""
    if part.is_linked_to_previous:
        return False
    found = part._element.xpath(".//w:fldSimple|.//w:instrText|.//w:drawing|.//w:pict")
    return bool(found) or any(p.text.strip() for p in part.paragraphs)


def _recommendations(report: Report) -> list[str]:
    """The workbook's own (Settings ``Recommendations``, one a line), or to note the position."""
    settings = report.quarter.settings
    own = [line.strip() for line in settings.recommendations.splitlines() if line.strip()]
    if own:
        return own
    what = "the forecast revenue position"
    if report.capital is not None:
        what += " and the capital position"
    of = f" of {settings.title}" if settings.title else ""
    when = f" at {settings.period}" if settings.period else ""
    return [f"Members are asked to note {what}{of}{when}, and the reasons for the variances set out in section 3."]


def _appendix(document, styles: Styles, title: str, appendix: Appendix) -> None:
    """An appendix on a new page: each of its tables in a section turned as it needs."""
    for i, part in enumerate(appendix.parts):
        orient(document, needs_landscape(part.table), new_page=i == 0)
        if i == 0:
            add_paragraph(document, plain(title), styles.heading(1))
            if appendix.note:
                add_paragraph(document, appendix.note, styles.note)
        if part.title:
            add_paragraph(document, plain(part.title), styles.heading(2))
        if part.note:
            add_paragraph(document, part.note, styles.note)
        add_table(document, part.table, styles, shade=part.shade)
    if not appendix.parts:
        orient(document, False, new_page=True)
        add_paragraph(document, plain(title), styles.heading(1))
        if appendix.note:
            for text in appendix.note.split("\n"):
                add_paragraph(document, text, styles.body)


def _appendices(report: Report, wording: Wording, max_rows: int) -> list[Appendix]:
    """The paper's appendices, in order: Table 1, Table 2, movement, management action,
    cash limits, savings, capital, indicators, performance, actions, methods."""
    out: list[Appendix] = []

    def one(title: str, table: Table, note: str | None, shade: bool = False) -> None:
        out.append(Appendix(title, (Part("", table, note, shade),)))

    one("Table 1: revenue position by budget line (£000)", *_revenue(report, max_rows))
    k = display(report.over_threshold.threshold)
    one(f"Table 2: revenue variances over £{k:,}k in size order (£000)", *_table2(report, max_rows), shade=True)
    if report.movement is not None:
        before = report.movement.previous.period or "the last report"
        table = movement_tables.moved_table(report.movement, report.rules.movement, "")
        one(f"Movement since the last report, {before} (£000)", *_first_rows(table, max_rows, "Movement"))
    if report.management is not None:
        table = management_tables.management_table(report.management, "")
        one("Management action (£000)", *_first_rows(table, max_rows, "Management action"))
    if report.cash_limits is not None:
        table, _ = schedules.cash_limit_table(report)
        one("Cash limit reconciliation (£000)", *summarised(table, max_rows, "Cash limits"))
    if report.savings is not None:
        table = schedules.savings_table(report)
        one("Savings built into the budget, by delivery status (£000)", *summarised(table, max_rows, "Savings"))
    if report.capital is not None:
        cap = report.capital
        parts: tuple[Part, ...] = (
            Part(
                f"Capital programme {cap.year} (£m)", *summarised(schedules.capital_table(report), max_rows, "Capital")
            ),
            Part(
                "Capital variances over the threshold (£m)",
                *summarised(schedules.capital_over_table(report), max_rows, "Capital"),
            ),
        )
        out.append(Appendix(f"Capital programme {cap.year}", parts))
    if report.indicators:
        shown, note = recent_indicators(report)
        groups = schedules.indicator_tables(attrs.evolve(report, indicators=shown))
        parts = tuple(
            Part(table.title, *summarised(table, max_rows, "Indicators")) for table in groups[:INDICATOR_TABLES]
        )
        if len(groups) > INDICATOR_TABLES:
            note = (note + " " if note else "") + (
                f"{len(groups) - INDICATOR_TABLES:,} more indicators are on the workbook's Indicators sheet."
            )
        if parts:
            out.append(Appendix("Key activity indicators", parts, note))
    if report.kpis:
        one("Performance against target", *_first_rows(performance.summary_table(report.kpis), max_rows))
    if report.actions is not None and report.actions.attention:
        table = performance.attention_table(report.actions)
        one("Action plan: red and amber actions", *_first_rows(table, max_rows))
    methods: tuple[str, ...] = (
        "Figures are in £000 (capital in £m) unless stated, each rounded once; totals are the sums of the rows shown.",
        (
            "A variance is the forecast minus the cash limit: "
            f"a positive variance is {_a(wording.pressure)}, a negative one {_a(wording.saving)}. "
            "Income is a credit: income above budget is a negative variance."
        ),
        (
            f"Table 2 lists each budget line's variances of £{k:,}k or more: each driver's effect and each "
            "explained item taken separately, gross and income apart; what no driver or item explains is shown "
            "as needing an explanation."
        ),
    )
    if report.effects:
        methods += (method_paragraph(report),)
    out.append(Appendix("How the figures are worked out", (), "\n".join(methods)))
    return out


def recent_indicators(report: Report) -> tuple[tuple, str | None]:
    """The indicators' periods in the report's financial year and the one before it (as the
    published report shows them), and a sentence saying earlier years were left out. All
    of them when the report's period cannot be placed."""
    from ..periods import fy_label, place

    inds = report.indicators or ()
    now = place(report.quarter.settings.period)
    if now is None:
        return tuple(inds), None
    first = now.financial_year - 1
    kept = []
    for i in inds:
        p = place(i.period)
        if p is None or p.financial_year >= first:
            kept.append(i)
    if len(kept) == len(inds):
        return tuple(inds), None
    return tuple(kept), (
        f"The periods of {fy_label(first)} and {fy_label(first + 1)} are shown; earlier years are on the workbook's "
        "Indicators sheet."
    )


def _first_rows(table: Table, max_rows: int, sheet: str = "Performance") -> tuple[Table, str | None]:
    """A table of rows that do not add up (KPIs, actions, what moved): the first ``max_rows``
    of them, with a sentence saying so when there are more."""
    if len(table.rows) > max_rows:
        note = f"The first {max_rows:,} of {len(table.rows):,} rows; all of them are on the workbook's {sheet} sheet."
        return attrs.evolve(table, rows=table.rows[:max_rows]), note
    return table, None


#: The most indicator tables the document shows.
INDICATOR_TABLES = 12


def _a(word: str) -> str:
    return ("an " if word[:1] in "aeiou" else "a ") + word


def _keep_figures_together(text: str) -> str:
    """``+£7,923k`` is not broken after its sign at the end of a line (a word joiner)."""
    return text.replace("+£", "+\u2060£").replace("-£", "-\u2060£")


def _revenue(report: Report, max_rows: int) -> tuple[Table, str | None]:
    if len(report.lines) > max_rows:
        return summarised_revenue(report, max_rows)
    table = tables.revenue_table(report, "")
    if len(table.rows) > max_rows:
        return summarised_revenue(report, max_rows)
    return table, None


def _table2(report: Report, max_rows: int) -> tuple[Table, str | None]:
    ot = report.over_threshold
    if max(len(ot.pressures), len(ot.underspends)) > max_rows:
        return summarised_table2(report, max_rows)
    return tables.table2(report, ""), None
