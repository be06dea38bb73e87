"""The history store through the library: the reports recorded, one period's figures as
recorded, forgetting a period, and the year's forecast accuracy. Read from the store,
never re-analysed; ``HistoryError`` names the store and says why when it cannot be used.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import TYPE_CHECKING

from .. import files
from ..rules import Rules
from .analysis import rules_of
from .result import HistoryError, PathLike

if TYPE_CHECKING:
    from ..engine.accuracy import Accuracy
    from ..model import PreviousReport
    from ..periods import Period
    from ..store import Recorded, Store


def history_reports(store: PathLike, organisation: str | None = None) -> list[Recorded]:
    """Every report recorded in the history store at ``store`` (``store.Recorded``:
    organisation, period, version, when, the input's name and SHA-256, the variance), by
    organisation, period in time and version; ``latest`` marks the version that counts.
    ``HistoryError`` when there is no store there or it cannot be read (it is not changed)."""
    from ..store import StoreError, store_at

    try:
        with store_at(Path(os.fspath(store)), create=False) as s:
            return s.reports(organisation)
    except StoreError as exc:
        raise HistoryError(str(exc)) from None


def _recorded_period(s: Store, period: str, organisation: str | None) -> tuple[Period, list[Recorded]]:
    from ..periods import PeriodError, parse_period

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


def history_report(store: PathLike, period: str, organisation: str | None = None) -> tuple[Recorded, PreviousReport]:
    """The latest recorded version of ``period`` (``Recorded``) and its figures as recorded
    (``PreviousReport``: lines and components), read from the store, never re-analysed.
    ``organisation`` is needed only when the store holds the period for several."""
    from ..store import StoreError, store_at

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
    from ..store import StoreError, store_at

    try:
        with store_at(Path(os.fspath(store)), create=False) as s:
            when, versions = _recorded_period(s, period, organisation)
            org = versions[0].organisation
            return org, when.key, s.forget(org, when)
    except StoreError as exc:
        raise HistoryError(str(exc)) from None


def year_accuracy(
    store: PathLike, year: str, organisation: str | None = None, rules: Rules | PathLike | None = None
) -> Accuracy:
    """How good the recorded forecasts of the financial ``year`` (``"2011-12"``) were
    (``engine.accuracy.Accuracy``): each period's forecast variance against the outturn,
    the error, its share of the cash limit, the bias, the mean absolute error and the first
    period from which the forecasts stayed within ``[accuracy] tolerance``; measured
    against the latest period recorded when there is no outturn yet (``accuracy.final`` is
    False and ``accuracy.label`` says so). Read from the store, never re-analysed.
    ``HistoryError`` when there is no store, or nothing of that year in it."""
    from ..series import store_accuracy
    from ..store import StoreError, store_at

    tolerance = rules_of(rules).accuracy_tolerance
    try:
        with store_at(Path(os.fspath(store)), create=False) as s:
            return store_accuracy(s, year, organisation, tolerance)
    except StoreError as exc:
        raise HistoryError(str(exc)) from None
    except ValueError as exc:
        raise HistoryError(str(exc)) from None


def write_accuracy_json(accuracy: Accuracy, path: PathLike) -> None:
    """Write ``{"forecast_accuracy": ...}`` (as the outturn report's JSON has it) for the
    ``accuracy`` that ``year_accuracy`` gave, whole or not at all."""
    from ..write.year_json import accuracy_dict

    text = json.dumps({"forecast_accuracy": accuracy_dict(accuracy)}, ensure_ascii=False, separators=(",", ":"))
    files.atomic_write(Path(os.fspath(path)), lambda tmp: tmp.write_text(text + "\n", encoding="utf-8"))
