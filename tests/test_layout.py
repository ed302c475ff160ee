"""The layout rules of DESIGN.md, checked on the source itself: small modules and functions, no import
cycles, systems apart from the loader, and the README's "Where things live" matching the tree (import
boundaries and sys.path: tests/test_boundaries.py)."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
PACKAGE = REPO / "bench"
MAX_MODULE_LINES = 400
MAX_FUNCTION_LINES = 60


def _modules() -> list[Path]:
    return sorted(PACKAGE.rglob("*.py"))


def _name(path: Path) -> str:
    parts = list(path.relative_to(REPO).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def test_no_module_is_over_400_lines():
    long = {
        str(p.relative_to(REPO)): n for p in _modules() if (n := len(p.read_text().splitlines())) > MAX_MODULE_LINES
    }
    assert not long, f"split these by noun (DESIGN.md): {long}"


def test_no_function_is_over_60_lines():
    long = []
    for path in _modules():
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                length = node.end_lineno - node.lineno + 1
                if length > MAX_FUNCTION_LINES:
                    long.append(f"{path.relative_to(REPO)}:{node.lineno} {node.name} ({length} lines)")
    assert not long, "split these functions: " + "; ".join(long)


def _top_level_imports(path: Path) -> set[str]:
    """Modules of ``bench`` imported at module level (function-level imports are deliberate late binding)."""
    out = set()
    for node in ast.parse(path.read_text()).body:
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("bench"):
            out.add(node.module)
            out.update(f"{node.module}.{a.name}" for a in node.names)
        elif isinstance(node, ast.Import):
            out.update(a.name for a in node.names if a.name.startswith("bench"))
    return out


def test_no_import_cycle():
    names = {_name(p): p for p in _modules()}
    graph = {name: {i for i in _top_level_imports(path) if i in names and i != name} for name, path in names.items()}
    # a package's __init__ re-exporting its own modules is not a cycle through them
    for name in graph:
        graph[name] = {
            i for i in graph[name] if not (PACKAGE.joinpath(*name.split(".")[1:]).is_dir() and i.startswith(name + "."))
        }
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(node: str) -> None:
        state[node] = 1
        stack.append(node)
        for nxt in sorted(graph[node]):
            if state.get(nxt) == 1:
                cycle = stack[stack.index(nxt) :] + [nxt]
                pytest.fail("import cycle: " + " -> ".join(cycle))
            if nxt not in state:
                visit(nxt)
        stack.pop()
        state[node] = 2

    for node in sorted(graph):
        if node not in state:
            visit(node)


def test_systems_never_import_the_corpus_loader():
    """Systems read Articles (bench.article), never the loader (tests/test_boundaries.py checks the others)."""
    for path in (PACKAGE / "systems").rglob("*.py"):
        imports = _top_level_imports(path)
        assert not any(i.startswith("bench.corpus") for i in imports), f"{path.relative_to(REPO)} imports the loader"


def test_readme_where_things_live_matches_the_tree():
    text = (REPO / "README.md").read_text()
    section = text.split("## Where things live", 1)[1].split("\n## ", 1)[0]
    named = set(re.findall(r"`(bench/[\w/]+(?:\.py)?)`", section))
    assert named, "README has no 'Where things live' entries"
    missing = sorted(n for n in named if not (REPO / n).exists())
    assert not missing, f"README names paths that do not exist: {missing}"
    packages = {
        f"bench/{p.relative_to(PACKAGE).as_posix()}/"
        for p in PACKAGE.rglob("*")
        if p.is_dir() and (p / "__init__.py").exists()
    }
    unlisted = sorted(p for p in packages if p not in named and p.rstrip("/") not in named)
    assert not unlisted, f"README's 'Where things live' does not list these packages: {unlisted}"
