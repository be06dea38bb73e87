"""Tests of ``budget_monitor.inputs``: the template and the workbook writers."""
