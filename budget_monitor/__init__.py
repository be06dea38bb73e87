"""budget_monitor: a budget-monitoring variance engine. Excel in, Excel and JSON out."""

__version__ = "0.1.0"
