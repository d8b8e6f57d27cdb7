"""The package's layering, read from its imports: the engine knows no front end, and no module reaches into
another package's private names."""

from __future__ import annotations

import ast
from pathlib import Path

PKG = Path(__file__).resolve().parent.parent / "legalprompt"
FRONT_ENDS = {"tui", "commands", "cli", "batch", "compare"}


def _imports():
    for f in sorted(PKG.rglob("*.py")):
        mod = ".".join(f.relative_to(PKG.parent).with_suffix("").parts)
        for node in ast.walk(ast.parse(f.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("legalprompt"):
                yield mod, node.module, [a.name for a in node.names]
            elif isinstance(node, ast.Import):
                for a in node.names:
                    if a.name.startswith("legalprompt"):
                        yield mod, a.name, []


def _package(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else ""


def _private(name: str) -> bool:
    return name.startswith("_") and not (name.startswith("__") and name.endswith("__"))


def test_engine_imports_no_front_end():
    bad = [(m, t) for m, t, _ in _imports() if _package(m) == "engine" and _package(t) in FRONT_ENDS]
    assert bad == []


def test_no_private_names_across_packages():
    bad = []
    for mod, target, names in _imports():
        if _package(mod) == _package(target):
            continue
        if any(_private(p) for p in target.split(".")[1:]) or any(_private(n) for n in names):
            bad.append((mod, target, names))
    assert bad == []


def test_the_checks_can_fail():
    """Guard against a walk that sees nothing: the package has many cross-package imports."""
    cross = [1 for m, t, _ in _imports() if _package(m) != _package(t)]
    assert len(cross) > 50
