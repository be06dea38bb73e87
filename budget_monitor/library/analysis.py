"""Read, check and analyse quarterly workbooks: ``analyse(path or paths) -> Result``.

One workbook is the case N=1 of several: each is read (its problems naming it), several
are put together as one quarter (``read.rollup``), the engine analyses the quarter, and
the report is placed in its series when a previous report or a history store is named
(``series.place``). Bad input never raises: the result holds the problems.
"""

from __future__ import annotations

import gc
import os
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

import attrs

from .. import files
from ..model import Problem, Quarter, Where, error, has_errors
from ..rules import Rules, load_rules
from .result import PathLike, ProgressFn, Result, Workbook


@contextmanager
def no_gc() -> Iterator[None]:
    """A run makes millions of small objects and no reference cycles worth collecting: the
    cyclic collector would only walk them again and again. It is switched back on after."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


def rules_of(rules: Rules | PathLike | None) -> Rules:
    """``rules`` as a ``Rules``: the built-in ones for None, a rules file read (``RulesError``)."""
    if rules is None:
        return Rules()
    if isinstance(rules, Rules):
        return rules
    return load_rules(Path(os.fspath(rules)))


def given_paths(path_or_paths: PathLike | Sequence[PathLike]) -> list[str]:
    """The workbooks' names as given."""
    if isinstance(path_or_paths, (str, os.PathLike)):
        return [os.fspath(path_or_paths)]
    given = [os.fspath(p) for p in path_or_paths]
    if not given:
        raise ValueError("analyse needs at least one workbook")
    return given


def step(progress: ProgressFn | None, label: str) -> None:
    """Tell ``progress`` (when there is one) what the run is starting."""
    if progress is not None:
        progress(label)


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
    organisations: Sequence[str] | None = None,
    previous_any: bool = False,
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
    See ``budget_monitor.series``. ``organisations``, when given, are those the caller may
    report for: a workbook naming another is an error at its Organisation cell, and no
    history is read for it. A ``previous`` report of another organisation, of a period that
    cannot be placed in time or is not earlier than this report's, or that is the input
    itself is an error naming it (a later or the same period only a warning with
    ``previous_any=True``: the comparison is meant).

    Bad input never raises: the result holds the problems (``result.ok`` is False when
    any is an error).

        >>> r = analyse("workbooks/does-not-exist.xlsx")
        >>> r.ok
        False
        >>> r.problems[0].message
        'no such file: workbooks/does-not-exist.xlsx'
    """
    rule_set = rules_of(rules)
    given = given_paths(path_or_paths)
    paths = [Path(p) for p in given]
    labels = given if names is None else list(names)
    if len(labels) != len(paths):
        raise ValueError(f"{len(paths)} workbooks but {len(labels)} names")
    with no_gc():
        result = _analysed(paths, labels, rule_set, title, progress)
        if organisations is not None:
            from ..series import mine

            result = mine(result, organisations)
        if previous is None and history is None:
            return result
        return _in_series(result, rule_set, previous, previous_name, history, previous_any)


def _in_series(
    result: Result,
    rules: Rules,
    previous: PathLike | None,
    previous_name: str | None,
    history: PathLike | None,
    previous_any: bool = False,
) -> Result:
    """``result`` with the previous report, the movement since it and the trend (see
    ``series.place``); problems finding them join what the analysis found."""
    if not result.ok:
        return result
    from ..series import place

    report = result.checked()
    label = result.workbooks[0].name if len(result.workbooks) == 1 else ""
    placed, found = place(
        report,
        rules,
        previous=None if previous is None else Path(os.fspath(previous)),
        previous_name=previous_name,
        history=None if history is None else Path(os.fspath(history)),
        label=label,
        inputs=[(w.name, w.path) for w in result.workbooks],
        previous_any=previous_any,
    )
    return attrs.evolve(result, report=placed, found_problems=result.found_problems + tuple(found))


def _read(path: Path, name: str, rules: Rules) -> tuple[Quarter | None, list[Problem]]:
    from ..read import read_workbook

    quarter, problems = read_workbook(path, rules.limits)
    if quarter is not None and quarter.source != name:
        quarter = attrs.evolve(quarter, source=name)
    return quarter, problems


def _workbook(name: str, path: Path, quarter: Quarter | None) -> Workbook:
    if quarter is None:
        return Workbook(name, path)
    s = quarter.settings
    portfolios = tuple(dict.fromkeys(bl.portfolio for bl in quarter.lines))
    return Workbook(name, path, s.organisation, s.period, s.title, s.units, portfolios)


def _analysed(
    paths: Sequence[Path], names: Sequence[str], rules: Rules, title: str | None, progress: ProgressFn | None
) -> Result:
    """Read each workbook, put several together, analyse: one workbook is the case N=1."""
    from ..engine import analyse as run_engine
    from ..read.rollup import combine, tag, tag_problems

    several = len(paths) > 1
    workbooks: list[Workbook] = []
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
        step(progress, f"reading {name}" if several else "reading the workbook")
        quarter, found = _read(path, name, rules)
        workbooks.append(_workbook(name, path, quarter))
        read += tag_problems(found, name)
        if quarter is not None:
            # Several workbooks' records name their file, so that what the engine finds does.
            parts.append((name, tag(quarter, name) if several else quarter))
    if not parts or (has_errors(read) and len(parts) < len(seen)):  # a workbook with no budget lines at all
        return Result(tuple(workbooks), tuple(read))
    if several:
        combined, more = combine(parts, title)
        read += more
    else:
        combined = parts[0][1]
        if title is not None:
            combined = attrs.evolve(combined, settings=attrs.evolve(combined.settings, title=title))
    step(progress, "analysing")
    if combined is None:
        # The workbooks cannot be one report; what each says on its own is still worth knowing.
        for _, q in parts:
            alone = run_engine(q, rules)
            read += [p for p in alone.problems if p.level == "error"]
        return Result(tuple(workbooks), tuple(read))
    # The engine runs even when some cells were unreadable, so that every problem it finds
    # (references to lines that do not exist...) is reported in the same run.
    report = run_engine(combined, rules)
    found_problems = list(report.problems)
    if several:
        # What the engine found, by workbook in the order given; one about all of them (the
        # period's year for Capital) names them all.
        order = {name: k for k, name in enumerate(names)}
        found_problems.sort(key=lambda p: order.get(p.where.file, len(order)))
    engine = tuple(tag_problems(found_problems, combined.source))
    report = attrs.evolve(report, problems=tuple(read) + engine)
    return Result(tuple(workbooks), tuple(read), engine, report)
