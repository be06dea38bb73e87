"""Tests of ``budget_monitor.report``: the tables and the narrative a reader sees."""
