"""No test passes vacuously: a test whose every assertion sits in a loop must prove the loop ran.

A loop over a computed collection may run zero times, and then the test asserts nothing. Each
test function is read as code (AST): if all its `assert`s are inside `for`/`while` bodies whose
iterable is not a non-empty literal, it must also assert something outside them (usually that
the collection is not empty). `assert all(... for x in items)` is a loop too: it holds for an empty
`items`, so the test must also assert something about `items` itself (`assert items and all(...)`,
`assert len(items) == 3`).
"""

from __future__ import annotations

import ast
from pathlib import Path

TESTS = Path(__file__).resolve().parents[1]


def _always_runs(loop: ast.AST) -> bool:
    # `for x in ("a", "b"):` runs at least once; anything computed may not.
    return isinstance(loop, ast.For) and isinstance(loop.iter, (ast.List, ast.Tuple, ast.Set)) and bool(
        loop.iter.elts
    )


def _assert_counts(function: ast.FunctionDef) -> tuple[int, int]:
    """(asserts only inside loops that may not run, other asserts) in the function's own body."""
    in_loop = outside = 0

    def visit(node: ast.AST, guarded: bool) -> None:
        nonlocal in_loop, outside
        if isinstance(node, ast.Assert):
            if guarded:
                in_loop += 1
            else:
                outside += 1
        for child in ast.iter_child_nodes(node):
            if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef)):
                continue
            loop_body = isinstance(node, (ast.For, ast.While, ast.AsyncFor)) and child in node.body
            visit(child, guarded or (loop_body and not _always_runs(node)))

    visit(function, False)
    return in_loop, outside


def _unguarded_all(function: ast.FunctionDef) -> list[str]:
    """The iterables of `assert all(...)` calls that no other assertion in the function mentions."""
    asserts = [node for node in ast.walk(function) if isinstance(node, ast.Assert)]
    missing = []
    for node in asserts:
        for call in ast.walk(node.test):
            if not (isinstance(call, ast.Call) and isinstance(call.func, ast.Name) and call.func.id == "all"):
                continue
            if not call.args or not isinstance(call.args[0], (ast.GeneratorExp, ast.ListComp)):
                iterable = call.args[0] if call.args else None
            else:
                iterable = call.args[0].generators[0].iter
            if iterable is None or (isinstance(iterable, (ast.List, ast.Tuple, ast.Set)) and iterable.elts):
                continue
            text = ast.unparse(iterable)
            # `items[:-1]` is guarded by an assertion on `items` (say `len(items) > 1`).
            names = {text, ast.unparse(iterable.value)} if isinstance(iterable, ast.Subscript) else {text}
            # Mentioned by another assertion, or by this one outside the all(...) call.
            others = [ast.unparse(a.test) for a in asserts if a is not node]
            own = ast.unparse(node.test).replace(ast.unparse(call), "")
            if not any(name in other or name in own for name in names for other in others + [""]):
                missing.append(text)
    return missing


def vacuous_tests(root: Path = TESTS) -> list[str]:
    """`path:line name` of every test whose assertions may all be skipped."""
    found = []
    for path in sorted(root.rglob("test_*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.FunctionDef) and node.name.startswith("test_"):
                in_loop, outside = _assert_counts(node)
                if in_loop and not outside:
                    found.append(f"{path.relative_to(root.parent)}:{node.lineno} {node.name}")
                for iterable in _unguarded_all(node):
                    found.append(f"{path.relative_to(root.parent)}:{node.lineno} {node.name}: all() over {iterable}")
    return found


def test_the_checker_catches_a_loop_only_assertion(tmp_path):
    (tmp_path / "test_sample.py").write_text(
        "def test_bad(items):\n    for i in items:\n        assert i\n\n"
        "def test_good(items):\n    assert items\n    for i in items:\n        assert i\n\n"
        "def test_literal():\n    for i in (1, 2):\n        assert i\n\n"
        "def test_all_bad(items):\n    assert all(i for i in items)\n\n"
        "def test_all_good(items):\n    assert items and all(i for i in items)\n    assert len(items) and all(items)\n"
    )
    assert vacuous_tests(tmp_path) == [
        f"{tmp_path.name}/test_sample.py:1 test_bad",
        f"{tmp_path.name}/test_sample.py:14 test_all_bad: all() over items",
    ]


def test_no_test_asserts_only_inside_loops_that_may_not_run():
    found = vacuous_tests()
    assert not found, "Assert that the loop ran (e.g. `assert items`) in:\n" + "\n".join(found)
