"""The import graph of src/interview_srs, read with `ast` (imports inside functions too): no
cycle, and every import between packages points down the layers of docs/architecture.md."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "src" / "interview_srs"
# Lower numbers are lower layers; a module may import its own package or a lower layer only.
LAYERS = {
    "base": 0,
    "bank": 1,
    "schedule": 1,
    "store": 2,
    "personal": 3,
    "anki": 4,
    "terminal": 4,
    "review": 5,
    "commands": 6,
    "cli": 7,
    "__main__": 8,
}
MAX_LINES = 450


def modules() -> dict[str, Path]:
    found = {}
    for path in PACKAGE.rglob("*.py"):
        parts = path.relative_to(PACKAGE).with_suffix("").parts
        if parts[-1] == "__init__":
            parts = parts[:-1]
        found[".".join(parts)] = path
    return found


def imports(path: Path, known: dict[str, Path]) -> set[str]:
    """The project modules `path` imports, wherever the import statement stands."""
    targets = set()
    for node in ast.walk(ast.parse(path.read_text("utf-8"))):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names = [f"{node.module}.{alias.name}" for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            raise AssertionError(f"{path}: relative import; write it absolute so the graph is plain to read")
        else:
            continue
        for name in names:
            if not name.startswith("interview_srs."):
                continue
            name = name.removeprefix("interview_srs.")
            while name and name not in known:  # `from pkg import function` names the module pkg
                name = name.rpartition(".")[0]
            if name:
                targets.add(name)
    return targets


def graph() -> dict[str, set[str]]:
    known = modules()
    return {name: imports(path, known) - {name} for name, path in known.items()}


def layer(module: str) -> int:
    return LAYERS[module.split(".")[0]] if module else 0


def test_every_package_has_a_layer():
    assert {name.split(".")[0] for name in modules() if name} <= set(LAYERS)


def test_imports_between_packages_point_down():
    upward = [
        f"{name} -> {target}"
        for name, targets in graph().items()
        for target in targets
        if name.split(".")[0] != target.split(".")[0] and layer(target) >= layer(name)
    ]
    assert upward == []


def find_cycle(edges: dict[str, set[str]]) -> list[str] | None:
    """One cycle in `edges` (as the path that closes it), or None."""
    state: dict[str, int] = {}  # 1: on the current path, 2: done
    path: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        path.append(node)
        for target in sorted(edges.get(node, ())):
            if state.get(target) == 1:
                return path[path.index(target):] + [target]
            if target not in state and (found := visit(target)):
                return found
        path.pop()
        state[node] = 2
        return None

    for node in sorted(edges):
        if node not in state and (found := visit(node)):
            return found
    return None


def test_the_import_graph_has_no_cycle():
    assert find_cycle(graph()) is None


@pytest.mark.parametrize(
    ("edges", "cycle"),
    [
        ({"a": {"b"}, "b": {"c"}, "c": set()}, None),
        ({"a": {"b"}, "b": {"c"}, "c": {"a"}}, ["a", "b", "c", "a"]),
        ({"a": {"a"}}, ["a", "a"]),
    ],
)
def test_the_cycle_finder_finds_cycles(edges, cycle):
    assert find_cycle(edges) == cycle


def test_an_import_inside_a_function_counts(tmp_path):
    source = tmp_path / "m.py"
    source.write_text("def f():\n    from interview_srs.bank.model import Card\n", "utf-8")
    assert imports(source, {"bank.model": source, "bank": source}) == {"bank.model"}


def test_no_module_is_longer_than_the_limit():
    long = {name: n for name, path in modules().items() if (n := len(path.read_text("utf-8").splitlines())) > MAX_LINES}
    assert long == {}
