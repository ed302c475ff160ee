"""Import boundaries of the package (DESIGN.md): metrics never import systems, nothing outside tests/
imports tests/, and no code edits ``sys.path`` (scripts use the installed package; a test's subprocess
gets PYTHONPATH). Read from the source files' syntax trees, so imports inside functions count too."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SYS_PATH_EDIT = re.compile(r"sys\.path\s*(\.\s*(insert|append|extend|remove)\b|\[|\+?=[^=])")


def python_files(*folders: str) -> list[Path]:
    return sorted(p for folder in folders for p in (REPO / folder).rglob("*.py"))


def imported_modules(source: str, package: str) -> list[tuple[int, str]]:
    """(line, name) of every import in ``source``, a module of ``package``; relative imports made absolute."""
    tree = ast.parse(source)
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parent = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*parent, base] if base else parent)
            found += [(node.lineno, f"{base}.{alias.name}" if base else alias.name) for alias in node.names]
    return found


def offenders(paths: list[Path], banned: str) -> list[str]:
    found = []
    for path in paths:
        package = ".".join(path.relative_to(REPO).parts[:-1])
        found += [
            f"{path.relative_to(REPO)}:{line}: {module}"
            for line, module in imported_modules(path.read_text(encoding="utf-8"), package)
            if module == banned or module.startswith(banned + ".")
        ]
    return found


def test_metrics_never_import_systems() -> None:
    assert offenders(python_files("bench/metrics"), "bench.systems") == []


@pytest.mark.parametrize("folder", ["bench", "scripts"])
def test_nothing_outside_tests_imports_tests(folder: str) -> None:
    assert offenders(python_files(folder), "tests") == []


def test_no_code_edits_sys_path() -> None:
    edits = [
        f"{p.relative_to(REPO)}:{n}"
        for p in python_files("bench", "scripts", "tests")
        if p != Path(__file__)
        for n, line in enumerate(p.read_text(encoding="utf-8").splitlines(), 1)
        if SYS_PATH_EDIT.search(line)
    ]
    assert edits == []


def test_the_checks_see_what_they_look_for() -> None:
    assert SYS_PATH_EDIT.search("sys.path.insert(0, x)") and SYS_PATH_EDIT.search("sys.path[:0] = [x]")
    assert not SYS_PATH_EDIT.search("# the script's folder is on sys.path")
    assert not SYS_PATH_EDIT.search("if sys.path == old:")
    source = "import bench.systems\ndef f():\n    from ..systems.hf import loading\n    from . import rouge\n"
    assert imported_modules(source, "bench.metrics") == [
        (1, "bench.systems"),
        (3, "bench.systems.hf.loading"),
        (4, "bench.metrics.rouge"),
    ]
