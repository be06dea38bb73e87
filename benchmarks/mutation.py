"""Does the test suite catch small mistakes? A mutation check, run by hand (not by pytest).

    python benchmarks/mutation.py                  # every mutation, suite without test_verify
    python benchmarks/mutation.py --all            # every failing test named, not just the first
    python benchmarks/mutation.py --with-verify    # test_verify counts as well
    python benchmarks/mutation.py --only penny-half-even,unit-cost-sign --jobs 1
    python benchmarks/mutation.py --list           # the mutations, and whether each target is found

It copies the project (the package, tests, rules, workbooks, benchmarks, docs, README) to a
temporary folder per worker, checks that the suite passes there unchanged, then for each
mutation changes one piece of code in the copy's ``budget_monitor``, runs the suite
(``python -m pytest -x``, Hypothesis seeded and not shrinking what fails, ``tests/e2e/test_verify.py`` left out unless
``--with-verify``, the files most likely to fail first) and puts the file back. A
mutation is **caught** when a test fails, **missed** when the suite passes. It prints a
table (mutation, caught or missed, the first failing test or all of them with
``--all``, seconds) and exits 1 when any mutation is missed.

Each mutation is found by its code text, not by file or line, so moving files or
reformatting does not lose it: the ``where`` text is searched in every module of the
package with any whitespace where the code may break a line (between punctuation and
names, never inside a name), and must be found exactly once; within it, ``old`` must be
found exactly once and is replaced with ``new``. A mutation whose text is not found, or
is found more than once, stops the run with a message saying which.

The project is never changed: only the copies are, and they are removed at the end.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = "budget_monitor"


@dataclass(frozen=True)
class Mutation:
    name: str
    what: str  # the mistake, in words
    where: str  # code text that holds the change, found exactly once in the package
    old: str  # found exactly once within ``where``
    new: str


MUTATIONS = [
    Mutation(
        "revenue-threshold-strict",
        "revenue over-threshold table takes sizes above the bound only (> for >=)",
        "return [r for r in records if abs(r.amount) >= bound]",
        ">=",
        ">",
    ),
    Mutation(
        "capital-threshold-strict",
        "capital over-threshold list takes sizes above the bound only (> for >=)",
        "return abs(amount) >= self.bound",
        ">=",
        ">",
    ),
    Mutation(
        "rephasing-list-inclusive",
        "re-phasing list takes exactly £1m too (>= for >)",
        "abs(p.rephasing) > rephasing_list",
        ">",
        ">=",
    ),
    Mutation(
        "threshold-ignores-rounding",
        "thresholds compare the unrounded size (bound = the threshold itself)",
        'return (Decimal(k) - Decimal("0.5")) * self.round_to',
        '(Decimal(k) - Decimal("0.5")) * self.round_to',
        'self.amount if self.inclusive else self.amount + Decimal("0.01")',
    ),
    Mutation(
        "display-half-even",
        "display rounding half to even",
        "shown = scaled.quantize(_PLACES[places], rounding=ROUND_HALF_UP, context=EXACT)",
        "ROUND_HALF_UP",
        '"ROUND_HALF_EVEN"',
    ),
    Mutation(
        "penny-half-even",
        "penny rounding half to even",
        "result = value.quantize(PENNY, rounding=ROUND_HALF_UP, context=EXACT)",
        "ROUND_HALF_UP",
        '"ROUND_HALF_EVEN"',
    ),
    Mutation(
        "unit-cost-sign",
        "unit-cost effect with its sign flipped",
        "unit_cost = penny(forecast_cost - budget_cost) - activity",
        "penny(forecast_cost - budget_cost) - activity",
        "activity - penny(forecast_cost - budget_cost)",
    ),
    Mutation(
        "activity-at-forecast-cost",
        "activity effect priced at the forecast unit cost",
        "activity = penny((d.forecast_volume - d.budget_volume) * d.budget_unit_cost)",
        "d.budget_unit_cost",
        "d.forecast_unit_cost",
    ),
    Mutation(
        "unexplained-dropped",
        "a line's unexplained gross remainder left out",
        'if gross: out.append(Component(bl.portfolio, bl.line, "", "gross", "unexplained", gross, bl.where))',
        "if gross:",
        "if False:",
    ),
    Mutation(
        "income-unexplained-dropped",
        "a line's unexplained income remainder left out",
        'if income: out.append(Component(bl.portfolio, bl.line, "", "income", "unexplained", income, bl.where))',
        "if income:",
        "if False:",
    ),
    Mutation(
        "table1-income-from-gross",
        "Table 1's cash limit income column fed from gross",
        "k(cl.gross), k(cl.income), None, k(var.gross), k(var.income)",
        "k(cl.income)",
        "k(cl.gross)",
    ),
    Mutation(
        "read-income-from-gross",
        "the reader fills a line's income cash limit from its gross column",
        "cash_limit = gross_income(gross_limit, income_limit)",
        "income_limit)",
        "gross_limit)",
    ),
    Mutation(
        "json-income-from-gross",
        "the JSON's line cash limit income written from gross",
        '"cash_limit":{_gin(cg, ci)},"forecast":{_gin(fg, fi)},"variance":{_gin(fg - cg, fi - ci)}',
        "_gin(cg, ci)",
        "_gin(cg, cg)",
    ),
    Mutation(
        "income-activity-sign",
        "income activity effect with its sign flipped (income taken as a debit)",
        "income_activity = penny(-(d.forecast_volume - d.budget_volume) * d.budget_income_rate)",
        "penny(-(d.forecast_volume",
        "penny((d.forecast_volume",
    ),
    Mutation(
        "largest-last",
        "over-threshold tables smallest first",
        "return (-abs(c.amount), c.line, c.side",
        "-abs(c.amount)",
        "abs(c.amount)",
    ),
    Mutation(
        "driver-order-ignores-text",
        "drivers equal as numbers but written differently (0, 0.0) left in input order",
        "d.where.sheet, d.where.row, _driver_texts(d))",
        ", _driver_texts(d))",
        ")",
    ),
]

#: Test files run first (with -x the run stops at the first failure): fast and most likely to fail.
FIRST = [
    "tests/test_money.py",
    "tests/engine/test_thresholds.py",
    "tests/engine/test_effects.py",
    "tests/engine/test_properties.py",
    "tests/e2e/test_golden.py",
]

IGNORE = shutil.ignore_patterns(
    ".git", "build", "*.egg-info", "__pycache__", ".hypothesis", ".pytest_cache", "data", ".ruff_cache", ".mypy_cache"
)


# --- finding the code --------------------------------------------------------------------


def _pattern(text: str) -> re.Pattern[str]:
    """``text`` as a pattern that allows any whitespace (line breaks and indents included)
    between two atoms where either is punctuation, and requires some where two names
    (or numbers) were separated by whitespace."""
    atoms = re.findall(r"\w+|\S", text)
    spaced = [m.start() > 0 and text[m.start() - 1].isspace() for m in re.finditer(r"\w+|\S", text)]
    out = []
    for i, atom in enumerate(atoms):
        if i:
            word_pair = re.fullmatch(r"\w+", atoms[i - 1]) and re.fullmatch(r"\w+", atom)
            out.append(r"\s+" if word_pair and spaced[i] else r"\s*")
        out.append(re.escape(atom))
    return re.compile("".join(out))


class NotFound(Exception):
    pass


def locate(package: Path, mutation: Mutation) -> tuple[Path, int, int, str]:
    """The file, and the span within it, that ``mutation`` changes, and the new text of
    that span. Raises ``NotFound`` unless ``where`` is found exactly once in the package
    and ``old`` exactly once within it."""
    where = _pattern(mutation.where)
    hits = []
    for path in sorted(package.rglob("*.py")):
        text = path.read_text(encoding="utf-8")
        hits += [(path, m) for m in where.finditer(text)]
    if len(hits) != 1:
        places = ", ".join(
            f"{p.relative_to(package.parent)}:{p.read_text().count(chr(10), 0, m.start()) + 1}" for p, m in hits
        )
        raise NotFound(
            f"mutation {mutation.name}: the code '{mutation.where}' is found {len(hits)} times in {package.name}/"
            + (f" ({places})" if places else "")
            + "; expected exactly once: update the mutation to today's code"
        )
    path, m = hits[0]
    found = m.group(0)
    olds = list(_pattern(mutation.old).finditer(found))
    if len(olds) != 1:
        raise NotFound(f"mutation {mutation.name}: '{mutation.old}' is found {len(olds)} times within '{found}'")
    o = olds[0]
    return path, m.start() + o.start(), m.start() + o.end(), mutation.new


# --- running ------------------------------------------------------------------------------


def copy_project(dest: Path) -> Path:
    dest.mkdir(parents=True)
    for name in (PACKAGE, "tests", "rules", "workbooks", "benchmarks", "docs", ".ci"):
        if (ROOT / name).exists():
            shutil.copytree(ROOT / name, dest / name, ignore=IGNORE)
    for name in ("README.md", "pyproject.toml"):
        if (ROOT / name).exists():
            shutil.copy2(ROOT / name, dest / name)
    return dest


def suite_args(project: Path, with_verify: bool, stop_first: bool) -> list[str]:
    files = [f for f in FIRST if (project / f).exists()]
    files += sorted(
        str(p.relative_to(project))
        for p in (project / "tests").rglob("test_*.py")
        if str(p.relative_to(project)) not in files
    )
    if not with_verify:
        files = [f for f in files if not f.endswith("test_verify.py")]
    args = [
        sys.executable,
        "-m",
        "pytest",
        "-q",
        "-p",
        "no:cacheprovider",
        "--hypothesis-seed=0",
        "--hypothesis-profile=mutation",
        "-rf",
        "--tb=no",
    ]
    if stop_first:
        args.append("-x")
    return args + files


def run_suite(project: Path, args: list[str], timeout: float) -> tuple[str, list[str], float]:
    """'pass', 'fail' or 'timeout', the failing tests, and the seconds taken."""
    env = {k: v for k, v in os.environ.items() if k != "BUDGET_MONITOR_REQUIRE_LIBREOFFICE"}
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    start = time.perf_counter()
    try:
        result = subprocess.run(
            args, cwd=project, capture_output=True, text=True, timeout=timeout, env=env, check=False
        )
    except subprocess.TimeoutExpired:
        return "timeout", [], time.perf_counter() - start
    seconds = time.perf_counter() - start
    failed = re.findall(r"^(?:FAILED|ERROR) (\S+)", result.stdout, re.MULTILINE)
    if result.returncode == 0:
        return "pass", [], seconds
    if not failed:
        failed = [(result.stdout.strip().splitlines() or ["(no output)"])[-1]]
    return "fail", failed, seconds


@dataclass
class Outcome:
    mutation: Mutation
    status: str  # caught, missed, timeout
    tests: list[str]
    seconds: float


def mutate_and_run(project: Path, mutation: Mutation, args: list[str], timeout: float) -> Outcome:
    path, start, end, new = locate(project / PACKAGE, mutation)
    original = path.read_text(encoding="utf-8")
    path.write_text(original[:start] + new + original[end:], encoding="utf-8")
    try:
        status, tests, seconds = run_suite(project, args, timeout)
    finally:
        path.write_text(original, encoding="utf-8")
    return Outcome(mutation, {"pass": "missed", "fail": "caught"}.get(status, status), tests, seconds)


def table(outcomes: list[Outcome], everything: bool) -> str:
    rows = ["| mutation | what | result | caught by | s |", "|---|---|---|---|---|"]
    for o in outcomes:
        names = [t.split("::", 1)[-1] if "::" in t else t for t in o.tests]
        shown = ", ".join(f"`{n}`" for n in names[:6]) + (f" and {len(names) - 6} more" if len(names) > 6 else "")
        if not everything and names:
            shown = f"`{o.tests[0]}`"
        rows.append(f"| {o.mutation.name} | {o.mutation.what} | {o.status} | {shown} | {o.seconds:.0f} |")
    return "\n".join(rows)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", default="", help="comma-separated mutation names")
    parser.add_argument(
        "--all", action="store_true", help="run the whole suite for each mutation, naming every failing test"
    )
    parser.add_argument("--with-verify", action="store_true", help="let tests/e2e/test_verify.py count too")
    parser.add_argument("--jobs", type=int, default=max(1, min(2, os.cpu_count() or 1)))
    parser.add_argument("--timeout", type=float, default=1200, help="seconds for one run of the suite")
    parser.add_argument("--no-baseline", action="store_true", help="skip checking that the unchanged copy passes")
    parser.add_argument("--list", action="store_true", help="list the mutations and where each is found, then stop")
    args = parser.parse_args(argv)

    chosen = MUTATIONS
    if args.only:
        names = set(args.only.split(","))
        unknown = names - {m.name for m in MUTATIONS}
        if unknown:
            parser.error(
                f"unknown mutation {', '.join(sorted(unknown))}; expected some of {', '.join(m.name for m in MUTATIONS)}"
            )
        chosen = [m for m in MUTATIONS if m.name in names]
    try:  # every target must be found before anything runs
        places = [locate(ROOT / PACKAGE, m) for m in chosen]
    except NotFound as exc:
        print(f"mutation.py: {exc}", file=sys.stderr)
        return 2
    if args.list:
        for m, (path, start, _, new) in zip(chosen, places, strict=True):
            line = path.read_text(encoding="utf-8").count("\n", 0, start) + 1
            print(f"{m.name:28} {path.relative_to(ROOT)}:{line}  {m.old!r} -> {new!r}")
        return 0

    with tempfile.TemporaryDirectory(prefix="bm-mutation-") as tmp:
        jobs = max(1, min(args.jobs, len(chosen)))
        copies = [copy_project(Path(tmp) / f"copy{i}") for i in range(jobs)]
        suite = suite_args(copies[0], args.with_verify, stop_first=not args.all)
        if not args.no_baseline:
            status, failed, seconds = run_suite(copies[0], suite, args.timeout)
            print(f"unchanged copy: {status} in {seconds:.0f} s", flush=True)
            if status != "pass":
                print(
                    f"mutation.py: the suite does not pass on the unchanged project: {', '.join(failed)}",
                    file=sys.stderr,
                )
                return 2
        free = list(copies)
        outcomes: dict[str, Outcome] = {}

        def work(m: Mutation) -> Outcome:
            project = free.pop()
            try:
                o = mutate_and_run(project, m, suite, args.timeout)
            finally:
                free.append(project)
            print(f"{m.name:28} {o.status:8} {o.seconds:6.0f} s  {o.tests[0] if o.tests else ''}", flush=True)
            return o

        with ThreadPoolExecutor(jobs) as pool:
            for o in pool.map(work, chosen):
                outcomes[o.mutation.name] = o
    ordered = [outcomes[m.name] for m in chosen]
    print()
    print(table(ordered, args.all))
    missed = [o.mutation.name for o in ordered if o.status == "missed"]
    caught = sum(o.status == "caught" for o in ordered)
    print(f"\n{caught} of {len(ordered)} caught" + (f"; missed: {', '.join(missed)}" if missed else ""))
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
