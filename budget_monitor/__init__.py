"""budget_monitor: a budget-monitoring variance engine. Excel in, Excel and JSON out.

The library is in ``budget_monitor.api``; its names are here too, loaded when first used
(so that ``budget-monitor --help`` stays quick)::

    import budget_monitor as bm
    result = bm.analyse("q3.xlsx")
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

__all__ = [
    "HistoryError",
    "InputErrors",
    "OutputError",
    "Problem",
    "Result",
    "Rules",
    "RulesError",
    "TemplateError",
    "Workbook",
    "Where",
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

if TYPE_CHECKING:
    from .api import (
        HistoryError,
        InputErrors,
        OutputError,
        Problem,
        Result,
        Rules,
        RulesError,
        TemplateError,
        Where,
        Workbook,
        analyse,
        approve_version,
        audit_trail,
        forget_period,
        history_report,
        history_reports,
        load_rules,
        make_report,
        movement_view,
        write_docx,
        write_json,
        write_report,
        year_accuracy,
    )


def __getattr__(name: str) -> Any:
    if name in __all__:
        from . import api

        return getattr(api, name)
    raise AttributeError(f"module 'budget_monitor' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
