"""Tests of ``budget_monitor.store``: the history store."""
