"""The checks CI runs before the tests: the type checker is strict on the vocabulary and
the engine, and `.ci/run` runs it with the linter and the formatter."""

from __future__ import annotations

import re
import tomllib

from tests.support.paths import ROOT

CONTRIBUTING = (ROOT / "CONTRIBUTING.md").read_text(encoding="utf-8")
CONFIG = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))

#: What --strict turns on, as per-module settings (strict itself cannot be set per module).
STRICT = {
    "disallow_any_generics": True,
    "disallow_subclassing_any": True,
    "disallow_untyped_calls": True,
    "disallow_untyped_defs": True,
    "disallow_incomplete_defs": True,
    "check_untyped_defs": True,
    "disallow_untyped_decorators": True,
    "warn_return_any": True,
    "implicit_reexport": False,
    "strict_equality": True,
    "extra_checks": True,
}


def strict_modules() -> set[str]:
    out: set[str] = set()
    for override in CONFIG["tool"]["mypy"].get("overrides", []):
        if all(override.get(k) == v for k, v in STRICT.items()):
            modules = override["module"]
            out.update([modules] if isinstance(modules, str) else modules)
    return out


def test_the_vocabulary_and_the_engine_are_checked_strictly():
    strict = strict_modules()
    package = ROOT / "budget_monitor"
    for name in ("model", "money", "rules", "textsafe", "periods"):
        if (package / f"{name}.py").exists():
            assert f"budget_monitor.{name}" in strict, name
    assert "budget_monitor.engine.*" in strict  # the package and every module in it


def test_type_ignores_name_their_code():
    assert "ignore-without-code" in CONFIG["tool"]["mypy"]["enable_error_code"]
    assert CONFIG["tool"]["mypy"]["warn_unused_ignores"] is True


def test_ci_runs_the_checks_before_the_tests():
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    steps = ["python -m ruff check .", "python -m ruff format --check .", "python -m mypy", "python -m pytest"]
    at = [ci.index(step) for step in steps]
    assert at == sorted(at)


def test_contributing_names_scripts_that_exist():
    scripts = set(re.findall(r"python (benchmarks/[\w/]+\.py)", CONTRIBUTING))
    assert "benchmarks/run.py" in scripts
    for script in scripts:
        assert (ROOT / script).is_file(), script


def test_precommit_runs_the_same_checks_as_ci():
    hooks = (ROOT / ".pre-commit-config.yaml").read_text(encoding="utf-8")
    for command in ("python -m ruff check", "python -m ruff format", "python -m mypy"):
        assert f"entry: {command}" in hooks
