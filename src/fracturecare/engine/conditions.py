"""The small condition language the knowledge base uses to say when a rule applies.

A condition is plain data: ``{"path": "findings.fever", "is": true}``, combined with
``all``/``any``/``not``; ``{"always": true}`` holds for every case. Paths name facts built by
`engine.facts`. A missing fact never satisfies a comparison, so an unassessed finding
cannot trigger (or silence) a rule by accident; use ``missing`` to test for absence.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any


def holds(condition: Mapping[str, Any], facts: Mapping[str, Any]) -> bool:
    """Whether `condition` is true for `facts` (a flat mapping of dotted paths)."""
    if "all" in condition:
        return all(holds(c, facts) for c in condition["all"])
    if "any" in condition:
        return any(holds(c, facts) for c in condition["any"])
    if "not" in condition:
        return not holds(condition["not"], facts)
    if "always" in condition:
        return True
    value = facts.get(condition["path"])
    for op, expected in condition.items():
        if op == "path":
            continue
        return _compare(op, value, expected)
    raise ValueError(f"condition without an operator: {condition!r}")


def _compare(op: str, value: Any, expected: Any) -> bool:
    if op == "missing":
        return (value is None) is expected
    if value is None:
        return False
    if op == "is":
        if isinstance(expected, bool) or isinstance(value, bool):
            return value is expected
        equal: bool = value == expected
        return equal
    if op == "in":
        return value in expected
    if op == "contains":
        return expected in value
    if op == "contains_any":
        return any(item in value for item in expected)
    if isinstance(value, bool) or not isinstance(value, int | float):
        return False
    # Both sides are numbers here (a rule's bound is a number by the knowledge-base schema).
    number: float = value
    bound: float = expected
    if op == "lt":
        return number < bound
    if op == "lte":
        return number <= bound
    if op == "gt":
        return number > bound
    if op == "gte":
        return number >= bound
    raise ValueError(f"unknown condition operator {op!r}")


def paths_in(condition: Mapping[str, Any]) -> set[str]:
    """Every fact path a condition reads (used to check the knowledge base at load)."""
    if "all" in condition or "any" in condition:
        key = "all" if "all" in condition else "any"
        return set().union(*(paths_in(c) for c in condition[key]))
    if "not" in condition:
        return paths_in(condition["not"])
    if "always" in condition:
        return set()
    return {condition["path"]}
