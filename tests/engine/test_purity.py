"""The engine is pure Python: no Django, no I/O, no clock, no randomness."""

import ast
from pathlib import Path

import fracturecare.engine

FORBIDDEN = {"django", "os", "io", "pathlib", "time", "datetime", "random", "socket", "subprocess", "shutil",
             "sqlite3", "urllib", "requests", "fracturecare.knowledge"}
ENGINE_DIR = Path(fracturecare.engine.__file__).parent


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text())
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
        elif isinstance(node, ast.Call) and getattr(node.func, "id", None) == "open":
            names.add("open()")
    return names


def test_the_engine_imports_nothing_impure():
    paths = sorted(ENGINE_DIR.glob("*.py"))
    assert len(paths) > 5
    for path in paths:
        for name in _imports(path):
            root = name.split(".")[0]
            assert root not in FORBIDDEN and name not in FORBIDDEN and name != "open()", f"{path.name}: {name}"
