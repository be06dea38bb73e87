"""The library's writers: the one check of a run's outputs (``check_targets``), each
output on its own (``write_report``, ``write_json``, ``write_docx``) and the whole run of
``budget-monitor report`` (``make_report``: analyse, write the files, record the report).

Each output is written whole or not at all (a temporary file moved into place by
``files.atomic_write``), never over an input, never over another output.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import attrs

from .. import files
from ..children import Handoff
from ..model import Where, error
from ..rules import Rules
from .analysis import analyse, given_paths, no_gc, rules_of, step
from .result import HistoryError, OutputError, PathLike, ProgressFn, Result

if TYPE_CHECKING:
    from ..engine import Report
    from ..periods import Period
    from ..report.narrative import Entry
    from ..series import Recording
    from ..store import Recorded


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


def _check_result_target(result: Result, target: Path) -> None:
    check_targets([w.path for w in result.workbooks] or [Path(os.devnull)], [("output", target)])


def write_report(result: Result, path: PathLike, *, progress: ProgressFn | None = None) -> None:
    """Write the monitoring workbook (``.xlsx``) of ``result`` to ``path``, whole or not at all
    (an earlier file there is replaced only once the new one is complete).

    Raises ``InputErrors`` when the result has errors, ``OutputError`` when ``path`` cannot
    be used (it is an input, a folder, open in Excel...), ``OSError`` when the writing fails.
    """
    from ..write import write_report as write_book

    report = result.checked()
    target = Path(os.fspath(path))
    _check_result_target(result, target)
    with no_gc():
        files.atomic_write(target, lambda tmp: write_book(report, tmp, progress=progress))


def write_json(result: Result, path: PathLike) -> None:
    """Write the JSON report of ``result`` to ``path`` (the text of ``result.to_json()``),
    whole or not at all. Raises as ``write_report`` does."""
    from ..write.json_out import write_json_file

    report = result.checked()
    target = Path(os.fspath(path))
    _check_result_target(result, target)
    with no_gc():
        files.atomic_write(target, lambda tmp: write_json_file(report, tmp))


def write_docx(result: Result, path: PathLike, template: PathLike | None = None) -> None:
    """Write the committee paper of ``result``, on ``template`` (default: the rules' ``[docx] template``)."""
    from ..write.docx import write_docx as write_word
    from ..write.word import check_template

    report = result.checked()
    target = Path(os.fspath(path))
    _check_result_target(result, target)
    chosen = check_template(template if template is not None else report.rules.docx_template)
    with no_gc():
        files.atomic_write(target, lambda tmp: write_word(report, tmp, template=chosen))


def steps(inputs: int = 1, json: bool = False, docx: bool = False) -> int:
    """How many times ``make_report`` calls its ``progress`` (for a progress bar's length)."""
    from ..write import SHEETS

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
    organisations: Sequence[str] | None = None,
    user: str = "",
    client: str = "",
    previous_any: bool = False,
) -> Result:
    """``analyse`` the workbooks, then, when there are no errors, write the report workbook
    to ``output``, and the JSON and the Word document where ``json`` and ``docx`` name
    them: what ``budget-monitor report`` does. Returns the result (its problems say why
    nothing was written, when they are errors). The paper is on the rules' ``[docx] template``.

    ``previous``, ``previous_name``, ``previous_any``, ``history`` and ``names`` are as for ``analyse``; with ``history``, the report is
    also recorded in that store (made if it does not exist) as the next version of its
    organisation and period, once its files are written, in one transaction:
    ``result.recorded`` says how. A report whose Settings give no period is not recorded
    (a warning says so). ``organisations`` are as for ``analyse``; ``user`` and ``client``
    (who records the report, and from where) go into the store's audit trail (default:
    this computer's user).

    The outputs are checked before anything is read (``OutputError``). Where the machine
    can, one child process writes the JSON and the Word document while this one writes the
    workbook, and then records the report. ``HistoryError`` when the recording fails: the
    files were written, the store was left as it was.
    """
    from ..report.narrative import narrative
    from ..write import background
    from ..write import write_report as write_book
    from ..write.json_out import write_json_file
    from ..write.word import check_template

    inputs = [Path(p) for p in given_paths(path_or_paths)]
    out = Path(os.fspath(output))
    json_out = None if json is None else Path(os.fspath(json))
    docx_out = None if docx is None else Path(os.fspath(docx))
    store_path = None if history is None else Path(os.fspath(history))
    outputs = [("workbook", out), ("JSON", json_out), ("Word document", docx_out)]
    check_targets(inputs, [(what, t) for what, t in outputs if t is not None], store_path)
    rule_set = rules_of(rules)
    if docx_out is not None:
        check_template(rule_set.docx_template)
    # The cyclic collector stays off from reading to the last file written (see ``no_gc``):
    # switched on between them it would walk the whole report once.
    with no_gc():
        result = analyse(
            path_or_paths,
            rule_set,
            title=title,
            names=names,
            progress=progress,
            previous=previous,
            previous_name=previous_name,
            history=store_path,
            organisations=organisations,
            previous_any=previous_any,
        )
        if not result.ok:
            return result
        report = result.checked()
        period = None
        if store_path is not None and report.quarter.settings.period.strip():
            from ..series import report_period

            period, _ = report_period(report)
        recording: Recording | None = None
        written = False
        # The child that writes the JSON makes the narrative first and hands it over for
        # the workbook's Narrative sheet (written after the other sheets, so that this
        # process does not wait for it), instead of this process making it again.
        handoff = Handoff[tuple["Entry", ...]]() if json_out is not None and background.available() else None

        def json_in_child(tmp: Path) -> None:
            entries = narrative(report)
            if handoff is not None:
                handoff.in_child()
                handoff.give(entries)
            write_json_file(report, tmp, entries)

        def write_docx_file(tmp: Path) -> None:
            from ..write.docx import write_docx as write_word

            write_word(report, tmp)

        writers: list[tuple[background.Writer, Path]] = []
        if json_out is not None:
            writers.append((json_in_child, json_out))
        if docx_out is not None:
            writers.append((write_docx_file, docx_out))
        then: Callable[[Callable[[], None]], Recorded] | None = None
        if store_path is not None and period is not None:
            from ..series import recording_task

            then = recording_task(store_path, report, period, inputs, (user, client))
        beside: background.Background[Recorded] | None = None
        try:
            if writers:
                # Where it can, one child process writes the JSON and the Word document
                # (each streamed into a temporary file, never held whole), then records the
                # report, while this one writes the workbook; it commits only once every
                # file is in place. One child, so the report is not copied twice.
                beside = background.start(writers, then)
            if beside is not None and then is not None:
                from ..series import Recording

                recording = Recording(beside.child)
            elif store_path is not None and period is not None:
                from ..series import start_recording

                # A child records the report beside the writing and commits only once the
                # files are written.
                recording = start_recording(store_path, report, period, inputs, (user, client))
            jobs = (
                {} if beside is None else {target: job for (_, target), job in zip(writers, beside.jobs, strict=True)}
            )
            given: dict[str, Callable[[], object]] = {}
            if handoff is not None:
                if json_out in jobs:
                    handoff.in_parent()
                    given["narrative"] = handoff.take
                else:
                    handoff.close()
            files.atomic_write(
                out,
                lambda tmp: write_book(
                    report, tmp, progress=None if progress is None else _sheet_steps(progress), given=given
                ),
            )
            if docx_out is not None:
                step(progress, "writing the Word document")
                files.atomic_write(docx_out, jobs[docx_out].finish if docx_out in jobs else write_docx_file)
            if json_out is not None:
                step(progress, "writing the JSON")
                files.atomic_write(
                    json_out, jobs[json_out].finish if json_out in jobs else lambda tmp: write_json_file(report, tmp)
                )
            written = True
        finally:
            if handoff is not None:
                handoff.close()
            if beside is not None:
                beside.close()  # stops it if a file failed; removes what is left
            if recording is not None and not written:
                recording.cancel()  # a file failed: nothing is recorded
    if store_path is None or period is None:
        return result
    try:
        recorded = _record(store_path, report, period, inputs, recording, (user, client))
    except HistoryError as exc:
        exc.result = result
        raise
    return attrs.evolve(result, recorded=recorded)


def _check_store_target(store: Path, inputs: Sequence[Path], outputs: Sequence[Path]) -> None:
    """The history store may not be an input or an output, and its folder must exist."""
    from ..store import StoreError, check_file

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


def _record(
    store_path: Path,
    report: Report,
    period: Period,
    inputs: Sequence[Path],
    recording: Recording | None,
    who: tuple[str, str] = ("", ""),
) -> Recorded:
    """Commit the recording started beside the writing, or record now; ``HistoryError`` on failure."""
    from ..series import record
    from ..store import StoreError, store_at

    try:
        if recording is not None:
            return recording.finish()
        with store_at(store_path) as store:
            return record(store, report, period, inputs, who=who)
    except StoreError as exc:
        raise HistoryError(str(exc)) from None


def _sheet_steps(progress: ProgressFn) -> Callable[[str], None]:
    return lambda name: step(progress, f"writing {name}")
