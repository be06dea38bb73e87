"""The history store through the library: the reports recorded, one period's figures as
recorded, forgetting a period, and the year's forecast accuracy. Read from the store,
never re-analysed; ``HistoryError`` names the store and says why when it cannot be used.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
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
    from ..store import AuditRow, Recorded, Store


@contextmanager
def _stored(store: PathLike) -> Iterator[Store]:
    """The history store at ``store``, open (it must exist); ``HistoryError`` for any ``StoreError``."""
    from ..store import StoreError, store_at

    try:
        with store_at(Path(os.fspath(store)), create=False) as s:
            yield s
    except StoreError as exc:
        raise HistoryError(str(exc)) from None


def history_reports(store: PathLike, organisation: str | None = None) -> list[Recorded]:
    """Every report recorded in the history store at ``store`` (``store.Recorded``:
    organisation, period, version, when, the input's name and SHA-256, the variance), by
    organisation, period in time and version; ``latest`` marks the version that counts.
    ``HistoryError`` when there is no store there or it cannot be read (it is not changed)."""
    with _stored(store) as s:
        return s.reports(organisation)


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
    with _stored(store) as s:
        _, versions = _recorded_period(s, period, organisation)
        latest = next(r for r in versions if r.latest)
        return latest, s.previous_report(latest)


def forget_period(store: PathLike, period: str, organisation: str | None = None) -> tuple[str, str, int]:
    """Remove every version of ``period`` from the store, in one transaction: (organisation,
    period, how many versions were removed)."""
    with _stored(store) as s:
        when, versions = _recorded_period(s, period, organisation)
        org = versions[0].organisation
        return org, when.key, s.forget(org, when)


def approve_version(
    store: PathLike, period: str, version: int | None = None, organisation: str | None = None, user: str = ""
) -> Recorded:
    """Approve ``version`` of ``period`` (its latest when None) as ``user`` (default: this
    computer's user), with its row in the audit trail: the version (``Recorded``) as now
    approved. ``HistoryError`` when there is no such version or it is approved already."""
    with _stored(store) as s:
        when, versions = _recorded_period(s, period, organisation)
        return s.approve(versions[0].organisation, when, version, user)


def audit_trail(store: PathLike, since: str = "") -> list[AuditRow]:
    """The store's audit trail (``store.AuditRow``: when, who, from where, what, on what),
    oldest first, from ``since`` (an ISO 8601 date) on. ``HistoryError`` as for ``history_reports``."""
    with _stored(store) as s:
        return s.audit_trail(since)


def year_accuracy(
    store: PathLike,
    year: str,
    organisation: str | None = None,
    rules: Rules | PathLike | None = None,
    json: PathLike | None = None,
) -> Accuracy:
    """How good the financial ``year``'s recorded forecasts were (``engine.accuracy.Accuracy``,
    see ``series.store_accuracy``), read from the store: against the outturn, or the latest
    period recorded (``final`` False); written as JSON to ``json`` when given. ``HistoryError``
    when there is no store, or nothing of that year in it."""
    from ..series import store_accuracy
    from ..write.year_json import write_accuracy_file

    with _stored(store) as s:
        found = store_accuracy(s, year, organisation, rules_of(rules).accuracy_tolerance)
    if json is not None:
        files.atomic_write(Path(os.fspath(json)), lambda tmp: write_accuracy_file(found, tmp))
    return found
