"""The page's HTML: the form, the problems, and a report's summary, Table 2 and charts,
and the movement since the previous report.

Everything from a workbook (names, labels, messages) is escaped here, once, as it goes
into the page. Figures are the library's JSON report, shown through ``money.display``,
and the movement as the library lays it out for a reader (``api.movement_view``).

What this module must not do: read requests or files, or compute a figure that the
report does not hold.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from decimal import Decimal
from html import escape
from typing import Any

from ..money import display
from ..report.phrases import money_text
from . import charts
from .jobs import OUTPUTS

SERVICE = "Budget monitoring"
KEPT = (
    " Each report's figures are also recorded in this server's history store, so that the next"
    " report can show the movement since it."
)


HISTORY_HINT = " Without one, the latest earlier report recorded in this server's history is used."


def _k(value: Decimal | str) -> str:
    """A figure in £k as the report shows it: rounded half away from zero, signed."""
    shown = display(Decimal(value))
    return f"{shown:+,.0f}" if shown else "0"


def layout(title: str, body: str, *, status: str = "", history: bool = False, account: str = "") -> str:
    """A whole page; ``account`` is the header's line saying who is signed in (``auth.Gate.account``)."""
    if 'class="error-summary"' in body and not title.startswith("Error: "):
        title = "Error: " + title  # the GOV.UK pattern: the page's title says there is a problem
    return f"""<!DOCTYPE html>
<html lang="en-GB">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{escape(title)} – {SERVICE}</title>
<link rel="stylesheet" href="/static/page.css">
<script src="/static/page.js" defer></script>
</head>
<body>
<a class="skip" href="#main">Skip to main content</a>
<header class="banner"><div class="width"><a class="service" href="/">{SERVICE}</a>
<span class="tag">Quarterly report from a workbook</span>{account}</div></header>
<div class="width">
<main id="main" tabindex="-1"{' data-status="' + escape(status) + '"' if status else ""}>
{body}
</main>
</div>
<footer class="foot"><div class="width">Files you upload are analysed on this server and deleted
after the answer; the reports are kept for a short while for you to download, then deleted.{KEPT if history else ""}</div></footer>
</body>
</html>
"""


def form(
    rules: Sequence[str],
    *,
    limit_mb: int,
    error: str = "",
    previous: bool = True,
    history: bool = False,
    csrf: str = "",
) -> str:
    """The upload form: it works as a plain HTML form; the page's script adds dropping a
    file on it and a progress bar. ``csrf`` is the session's token, sent back with the form."""
    options = ['<option value="">Built-in thresholds (£100k revenue, £250k capital)</option>']
    options += [f'<option value="{escape(r)}">{escape(r)}</option>' for r in rules]
    error_html = ""
    if error:
        error_html = (
            '<div class="error-summary" role="alert" tabindex="-1"><h2>There is a problem</h2>'
            f'<ul><li><a href="#workbook">{escape(error)}</a></li></ul></div>'
        )
    previous_html = (
        f"""<div class="field">
<label for="previous">Previous report (optional)</label>
<p class="hint" id="previous-hint">Last quarter's workbook or the JSON report made from it, to show
the movement since then.{HISTORY_HINT if history else ""}</p>
<input type="file" id="previous" name="previous" aria-describedby="previous-hint" accept=".xlsx,.xlsm,.ods,.json">
</div>"""
        if previous
        else ""
    )
    inline = (
        f'<p class="error-message" id="workbook-error"><span class="visually-hidden">Error:</span> {escape(error)}</p>'
        if error
        else ""
    )
    return f"""{error_html}
<h1>Make the monitoring report</h1>
<p class="lead">Choose the quarterly workbook (or drop it on the box). You get the variance report,
Table 2 and the charts, with the report workbook, the Word document and the JSON to download; or,
if the workbook has problems, each problem with its sheet and cell.</p>
<form id="upload" method="post" action="/report" enctype="multipart/form-data">
<input type="hidden" name="csrf" value="{escape(csrf)}">
<div class="field drop{" field-error" if error else ""}" id="drop">
<label for="workbook">Quarterly workbook</label>
<p class="hint" id="workbook-hint">An .xlsx, .xlsm or .ods file, up to {limit_mb} MB.</p>
{inline}<input type="file" id="workbook" name="workbook" required aria-describedby="workbook-hint{" workbook-error" if error else ""}"
 accept=".xlsx,.xlsm,.ods,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet">
</div>
{previous_html}
<div class="field">
<label for="rules">Thresholds</label>
<select id="rules" name="rules">{"".join(options)}</select>
</div>
<button type="submit" class="button">Make the report</button>
<div class="progress" id="progress" hidden><progress id="progress-bar" max="100" value="0"></progress>
<p id="progress-text" role="status" aria-live="polite"></p></div>
</form>
"""


def said(p: dict[str, str]) -> str:
    """A problem in the command line's words: ``FILE: Sheet!Cell: message``."""
    return f"{p['file']}: {p['place']}: {p['message']}" if p["place"] else f"{p['file']}: {p['message']}"


def problems_page(name: str, problems: Sequence[dict[str, str]], files: Sequence[str] = ()) -> str:
    """The problems found (``files``: the workbook's name, then the previous report's)."""
    errors = [p for p in problems if p["level"] == "error"]
    warnings = [p for p in problems if p["level"] != "error"]
    items = "".join(f'<li><a href="#p{i}">{words(said(p))}</a></li>' for i, p in enumerate(errors))
    named = [f for f in (files or [name]) if any(p["file"] == f for p in errors)] or [name]
    what = "The workbook has" if named == [name] else "The files have"
    rows = "".join(_problem_row(i, p) for i, p in enumerate(errors + warnings))
    count = f"{len(errors)} error{'' if len(errors) == 1 else 's'}"
    if warnings:
        count += f" and {len(warnings)} warning{'' if len(warnings) == 1 else 's'}"
    return f"""<div class="error-summary" role="alert" tabindex="-1" id="problems">
<h2>{what} {escape(count)}: no report was made</h2><ul>{items}</ul></div>
<h1>Problems in {escape(" and ".join(named))}</h1>
<p>Put each right in the file it names and upload again.</p>
<table class="table problems"><caption class="visually-hidden">Problems</caption>
<thead><tr><th scope="col">Level</th><th scope="col">File</th><th scope="col">Sheet</th><th scope="col">Cell</th>
<th scope="col">What was found</th></tr></thead><tbody>{rows}</tbody></table>
<p><a class="button secondary" href="/">Upload another workbook</a></p>
"""


def _problem_row(i: int, p: dict[str, str], prefix: str = "p") -> str:
    return (
        f'<tr id="{prefix}{i}" class="{escape(p["level"])}"><td>{escape(p["level"])}</td><td>{escape(p["file"])}</td>'
        f"<td>{escape(p['sheet'])}</td>"
        f"<td>{escape(p['cell'])}</td><td>{words(p['message'])}</td></tr>"
    )


def report_page(
    name: str,
    token: str,
    outputs: dict[str, str],
    text: str,
    problems: Sequence[dict[str, str]],
    *,
    movement: dict[str, Any] | None = None,
    history: dict[str, Any] | None = None,
    has_store: bool = False,
) -> str:
    """The answer for a workbook that made a report: from its JSON report ``text``, and
    the movement since the previous report as the library lays it out (``movement``: see
    ``api.movement_view``); ``history``: how it was recorded in the history store."""
    data: dict[str, Any] = json.loads(text, parse_float=Decimal)
    totals = data["totals"]
    title = data.get("title") or "Budget monitoring report"
    period = data.get("period") or ""
    organisation = data.get("organisation") or ""
    downloads = "".join(
        f'<li><a class="download" href="/download/{escape(token)}/{kind}" download="{escape(file)}">'
        f"{escape(OUTPUTS[kind][0])} <span>({escape(file)})</span></a></li>"
        for kind, file in sorted(outputs.items(), key=lambda kv: list(OUTPUTS).index(kv[0]))
    )
    warnings_html = (  # the same table as the problems page's, so that a warning reads like an error
        f'<details class="warnings"><summary>{len(problems)} warning{"" if len(problems) == 1 else "s"} '
        f'to look at</summary><table class="table problems"><caption class="visually-hidden">Warnings</caption>'
        f'<thead><tr><th scope="col">Level</th><th scope="col">File</th><th scope="col">Sheet</th>'
        f'<th scope="col">Cell</th><th scope="col">What was found</th></tr></thead><tbody>'
        f"{''.join(_problem_row(i, p, 'w') for i, p in enumerate(problems))}</tbody></table></details>"
        if problems
        else ""
    )
    return f"""<p class="caption">{escape(organisation)} · {escape(period)}</p>
<h1>{escape(title)}</h1>
<p class="from">From {escape(name)}</p>
<section aria-labelledby="downloads-h" class="downloads"><h2 id="downloads-h">Download</h2><ul>{downloads}</ul></section>
{_recorded(history)}{warnings_html}
<section aria-labelledby="summary-h"><h2 id="summary-h">Summary (£000)</h2>
{_summary(totals)}{_moved_sentence(movement, organisation, has_store)}</section>
{_movement(movement)}
{_accuracy(data.get("forecast_accuracy"))}
<section aria-labelledby="lines-h"><h2 id="lines-h">Largest net variances by budget line (£000)</h2>
{charts.bars("Net variance by budget line, £000", _by_line(data))}
</section>
<section aria-labelledby="t2-h"><h2 id="t2-h">Variances over {escape(_pounds_k(data["over_threshold"]["threshold"]))} in size order (£000)</h2>
{_table2(data["over_threshold"])}</section>
{_narrative(data)}
<p class="again"><a class="button secondary" href="/">Make another report</a></p>
"""


#: How many lines the page's accuracy table shows (those with the largest mean absolute error).
ACCURACY_LINES = 10


def _accuracy(fa: dict[str, Any] | None) -> str:
    """An outturn report's year: how far each period's forecast was from the outturn (a chart
    of the whole report's net error by period), and the portfolios' and the lines' with the
    largest mean absolute error (£000), from the JSON report's ``forecast_accuracy``."""
    if not fa:
        return ""
    total = fa["total"]
    errors = [(p["period"], display(Decimal(p["error"]["net"]))) for p in total["periods"]]
    chart = charts.bars(f"Net forecast error at each period against {fa['against']}, £000", errors) if errors else ""

    def row(name: str, x: dict[str, Any], cls: str = "") -> str:
        mae, bias = x["mean_absolute_error"], x["bias"]
        return (
            f'<tr class="{cls}"><td>{escape(name)}</td>'
            f'<td class="num" data-figure="mae">{_k(mae["net"]) if mae else ""}</td>'
            f'<td class="num">{_k(bias["net"]) if bias else ""}</td>'
            f"<td>{escape(x['first_within_tolerance'] or 'never')}</td></tr>"
        )

    rows = [row("Whole report", total, "total")]
    rows += [row(p["portfolio"], p) for p in fa["portfolios"]]
    rows += [row(ln["line"], ln) for ln in fa["lines"][:ACCURACY_LINES] if ln["mean_absolute_error"]]
    what = "the outturn" if fa["final"] else f"the latest period recorded ({fa['against']})"
    return (
        '<section aria-labelledby="acc-h" class="accuracy">'
        f'<h2 id="acc-h">How good the year\'s forecasts were (£000)</h2>'
        f"<p>Each period's forecast net variance against {escape(what)}: a positive error overstated it, a "
        f"negative one understated it. Within tolerance: within {escape(str(Decimal(fa['tolerance']) * 100))}% of "
        "the net cash limit from that period on.</p>"
        f"{chart}"
        '<table class="table accuracy"><thead><tr><th scope="col">Portfolio or budget line</th>'
        '<th scope="col" class="num">Mean absolute error</th><th scope="col" class="num">Bias (mean error)</th>'
        '<th scope="col">Within tolerance from</th></tr></thead><tbody>' + "".join(rows) + "</tbody></table></section>"
    )


def _by_line(data: dict[str, Any]) -> list[tuple[str, Decimal]]:
    """The largest net variances by line (at most 30), as shown in £000."""
    lines = [(ln["line"] or ln["section"], display(Decimal(ln["variance"]["net"]))) for ln in data["lines"]]
    lines = [x for x in lines if x[1]]
    return sorted(lines, key=lambda x: (-abs(x[1]), x[0]))[:30]


def words(text: str) -> str:
    """Text for the page, escaped, a figure's sign kept with it (``-£135k`` never breaks
    after the ``-``: a word joiner between them)."""
    return escape(text).replace("-£", "-\u2060£").replace("+£", "+\u2060£")


def _pounds_k(value: str) -> str:
    return money_text(display(Decimal(value)))


def _summary(totals: dict[str, Any]) -> str:
    rows = []
    for label, key in (("Cash limit", "cash_limit"), ("Forecast", "forecast"), ("Variance", "variance")):
        figures = totals[key]
        cells = "".join(
            f'<td class="num" data-figure="{key}-{side}">{_k(figures[side]) if key == "variance" else _plain(figures[side])}</td>'
            for side in ("gross", "income", "net")
        )
        rows.append(f'<tr><th scope="row">{label}</th>{cells}</tr>')
    return (
        '<table class="table summary"><thead><tr><td></td><th scope="col" class="num">Gross</th>'
        '<th scope="col" class="num">Income</th><th scope="col" class="num">Net</th></tr></thead>'
        f"<tbody>{''.join(rows)}</tbody></table>"
    )


def _plain(value: str) -> str:
    return f"{display(Decimal(value)):,.0f}"


def _unsaid(r: dict[str, Any]) -> bool:
    """Does a row need an explanation that its label does not already say?"""
    return bool(r.get("needs_explanation")) and "needs an explanation" not in str(r["label"])


def _table2(over: dict[str, Any]) -> str:
    shown = over["shown_in_thousands"]

    def side(rows: list[dict[str, Any]], total: str, heading: str, key: str) -> str:
        body = "".join(
            f"<tr{' class=need' if r.get('needs_explanation') else ''}><td>{escape(r['label'])}"
            f"{' <strong>(needs an explanation)</strong>' if _unsaid(r) else ''}</td>"
            f'<td class="num">{_k(r["amount"])}</td></tr>'
            for r in rows
        )
        if not rows:
            body = '<tr><td colspan="2">None</td></tr>'
        total_shown = Decimal(total)
        return (
            f'<table class="table t2"><caption>{heading}</caption><thead><tr><th scope="col">Budget line, driver and cause</th>'
            f'<th scope="col" class="num">£000</th></tr></thead><tbody>{body}</tbody><tfoot><tr><th scope="row">Total</th>'
            f'<td class="num" data-figure="{key}">{f"{total_shown:+,.0f}" if total_shown else "0"}</td></tr></tfoot></table>'
        )

    return (
        '<div class="side-by-side">'
        + side(over["pressures"], shown["total_pressures"], "Pressures (+)", "total-pressures")
        + side(over["underspends"], shown["total_underspends"], "Underspends (−)", "total-underspends")
        + "</div>"
    )


def _narrative(data: dict[str, Any]) -> str:
    sections = data.get("narrative") or []
    if not sections:
        return ""
    parts = ['<section aria-labelledby="narr-h" class="narrative"><h2 id="narr-h">Reasons for variance (draft)</h2>']
    for s in sections:
        parts.append(f"<h3>{words(s.get('heading', ''))}</h3>")
        parts.extend(f"<p>{words(p)}</p>" for p in s.get("paragraphs", []))
    parts.append("</section>")
    return "".join(parts)


def _recorded(history: dict[str, Any] | None) -> str:
    if history is None:
        return ""
    if history.get("recorded"):
        return (
            f'<p class="recorded" data-status="recorded">Recorded in the history as {escape(str(history["period"]))}, '
            f"version {escape(str(history['version']))}.</p>"
        )
    return (
        '<div class="error-summary" role="alert" tabindex="-1"><h2>The report was not recorded in the history</h2>'
        f"<p>{escape(str(history.get('message', '')))}. The report below and its downloads are complete.</p></div>"
    )


def _moved_sentence(movement: dict[str, Any] | None, organisation: str, has_store: bool) -> str:
    """The Summary's sentence about the movement, or one line saying there is no previous report."""
    if movement is not None:
        return f'<p class="moved" data-figure="moved">{words(movement["sentence"])}.</p>'
    if has_store:
        whose = f" of {organisation}" if organisation else ""
        why = f"the history holds no earlier report{whose} and none was uploaded"
    else:
        why = "upload last quarter's workbook or its JSON report with this one to see what has changed"
    return f'<p class="moved" data-figure="no-previous">No previous report, so no movement: {escape(why)}.</p>'


def _from(previous: dict[str, Any]) -> str:
    if previous["source"] == "history":
        when = str(previous.get("recorded_at") or "")[:16].replace("T", " ")
        version = previous.get("version")
        draft = ", a draft: no version of that period is approved" if previous.get("status") == "draft" else ""
        return f"the history (version {version}, recorded {when} UTC{draft})" if version and when else "the history"
    return str(previous.get("name") or "the uploaded file")


def _movement(view: dict[str, Any] | None) -> str:
    """The movement since the previous report: the bridge and what moved most."""
    if view is None:
        return ""
    previous = view["previous"]
    period = previous["period"] or "the last report"

    def rows(items: list[dict[str, Any]], heading: str, none: str) -> str:
        out = [f'<tr class="heading"><th scope="rowgroup" colspan="5">{escape(heading)}</th></tr>']
        if not items:
            out.append(f'<tr><td colspan="5">{escape(none)}</td></tr>')
        out += [
            f"<tr><td>{escape(r['label'])}</td><td>{escape(r['status'])}</td>"
            f'<td class="num">{_shown(r["previous"])}</td><td class="num">{_shown(r["now"])}</td>'
            f'<td class="num" data-figure="moved-by">{_shown(r["movement"])}</td></tr>'
            for r in items
        ]
        return "".join(out)

    table = (
        '<table class="table moved"><caption>Lines and components that moved by '
        f"{escape(view['threshold'])} or more, largest first (£000)</caption>"
        '<thead><tr><th scope="col">Budget line or component</th><th scope="col">Status</th>'
        f'<th scope="col" class="num">{escape(period)}</th><th scope="col" class="num">{escape(view["period"])}</th>'
        '<th scope="col" class="num">Movement</th></tr></thead><tbody>'
        + rows(view["lines"], "Budget lines (net variance)", "No budget line moved by as much.")
        + rows(view["components"], "Components (by driver, item and side)", "No component moved by as much.")
        + "</tbody></table>"
    )
    return (
        f'<section aria-labelledby="move-h" class="movement"><h2 id="move-h">Movement since {escape(period)} (£000)</h2>'
        f'<p class="from">The last report is {escape(period)}, from {escape(_from(previous))}.</p>'
        + charts.bridge(f"Net variance from {period} to {view['period']}, £000", view["bridge"])
        + table
        + "</section>"
    )


def _shown(value: Decimal) -> str:
    """A figure already shown in £000 (the library rounded it), signed."""
    return f"{value:+,.0f}" if value else "0"


def message_page(title: str, message: str, *, status: str = "") -> str:
    return layout(
        title,
        f'<div class="error-summary" role="alert" tabindex="-1"><h2>{escape(title)}</h2><p>{escape(message)}</p></div>'
        '<p><a class="button secondary" href="/">Back to the upload form</a></p>',
        status=status,
    )
