"""Tests of ``budget_monitor.api``: the library as a notebook uses it."""
