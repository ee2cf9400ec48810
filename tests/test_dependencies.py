"""The dependency directions a newcomer can draw, checked on the imports so they stay true.

    cli, web, pipeline, demo, bench, evaluate  →  stage packages  →  store, document
    (sources, fetch, extract, translate, stories, alerts)

- the shared modules (document, errors, languages, flags, urls) import nothing of babelwire but errors;
- stage packages never import the layers above them (cli, web, pipeline, demo, bench);
- translate is pure: it does not import the store (the translation memory is handed in);
- web reads through the store: it imports store, config and the shared modules, no stage package
  and no pipeline;
- nobody imports another package's private (underscore) names;
- the store owns every query: no module outside ``store/`` imports SQLAlchemy (except for type
  hints under ``if TYPE_CHECKING:``).
"""

from __future__ import annotations

import ast
import sys
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "babelwire"
SHARED = {"document", "errors", "languages", "flags", "urls"}
LAYERS_ABOVE = {"cli", "web", "pipeline", "demo", "bench", "server"}
STAGES = {"sources", "fetch", "extract", "translate", "stories", "alerts"}


def _modules() -> dict[str, Path]:
    found = {}
    for path in PACKAGE.rglob("*.py"):
        if "migrations" in path.parts:
            continue
        parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
        found[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = path
    return found


def _imports(path: Path, module: str) -> list[tuple[str, list[str], int]]:
    """(imported babelwire module, names taken from it, line) for every import in the file."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = module if path.name == "__init__.py" else module.rsplit(".", 1)[0]
    out = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            out += [(alias.name, [], node.lineno) for alias in node.names if alias.name.startswith("babelwire")]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                name = ".".join([*base, node.module] if node.module else base)
            else:
                name = node.module or ""
            if name.startswith("babelwire"):
                out.append((name, [alias.name for alias in node.names], node.lineno))
    return out


def _top(module: str) -> str:
    """The first-level package or module under babelwire: ``babelwire.web.views`` → ``web``."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else ""


def _violations() -> list[str]:
    problems = []
    for module, path in sorted(_modules().items()):
        here = _top(module)
        for imported, names, line in _imports(path, module):
            there = _top(imported)
            where = f"{path.relative_to(PACKAGE.parent)}:{line} imports {imported}"
            if here in SHARED and there and there != "errors":
                problems.append(f"{where}: shared modules import nothing of babelwire but errors")
            if here in STAGES | {"store"} and there in LAYERS_ABOVE:
                problems.append(f"{where}: a stage or the store never imports the layers above it")
            if here == "translate" and there in {"store", "pipeline"}:
                problems.append(f"{where}: translate is pure (the memory is handed in)")
            if here == "web" and there not in {"", "web", "store", "config", *SHARED}:
                problems.append(f"{where}: web reads through the store only")
            if there != here and any(n.startswith("_") and not n.startswith("__") for n in names):
                problems.append(f"{where}: private names {[n for n in names if n.startswith('_')]}")
    return problems


def _runtime_sqlalchemy_imports(path: Path) -> list[int]:
    """Lines importing SQLAlchemy outside ``if TYPE_CHECKING:`` blocks."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    hints: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            hints.update(id(child) for inner in node.body for child in ast.walk(inner))
    lines = []
    for node in ast.walk(tree):
        if id(node) in hints:
            continue
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom) and not node.level:
            names = [node.module or ""]
        else:
            continue
        if any(name.split(".")[0] == "sqlalchemy" for name in names):
            lines.append(node.lineno)
    return lines


def _sql_outside_store() -> list[str]:
    problems = []
    for module, path in sorted(_modules().items()):
        if _top(module) == "store":
            continue
        problems += [f"{path.relative_to(PACKAGE.parent)}:{line} imports SQLAlchemy: queries belong in store/"
                     for line in _runtime_sqlalchemy_imports(path)]
    return problems


def test_the_store_owns_every_query():
    assert _sql_outside_store() == []


def test_the_query_check_sees_sql_outside_the_store(tmp_path, monkeypatch):
    fake = tmp_path / "babelwire"
    (fake / "pipeline").mkdir(parents=True)
    (fake / "pipeline" / "__init__.py").write_text("")
    (fake / "pipeline" / "bad.py").write_text(
        "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from sqlalchemy.orm import Session\n"
        "from sqlalchemy import select\n")
    monkeypatch.setattr(sys.modules[__name__], "PACKAGE", fake)
    assert _sql_outside_store() == ["babelwire/pipeline/bad.py:4 imports SQLAlchemy: queries belong in store/"]


def test_dependency_directions_hold():
    assert _violations() == []


def test_the_checker_sees_a_violation(tmp_path, monkeypatch):
    # The check must be able to fail: a web module importing the pipeline is reported.
    fake = tmp_path / "babelwire"
    (fake / "web").mkdir(parents=True)
    (fake / "web" / "__init__.py").write_text("")
    (fake / "web" / "bad.py").write_text("from babelwire.pipeline.subscriptions import _private\n")
    monkeypatch.setattr(sys.modules[__name__], "PACKAGE", fake)
    problems = _violations()
    assert any("web reads through the store only" in p for p in problems)
    assert any("private names" in p for p in problems)
