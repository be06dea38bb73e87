"""The package's layout keeps the promises ARCHITECTURE.md makes.

Every top-level part of ``budget_monitor`` is named in ARCHITECTURE.md; imports between
the parts point one way, down the layers below, and never go round in a circle; no
module is over 800 lines; every module opens with a docstring. Imports are read with
``ast`` (those inside functions too), so nothing is imported to check them.
"""

from __future__ import annotations

import ast
from pathlib import Path

from tests.support.paths import ROOT

PACKAGE = ROOT / "budget_monitor"
ARCHITECTURE = ROOT / "ARCHITECTURE.md"
MAX_LINES = 800
#: ``api.py`` only names the library's parts (``library/``): a façade, not a module of its own.
MAX_API_LINES = 150

#: Each top-level part and its layer: a part may import only parts of a lower layer.
#: A new part goes here (and into ARCHITECTURE.md) at the layer its imports allow.
LAYERS: dict[str, int] = {
    # the vocabulary: pure, no I/O
    "money": 0,
    "textsafe": 0,
    "rules": 0,
    "periods": 0,
    "model": 1,
    # safe file handling, used by the readers and the writers
    "files": 2,
    # work run in a forked child beside this process (the JSON's writer, the recording)
    "children": 2,
    # one schema per exported record: the JSON, the frames and the previous report's reader
    "schema": 2,
    # the stages
    "read": 3,
    "engine": 3,
    "report": 4,
    "inputs": 4,
    "store": 4,
    "write": 5,
    "frames": 5,
    # the thin shell on top
    "progress": 6,
    # a report's place in a series: previous report, movement, recording in the store
    "series": 6,
    # the library's parts, and the façade that names them: what the command line, the page
    # and notebooks call
    "library": 7,
    "api": 8,
    # the page: a web shell over the library, started by the command line
    "serve": 9,
    # the command line's parameters as typer gives them (help, values converted without pydantic)
    "cli_params": 9,
    "cli": 10,
    "__main__": 11,
    "__init__": 11,
}


def modules() -> list[Path]:
    return sorted(PACKAGE.rglob("*.py"))


def parts() -> list[str]:
    """The top-level parts: each module beside ``__init__.py`` and each sub-package."""
    found = [p.stem for p in PACKAGE.glob("*.py")]
    found += [p.name for p in PACKAGE.iterdir() if p.is_dir() and (p / "__init__.py").exists()]
    return sorted(found)


def part_of(path: Path) -> str:
    rel = path.relative_to(PACKAGE)
    return rel.parts[0] if len(rel.parts) > 1 else rel.stem


def imported_parts(path: Path) -> set[str]:
    """The top-level parts of the package that the module at ``path`` imports."""
    rel = path.relative_to(PACKAGE).with_suffix("")
    here = ["budget_monitor", *rel.parts]
    package = here[:-1]  # the package the module is in (for __init__.py, its own)
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        targets: list[list[str]] = []
        if isinstance(node, ast.Import):
            targets = [alias.name.split(".") for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = package[: len(package) - node.level + 1] if node.level else []
            if node.module:
                targets = [base + node.module.split(".")]
            else:  # from tests.support import a, b
                targets = [base + [alias.name] for alias in node.names]
        for target in targets:
            if target[:1] == ["budget_monitor"] and len(target) > 1:
                found.add(target[1])
    return found - {part_of(path)}


def import_graph() -> dict[str, set[str]]:
    graph: dict[str, set[str]] = {part: set() for part in parts()}
    for path in modules():
        graph[part_of(path)] |= imported_parts(path)
    return graph


def test_every_part_is_named_in_architecture_md():
    text = ARCHITECTURE.read_text(encoding="utf-8")
    missing = []
    for part in parts():
        is_package = (PACKAGE / part).is_dir()
        name = f"`{part}/`" if is_package else f"`{part}.py`"
        if name not in text:
            missing.append(name)
    assert not missing, f"ARCHITECTURE.md's code map does not name {', '.join(missing)}"


def test_every_part_has_a_layer():
    assert sorted(LAYERS) == parts(), "a part was added or removed: give it its layer here and in ARCHITECTURE.md"


def test_imports_point_down_the_layers():
    wrong = [
        f"{part} (layer {LAYERS[part]}) imports {other} (layer {LAYERS[other]})"
        for part, others in import_graph().items()
        for other in sorted(others)
        if LAYERS[other] >= LAYERS[part]
    ]
    assert not wrong, "imports that do not point down the layers: " + "; ".join(wrong)


def test_imports_between_parts_never_go_round_in_a_circle():
    graph = import_graph()
    state: dict[str, str] = {}
    cycles: list[list[str]] = []

    def visit(part: str, path: list[str]) -> None:
        state[part] = "open"
        for other in sorted(graph[part]):
            if state.get(other) == "open":
                cycles.append(path[path.index(other) :] + [other])
            elif other not in state:
                visit(other, path + [other])
        state[part] = "done"

    for part in sorted(graph):
        if part not in state:
            visit(part, [part])
    assert not cycles, "imports going round: " + "; ".join(" -> ".join(c) for c in cycles)


def test_imports_within_each_sub_package_never_go_round_in_a_circle():
    """The modules inside ``read/``, ``engine/``, ``write/``... do not import each other in a circle either."""
    by_module: dict[str, set[str]] = {}
    for path in modules():
        rel = path.relative_to(PACKAGE).with_suffix("")
        if len(rel.parts) < 2 or rel.name == "__init__":
            continue
        siblings = {p.stem for p in path.parent.glob("*.py")} - {"__init__"}
        tree = ast.parse(path.read_text(encoding="utf-8"))
        found = set()
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.level == 1:
                names = [node.module.split(".")[0]] if node.module else [a.name for a in node.names]
                found |= {n for n in names if n in siblings}
        by_module[str(rel)] = {str(rel.parent / n) for n in found}
    state: dict[str, str] = {}
    cycles: list[str] = []

    def visit(module: str, path: list[str]) -> None:
        state[module] = "open"
        for other in sorted(by_module.get(module, ())):
            if state.get(other) == "open":
                cycles.append(" -> ".join(path[path.index(other) :] + [other]))
            elif other not in state:
                visit(other, path + [other])
        state[module] = "done"

    for module in sorted(by_module):
        if module not in state:
            visit(module, [module])
    assert not cycles, "imports going round: " + "; ".join(cycles)


def test_no_module_is_over_800_lines():
    long = {
        str(p.relative_to(ROOT)): n
        for p in modules()
        if (n := len(p.read_text(encoding="utf-8").splitlines())) > MAX_LINES
    }
    assert not long, f"modules over {MAX_LINES} lines: {long}"


def test_every_module_opens_with_a_docstring():
    bare = [
        str(p.relative_to(ROOT)) for p in modules() if not ast.get_docstring(ast.parse(p.read_text(encoding="utf-8")))
    ]
    assert not bare, f"modules without an opening docstring: {bare}"


def test_the_import_reader_sees_imports_at_every_depth():
    """The checks above are only as good as the import reader: try it on known modules."""
    assert imported_parts(PACKAGE / "read" / "xlsx.py") >= {"model", "rules"}
    assert imported_parts(PACKAGE / "cli.py") >= {"api", "inputs", "store", "progress"}
    assert imported_parts(PACKAGE / "api.py") >= {"library", "model", "rules"}
    assert imported_parts(PACKAGE / "library" / "outputs.py") >= {"files", "model", "series", "write"}
    assert imported_parts(PACKAGE / "write" / "summary.py") >= {"report", "engine"}
    assert "read" in imported_parts(PACKAGE / "inputs" / "quarterbook.py")


def test_api_is_a_facade_under_150_lines():
    text = (PACKAGE / "api.py").read_text(encoding="utf-8")
    assert len(text.splitlines()) < MAX_API_LINES
    tree = ast.parse(text)
    made = [n.name for n in tree.body if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef))]
    assert made == [], f"api.py re-exports; define {made} in library/ and name it there"


def test_no_module_of_the_package_imports_tests_or_benchmarks():
    wrong = []
    for path in modules():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                names = [node.module]
            wrong += [f"{path.relative_to(ROOT)}: {n}" for n in names if n.split(".")[0] in ("tests", "benchmarks")]
    assert wrong == []


def test_no_underscore_name_is_imported_from_another_module():
    """A name that starts with ``_`` is its module's own: one another module needs is made public
    (or moved to where both can use it)."""
    wrong = []
    for path in modules():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom):
                names = [a.name for a in node.names if a.name.startswith("_") and not a.name.startswith("__")]
                wrong += [
                    f"{path.relative_to(ROOT)}: {name} from {'.' * node.level}{node.module or ''}" for name in names
                ]
            elif isinstance(node, ast.Attribute) and node.attr.startswith("_") and not node.attr.startswith("__"):
                if isinstance(node.value, ast.Name) and node.value.id in {p.stem for p in PACKAGE.rglob("*.py")}:
                    wrong.append(f"{path.relative_to(ROOT)}: {node.value.id}.{node.attr}")
    assert wrong == []
