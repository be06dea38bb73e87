"""Tests of ``budget_monitor.cli``: the command line."""
