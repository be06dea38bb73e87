"""Tests of ``budget_monitor.engine``: the arithmetic against formulas worked out apart from it."""
