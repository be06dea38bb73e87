"""The library: read, check and analyse quarterly workbooks, and write what they give.

This is what a notebook, the command line and the page call::

    >>> import budget_monitor as bm
    >>> result = bm.analyse("workbooks/kcc-scs-2011-12-q3.xlsx")
    >>> result.ok, len(result.lines), len(result.over_threshold.pressures)
    (True, 13, 24)
    >>> p = result.problems[0]
    >>> p.level, p.where.file, p.where.sheet, p.where.cell
    ('warning', 'workbooks/kcc-scs-2011-12-q3.xlsx', 'Budget lines', '13')
    >>> p.message
    'Safeguarding: -£135,000.00 of the income variance is not explained by any driver or item'

Bad input never raises: ``analyse`` returns the problems, each with its file, sheet and
cell, and a result with errors has no figures to write. Several workbooks make one report
of all their portfolios (``analyse(["a.xlsx", "b.xlsx"])``).

What this module must not do: print, exit, ask questions, or import the command line or
the page; it writes files only in the writer functions, and only whole (a temporary file
moved into place), never over an input.
"""

from __future__ import annotations

import gc
import json
import os
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any, Union

import attrs

from . import files
from .model import Problem, Quarter, Where, error, has_errors
from .rules import Rules, RulesError, TemplateError, load_rules

if TYPE_CHECKING:
    from .engine import Report
    from .frames import Frames

__all__ = [
    "HistoryError",
    "InputErrors",
    "OutputError",
    "Problem",
    "Result",
    "Rules",
    "RulesError",
    "Source",
    "TemplateError",
    "Where",
    "analyse",
    "forget_period",
    "history_report",
    "history_reports",
    "load_rules",
    "make_report",
    "movement_view",
    "write_docx",
    "write_json",
    "write_report",
    "write_accuracy_json",
    "year_accuracy",
]

#: A file name: ``str`` or ``pathlib.Path`` (anything ``os.fspath`` takes).
PathLike = Union[str, "os.PathLike[str]"]
#: Called with what a long run is starting ("reading the workbook", "writing summary"...).
ProgressFn = Callable[[str], object]


class InputErrors(ValueError):
    """A result with errors was given to a writer: there are no figures to write.
    ``problems`` are the errors."""

    def __init__(self, problems: Sequence[Problem]):
        self.problems = tuple(problems)
        count = len(self.problems)
        super().__init__(
            f"the input has {count} error{'' if count == 1 else 's'}, so there is no report to write; "
            "see result.problems"
        )


class HistoryError(Exception):
    """The report's files were written but it could not be recorded in the history store
    (the message names the store and says why); the store was left as it was. When
    ``make_report`` raises it, ``result`` is the report that was written."""

    result: Result | None = None


class OutputError(ValueError):
    """An output that cannot be written (it is an input, a folder, open in Excel...).
    ``target`` is the output as given, ``problems`` say why. Nothing was written."""

    def __init__(self, target: PathLike, problems: Sequence[Problem]):
        self.target = os.fspath(target)
        self.problems = tuple(problems)
        super().__init__("; ".join(f"{self.target}: {p.message}" for p in self.problems))


@attrs.frozen
class Source:
    """One workbook of a result: its name as problems give it, the path it was read from,
    what its ``Settings`` say, and the portfolios on its ``Budget lines`` (blank and empty
    when it could not be read)."""

    name: str
    path: Path
    organisation: str = ""
    period: str = ""
    title: str = ""
    units: str = ""
    portfolios: tuple[str, ...] = ()


@attrs.frozen
class Result:
    """What ``analyse`` found: the problems, and the report's records when there are no errors.

    ``report`` is the engine's ``Report`` (None when the budget lines could not be read
    at all); the properties below are its main parts, and any other part it has
    (``result.movement``...) can be read from the result the same way.
    ``problems`` are every error and warning, each naming its file (``p.where.file``),
    sheet and cell; when the input has errors, the warnings that only follow from them
    (cells that could not be read count as zero) are left out.

        >>> r = analyse("workbooks/kcc-scs-2011-12-q3.xlsx")
        >>> r.organisation, r.period
        ('Kent County Council', '2011-12 Q3')
        >>> r.variance
        GrossIncome(gross=Decimal('13834000.00'), income=Decimal('869000.00'))
    """

    sources: tuple[Source, ...]
    problems: tuple[Problem, ...]
    report: Report | None = None
    #: Where ``make_report`` recorded the report in the history store (``store.Recorded``:
    #: organisation, period, version...); None when it was not recorded.
    recorded: Any = None

    @property
    def ok(self) -> bool:
        """True when there are no errors (warnings allowed): the report can be written."""
        return self.report is not None and not has_errors(self.problems)

    @property
    def errors(self) -> tuple[Problem, ...]:
        return tuple(p for p in self.problems if p.level == "error")

    @property
    def warnings(self) -> tuple[Problem, ...]:
        return tuple(p for p in self.problems if p.level == "warning")

    def _checked(self) -> Report:
        if self.report is None or not self.ok:
            raise InputErrors(self.errors)
        return self.report

    # --- the report's parts ---------------------------------------------------------------

    @property
    def quarter(self) -> Quarter | None:
        """The records read (combined, for several workbooks)."""
        return None if self.report is None else self.report.quarter

    @property
    def organisation(self) -> str:
        return "" if self.report is None else self.report.quarter.settings.organisation

    @property
    def period(self) -> str:
        return "" if self.report is None else self.report.quarter.settings.period

    @property
    def title(self) -> str:
        return "" if self.report is None else self.report.quarter.settings.title

    @property
    def lines(self) -> tuple:
        """The budget lines (``BudgetLine``), in the revenue table's order."""
        return () if self.report is None else self.report.lines

    @property
    def components(self) -> tuple:
        """Each line's variance in parts (``Component``) that add up to it, to the penny."""
        return () if self.report is None else self.report.components

    @property
    def drivers(self) -> tuple:
        """Each driver's split into volume and unit-cost effects (``DriverEffect``)."""
        return () if self.report is None else self.report.effects

    @property
    def over_threshold(self) -> Any:
        """The components at or over the threshold (``OverThreshold``: pressures, underspends)."""
        return None if self.report is None else self.report.over_threshold

    @property
    def variance(self) -> Any:
        """The total variance (``GrossIncome``: gross, income and net)."""
        return None if self.report is None else self.report.variance

    def __getattr__(self, name: str) -> Any:
        # The report's other parts (cash_limits, savings, capital, indicators, and any part
        # added later) without a property for each.
        if not name.startswith("_"):
            report = object.__getattribute__(self, "report")
            if report is not None and hasattr(report, name):
                return getattr(report, name)
        raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}")

    # --- outputs ----------------------------------------------------------------------------

    def to_json(self) -> str:
        """The JSON report, as ``budget-monitor report --json`` writes it (one line and a
        newline). Raises ``InputErrors`` when the input has errors.

            >>> import json
            >>> data = json.loads(analyse("workbooks/kcc-scs-2011-12-q3.xlsx").to_json())
            >>> data["over_threshold"]["shown_in_thousands"]["explained_pressures"]
            '19948'
        """
        from .write.json_out import report_json

        return report_json(self._checked())

    def frames(self, decimals: str = "object") -> Frames:
        """The results as pandas DataFrames, money exact (see ``budget_monitor.frames``):
        ``decimals="object"`` holds amounts as ``Decimal`` values, ``"arrow"`` as pandas'
        Arrow decimal type.

        Needs pandas and pyarrow: ``pip install "budget-monitor[pandas]"``.
        """
        from .frames import make_frames

        return make_frames(self, decimals)


# --- analysing ------------------------------------------------------------------------------


@contextmanager
def _no_gc() -> Iterator[None]:
    """A run makes millions of small objects and no reference cycles worth collecting: the
    cyclic collector would only walk them again and again. It is switched back on after."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


def _rules(rules: Rules | PathLike | None) -> Rules:
    if rules is None:
        return Rules()
    if isinstance(rules, Rules):
        return rules
    return load_rules(Path(os.fspath(rules)))


def _given(path_or_paths: PathLike | Sequence[PathLike]) -> list[str]:
    """The workbooks' names as given."""
    if isinstance(path_or_paths, (str, os.PathLike)):
        return [os.fspath(path_or_paths)]
    given = [os.fspath(p) for p in path_or_paths]
    if not given:
        raise ValueError("analyse needs at least one workbook")
    return given


def _source(name: str, path: Path, quarter: Quarter | None) -> Source:
    if quarter is None:
        return Source(name, path)
    s = quarter.settings
    portfolios = tuple(dict.fromkeys(bl.portfolio for bl in quarter.lines))
    return Source(name, path, s.organisation, s.period, s.title, s.units, portfolios)


def _engine_errors_only(read: Sequence[Problem], report: Report) -> tuple[Problem, ...]:
    """What to show of a report made from a quarter with errors: the reading problems, then
    only the engine's errors. Cells that could not be read count as zero in the engine, so
    its warnings (unexplained variances...) would mislead."""
    found = report.problems[len(read) :]
    return tuple(read) + tuple(p for p in found if p.level == "error")


def analyse(
    path_or_paths: PathLike | Sequence[PathLike],
    rules: Rules | PathLike | None = None,
    *,
    title: str | None = None,
    names: Sequence[str] | None = None,
    progress: ProgressFn | None = None,
    previous: PathLike | None = None,
    previous_name: str | None = None,
    history: PathLike | None = None,
) -> Result:
    """Read, check and analyse one quarterly workbook, or several as one report.

    ``rules`` is a ``Rules``, a rules file (TOML; one that cannot be used raises
    ``RulesError``) or None for the built-in thresholds. ``title`` names the report
    (instead of the ``Settings`` title). ``names`` are what problems call each file
    (default: the path as given). ``progress``, when given, is called with each step's name.

    The movement since the previous report: ``previous`` names it (a quarterly workbook, or
    a JSON report as ``to_json`` writes it; ``previous_name`` is what its problems call it),
    else ``history`` names a history store (SQLite) whose latest earlier period of the same
    organisation is the previous report, read as recorded; the store's periods of the
    financial year also give the trend. The figures of this report never depend on either.
    See ``budget_monitor.series``.

    Bad input never raises: the result holds the problems (``result.ok`` is False when
    any is an error).

        >>> r = analyse("workbooks/does-not-exist.xlsx")
        >>> r.ok
        False
        >>> r.problems[0].message
        'no such file: workbooks/does-not-exist.xlsx'
    """
    rule_set = _rules(rules)
    given = _given(path_or_paths)
    paths = [Path(p) for p in given]
    labels = given if names is None else list(names)
    if len(labels) != len(paths):
        raise ValueError(f"{len(paths)} workbooks but {len(labels)} names")
    with _no_gc():
        if len(paths) == 1:
            result = _analyse_one(paths[0], labels[0], rule_set, title, progress)
        else:
            result = _analyse_many(paths, labels, rule_set, title, progress)
        if previous is None and history is None:
            return result
        return _in_series(result, rule_set, previous, previous_name, history)


def _in_series(
    result: Result, rules: Rules, previous: PathLike | None, previous_name: str | None, history: PathLike | None
) -> Result:
    """``result`` with the previous report, the movement since it and the trend (see
    ``series.place``); problems finding them join the result's."""
    if not result.ok:
        return result
    from .series import place

    report = result._checked()
    label = result.sources[0].name if len(result.sources) == 1 else ""
    placed, found = place(
        report,
        rules,
        previous=None if previous is None else Path(os.fspath(previous)),
        previous_name=previous_name,
        history=None if history is None else Path(os.fspath(history)),
        label=label,
    )
    return attrs.evolve(result, report=placed, problems=result.problems + tuple(found))


def _read(path: Path, name: str, rules: Rules) -> tuple[Quarter | None, list[Problem]]:
    from .read import read_workbook

    quarter, problems = read_workbook(path, rules.limits)
    if quarter is not None and quarter.source != name:
        quarter = attrs.evolve(quarter, source=name)
    return quarter, problems


def _step(progress: ProgressFn | None, label: str) -> None:
    if progress is not None:
        progress(label)


def _analyse_one(path: Path, name: str, rules: Rules, title: str | None, progress: ProgressFn | None) -> Result:
    from .engine import analyse as run_engine
    from .read.rollup import tag_problems

    _step(progress, "reading the workbook")
    quarter, read = _read(path, name, rules)
    read = tag_problems(read, name)
    source = _source(name, path, quarter)
    if quarter is None:
        return Result((source,), tuple(read))
    if title is not None:
        quarter = attrs.evolve(quarter, settings=attrs.evolve(quarter.settings, title=title))
    # The engine runs even when some cells were unreadable, so that every problem it finds
    # (references to lines that do not exist...) is reported in the same run.
    _step(progress, "analysing")
    report = run_engine(quarter, rules, read)
    report = attrs.evolve(report, problems=tuple(tag_problems(report.problems, name)))
    problems: tuple[Problem, ...] = report.problems
    if has_errors(read):
        problems = _engine_errors_only(read, report)
    return Result((source,), problems, report)


def _analyse_many(
    paths: Sequence[Path], names: Sequence[str], rules: Rules, title: str | None, progress: ProgressFn | None
) -> Result:
    from .engine import analyse as run_engine
    from .read.rollup import combine, tag, tag_problems

    sources: list[Source] = []
    read: list[Problem] = []
    parts: list[tuple[str, Quarter]] = []
    seen: list[tuple[Path, str]] = []
    for path, name in zip(paths, names, strict=True):
        twice = next((other for p, other in seen if files.same_file(p, path)), None)
        if twice is not None:
            read.append(
                error(
                    "workbook-twice",
                    f"the workbook is given twice (also as {twice}); give each once",
                    Where("", file=name),
                )
            )
            continue
        seen.append((path, name))
        _step(progress, f"reading {name}")
        quarter, found = _read(path, name, rules)
        sources.append(_source(name, path, quarter))
        read += tag_problems(found, name)
        if quarter is not None:
            parts.append((name, tag(quarter, name)))
    if has_errors(read) and len(parts) < len(seen):  # a workbook with no budget lines at all
        return Result(tuple(sources), tuple(read))
    combined, more = combine(parts, title)
    read += more
    _step(progress, "analysing")
    if combined is None:
        # The workbooks cannot be one report; what each says on its own is still worth knowing.
        for _, q in parts:
            alone = run_engine(q, rules)
            read += [p for p in alone.problems if p.level == "error"]
        return Result(tuple(sources), tuple(read))
    report = run_engine(combined, rules, read)
    order = {name: k for k, name in enumerate(names)}
    # What the engine found, by workbook in the order given; one about all of them (the
    # period's year for Capital) names them all.
    by_file = sorted(report.problems[len(read) :], key=lambda p: order.get(p.where.file, len(order)))
    by_file = tag_problems(by_file, combined.source)
    report = attrs.evolve(report, problems=tuple(read) + tuple(by_file))
    problems: tuple[Problem, ...] = report.problems
    if has_errors(read):
        problems = _engine_errors_only(read, report)
    return Result(tuple(sources), problems, report)


# --- writing --------------------------------------------------------------------------------


def check_targets(inputs: Sequence[Path], outputs: Sequence[tuple[str, Path]], store: Path | None = None) -> None:
    """The one check of a run's outputs, before anything is read or written (the command
    line and the page get it through ``make_report``): no output is an input, no two
    outputs are one file, each can be written (``files.check_outputs``); the history store
    is none of them and can be used. ``OutputError`` naming the first that cannot."""
    bad = files.check_outputs(inputs, outputs)
    if bad is not None:
        raise OutputError(*bad)
    if store is not None:
        _check_store_target(store, inputs, [target for _, target in outputs])


def _check_target(result: Result, target: Path) -> None:
    check_targets([s.path for s in result.sources] or [Path(os.devnull)], [("output", target)])


def write_report(result: Result, path: PathLike, *, progress: ProgressFn | None = None) -> None:
    """Write the monitoring workbook (``.xlsx``) of ``result`` to ``path``, whole or not at all
    (an earlier file there is replaced only once the new one is complete).

    Raises ``InputErrors`` when the result has errors, ``OutputError`` when ``path`` cannot
    be used (it is an input, a folder, open in Excel...), ``OSError`` when the writing fails.
    """
    from .write import write_report as write_book

    report = result._checked()
    target = Path(os.fspath(path))
    _check_target(result, target)
    with _no_gc():
        files.atomic_write(target, lambda tmp: write_book(report, tmp, progress=progress))


def write_json(result: Result, path: PathLike) -> None:
    """Write the JSON report of ``result`` to ``path`` (the text of ``result.to_json()``),
    whole or not at all. Raises as ``write_report`` does."""
    from .write.json_out import write_json_file

    report = result._checked()
    target = Path(os.fspath(path))
    _check_target(result, target)
    with _no_gc():
        files.atomic_write(target, lambda tmp: write_json_file(report, tmp))


def write_docx(result: Result, path: PathLike, template: PathLike | None = None) -> None:
    """Write the committee paper of ``result``, on ``template`` (default: the rules' ``[docx] template``)."""
    from .write.docx import write_docx as write_word
    from .write.word import check_template

    report = result._checked()
    target = Path(os.fspath(path))
    _check_target(result, target)
    chosen = check_template(template if template is not None else report.rules.docx_template)
    with _no_gc():
        files.atomic_write(target, lambda tmp: write_word(report, tmp, template=chosen))


def steps(inputs: int = 1, json: bool = False, docx: bool = False) -> int:
    """How many times ``make_report`` calls its ``progress`` (for a progress bar's length)."""
    from .write import SHEETS

    return inputs + 1 + len(SHEETS) + bool(json) + bool(docx)


def make_report(
    path_or_paths: PathLike | Sequence[PathLike],
    output: PathLike,
    *,
    json: PathLike | None = None,
    docx: PathLike | None = None,
    rules: Rules | PathLike | None = None,
    title: str | None = None,
    progress: ProgressFn | None = None,
    previous: PathLike | None = None,
    history: PathLike | None = None,
    names: Sequence[str] | None = None,
    previous_name: str | None = None,
) -> Result:
    """``analyse`` the workbooks, then, when there are no errors, write the report workbook
    to ``output``, and the JSON and the Word document where ``json`` and ``docx`` name
    them: what ``budget-monitor report`` does. Returns the result (its problems say why
    nothing was written, when they are errors). The paper is on the rules' ``[docx] template``.

    ``previous``, ``previous_name``, ``history`` and ``names`` are as for ``analyse``; with ``history``, the report is
    also recorded in that store (made if it does not exist) as the next version of its
    organisation and period, once its files are written, in one transaction:
    ``result.recorded`` says how. A report whose Settings give no period is not recorded
    (a warning says so).

    The outputs are checked before anything is read (``OutputError``). Where the machine
    can, the JSON is written by a child process while this one writes the workbook, and
    the report is recorded by another. ``HistoryError`` when the recording fails: the
    files were written, the store was left as it was.
    """
    from .write import background
    from .write import write_report as write_book
    from .write.json_out import write_json_file
    from .write.word import check_template

    inputs = [Path(p) for p in _given(path_or_paths)]
    out = Path(os.fspath(output))
    json_out = None if json is None else Path(os.fspath(json))
    docx_out = None if docx is None else Path(os.fspath(docx))
    store_path = None if history is None else Path(os.fspath(history))
    outputs = [("workbook", out), ("JSON", json_out), ("Word document", docx_out)]
    check_targets(inputs, [(what, t) for what, t in outputs if t is not None], store_path)
    rule_set = _rules(rules)
    if docx_out is not None:
        check_template(rule_set.docx_template)
    result = analyse(
        path_or_paths,
        rule_set,
        title=title,
        names=names,
        progress=progress,
        previous=previous,
        previous_name=previous_name,
        history=store_path,
    )
    if not result.ok:
        return result
    report = result._checked()
    period = None
    if store_path is not None and report.quarter.settings.period.strip():
        from .series import report_period

        period, _ = report_period(report)
    with _no_gc():
        job = recording = None
        written = False
        try:
            if json_out is not None:
                # Where it can, a child process writes the JSON while this one writes the
                # workbook; either way it is streamed into a temporary file, never held whole.
                job = background.start(lambda tmp: write_json_file(report, tmp), json_out)
            if store_path is not None and period is not None:
                from .series import start_recording

                # Another child records the report beside the writing and commits only once
                # the files are written (started after the JSON's, which must not hold its pipe).
                recording = start_recording(store_path, report, period, inputs)
            files.atomic_write(
                out,
                lambda tmp: write_book(report, tmp, progress=None if progress is None else _sheet_steps(progress)),
            )
            if docx_out is not None:
                from .write.docx import write_docx as write_word

                _step(progress, "writing the Word document")
                files.atomic_write(docx_out, lambda tmp: write_word(report, tmp))
            if json_out is not None:
                _step(progress, "writing the JSON")
                if job is not None:
                    files.atomic_write(json_out, job.finish)
                else:
                    files.atomic_write(json_out, lambda tmp: write_json_file(report, tmp))
            written = True
        finally:
            if job is not None:
                job.cancel()  # stops it if the workbook failed; removes what is left
            if recording is not None and not written:
                recording.cancel()  # a file failed: nothing is recorded
    if store_path is None or period is None:
        return result
    try:
        recorded = _record(store_path, report, period, inputs, recording)
    except HistoryError as exc:
        exc.result = result
        raise
    return attrs.evolve(result, recorded=recorded)


def movement_view(result: Result) -> dict[str, Any] | None:
    """What a reader is shown of the movement since the previous report, as plain data
    (None when the result has no previous report): the Summary's sentence, the bridge
    from the last report's net variance to this one's by the largest causes, and the lines
    and components that moved by at least the movement threshold, largest first. Figures
    are as shown, in £000 (``Decimal``), so that every table casts; the page lays them out.

        >>> movement_view(analyse("workbooks/kcc-scs-2011-12-q3.xlsx")) is None
        True
    """
    from .report.schedules import size_text
    from .report.series import bridge, moved_rows, moved_sentence

    report = result._checked()
    mv = getattr(report, "movement", None)
    if mv is None:
        return None
    before = mv.previous.period or "last report"
    now = report.quarter.settings.period or "this report"
    lines, comps = moved_rows(mv, report.rules.movement)
    keys = ("label", "status", "previous", "now", "movement")
    return {
        "sentence": moved_sentence(mv),
        "previous": {
            "organisation": mv.previous.organisation,
            "period": mv.previous.period,
            "source": mv.previous.source,
            "name": mv.previous.name,
            "recorded_at": mv.previous.recorded_at,
            "version": mv.previous.version,
        },
        "period": now,
        "bridge": [
            {"label": s.label, "kind": s.kind, "amount": s.amount, "start": s.start, "end": s.end}
            for s in bridge(mv, before, now)
        ],
        "threshold": size_text(report.rules.movement.amount),
        "lines": [dict(zip(keys, r, strict=True)) for r in lines],
        "components": [dict(zip(keys, r, strict=True)) for r in comps],
    }


def _check_store_target(store: Path, inputs: Sequence[Path], outputs: Sequence[Path]) -> None:
    """The history store may not be an input or an output, and its folder must exist."""
    from .store import StoreError, check_file

    for other in [*inputs, *outputs]:
        if files.same_file(store, other):
            raise OutputError(
                store, [error("store-is-file", f"the history store cannot be the same file as {other}", Where(""))]
            )
    if not store.exists() and not store.parent.is_dir():
        raise OutputError(store, [error("no-folder", f"the folder {store.parent} does not exist", Where(""))])
    try:
        check_file(store)
    except StoreError as exc:
        raise OutputError(store, [error("not-a-store", str(exc).removeprefix(f"{store}: "), Where(""))]) from None


def _record(store_path: Path, report: Report, period: Any, inputs: Sequence[Path], recording: Any) -> Any:
    """Commit the recording started beside the writing, or record now; ``HistoryError`` on failure."""
    from .series import record
    from .store import StoreError, store_at

    try:
        if recording is not None:
            return recording.finish()
        with store_at(store_path) as store:
            return record(store, report, period, inputs)
    except StoreError as exc:
        raise HistoryError(str(exc)) from None


def _sheet_steps(progress: ProgressFn) -> Callable[[str], None]:
    return lambda name: _step(progress, f"writing {name}")


# --- the history store ------------------------------------------------------------------------


def history_reports(store: PathLike, organisation: str | None = None) -> list[Any]:
    """Every report recorded in the history store at ``store`` (``store.Recorded``:
    organisation, period, version, when, the input's name and SHA-256, the variance), by
    organisation, period in time and version; ``latest`` marks the version that counts.
    ``HistoryError`` when there is no store there or it cannot be read (it is not changed)."""
    from .store import StoreError, store_at

    try:
        with store_at(Path(os.fspath(store)), create=False) as s:
            return s.reports(organisation)
    except StoreError as exc:
        raise HistoryError(str(exc)) from None


def _recorded_period(s: Any, period: str, organisation: str | None) -> Any:
    from .periods import PeriodError, parse_period

    try:
        when = parse_period(period)
    except PeriodError as exc:
        raise HistoryError(f"Period: {exc}") from None
    found = s.reports(organisation, when)
    orgs = sorted({r.organisation for r in found})
    if not orgs:
        raise HistoryError(f"{s.path}: {when.key} is not recorded" + (f" for {organisation}" if organisation else ""))
    if len(orgs) > 1:
        raise HistoryError(
            f"{s.path}: {when.key} is recorded for {len(orgs)} organisations ({'; '.join(orgs)}); name one"
        )
    return when, [r for r in found if r.organisation == orgs[0]]


def history_report(store: PathLike, period: str, organisation: str | None = None) -> tuple[Any, Any]:
    """The latest recorded version of ``period`` (``Recorded``) and its figures as recorded
    (``PreviousReport``: lines and components), read from the store, never re-analysed.
    ``organisation`` is needed only when the store holds the period for several."""
    from .store import StoreError, store_at

    try:
        with store_at(Path(os.fspath(store)), create=False) as s:
            _, versions = _recorded_period(s, period, organisation)
            latest = next(r for r in versions if r.latest)
            return latest, s.previous_report(latest)
    except StoreError as exc:
        raise HistoryError(str(exc)) from None


def forget_period(store: PathLike, period: str, organisation: str | None = None) -> tuple[str, str, int]:
    """Remove every version of ``period`` from the store, in one transaction: (organisation,
    period, how many versions were removed)."""
    from .store import StoreError, store_at

    try:
        with store_at(Path(os.fspath(store)), create=False) as s:
            when, versions = _recorded_period(s, period, organisation)
            org = versions[0].organisation
            return org, when.key, s.forget(org, when)
    except StoreError as exc:
        raise HistoryError(str(exc)) from None


def year_accuracy(
    store: PathLike, year: str, organisation: str | None = None, rules: Rules | PathLike | None = None
) -> Any:
    """How good the recorded forecasts of the financial ``year`` (``"2011-12"``) were
    (``engine.accuracy.Accuracy``): each period's forecast variance against the outturn,
    the error, its share of the cash limit, the bias, the mean absolute error and the first
    period from which the forecasts stayed within ``[accuracy] tolerance``; measured
    against the latest period recorded when there is no outturn yet (``accuracy.final`` is
    False and ``accuracy.label`` says so). Read from the store, never re-analysed.
    ``HistoryError`` when there is no store, or nothing of that year in it."""
    from .series import store_accuracy
    from .store import StoreError, store_at

    tolerance = _rules(rules).accuracy_tolerance
    try:
        with store_at(Path(os.fspath(store)), create=False) as s:
            return store_accuracy(s, year, organisation, tolerance)
    except StoreError as exc:
        raise HistoryError(str(exc)) from None
    except ValueError as exc:
        raise HistoryError(str(exc)) from None


def write_accuracy_json(accuracy: Any, path: PathLike) -> None:
    """Write ``{"forecast_accuracy": ...}`` (as the outturn report's JSON has it) for the
    ``accuracy`` that ``year_accuracy`` gave, whole or not at all."""
    from .write.year_json import accuracy_dict

    text = json.dumps({"forecast_accuracy": accuracy_dict(accuracy)}, ensure_ascii=False, separators=(",", ":"))
    files.atomic_write(Path(os.fspath(path)), lambda tmp: tmp.write_text(text + "\n", encoding="utf-8"))
