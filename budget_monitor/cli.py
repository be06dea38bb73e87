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
    docx_path: Path | None = typer.Option(
        None, "--docx", help="Also write a Word document for the committee here (.docx): the narrative and the tables."
    ),
) -> None:
    """Write the monitoring report for a quarterly workbook.

    Example: budget-monitor report q3.xlsx -o q3-report.xlsx --json q3-report.json --docx q3-report.docx
    """
    from . import files
    from .model import counted
    from .write import background, write_report
    from .write.json_out import write_json_file

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

    progress = Progress(2 + len(SHEETS) + (json_path is not None) + (docx_path is not None))
    result = _read(workbook, rule_set, progress)
    json_job = None
    try:
        if json_path is not None:
            # Where it can, a child process writes the JSON while this one writes the
            # workbook; either way it is streamed into a temporary file, never held whole.
            json_job = background.start(lambda tmp: write_json_file(result, tmp), json_path)
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
    except OSError as exc:  # disk full, a file locked by another program...
        progress.close()
        _say(f"{exc.filename or out}: cannot write ({exc.strerror or exc})")
        raise typer.Exit(EXIT_USAGE) from None
    finally:
        if json_job is not None:
            json_job.cancel()  # stops it if the workbook failed; removes what is left
    progress.close()
    warnings = [p for p in result.problems if p.level == "warning"]
    _show(str(workbook), warnings[:MAX_WARNINGS_SHOWN])
    if len(warnings) > MAX_WARNINGS_SHOWN:
        _say(
            f"{workbook}: ... and {counted(len(warnings) - MAX_WARNINGS_SHOWN, 'more warning')}: "
            "every one is on the report's Checks sheet"
        )
    ot = result.over_threshold
    typer.echo(
        f"{out}: {counted(len(result.lines), 'budget line')}; {counted(len(ot.pressures), 'pressure')} and "
        f"{counted(len(ot.underspends), 'underspend')} over the threshold; {counted(len(warnings), 'warning')}"
        + (f"; JSON in {json_path}" if json_path is not None else "")
        + (f"; Word document in {docx_path}" if docx_path is not None else "")
    )


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
