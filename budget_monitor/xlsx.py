"""Workbook file -> grids, read in bulk with python-calamine.

This is the only module that opens input workbooks. It reads every sheet's values
at once (no per-cell calls into a library) and returns problems instead of raising.
"""

from __future__ import annotations

from pathlib import Path

from .grid import Grid
from .model import Problem, Where, error


def _cell_value(value: object) -> object:
    return None if value == "" else value


def load_grids(path: Path, limits=None) -> tuple[list[Grid] | None, list[Problem]]:
    """Every sheet of the workbook at ``path`` as a grid, or None and the reason."""
    import python_calamine

    where = Where("")
    if not path.exists():
        return None, [error("no-file", "no such file", where)]
    if path.is_dir():
        return None, [error("not-a-file", "this is a folder, not a workbook", where)]
    try:
        book = python_calamine.CalamineWorkbook.from_path(str(path))
    except Exception as exc:  # calamine raises its own error types for any unreadable file
        return None, [error("unreadable", f"cannot be read as a workbook ({exc}); re-save it as .xlsx", where)]
    grids: list[Grid] = []
    problems: list[Problem] = []
    try:
        hidden = {meta.name: str(meta.visible) != "SheetVisibleEnum.Visible" for meta in book.sheets_metadata}
        for name in book.sheet_names:
            try:
                sheet = book.get_sheet_by_name(name)
                rows = sheet.to_python()
            except Exception as exc:
                problems.append(error("unreadable-sheet", f"the sheet cannot be read ({exc})", Where(name)))
                continue
            start = sheet.start or (0, 0)
            grids.append(
                Grid(
                    name,
                    rows,
                    first_row=start[0] + 1,
                    first_col=start[1],
                    hidden=hidden.get(name, False),
                )
            )
    finally:
        book.close()
    return grids, problems
