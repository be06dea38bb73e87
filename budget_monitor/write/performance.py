"""The Performance sheet: KPIs against target and the action plan, with a chart per KPI.

The summary of performance first (statuses in RAG fills, direction of travel as ↑ ↓ ↔),
then the action plan (counts by RAG, the red and amber actions), then each KPI's
periods with a native chart: the actual as columns, the target as a line. Stacked as the
other sheets of several tables are: many KPIs go on to ``Performance 2`` and so on.

Must not: compute a status (the engine has), or build tables (``report.performance``).
"""

from __future__ import annotations

from ..engine import Report
from ..report import performance as perf
from ..report.tables import Table
from .book import Book, chart_title, column_areas, part_name, series, spans
from .stack import ACTUAL, BUDGET, TITLE_ROWS, Part, data_row, place_of, ref, stack_pages, write_stack

CHART_ROWS = 18  # rows a KPI's part keeps for its chart
RAG_FILLS = {"Red": ("#FFC7CE", "#9C0006"), "Amber": ("#FFEB9C", "#9C5700"), "Green": ("#C6EFCE", "#006100")}
SUMMARY_HEADING = "Summary of performance against target"


def _parts(report: Report) -> list[tuple[Part, str, object]]:
    """Each part of the sheet, what it is (``summary``, ``counts``, ``actions``, ``kpi``)
    and, for a KPI, the KPI."""
    out: list[tuple[Part, str, object]] = []
    if report.kpis:
        out.append((Part(SUMMARY_HEADING, perf.summary_table(report.kpis)), "summary", None))
    if report.actions is not None:
        plan = report.actions
        out.append((Part("", perf.action_counts_table(plan)), "counts", None))
        if plan.attention:
            out.append((Part("", perf.attention_table(plan)), "actions", None))
    for k in report.kpis or ():
        table = perf.kpi_table(k)
        out.append((Part(table.title, table, CHART_ROWS), "kpi", k))
    return out


def colour_rag(book: Book, ws, first: int, last: int, col: int) -> None:
    """Fill the cells of ``col`` from ``first`` to ``last`` saying Red, Amber or Green in their colour."""
    for word, (fill, font) in RAG_FILLS.items():
        fmt = book.fmt(bg_color=fill, font_color=font)
        ws.conditional_format(
            first, col, last, col, {"type": "cell", "criteria": "==", "value": f'"{word}"', "format": fmt}
        )


def performance_sheet(book: Book, report: Report) -> None:
    """The Performance sheet(s); nothing when the workbook has neither KPIs nor actions."""
    parts = _parts(report)
    if not parts:
        return
    kinds = {id(part): (kind, k) for part, kind, k in parts}
    pages = write_stack(book, perf.PERFORMANCE, "Performance against target", [p for p, _, _ in parts])
    for page, ws, placed in pages:  # a table split over several sheets is too long for colours and a chart to help
        if ws is None:
            continue
        for p in placed:
            kind, k = kinds[id(p.part)]
            table = p.part.table
            first, last = p.data0, p.data0 + len(table.rows) - 1
            if last < first:
                continue
            if kind == "summary":
                for col in perf.STATUS_COLUMNS:
                    colour_rag(book, ws, first, last, col)
            elif kind in ("counts", "actions"):
                colour_rag(book, ws, first, last, 0 if kind == "counts" else len(table.columns) - 1)
            else:
                colour_rag(book, ws, first, last, len(table.columns) - 1)
                chart = kpi_chart(book, page.sheet, first, last, table, k.indicator)  # type: ignore[attr-defined]
                ws.insert_chart(p.first_row, len(table.columns) + 1, chart, {"x_offset": 10, "y_offset": 2})


def kpi_chart(book: Book, sheet: str, first: int, last: int, table: Table, name: str):
    """The KPI's actual by period as columns, its target as a line on the same axes
    (a change of target shows as a step in the line)."""
    columns = book.workbook.add_chart({"type": "column"})
    line = book.workbook.add_chart({"type": "line"})
    categories = [sheet, first, 0, last, 0]
    series(
        columns,
        "Actual",
        {
            "categories": categories,
            "values": [sheet, first, 1, last, 1],
            "fill": {"color": ACTUAL},
            "gap": 60,
        },
    )
    series(
        line,
        "Target",
        {
            "categories": categories,
            "values": [sheet, first, 2, last, 2],
            "line": {"color": BUDGET, "width": 2.25},
            "marker": {"type": "square", "size": 5, "fill": {"color": BUDGET}, "border": {"color": BUDGET}},
        },
    )
    columns.combine(line)
    places = table.columns[1].places
    fmt = "#,##0" + ("." + "0" * places if places else "")
    title = name if len(name) <= 100 else name[:99] + "…"
    chart_title(columns, title, 10)
    columns.set_y_axis({"num_format": fmt, "major_gridlines": {"visible": True, "line": {"color": "#D9D9D9"}}})
    columns.set_x_axis({"num_font": {"size": 10}})
    columns.set_legend({"position": "bottom"})
    columns.show_blanks_as("gap")
    columns.set_size({"width": 560, "height": 320})
    return columns


def status_areas(report: Report, max_rows: int) -> tuple[str, str]:
    """The cells of the summary's Status column (for the Summary sheet's COUNTIFs), and
    the sheet they start on."""
    table = perf.summary_table(report.kpis or ())
    col = perf.STATUS_COLUMNS[0]
    part = Part(SUMMARY_HEADING, table)
    pages = stack_pages(perf.PERFORMANCE, [part], max_rows)
    if pages[0].alone:
        alone = pages[0].table
        return column_areas(alone, 0, len(table.rows) - 1, col, max_rows), part_name(
            alone, 0, len(spans(alone, max_rows))
        )
    placed, _ = place_of(part, TITLE_ROWS)
    first = data_row(table, placed.first_row)
    start = ref(perf.PERFORMANCE, first, col)
    end = ref(perf.PERFORMANCE, first + len(table.rows) - 1, col).split("!")[1]
    return f"{start}:{end}", perf.PERFORMANCE


__all__ = ["performance_sheet", "status_areas"]
