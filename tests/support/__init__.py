"""Shared builders of test inputs and oracles (expectations worked out apart from the package)."""
