"""A report's place in a series: find the previous report, add the movement since it and
the trend, record the report in the history store. What ``report`` (and the library)
call around the analysis.

The order keeps the history from touching the figures: the report is analysed first;
the previous report (from ``--previous`` or the store) only adds ``previous``,
``movement`` and ``trend`` to it; recording reads the finished report and changes
nothing in it. The store is opened (and checked) before anything is written, and the
report is recorded after its files are written, in one transaction.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Callable, Sequence
from pathlib import Path

import attrs

from . import children
from .engine import Report
from .engine.accuracy import Accuracy, Snapshot, accuracy, figures_of
from .engine.movement import PreviousReport, TrendPoint, movement, portfolio_variances
from .model import Problem, Where, error, has_errors
from .periods import Period, PeriodError, fy_label, parse_period
from .periods import place as place_period
from .store import Recorded, ReportRows, Store, StoreError, open_store, prepare

#: The code of the problem a history store that cannot be used makes (the command line
#: exits 2 for it, as for any other usage error).
UNUSABLE_STORE = "history-store"


def report_period(report: Report) -> tuple[Period | None, list[Problem]]:
    """The report's period, placed in time; a located error on Settings when it cannot be."""
    s = report.quarter.settings
    where = getattr(s, "period_where", None) or Where("Settings")
    try:
        return parse_period(s.period), []
    except PeriodError as exc:
        return None, [error("bad-period", f"Period: {exc}", where)]


def _same_name(a: str, b: str) -> bool:
    return " ".join(a.split()).casefold() == " ".join(b.split()).casefold()


def same_as_input(path: Path, inputs: Sequence[tuple[str, Path]]) -> list[Problem]:
    """An error when the previous report in ``path`` is one of ``inputs`` (each the name
    problems give it and its path) itself: the same file, or the same contents (its
    SHA-256), whose movement would be nil everywhere."""
    digest = ""
    for name, given in inputs:
        try:
            if os.path.samefile(path, given):
                same = "the same file"
            else:
                digest = digest or file_digest(path)
                same = "the same contents" if digest == file_digest(given) else ""
        except OSError:
            continue
        if same:
            return [
                error(
                    "previous-is-input",
                    f"the previous report is the input {name} itself ({same}), so every movement would be nil; "
                    "give the last report's workbook or the JSON report --json wrote",
                    Where(""),
                )
            ]
    return []


def check_previous(
    report: Report, period: Period | None, previous: PreviousReport, meant: bool = False
) -> list[Problem]:
    """Whether ``previous`` can be the report before ``report``: the same organisation (an
    error naming both), a period that can be placed in time (an error), earlier than this
    report's (a later or the same period is an error, or a warning when ``meant``:
    ``--previous-any``). Each problem is about the file (its ``Where`` names no sheet);
    the caller tags it with the name the report gives the file. (The store's previous
    report is the same organisation's latest earlier period by its own rule.)"""
    here = Where("")
    problems: list[Problem] = []
    org = report.quarter.settings.organisation
    if not _same_name(previous.organisation, org):
        problems.append(
            error(
                "previous-organisation",
                f"the previous report is of '{previous.organisation or '(no organisation)'}' but this report is of "
                f"'{org or '(no organisation)'}'; give a previous report of the same organisation",
                here,
            )
        )
    try:
        before = parse_period(previous.period)
    except PeriodError as exc:
        problems.append(error("previous-period", f"the previous report's Period: {exc}", here))
        return problems
    if period is None:
        return problems
    if before < period:
        return problems
    when = "the same period as" if before.sort_key == period.sort_key else "after"
    said = f"the previous report is for {previous.period}, {when} this report's {report.quarter.settings.period}"
    if meant:
        problems.append(Problem("warning", "previous-not-earlier", f"{said}; compared as --previous-any asks", here))
    else:
        problems.append(
            error(
                "previous-not-earlier",
                f"{said}; give an earlier report, or say the comparison is meant (--previous-any; "
                "previous_any=True in the library)",
                here,
            )
        )
    return problems


def find_previous(
    report: Report, period: Period | None, store: Store | None, previous_path: Path | None, rules=None
) -> tuple[PreviousReport | None, list[Problem]]:
    """``--previous PATH`` when given, else the latest recorded earlier period of the same
    organisation in ``store``, else None."""
    if previous_path is not None:
        return read_previous(previous_path, rules)
    if store is None or period is None:
        return None, []
    found = store.latest_before(report.quarter.settings.organisation, period)
    if found is None:
        return None, []
    return store.previous_report(found), []


def read_previous(path: Path, rules=None) -> tuple[PreviousReport | None, list[Problem]]:
    """The report in ``path``: a JSON report read as written (``read.previous``), or a
    quarterly workbook read and analysed as ``report`` would analyse it (with the same rules)."""
    from .read.previous import previous_format, previous_from_json

    found, problems = previous_format(path)
    if found is None:
        return None, problems
    if found == "json":
        return previous_from_json(path, rules.limits if rules is not None else None)
    return previous_from_workbook(path, rules)


def previous_from_workbook(path: Path, rules=None) -> tuple[PreviousReport | None, list[Problem]]:
    from .engine import analyse
    from .model import has_errors
    from .read import read_workbook
    from .rules import Rules

    rules = rules if rules is not None else Rules()
    quarter, problems = read_workbook(path, rules.limits)
    if quarter is None or has_errors(problems):
        return None, problems
    report = analyse(quarter, rules, problems)
    errors = [p for p in report.problems if p.level == "error"]
    if errors:
        return None, errors
    s = quarter.settings
    return PreviousReport(s.organisation, s.period, "file", report.lines, report.components, name=str(path)), []


def trend_points(
    report: Report, period: Period | None, store: Store | None, previous: PreviousReport | None
) -> list[TrendPoint]:
    """Each portfolio's variance at each recorded period of this report's financial year
    (the latest version of each), then this report's."""
    points: list[TrendPoint] = []
    label = report.quarter.settings.period
    if store is not None and period is not None:
        for key, text, portfolio, variance in store.portfolio_variances(report.quarter.settings.organisation):
            p = parse_period(key)
            if p.financial_year == period.financial_year and p < period:
                points.append(TrendPoint(text, portfolio, variance))
    elif previous is not None:
        label_before = previous.period or "Last report"
        points += [TrendPoint(label_before, pf, v) for pf, v in previous.portfolio_variances().items()]
    points += [TrendPoint(label, pf, v) for pf, v in portfolio_variances(report.lines).items()]
    return points


def with_series(
    report: Report, previous: PreviousReport | None, points: list[TrendPoint] | None, year: Accuracy | None = None
) -> Report:
    """``report`` with its previous report, the movement since it, the trend and (for an
    outturn) the year's forecast accuracy."""
    mv = movement(previous, report.lines, report.components) if previous is not None else None
    return attrs.evolve(report, previous=previous, movement=mv, trend=tuple(points) if points else None, accuracy=year)


def year_snapshots(store: Store, organisation: str, period: Period) -> list[Snapshot]:
    """The recorded periods of ``organisation`` in ``period``'s financial year, up to and
    including ``period`` (the latest version of each), as the accuracy needs them."""
    found = []
    for recorded, lines, drivers in store.year(organisation, period.financial_year):
        placed = parse_period(recorded.period)
        if placed > period:
            continue
        found.append(Snapshot(recorded.period_text, recorded.period, lines, drivers, placed.is_outturn))
    return found


def outturn_accuracy(report: Report, period: Period | None, store: Store | None) -> Accuracy | None:
    """For an outturn report: the year's recorded periods before it, set against it."""
    if period is None or not period.is_outturn:
        return None
    s = report.quarter.settings
    earlier = [x for x in year_snapshots(store, s.organisation, period) if x.key != period.key] if store else []
    drivers = tuple(attrs.evolve(e.driver, portfolio=e.portfolio) for e in report.effects)
    this = Snapshot(
        s.period, period.key, figures_of(report.lines), drivers if report.quarter.drivers is not None else None, True
    )
    return accuracy(earlier + [this], report.rules.accuracy_tolerance, s.organisation, fy_label(period.financial_year))


def place(
    report: Report,
    rules=None,
    *,
    previous: Path | None = None,
    previous_name: str | None = None,
    history: Path | None = None,
    label: str = "",
    inputs: Sequence[tuple[str, Path]] = (),
    previous_any: bool = False,
) -> tuple[Report, list[Problem]]:
    """``report`` in its series: with the previous report (``previous``, a file, called
    ``previous_name`` in problems and in the report when given, else the
    latest earlier period of the same organisation in the store at ``history``), the
    movement since it and the trend. Returns the report and the problems met: a period
    that cannot be placed (an error on Settings), a previous report that cannot be read
    or cannot be the one before this (``check_previous``: another organisation, a period
    not earlier unless ``previous_any``, one of ``inputs`` itself; errors naming it), a
    store that cannot be used (an error naming it). A store that does not exist yet has
    no history: nothing is made here."""
    from .read.rollup import tag_problems

    period: Period | None = None
    if report.quarter.settings.period.strip():
        period, problems = report_period(report)
        if problems:
            return report, tag_problems(problems, label) if label else problems
    elif history is not None:
        s_where = getattr(report.quarter.settings, "period_where", None) or Where("Settings")
        note = Problem(
            "warning",
            "no-period",
            "Settings has no Period, so the report cannot be placed in the history: it has no movement "
            "from the store and is not recorded; give the period (e.g. 2011-12 Q3)",
            attrs.evolve(s_where, file=s_where.file or label),
        )
        if previous is None:
            return report, [note]
        history = None
    store = None
    try:
        if history is not None and period is not None and history.exists():
            store = open_store(history)
        name = previous_name or (str(previous) if previous is not None else "")
        problems = same_as_input(previous, inputs) if previous is not None else []
        if problems:
            return report, tag_problems(problems, name)
        found, problems = find_previous(report, period, store, previous, rules)
        if found is not None and previous is not None:
            problems += check_previous(report, period, found, previous_any)
        if has_errors(problems):
            return report, tag_problems(problems, name)
        said = tag_problems(problems, name)  # warnings: a comparison --previous-any says is meant
        if found is not None and previous is not None and previous_name:
            found = attrs.evolve(found, name=previous_name)  # what the report calls it, as its problems do
        points = trend_points(report, period, store, found)
        year = outturn_accuracy(report, period, store)
    except StoreError as exc:
        message = str(exc).removeprefix(f"{history}: ")  # the problem names the file already
        return report, [error(UNUSABLE_STORE, message, Where("", file=str(history)))]
    finally:
        if store is not None:
            store.close()
    return with_series(report, found, points, year), said


def file_digest(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def parts_of(report: Report) -> dict[str, str]:
    """The report's parts other than lines and components, as JSON text, for the store."""
    from .write.json_out import report_parts

    return {
        name: json.dumps(value, ensure_ascii=False, separators=(",", ":"))
        for name, value in report_parts(report).items()
    }


def inputs_digest(inputs: Sequence[Path]) -> tuple[str, str]:
    """The inputs' names and SHA-256 as the store keeps them: one workbook's own; for
    several, their names joined and the SHA-256 of their SHA-256s, one per line."""
    if len(inputs) == 1:
        return inputs[0].name, file_digest(inputs[0])
    joined = "\n".join(file_digest(p) for p in inputs)
    return ", ".join(p.name for p in inputs), hashlib.sha256(joined.encode()).hexdigest()


def mine(result, organisations: Sequence[str] | None):
    """``result``, with an error at its Organisation cell when ``organisations`` (those its
    maker may report for) are given and its workbook names another."""
    if organisations is None or result.report is None:
        return result
    s = result.report.quarter.settings
    if " ".join(s.organisation.split()).casefold() in {" ".join(o.split()).casefold() for o in organisations}:
        return result
    label = result.workbooks[0].name if len(result.workbooks) == 1 else ""
    where = attrs.evolve(s.organisation_where, file=s.organisation_where.file or label)
    found = f"'{s.organisation}'" if s.organisation.strip() else "no organisation"
    refused = error(
        "organisation-not-yours",
        f"Organisation: found {found}; you may make reports for {'; '.join(organisations)} only. Nothing was "
        "read from or recorded in the history",
        where,
    )
    return attrs.evolve(result, found_problems=(*result.found_problems, refused))


def report_rows(report: Report, period: Period, inputs: Sequence[Path], who: tuple[str, str] = ("", "")) -> ReportRows:
    """What recording ``report`` (made from the workbooks ``inputs``) writes: its rows in
    pennies and its other parts as JSON, made before the store is opened."""
    s = report.quarter.settings
    name, digest = inputs_digest(inputs)
    return prepare(
        organisation=s.organisation,
        period=period,
        period_text=s.period,
        input_name=name,
        input_sha256=digest,
        lines=report.lines,
        components=report.components,
        parts=parts_of(report),
        drivers=report.effects,
        user=who[0],
        client=who[1],
    )


def record(
    store: Store,
    report: Report,
    period: Period,
    inputs: Sequence[Path],
    before_commit: Callable[[], None] | None = None,
    who: tuple[str, str] = ("", ""),
) -> Recorded:
    """Record ``report`` (made from the workbooks ``inputs``) as the next version of its
    organisation and period (``before_commit``: see ``Store.record``; ``who``: the user
    recording it and from where)."""
    return store.write(report_rows(report, period, inputs, who), before_commit=before_commit)


class Recording:
    """A report being recorded by a child process while this one writes the report's
    files. The child does everything in its transaction but commit, then waits: ``finish``
    lets it commit and gives the ``Recorded``; ``cancel`` (or this process ending) makes
    it roll back. Either way the store holds the whole new version or none of it."""

    def __init__(self, child: children.Child[Recorded] | children.Child[Recorded | None]):
        self.child = child

    def finish(self) -> Recorded:
        """Commit; the ``Recorded``, or ``StoreError`` with the child's message."""
        try:
            recorded = self.child.finish()
        except children.ChildStopped:
            raise StoreError("the report could not be recorded (the recording process stopped)") from None
        if recorded is None:
            raise StoreError("the report could not be recorded (the recording process gave no answer)")
        return recorded

    def cancel(self) -> None:
        """Roll back (the child sees the pipe close without a go) and wait for it."""
        self.child.cancel()


def recording_task(
    store_path: Path, report: Report, period: Period, inputs: Sequence[Path], who: tuple[str, str] = ("", "")
) -> Callable[[Callable[[], None]], Recorded]:
    """The recording of ``report`` as a forked child's task ``task(wait_for_go)``: all but
    the commit, which waits for the go (``Recording`` gives it or cancels). A store that
    does not exist yet is made only after the go, so a run whose files fail leaves no
    store behind. The caller must have closed its own connection to the store: SQLite
    connections do not cross a fork."""
    exists = store_path.exists()

    def task(wait_for_go: Callable[[], None]) -> Recorded:
        try:
            rows = report_rows(report, period, inputs, who)  # before the go, beside the writing
            if not exists:
                wait_for_go()  # a new store is made only once the report's files are written
            store = open_store(store_path)
            try:
                return store.write(rows, before_commit=wait_for_go if exists else None)
            finally:
                store.close()
        except (StoreError, children.Cancelled):
            raise
        except BaseException as exc:  # noqa: BLE001 - said to the parent, which reports it
            raise StoreError(f"{store_path}: the report could not be recorded ({exc})") from None

    return task


def start_recording(
    store_path: Path, report: Report, period: Period, inputs: Sequence[Path], who: tuple[str, str] = ("", "")
) -> Recording | None:
    """Record ``report`` in a forked child process, all but the commit, while this process
    writes the files; None where there is no ``fork`` or only one core (record in turn,
    with ``record``, once the files are written). See ``recording_task``."""
    child = children.start(recording_task(store_path, report, period, inputs, who))
    return None if child is None else Recording(child)


def store_accuracy(store: Store, year: str, organisation: str | None, tolerance) -> Accuracy:
    """The accuracy of ``organisation``'s recorded forecasts of the financial ``year``
    (``2011-12``), against its outturn where one is recorded, else against its latest
    period (labelled so). Raises when the year cannot be placed, has
    nothing recorded, or is recorded for several organisations and none is named: a
    ``StoreError`` naming the store."""
    placed = place_period(year)
    if placed is None or placed.kind not in ("year", "outturn"):
        raise StoreError(f"{store.path}: '{year}' is not a financial year; expected a year such as 2011-12")
    fy = placed.financial_year
    orgs = sorted({r.organisation for r in store.reports() if r.latest and parse_period(r.period).financial_year == fy})
    if organisation is not None:
        orgs = [o for o in orgs if o == organisation]
    if not orgs:
        who = f" for {organisation}" if organisation else ""
        raise StoreError(f"{store.path}: nothing of the year {fy_label(fy)} is recorded{who}")
    if len(orgs) > 1:
        raise StoreError(
            f"{store.path}: the year {fy_label(fy)} is recorded for {len(orgs)} organisations ({'; '.join(orgs)}); "
            "name one with --organisation"
        )
    end = parse_period(f"{fy_label(fy)} Outturn")
    snapshots = year_snapshots(store, orgs[0], end)
    return accuracy(snapshots, tolerance, orgs[0], fy_label(fy))
