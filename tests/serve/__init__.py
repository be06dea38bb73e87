"""Tests of ``budget_monitor.serve``: the page over HTTP and in a browser."""
