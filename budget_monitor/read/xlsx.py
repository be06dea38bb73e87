"""Workbook file -> grids, read in bulk with python-calamine.

This is the only module that opens input workbooks. ``load_grids`` first asks
``inspect`` what the file is (refusing what is not a workbook, zip bombs and
unsafe XML before any parser runs), then scans an ``.xlsx``/``.xlsm`` package's
structure (``scan.scan``: hidden sheets and rows, merged ranges, formulas with no
saved result, error cells), then reads every sheet's values at once with calamine,
which also converts ``.xls``, ``.xlsb`` and ``.ods``. There are no per-cell calls into
a library, and every failure comes back as a ``Problem``, never as an exception.
``stream_grids`` does the same with the sheets read one after another in a thread of
their own, so that ``workbook.read_workbook`` parses each sheet while calamine reads the
next: calamine opens the package once every part but the worksheets is checked, and
reads each worksheet once the scan has checked that one, while the scan goes on to the next.

Problem codes, besides those of ``kind``, ``bombs`` and ``scan``: ``unreadable`` (calamine cannot read
the file), ``password-protected`` (calamine found an encrypted ``.xls``),
``unscanned-sheet`` (a warning: calamine lists a sheet the structure scan did not find).
A sheet calamine cannot read comes as an empty grid saying why (``Grid.unreadable``), so
that the reader reports it as there but unreadable, not as missing.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Generator, Iterable, Iterator
from pathlib import Path
from typing import Any, cast

from ..model import Problem, Where, error, has_errors, warning
from ..rules import Limits
from .bombs import SAVE_AS
from .grid import Grid
from .kind import PASSWORD, READABLE, SCANNABLE, inspect
from .scan import PackageFacts, SheetFacts, scan, scanning

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
    readable, facts, problems = _checked(path, limits)
    if not readable:
        return None, problems
    grids, more = _read_values(path, facts)
    problems.extend(more)
    return grids, problems


def _unreadable(exc: BaseException) -> Problem:
    import python_calamine

    if isinstance(exc, python_calamine.PasswordError):
        return error("password-protected", f"the workbook is {PASSWORD}")
    return error("unreadable", f"the file cannot be read as a workbook ({_short(exc)}); {SAVE_AS} again")


def _read_values(path: Path, facts: Facts | None) -> tuple[list[Grid] | None, list[Problem]]:
    """The values of every worksheet, read with calamine (see ``_read_sheets``)."""
    sheets = _read_sheets(path, facts)
    failed = next(sheets)
    if failed is not None:
        return None, failed
    grids: list[Grid] = []
    problems: list[Problem] = []
    for grid, problem in sheets:
        if problem is not None:
            problems.append(problem)
        if grid is not None:
            grids.append(grid)
    return grids, problems


# Any: it yields first None or a list of problems, then (grid, problem) pairs.
def _read_sheets(path: Path, facts: Facts | None) -> Generator[Any, None, None]:
    """The values of every worksheet, read with calamine, a sheet at a time: first None
    (or the problems that stop the workbook being read, and nothing more), then a
    (grid, problem) pair for each sheet in workbook order, either of them None. Only
    the calls into calamine are guarded: it raises its own error types, and a panic in
    its Rust code arrives as a ``BaseException``. A sheet is read only once ``facts``
    has it (``ScannedFacts.sheet`` waits for the scan) or the scan has ended without it;
    when the scan refuses the package, ``ScanStopped`` ends the reading there."""
    import python_calamine

    try:
        fh = path.open("rb")
    except OSError as exc:
        yield [error("cannot-open", f"the file cannot be opened ({exc.strerror or exc})")]
        return
    with fh:
        try:
            # from_filelike tells the format by content, not by the file's extension.
            book = python_calamine.CalamineWorkbook.from_filelike(fh)
            metadata = list(book.sheets_metadata)
        except BaseException as exc:
            if _is_fatal(exc):
                raise
            yield [_unreadable(exc)]
            return
        yield None
        with book:
            for meta in metadata:
                name = meta.name
                if str(meta.typ).rsplit(".", 1)[-1] in _NOT_WORKSHEETS:
                    continue
                sheet_facts = facts.sheet(name) if facts is not None else None
                if facts is not None and sheet_facts is None:
                    # calamine lists a sheet the package scan did not find: read it, unchecked.
                    yield (
                        None,
                        warning(
                            "unscanned-sheet",
                            "the sheet's hidden rows, formulas and error cells could not be checked",
                            Where(name),
                        ),
                    )
                try:
                    sheet = book.get_sheet_by_name(name)
                    # calamine's cell values (str, float, int, bool, dates, times) as the Grid's objects.
                    rows = cast(list[list[object]], sheet.to_python())
                    start = sheet.start or (0, 0)
                    merged_ranges = sheet.merged_cell_ranges if sheet_facts is None else None
                except BaseException as exc:
                    if _is_fatal(exc):
                        raise
                    # The sheet is there: ``parse_quarter`` says it cannot be read, and why.
                    yield Grid(name, [], unreadable=_short(exc)), None
                    continue
                if sheet_facts is not None:
                    grid = Grid(
                        name,
                        rows,
                        first_row=start[0] + 1,
                        first_col=start[1],
                        hidden=sheet_facts.hidden,
                        hidden_rows=sheet_facts.hidden_rows,
                        filtered_rows=sheet_facts.filtered_rows,
                        merged=sheet_facts.merged,
                        uncached_formulas=sheet_facts.uncached_formulas,
                        stale_formulas=sheet_facts.formulas - sheet_facts.uncached_formulas,
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
                yield grid, None


def _readable(path: Path, limits: Limits) -> tuple[str | None, list[Problem]]:
    """What ``kind.inspect`` says the file is, or None when it cannot be read (its
    problems say why)."""
    kind, problems = inspect(path, limits)
    if has_errors(problems) or kind not in READABLE:
        return None, problems
    return kind, problems


def _checked(path: Path, limits: Limits | None) -> tuple[bool, PackageFacts | None, list[Problem]]:
    """What ``kind`` and ``scan`` say of the file before any sheet is read: whether it can be
    read, its structure facts (for an .xlsx/.xlsm package; None otherwise) and the
    problems found."""
    limits = limits or Limits()
    kind, problems = _readable(path, limits)
    if kind is None:
        return False, None, problems
    facts: PackageFacts | None = None
    if kind in SCANNABLE:
        facts, more = scan(path, limits)
        problems.extend(more)
        if facts is None:
            return False, None, problems
    return True, facts, problems


def stream_grids(path: Path | str, limits: Limits | None = None) -> tuple[GridStream | None, list[Problem]]:
    """``load_grids``, with the grids read in a thread of their own while the caller
    works on those already read: a ``GridStream`` (None when the workbook cannot be
    read) and the problems found before reading any sheet.

    For an ``.xlsx``/``.xlsm`` package calamine opens it once every part but the
    worksheets has been checked, and reads each worksheet once the scan has checked that
    one (``ScannedFacts``), so that it parses a sheet while the next are scanned. A
    sheet the scan refuses is never read, and the answer is then the scan's problem
    alone, as if nothing had been read."""
    path = Path(path)
    limits = limits or Limits()
    kind, problems = _readable(path, limits)
    if kind is None:
        return None, problems
    if kind not in SCANNABLE:
        return _started(GridStream(path, None), problems)
    steps = scanning(path, limits)
    facts: ScannedFacts | None = None
    stream: GridStream | None = None
    try:
        while True:
            try:
                step = next(steps)
            except StopIteration as done:
                whole, more = done.value
                break
            if isinstance(step, SheetFacts):
                cast(ScannedFacts, facts).add(step)
            else:  # every other part is checked: calamine may open the package
                facts = ScannedFacts(step)
                stream = GridStream(path, facts)
    except BaseException:
        _stop(facts, stream)
        raise
    problems.extend(more)
    if whole is None or facts is None or stream is None:  # refused, before or after calamine started
        _stop(facts, stream)
        return None, problems
    facts.end(refused=False)
    return _started(stream, problems)


def _stop(facts: ScannedFacts | None, stream: GridStream | None) -> None:
    """The scan refused the package (or failed): calamine reads no further sheet."""
    if facts is not None:
        facts.end(refused=True)
    if stream is not None:
        stream.close()


def _started(stream: GridStream, problems: list[Problem]) -> tuple[GridStream | None, list[Problem]]:
    if not stream.opened():
        stream.close()
        return None, problems + (stream.failed or [])
    return stream, problems


class _Raised:
    def __init__(self, exc: BaseException):
        self.exc = exc


_END = object()


class ScanStopped(Exception):
    """The structure scan refused the package: no further sheet is read."""


class ScannedFacts:
    """``PackageFacts`` as the scan finds them (``scan.scanning``), a sheet at a time,
    shared by the scanning thread and the reading one: ``sheet(name)`` waits until the
    scan has checked that sheet or has ended without it, and raises ``ScanStopped``
    once the scan has refused the package."""

    def __init__(self, recalc_on_load: bool):
        self.recalc_on_load = recalc_on_load
        self.sheets: list[SheetFacts] = []
        self._ended = False
        self._refused = False
        self._change = threading.Condition()

    def add(self, sheet: SheetFacts) -> None:
        with self._change:
            self.sheets.append(sheet)
            self._change.notify_all()

    def end(self, refused: bool) -> None:
        with self._change:
            self._ended, self._refused = True, refused
            self._change.notify_all()

    def sheet(self, name: str) -> SheetFacts | None:
        with self._change:
            while True:
                if self._refused:
                    raise ScanStopped(name)
                found = next((s for s in self.sheets if s.name == name), None)
                if found is not None or self._ended:
                    return found
                self._change.wait()


#: The facts ``_read_sheets`` reads each sheet with: all at once, or as the scan finds them.
Facts = PackageFacts | ScannedFacts


class GridStream:
    """A workbook's grids, read by calamine one sheet after another in a thread of
    their own, so that the sheets already read can be parsed meanwhile (calamine
    parses a sheet's XML without holding the GIL). Iterating gives the grids in
    workbook order, as ``load_grids`` lists them; ``problems`` are the reading
    problems (``unscanned-sheet``), complete once the iteration
    has ended. The thread only ever runs ``_read_sheets``, so calamine is used from one
    thread; an exception it raises is raised again by the iteration. ``opened()`` waits
    until calamine has opened the workbook and says whether it could (``failed``);
    ``close`` stops the thread after the sheet it is reading.
    """

    def __init__(self, path: Path, facts: Facts | None):
        self.problems: list[Problem] = []
        self._events: queue.SimpleQueue = queue.SimpleQueue()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._read, args=(path, facts), name="read-grids", daemon=True)
        self._thread.start()
        #: The problems that stop the workbook being read at all, or None (once ``opened()``).
        self.failed: list[Problem] | None = None
        self._ended = False
        self._opened = False

    def opened(self) -> bool:
        """Wait until calamine has opened the workbook; False when it could not (``failed``)."""
        if not self._opened:
            self._opened = True
            first = self._next()
            self.failed = first if isinstance(first, list) else None
            self._ended = first is _END
        return self.failed is None

    def _read(self, path: Path, facts: Facts | None) -> None:
        try:
            sheets = _read_sheets(path, facts)
            try:
                for event in sheets:
                    self._events.put(event)
                    if self._stop.is_set():
                        break
            finally:
                sheets.close()
        except ScanStopped:
            pass  # the scan refused a sheet: its problem is the answer, and nothing more is read
        except BaseException as exc:  # noqa: BLE001 - raised again where the grids are used
            self._events.put(_Raised(exc))
        self._events.put(_END)

    def _next(self) -> object:
        event = self._events.get()
        if isinstance(event, _Raised):
            raise event.exc
        return event

    def __iter__(self) -> Iterator[Grid]:
        if not self.opened() or self._ended:
            return
        while (event := self._next()) is not _END:
            grid, problem = cast(tuple[Grid | None, Problem | None], event)
            if problem is not None:
                self.problems.append(problem)
            if grid is not None:
                yield grid
        self._ended = True

    def close(self) -> None:
        self._stop.set()
        self._thread.join()


# Any: calamine gives untyped pairs; their shape is checked here, at run time.
def _merged_refs(ranges: Iterable[Any] | None) -> tuple[str, ...]:
    """calamine's ``[((row, col), (row, col))]`` (0-based) -> ``("B1:C2",)``."""
    from ..model import column_letter

    out = []
    for item in ranges or ():
        try:
            (r1, c1), (r2, c2) = item
            out.append(f"{column_letter(c1)}{r1 + 1}:{column_letter(c2)}{r2 + 1}")
        except (TypeError, ValueError):
            continue
    return tuple(out)
