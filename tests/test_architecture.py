"""The layering the package promises, checked on its source: a newcomer can rely on it.

- only `reindus.ui` (and the pages, and app.py) import Streamlit: everything else runs in plain pytest and
  in the command line;
- no module imports another module's private names (`_name`): what is shared is public API;
- pages stay thin (about 120 lines at most);
- a module defines each top-level name once (ruff misses a second definition once the first is used), and
  a public function name means one thing across `reindus.sourcing`;
- no test module imports another test module or a conftest (shared helpers live in `tests/support/`).
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "lib" / "reindus"
MAX_PAGE_LINES = 120


def _python_files(*folders: Path) -> list[Path]:
    return sorted(p for folder in folders for p in folder.rglob("*.py") if "migrations" not in p.parts)


def _imports(path: Path) -> Iterator[tuple[str, list[str], int]]:
    """(module, imported names, line) of every import of the file, relative imports resolved."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield alias.name, [], node.lineno
        elif isinstance(node, ast.ImportFrom) and node.module:
            yield node.module, [a.name for a in node.names], node.lineno


def _private_attributes(path: Path) -> Iterator[tuple[str, int]]:
    """`module._name` where `module` is a reindus module imported by the file."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    modules = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("reindus"):
            modules |= {
                a.asname or a.name
                for a in node.names
                if (PACKAGE.parent / node.module.replace(".", "/") / f"{a.name}.py").exists()
            }
        elif isinstance(node, ast.Import):
            modules |= {a.asname or a.name for a in node.names if a.name.startswith("reindus")}
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Attribute)
            and isinstance(node.value, ast.Name)
            and node.value.id in modules
            and node.attr.startswith("_")
            and not node.attr.startswith("__")
        ):
            yield f"{node.value.id}.{node.attr}", node.lineno


def _module_name(path: Path) -> str:
    return ".".join(path.relative_to(PACKAGE.parent).with_suffix("").parts)


@pytest.mark.parametrize("path", _python_files(PACKAGE), ids=lambda p: str(p.relative_to(ROOT)))
def test_only_the_ui_layer_imports_streamlit(path):
    if (PACKAGE / "ui") in path.parents:
        return
    offending = [
        f"{path.relative_to(ROOT)}:{line}"
        for module, _, line in _imports(path)
        if module == "streamlit" or module.startswith("streamlit.")
    ]
    assert not offending, f"Streamlit imported below reindus.ui: {offending}"


def test_no_module_imports_another_modules_private_names():
    offending = []
    for path in _python_files(PACKAGE, ROOT / "pages", ROOT / "bench") + [ROOT / "app.py"]:
        own = _module_name(path) if PACKAGE in path.parents else ""
        for module, names, line in _imports(path):
            if not module.startswith("reindus") or module == own:
                continue
            private = [n for n in names if n.startswith("_") and not n.startswith("__")]
            if private or any(part.startswith("_") and part != "__init__" for part in module.split(".")):
                offending.append(f"{path.relative_to(ROOT)}:{line} from {module} import {', '.join(private)}")
        offending += [f"{path.relative_to(ROOT)}:{line} {name}" for name, line in _private_attributes(path)]
    assert not offending, "private names imported across modules:\n" + "\n".join(offending)


@pytest.mark.parametrize("path", sorted((ROOT / "pages").glob("*.py")), ids=lambda p: p.name)
def test_pages_are_thin(path):
    lines = len(path.read_text(encoding="utf-8").splitlines())
    assert lines <= MAX_PAGE_LINES, f"{path.name}: {lines} lines (at most {MAX_PAGE_LINES})"


def test_no_test_module_imports_another_test_module():
    offending = []
    for path in _python_files(ROOT / "tests"):
        for module, _, line in _imports(path):
            leaf = module.rsplit(".", 1)[-1]
            if module.startswith("tests.") and (leaf.startswith("test_") or leaf == "conftest"):
                offending.append(f"{path.relative_to(ROOT)}:{line} imports {module}")
    assert not offending, "\n".join(offending)


def _top_level_definitions(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    return [n.name for n in tree.body if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef)]


def test_no_module_defines_a_name_twice():
    offending = []
    for path in _python_files(PACKAGE, ROOT / "pages", ROOT / "bench"):
        names = _top_level_definitions(path)
        offending += [f"{path.relative_to(ROOT)}: {n}" for n in sorted(set(names)) if names.count(n) > 1]
    assert not offending, "defined twice:\n" + "\n".join(offending)


def test_sourcing_functions_have_one_meaning_each():
    """Two `capability_gaps` (links without a regional candidate; activities a region lacks) were two facts
    under one name."""
    owners: dict[str, list[str]] = {}
    for path in _python_files(PACKAGE / "sourcing"):
        for name in _top_level_definitions(path):
            if not name.startswith("_"):
                owners.setdefault(name, []).append(path.name)
    shared = {name: files for name, files in owners.items() if len(files) > 1}
    assert not shared, shared
