"""The pure core imports nothing but the standard library and itself."""

from __future__ import annotations

import ast
import sys
from pathlib import Path

CORE = Path(__file__).resolve().parents[2] / "judging" / "core"
ALLOWED_THIRD_PARTY = {"numpy", "scipy", "ortools"}  # numeric and solver libraries only


def _imported_roots(path: Path) -> set[str]:
    roots: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            roots.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            roots.add(node.module.split(".")[0])
    return roots


def test_core_modules_import_only_the_standard_library_and_the_core():
    offenders = {}
    for path in sorted(CORE.rglob("*.py")):
        bad = {
            root
            for root in _imported_roots(path)
            if root not in sys.stdlib_module_names and root not in ALLOWED_THIRD_PARTY and root != "judging"
        }
        judging_imports = {
            node.module
            for node in ast.walk(ast.parse(path.read_text()))
            if isinstance(node, ast.ImportFrom)
            and node.module
            and node.module.startswith("judging")
            and not node.module.startswith("judging.core")
        }
        if bad or judging_imports:
            offenders[path.name] = sorted(bad | judging_imports)
    assert offenders == {}
