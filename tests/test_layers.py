"""The core's layers as import rules, read from the source (lazy imports inside functions count too)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "aigc_desktop"


def _imports() -> dict[str, set[str]]:
    """Module name → the aigc_desktop modules (and names from them) it imports anywhere."""
    graph: dict[str, set[str]] = {}
    for path in PACKAGE.rglob("*.py"):
        name = ".".join(path.relative_to(PACKAGE.parent).with_suffix("").parts).removesuffix(".__init__")
        found: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("aigc_desktop"):
                found |= {node.module} | {f"{node.module}.{a.name}" for a in node.names}
            elif isinstance(node, ast.Import):
                found |= {a.name for a in node.names if a.name.startswith("aigc_desktop")}
        graph[name] = found
    return {m: {d for d in deps if d in graph and d != m} for m, deps in graph.items()}


GRAPH = _imports()


def _in(package: str) -> dict[str, set[str]]:
    return {m: deps for m, deps in GRAPH.items() if m.startswith(f"aigc_desktop.{package}.")}


@pytest.mark.parametrize(("lower", "upper"), [("llm", "hub"), ("store", "export")])
def test_a_lower_layer_never_imports_a_higher_one(lower, upper):
    """llm/ names models without hub/; store/ reads and writes the database, never files through export/."""
    reaches = [(m, d) for m, deps in _in(lower).items() for d in deps if d.startswith(f"aigc_desktop.{upper}.")]
    assert reaches == []


@pytest.mark.parametrize("package", ["hub", "llm"])
def test_no_import_circle_inside_a_package(package):
    """No module of the package reaches itself again through the others' imports."""
    graph = _in(package)

    def reach(start: str) -> set[str]:
        seen, todo = set(), list(graph[start])
        while todo:
            m = todo.pop()
            if m in graph and m not in seen:
                seen.add(m)
                todo += graph[m]
        return seen

    assert sorted(m for m in graph if m in reach(m)) == []
