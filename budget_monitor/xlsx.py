"""Workbook file -> grids, read in bulk with python-calamine.

This is the only module that opens input workbooks. ``load_grids`` first asks
``package.inspect`` what the file is (refusing what is not a workbook, zip bombs and
unsafe XML before any parser runs), then scans an ``.xlsx``/``.xlsm`` package's
structure (``package.scan``: hidden sheets and rows, merged ranges, formulas with no
saved result, error cells), then reads every sheet's values at once with calamine,
which also converts ``.xls``, ``.xlsb`` and ``.ods``. There are no per-cell calls into
a library, and every failure comes back as a ``Problem``, never as an exception.

Problem codes, besides those of ``package``: ``unreadable`` (calamine cannot read
the file), ``password-protected`` (calamine found an encrypted ``.xls``),
``unreadable-sheet`` (one sheet cannot be read; the others are), ``unscanned-sheet``
(a warning: calamine lists a sheet the structure scan did not find).
"""

from __future__ import annotations

from pathlib import Path

from . import package
from .grid import Grid
from .model import Problem, Where, error, has_errors, warning
from .rules import Limits

#: Sheet types calamine lists that hold no cells.
_NOT_WORKSHEETS = ("ChartSheet", "DialogSheet", "MacroSheet", "Vba")


def _short(exc: BaseException) -> str:
    text = " ".join(str(exc).split()) or type(exc).__name__
    return text if len(text) <= 200 else text[:197] + "..."


def _is_fatal(exc: BaseException) -> bool:
    """Exceptions that must not be turned into problems (the user pressed Ctrl-C)."""
    return isinstance(exc, (KeyboardInterrupt, SystemExit, GeneratorExit))


def load_grids(path: Path | str, limits: Limits | None = None) -> tuple[list[Grid] | None, list[Problem]]:
    """Every worksheet of the workbook at ``path`` as a grid, in workbook order, with
    the facts its structure tells; or None and the reason it cannot be read.

    ``limits`` are the package size limits (``Rules.limits``); the defaults apply when
    it is None.
    """
    path = Path(path)
    limits = limits or Limits()
    kind, problems = package.inspect(path, limits)
    if has_errors(problems) or kind not in package.READABLE:
        return None, problems

    facts: package.PackageFacts | None = None
    if kind in package.SCANNABLE:
        facts, more = package.scan(path, limits)
        problems.extend(more)
        if facts is None:
            return None, problems

    grids, more = _read_values(path, facts)
    problems.extend(more)
    return grids, problems


def _unreadable(exc: BaseException) -> Problem:
    import python_calamine

    if isinstance(exc, python_calamine.PasswordError):
        return error("password-protected", f"the workbook is {package._PASSWORD}")
    return error("unreadable", f"the file cannot be read as a workbook ({_short(exc)}); {package._SAVE_AS} again")


def _read_values(path: Path, facts: package.PackageFacts | None) -> tuple[list[Grid] | None, list[Problem]]:
    """The values of every worksheet, read with calamine. Only the calls into calamine
    are guarded: it raises its own error types, and a panic in its Rust code arrives
    as a ``BaseException``."""
    import python_calamine

    grids: list[Grid] = []
    problems: list[Problem] = []
    try:
        fh = path.open("rb")
    except OSError as exc:
        return None, [error("cannot-open", f"the file cannot be opened ({exc.strerror or exc})")]
    with fh:
        try:
            # from_filelike tells the format by content, not by the file's extension.
            book = python_calamine.CalamineWorkbook.from_filelike(fh)
            metadata = list(book.sheets_metadata)
        except BaseException as exc:
            if _is_fatal(exc):
                raise
            return None, [_unreadable(exc)]
        with book:
            for meta in metadata:
                name = meta.name
                if str(meta.typ).rsplit(".", 1)[-1] in _NOT_WORKSHEETS:
                    continue
                sheet_facts = facts.sheet(name) if facts is not None else None
                if facts is not None and sheet_facts is None:
                    # calamine lists a sheet the package scan did not find: read it, unchecked.
                    problems.append(
                        warning(
                            "unscanned-sheet",
                            "the sheet's hidden rows, formulas and error cells could not be checked",
                            Where(name),
                        )
                    )
                try:
                    sheet = book.get_sheet_by_name(name)
                    rows = sheet.to_python()
                    start = sheet.start or (0, 0)
                    merged_ranges = sheet.merged_cell_ranges if sheet_facts is None else None
                except BaseException as exc:
                    if _is_fatal(exc):
                        raise
                    problems.append(error("unreadable-sheet", f"the sheet cannot be read ({_short(exc)})", Where(name)))
                    continue
                if sheet_facts is not None:
                    grid = Grid(
                        name,
                        rows,
                        first_row=start[0] + 1,
                        first_col=start[1],
                        hidden=sheet_facts.hidden,
                        hidden_rows=sheet_facts.hidden_rows,
                        merged=sheet_facts.merged,
                        uncached_formulas=sheet_facts.uncached_formulas,
                        errors=dict(sheet_facts.errors),
                    )
                else:
                    grid = Grid(
                        name,
                        rows,
                        first_row=start[0] + 1,
                        first_col=start[1],
                        hidden=str(meta.visible).rsplit(".", 1)[-1] != "Visible",
                        merged=_merged_refs(merged_ranges),
                    )
                grids.append(grid)
    return grids, problems


def _merged_refs(ranges: object) -> tuple[str, ...]:
    """calamine's ``[((row, col), (row, col))]`` (0-based) -> ``("B1:C2",)``."""
    from .model import column_letter

    out = []
    for item in ranges or ():
        try:
            (r1, c1), (r2, c2) = item  # type: ignore[misc]
            out.append(f"{column_letter(c1)}{r1 + 1}:{column_letter(c2)}{r2 + 1}")
        except (TypeError, ValueError):
            continue
    return tuple(out)
