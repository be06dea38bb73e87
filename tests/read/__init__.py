"""Tests of ``budget_monitor.read``: files people send, cells, sheets, several workbooks, a previous report."""
