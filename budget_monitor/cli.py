"""The ``budget-monitor`` command: parse, call one library function, print, exit.

Exit status: 0 done (warnings are printed), 1 the input has errors (each printed as
``IN.xlsx: Sheet!Cell: message``; nothing is written), 2 a usage error, 3 an internal
error (a short message says where the details were written).

Heavy modules are imported inside the commands so that ``--help`` stays quick.

It must not compute, check or format figures itself: that is the library's job.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING

import typer

if TYPE_CHECKING:  # imported where used, to keep --help quick
    from collections.abc import Sequence

    from .model import Problem

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
    help="Budget monitoring: a quarterly workbook in, a monitoring report workbook (and JSON) out.\n\n"
    "Example: budget-monitor report workbooks/kcc-scs-2011-12-q3.xlsx",
)

EXIT_OK, EXIT_INPUT, EXIT_USAGE, EXIT_BUG = 0, 1, 2, 3
#: The report command prints this many warnings at most (all are in the Checks sheet).
MAX_WARNINGS_SHOWN = 50


def _say(text: str) -> None:
    typer.echo(text, err=True)


def _show(label: str, problems) -> None:
    for p in problems:
        place = str(p.where)
        prefix = f"{label}: {place}: " if place else f"{label}: "
        tag = "" if p.level == "error" else "warning: "
        _say(f"{prefix}{tag}{p.message}")


def _usage(message: str) -> typer.Exit:
    _say(f"budget-monitor: {message}")
    return typer.Exit(EXIT_USAGE)


def _load_rules(rules: Path | None):
    from .rules import RulesError, load_rules

    try:
        return load_rules(rules)
    except RulesError as exc:
        raise _usage(str(exc)) from None


def _read(path: Path, rules, progress=None):
    """Read and analyse; print every problem; exit 1 when any is an error."""
    import gc

    # A run makes millions of small objects and no reference cycles worth collecting:
    # the cyclic collector would only walk them again and again.
    gc.disable()
    from .engine import analyse
    from .model import has_errors
    from .read import read_workbook

    if progress is not None:
        progress.step("reading the workbook")
    quarter, problems = read_workbook(path, rules.limits)
    if quarter is None:
        _show(str(path), problems)
        _count(problems)
        raise typer.Exit(EXIT_INPUT)
    # The engine runs even when some cells were unreadable, so that every problem it
    # finds (references to lines that do not exist...) is reported in the same run.
    if progress is not None:
        progress.step("analysing")
    report = analyse(quarter, rules, problems)
    if progress is not None and has_errors(report.problems):
        progress.close()
    if has_errors(report.problems):
        shown: Sequence[Problem] = report.problems
        if has_errors(problems):
            # Cells that could not be read count as zero in the engine: its warnings
            # (unexplained variances...) would mislead, so only its errors are shown.
            found = report.problems[len(problems) :]
            shown = list(problems) + [p for p in found if p.level == "error"]
        _show(str(path), shown)
        _count(shown)
        raise typer.Exit(EXIT_INPUT)
    return report


def _count(problems) -> None:
    from .model import counted

    errors = sum(1 for p in problems if p.level == "error")
    warnings = len(problems) - errors
    _say(f"{counted(errors, 'error')}, {counted(warnings, 'warning')}")


@app.command()
def report(
    workbook: Path = typer.Argument(..., help="The quarterly workbook (.xlsx or .xlsm)."),
    output: Path | None = typer.Option(
        None, "-o", "--output", help="Where to write the report workbook [default: next to the input, with -report]."
    ),
    json_path: Path | None = typer.Option(None, "--json", help="Also write the results as JSON here."),
    rules: Path | None = typer.Option(
        None, "--rules", help="A rules file (TOML) with thresholds [default: built in, as rules/default.toml]."
    ),
    history: Path | None = typer.Option(
        None,
        "--history",
        help="The history store (SQLite) to record the report in [default: budget-monitor.sqlite beside the report].",
    ),
    no_history: bool = typer.Option(False, "--no-history", help="Record nothing and read no history."),
    previous: Path | None = typer.Option(
        None,
        "--previous",
        help="The previous report to measure movement from: a quarterly workbook or a JSON report written by "
        "--json [default: the latest earlier period in the history].",
    ),
    docx_path: Path | None = typer.Option(
        None, "--docx", help="Also write a Word document for the committee here (.docx): the narrative and the tables."
    ),
) -> None:
    """Write the monitoring report for a quarterly workbook, and record it in the history.

    Example: budget-monitor report q3.xlsx -o q3-report.xlsx --json q3-report.json --docx q3-report.docx
    """
    from . import files
    from .model import counted

    rule_set = _load_rules(rules)
    out = output if output is not None else workbook.with_name(f"{workbook.stem}-report.xlsx")
    if out.suffix.lower() != ".xlsx":
        raise _usage(f"{out}: the report is an Excel workbook; give an output name ending in .xlsx")
    if docx_path is not None and docx_path.suffix.lower() != ".docx":
        raise _usage(f"{docx_path}: the committee paper is a Word document; give a name ending in .docx")
    targets = [out] + [p for p in (json_path, docx_path) if p is not None]
    if json_path is not None and files.same_file(out, json_path):
        raise _usage(f"{json_path}: the JSON and the workbook cannot be the same file")
    if docx_path is not None and any(files.same_file(docx_path, p) for p in (out, json_path) if p is not None):
        raise _usage(f"{docx_path}: the Word document cannot be the same file as another output")
    for target in targets:
        problems = files.check_output(workbook, target)
        if problems:
            _show(str(target), problems)
            raise typer.Exit(EXIT_USAGE)
    from .progress import Progress
    from .write import SHEETS

    if history is not None and no_history:
        raise _usage("--history and --no-history cannot be used together")
    store_path = None if no_history else (history if history is not None else out.parent / "budget-monitor.sqlite")
    if previous is not None and not previous.is_file():
        raise _usage(f"{previous}: the previous report does not exist")
    # An existing store is opened (and checked) before anything else is done; a new one
    # is made only to record the report, once its files are written.
    store = None
    if store_path is not None:
        if store_path.exists():
            store = _open_store(store_path)
        elif not store_path.parent.is_dir():
            raise _usage(f"{store_path}: the folder {store_path.parent} does not exist")
    progress = Progress(2 + len(SHEETS) + (json_path is not None) + (docx_path is not None))
    try:
        result = _read(workbook, rule_set, progress)
        result, period = _with_series(result, workbook, store, store_path is not None, previous, rule_set, progress)
        if store is not None:
            store.close()  # before any process is forked: a connection must not cross a fork
            store = None
        recorded = None
        from .series import record, start_recording
        from .store import StoreError

        # Where it can, a child process records the report while this one writes its files,
        # and commits only once they are written; otherwise it is recorded after them.
        recording = _write_outputs(
            result, workbook, out, json_path, docx_path, progress,
            (lambda: start_recording(store_path, result, period, workbook)) if store_path and period else None,
        )  # fmt: skip
        if store_path is not None and period is not None:
            try:
                if recording is not None:
                    recorded = recording.finish()
                else:
                    store = _open_store(store_path)
                    recorded = record(store, result, period, workbook)
            except StoreError as exc:
                progress.close()
                _say(f"budget-monitor: {exc}")
                _say("the report was written but not recorded in the history")
                raise typer.Exit(EXIT_USAGE) from None
    finally:
        if store is not None:
            store.close()
    progress.close()
    warnings = [p for p in result.problems if p.level == "warning"]
    _show(str(workbook), warnings[:MAX_WARNINGS_SHOWN])
    if len(warnings) > MAX_WARNINGS_SHOWN:
        _say(
            f"{workbook}: ... and {counted(len(warnings) - MAX_WARNINGS_SHOWN, 'more warning')}: "
            "every one is on the report's Checks sheet"
        )
    ot = result.over_threshold
    if result.previous is not None:
        prev = result.previous
        _say(
            f"movement since {prev.period or 'the previous report'} ({'history' if prev.source == 'history' else prev.name})"
        )
    elif store_path is not None or previous is not None:
        _say("no previous report: the report has no movement")
    typer.echo(
        f"{out}: {counted(len(result.lines), 'budget line')}; {counted(len(ot.pressures), 'pressure')} and "
        f"{counted(len(ot.underspends), 'underspend')} over the threshold; {counted(len(warnings), 'warning')}"
        + (f"; JSON in {json_path}" if json_path is not None else "")
        + (f"; Word document in {docx_path}" if docx_path is not None else "")
        + (
            f"; recorded in {store_path} as {recorded.period} version {recorded.version}"
            if recorded is not None
            else ""
        )
    )


def _open_store(path: Path):
    from .store import StoreError, open_store

    try:
        return open_store(path)
    except StoreError as exc:
        raise _usage(str(exc)) from None


def _with_series(result, workbook: Path, store, use_history: bool, previous: Path | None, rules, progress):
    """The report with its previous report, movement and trend; its period placed in time
    (None when nothing needs it). Exits 1 on a period that cannot be placed, or a previous
    report that cannot be read."""
    from .series import find_previous, report_period, trend_points, with_series

    if not use_history and previous is None:
        return result, None
    period, problems = report_period(result)
    if not result.quarter.settings.period.strip():
        # No period: nothing can be recorded or looked up by it; --previous still works.
        period, problems = None, []
        if use_history:
            _say(f"{workbook}: Settings has no Period, so the report is not recorded in the history")
    if problems:
        progress.close()
        _show(str(workbook), problems)
        _count(problems)
        raise typer.Exit(EXIT_INPUT)
    from .store import StoreError

    try:
        found, problems = find_previous(result, period, store, previous, rules)
        if problems:
            progress.close()
            _show(str(previous), problems)
            _count(problems)
            raise typer.Exit(EXIT_INPUT)
        points = trend_points(result, period, store, found)
    except StoreError as exc:
        progress.close()
        raise _usage(str(exc)) from None
    return with_series(result, found, points), period


def _write_outputs(
    result, workbook: Path, out: Path, json_path: Path | None, docx_path: Path | None, progress, start_recording=None
):
    """Write the report's files; ``start_recording``, when given, starts recording the report
    beside them (its ``Recording`` is returned, or None), cancelled if a file fails."""
    from . import files
    from .write import background, write_report
    from .write.json_out import write_json_file

    json_job = None
    recording = None
    written = False
    try:
        if json_path is not None:
            # Where it can, a child process writes the JSON while this one writes the
            # workbook; either way it is streamed into a temporary file, never held whole.
            json_job = background.start(lambda tmp: write_json_file(result, tmp), json_path)
        if start_recording is not None:
            recording = start_recording()  # after the JSON's child, which must not hold its pipe
        files.atomic_write(
            out, lambda tmp: write_report(result, tmp, progress=lambda name: progress.step(f"writing {name}"))
        )
        if docx_path is not None:
            from .write.docx import write_docx

            progress.step("writing the Word document")
            files.atomic_write(docx_path, lambda tmp: write_docx(result, tmp))
        if json_path is not None:
            progress.step("writing the JSON")
            if json_job is not None:
                files.atomic_write(json_path, json_job.finish)
            else:
                files.atomic_write(json_path, lambda tmp: write_json_file(result, tmp))
        written = True
    except OSError as exc:  # disk full, a file locked by another program...
        progress.close()
        _say(f"{exc.filename or out}: cannot write ({exc.strerror or exc})")
        raise typer.Exit(EXIT_USAGE) from None
    finally:
        if json_job is not None:
            json_job.cancel()  # stops it if the workbook failed; removes what is left
        if recording is not None and not written:
            recording.cancel()  # a file failed: nothing is recorded
    return recording


@app.command()
def check(
    workbook: Path = typer.Argument(..., help="The quarterly workbook to check."),
    rules: Path | None = typer.Option(None, "--rules", help="A rules file (TOML)."),
) -> None:
    """Read and validate a quarterly workbook without writing anything.

    Prints every problem with its sheet and cell; exit 0 when there are no errors.

    Example: budget-monitor check q3.xlsx
    """
    rule_set = _load_rules(rules)
    result = _read(workbook, rule_set)
    _show(str(workbook), result.problems)
    _count(result.problems)
    typer.echo(f"{workbook}: no errors")


@app.command()
def template(
    output: Path = typer.Argument(..., help="Where to write the blank quarterly workbook (.xlsx)."),
    force: bool = typer.Option(False, "--force", help="Replace the file if it exists."),
) -> None:
    """Write a blank quarterly workbook with every sheet and column, drop-downs and notes.

    Example: budget-monitor template q4.xlsx
    """
    from .inputs.template import write_template

    if output.suffix.lower() != ".xlsx":
        raise _usage(f"{output}: give a name ending in .xlsx")
    try:
        write_template(output, overwrite=force)
    except FileExistsError:
        raise _usage(f"{output}: already exists; choose another name or pass --force") from None
    except OSError as exc:
        raise _usage(f"{output}: cannot write ({exc.strerror or exc})") from None
    typer.echo(f"{output}: blank quarterly workbook written")


history_app = typer.Typer(
    add_completion=False,
    invoke_without_command=True,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
    help="List, show or forget the reports recorded in the history store.\n\n"
    "Example: budget-monitor history --history workbooks/budget-monitor.sqlite",
)
app.add_typer(history_app, name="history")

_HISTORY_HELP = "The history store [default: budget-monitor.sqlite in this folder]."


def _existing_store(path: Path | None):
    from .store import StoreError, open_store

    path = path if path is not None else Path("budget-monitor.sqlite")
    try:
        return open_store(path, create=False)
    except StoreError as exc:
        raise _usage(str(exc)) from None


def _signed(amount) -> str:
    from .money import display

    shown = display(amount)
    return f"+{shown:,}" if shown > 0 else f"{shown:,}"


def _period_arg(text: str):
    from .periods import PeriodError, parse_period

    try:
        return parse_period(text)
    except PeriodError as exc:
        raise _usage(str(exc)) from None


def _one_organisation(store, organisation: str | None, period) -> str:
    orgs = sorted({r.organisation for r in store.reports(organisation, period)})
    if not orgs:
        raise _usage(f"{store.path}: {period.key} is not recorded" + (f" for {organisation}" if organisation else ""))
    if len(orgs) > 1:
        raise _usage(
            f"{period.key} is recorded for {len(orgs)} organisations ({'; '.join(orgs)}); name one with --organisation"
        )
    return orgs[0]


@history_app.callback()
def history(
    ctx: typer.Context,
    store_path: Path | None = typer.Option(None, "--history", help=_HISTORY_HELP),
) -> None:
    """List what the history store holds: organisation, period, version, when, the input
    file's name and SHA-256, and the net variance (£000); * marks the version that counts.

    Example: budget-monitor history --history reports/budget-monitor.sqlite
    """
    if ctx.invoked_subcommand is not None:
        return
    from .model import counted

    store = _existing_store(store_path)
    try:
        rows = store.reports()
    finally:
        store.close()
    if not rows:
        typer.echo(f"{store.path}: nothing recorded yet")
        return
    typer.echo("organisation | period | version | recorded at (UTC) | input | SHA-256 | net variance £000")
    for r in rows:
        typer.echo(
            f"{r.organisation} | {r.period_text} | {r.version}{'*' if r.latest else ''} | {r.recorded_at} | "
            f"{r.input_name} | {r.input_sha256[:12]} | {_signed(r.variance.net)}"
        )
    n = len(rows)
    typer.echo(f"{counted(n, 'report')} recorded in {store.path}")


@history_app.command("show")
def history_show(
    period: str = typer.Argument(..., help="The period, e.g. '2011-12 Q3' or 'Dec 11'."),
    store_path: Path | None = typer.Option(None, "--history", help=_HISTORY_HELP),
    organisation: str | None = typer.Option(None, "--organisation", help="Whose period, when the store holds several."),
) -> None:
    """Print one recorded report (its latest version): its variance by portfolio and by line.

    Example: budget-monitor history show "2011-12 Q3" --history reports/budget-monitor.sqlite
    """
    from .engine.movement import portfolio_totals

    when = _period_arg(period)
    store = _existing_store(store_path)
    try:
        org = _one_organisation(store, organisation, when)
        latest = [r for r in store.reports(org, when) if r.latest][0]
        prev = store.previous_report(latest)
    finally:
        store.close()
    typer.echo(f"{org} - {latest.period_text} - version {latest.version}, recorded {latest.recorded_at}")
    typer.echo(f"input: {latest.input_name} (SHA-256 {latest.input_sha256})")
    v = latest.variance
    typer.echo(f"net variance {_signed(v.net)} (gross {_signed(v.gross)}, income {_signed(v.income)}) £000")
    from .engine.movement import LineMovement

    lines = [
        LineMovement(bl.portfolio, bl.section, bl.line, "same", bl.variance, bl.variance, bl.variance, bl.variance)
        for bl in prev.lines
    ]
    for portfolio, (_, total) in portfolio_totals(lines).items():
        typer.echo(f"{portfolio}: {_signed(total.net)}")
        for bl in prev.lines:
            if bl.portfolio == portfolio:
                typer.echo(f"  {bl.line}: {_signed(bl.variance.net)}")


@history_app.command("forget")
def history_forget(
    period: str = typer.Argument(..., help="The period to remove, every version of it."),
    store_path: Path | None = typer.Option(None, "--history", help=_HISTORY_HELP),
    organisation: str | None = typer.Option(None, "--organisation", help="Whose period, when the store holds several."),
    yes: bool = typer.Option(False, "--yes", help="Do not ask first."),
) -> None:
    """Remove a period (every version of it) from the history store.

    Example: budget-monitor history forget "2011-12 Q2" --yes
    """
    from .model import counted

    when = _period_arg(period)
    store = _existing_store(store_path)
    try:
        org = _one_organisation(store, organisation, when)
        n = len(store.reports(org, when))
        if not yes and not typer.confirm(
            f"Remove {org} {when.key} ({counted(n, 'version')}) from {store.path}?", err=True
        ):
            _say("nothing removed")
            raise typer.Exit(EXIT_USAGE)
        from .store import StoreError

        try:
            removed = store.forget(org, when)
        except StoreError as exc:
            raise _usage(str(exc)) from None
    finally:
        store.close()
    typer.echo(f"{store.path}: removed {org} {when.key} ({counted(removed, 'version')})")


def main() -> None:
    """Entry point: run the app; turn any unexpected error into a short message and a log file."""
    try:
        app()
    except SystemExit:
        raise
    except KeyboardInterrupt:
        _say("budget-monitor: interrupted")
        sys.exit(130)
    except Exception:  # noqa: BLE001 -- a bug: never show a traceback, say where the details are
        import tempfile
        import traceback

        with tempfile.NamedTemporaryFile("w", prefix="budget-monitor-", suffix=".log", delete=False) as fh:
            traceback.print_exc(file=fh)
        _say(f"budget-monitor: internal error; the details were written to {fh.name}")
        sys.exit(EXIT_BUG)


if __name__ == "__main__":
    main()
