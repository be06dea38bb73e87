"""Tests of ``budget_monitor.write``: the workbook, the JSON and the Word document as files."""
