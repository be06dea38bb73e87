"""The library: read, check and analyse quarterly workbooks, and write what they give.

This is what a notebook, the command line and the page call::

    >>> import budget_monitor as bm
    >>> result = bm.analyse("workbooks/kcc-scs-2011-12-q3.xlsx")
    >>> result.ok, len(result.lines), len(result.over_threshold.pressures)
    (True, 13, 24)
    >>> p = result.problems[0]
    >>> p.level, p.where.file, p.where.sheet, p.where.cell
    ('warning', 'workbooks/kcc-scs-2011-12-q3.xlsx', 'Budget lines', 'G13')
    >>> p.message
    'Safeguarding: -£135,000.00 of the income variance is not explained by any driver or item'

Bad input never raises: ``analyse`` returns the problems, each with its file, sheet and
cell, and a result with errors has no figures to write. Several workbooks make one report
of all their portfolios (``analyse(["a.xlsx", "b.xlsx"])``).

This module only names the library's parts, each where it is made (``library/``):
``result`` (``Result``, ``Workbook`` and the errors), ``analysis`` (``analyse``),
``outputs`` (the one check of a run's outputs and the writers), ``history`` (the history
store). What the library must not do: print, exit, ask questions, or import the command
line or the page; it writes files only in the writers, and only whole, never over an input.
"""

from __future__ import annotations

from .library.analysis import analyse
from .library.history import (
    approve_version,
    audit_trail,
    forget_period,
    history_report,
    history_reports,
    year_accuracy,
)
from .library.outputs import check_targets as check_targets
from .library.outputs import make_report, write_docx, write_json, write_report
from .library.outputs import steps as steps
from .library.result import (
    HistoryError,
    InputErrors,
    OutputError,
    Result,
    Workbook,
    movement_view,
)
from .library.result import PathLike as PathLike
from .library.result import ProgressFn as ProgressFn
from .model import Problem, Where
from .rules import Rules, RulesError, TemplateError, load_rules

#: The library's public names (``budget_monitor`` names the same). Also here, for the command
#: line and the page: ``check_targets``, ``steps`` (a progress bar's length), ``PathLike``
#: and ``ProgressFn`` (the types the functions take).
__all__ = [
    "HistoryError",
    "InputErrors",
    "OutputError",
    "Problem",
    "Result",
    "Rules",
    "RulesError",
    "TemplateError",
    "Where",
    "Workbook",
    "analyse",
    "approve_version",
    "audit_trail",
    "forget_period",
    "history_report",
    "history_reports",
    "load_rules",
    "make_report",
    "movement_view",
    "write_docx",
    "write_json",
    "write_report",
    "year_accuracy",
]
