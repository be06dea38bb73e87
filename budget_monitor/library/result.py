"""What an analysis gives (``Result``, each workbook of it a ``Workbook``) and the library's
errors (``InputErrors``, ``OutputError``, ``HistoryError``).

``Result`` keeps the problems met reading the workbooks and the problems the analysis
found in two fields; ``problems`` puts them together as a reader is shown them. Every
part of the engine's ``Report`` has a typed property here (``result.movement``...): a part
added to ``Report`` gets one too (``tests/api/test_api.py`` holds the two lists together).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Union

import attrs

from ..model import (
    BudgetLine,
    Component,
    DriverEffect,
    GrossIncome,
    Indicator,
    OverThreshold,
    PreviousReport,
    Problem,
    Quarter,
    has_errors,
)

if TYPE_CHECKING:
    from ..engine import CapitalSummary, CashLimitReconciliation, GroupMix, Report, SavingsSummary
    from ..engine.accuracy import Accuracy
    from ..engine.carry import FullYearEffect, RollForwardSummary
    from ..engine.council import Rounding, SubjectiveAnalysis
    from ..engine.kpi import ActionPlan, Kpi
    from ..engine.management import ManagementSummary
    from ..engine.movement import Movement, TrendPoint
    from ..frames import Frames
    from ..report.movement import MovementView
    from ..store import Recorded

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
    """An output that cannot be written (it is an input, another output, a folder, open in
    Excel...). ``target`` is the output as given, ``problems`` say why. Nothing was written."""

    def __init__(self, target: PathLike, problems: Sequence[Problem]):
        self.target = os.fspath(target)
        self.problems = tuple(problems)
        super().__init__("; ".join(f"{self.target}: {p.message}" for p in self.problems))


@attrs.frozen
class Workbook:
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
    at all); the properties below are its parts. ``read_problems`` are those met reading
    the workbooks (and putting several together); ``found_problems`` those the analysis
    found (the engine's, then the previous report's or the history's). ``problems`` are
    both, each naming its file (``p.where.file``), sheet and cell; when reading met
    errors, only the analysis's errors follow them (cells that could not be read count as
    zero, so its warnings would mislead).

        >>> r = analyse("workbooks/kcc-scs-2011-12-q3.xlsx")
        >>> r.organisation, r.period
        ('Kent County Council', '2011-12 Q3')
        >>> r.variance
        GrossIncome(gross=Decimal('13834000.00'), income=Decimal('869000.00'))
    """

    workbooks: tuple[Workbook, ...]
    read_problems: tuple[Problem, ...]
    found_problems: tuple[Problem, ...] = ()
    report: Report | None = None
    #: Where ``make_report`` recorded the report in the history store (organisation,
    #: period, version...); None when it was not recorded.
    recorded: Recorded | None = None

    @property
    def problems(self) -> tuple[Problem, ...]:
        if has_errors(self.read_problems):
            return self.read_problems + tuple(p for p in self.found_problems if p.level == "error")
        return self.read_problems + self.found_problems

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

    def checked(self) -> Report:
        """The report, or ``InputErrors`` when there is none to write."""
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
    def lines(self) -> tuple[BudgetLine, ...]:
        """The budget lines, in the revenue table's order."""
        return () if self.report is None else self.report.lines

    @property
    def components(self) -> tuple[Component, ...]:
        """Each line's variance in parts that add up to it, to the penny."""
        return () if self.report is None else self.report.components

    @property
    def drivers(self) -> tuple[DriverEffect, ...]:
        """Each driver's split into volume and unit-cost effects."""
        return () if self.report is None else self.report.effects

    @property
    def over_threshold(self) -> OverThreshold | None:
        """The components at or over the threshold (pressures, underspends)."""
        return None if self.report is None else self.report.over_threshold

    @property
    def variance(self) -> GrossIncome | None:
        """The total variance (gross, income and net)."""
        return None if self.report is None else self.report.variance

    @property
    def cash_limits(self) -> tuple[CashLimitReconciliation, ...] | None:
        return None if self.report is None else self.report.cash_limits

    @property
    def savings(self) -> SavingsSummary | None:
        return None if self.report is None else self.report.savings

    @property
    def capital(self) -> CapitalSummary | None:
        return None if self.report is None else self.report.capital

    @property
    def indicators(self) -> tuple[Indicator, ...] | None:
        return None if self.report is None else self.report.indicators

    @property
    def kpis(self) -> tuple[Kpi, ...] | None:
        return None if self.report is None else self.report.kpis

    @property
    def actions(self) -> ActionPlan | None:
        return None if self.report is None else self.report.actions

    @property
    def mixes(self) -> tuple[GroupMix, ...] | None:
        return None if self.report is None else self.report.mixes

    @property
    def previous(self) -> PreviousReport | None:
        """The report the movement is measured from."""
        return None if self.report is None else self.report.previous

    @property
    def movement(self) -> Movement | None:
        """The movement since the previous report."""
        return None if self.report is None else self.report.movement

    @property
    def trend(self) -> tuple[TrendPoint, ...] | None:
        return None if self.report is None else self.report.trend

    @property
    def management(self) -> ManagementSummary | None:
        return None if self.report is None else self.report.management

    @property
    def accuracy(self) -> Accuracy | None:
        """An outturn report's year: each recorded period's forecast against the outturn."""
        return None if self.report is None else self.report.accuracy

    @property
    def roll_forward(self) -> RollForwardSummary | None:
        """The Roll forward sheet's requests set against each line's underspend."""
        return None if self.report is None else self.report.roll_forward

    @property
    def full_year_effect(self) -> FullYearEffect | None:
        """The recurring pressures and savings (the Full year effect columns)."""
        return None if self.report is None else self.report.full_year_effect

    @property
    def rounding(self) -> tuple[Rounding, ...]:
        """The remainders within ``[revenue] rounding``: rounding, not variances."""
        return () if self.report is None else self.report.rounding

    @property
    def subjective(self) -> SubjectiveAnalysis | None:
        """Each line's subjective rows and the summary by subjective (the optional sheet)."""
        return None if self.report is None else self.report.subjective

    # --- outputs ----------------------------------------------------------------------------

    def to_json(self) -> str:
        """The JSON report, as ``budget-monitor report --json`` writes it (one line and a
        newline). Raises ``InputErrors`` when the input has errors.

            >>> import json
            >>> data = json.loads(analyse("workbooks/kcc-scs-2011-12-q3.xlsx").to_json())
            >>> data["over_threshold"]["shown_in_thousands"]["explained_pressures"]
            '19948'
        """
        from ..write.json_out import report_json

        return report_json(self.checked())

    def frames(self, decimals: str = "object") -> Frames:
        """The results as pandas DataFrames, money exact (see ``budget_monitor.frames``):
        ``decimals="object"`` holds amounts as ``Decimal`` values, ``"arrow"`` as pandas'
        Arrow decimal type.

        Needs pandas and pyarrow: ``pip install "budget-monitor[pandas]"``.
        """
        from ..frames import make_frames

        return make_frames(self, decimals)


def movement_view(result: Result) -> MovementView | None:
    """The movement since the previous report as a reader is shown it, as plain data (see
    ``report.movement.movement_view``); None when the result has no previous report.
    ``InputErrors`` when the result has errors."""
    from ..report.movement import movement_view as view

    return view(result.checked())
