"""The case contract (contracts/case.schema.json) as the evaluation form needs it."""

from __future__ import annotations

import json
import re
from functools import cache
from pathlib import Path

import jsonschema

SCHEMA_PATH = Path(__file__).resolve().parent.parent / "contracts" / "case.schema.json"


@cache
def case_schema() -> dict:
    return json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))


def leaf_paths(schema: dict | None = None, prefix: str = "") -> list[str]:
    """Dotted paths of every field the schema names (objects are walked, not listed)."""
    schema = schema or case_schema()
    paths = []
    for name, sub in schema.get("properties", {}).items():
        path = f"{prefix}{name}"
        if sub.get("type") == "object" and "properties" in sub:
            paths.extend(leaf_paths(sub, path + "."))
        else:
            paths.append(path)
    return paths


def field_schema(path: str) -> dict:
    node = case_schema()
    for part in path.split("."):
        node = node["properties"][part]
    return node


def required(path: str) -> bool:
    parent, _, name = path.rpartition(".")
    node = case_schema()
    for part in filter(None, parent.split(".")):
        node = node["properties"][part]
    return name in node.get("required", [])


def example_values(path: str) -> list[str]:
    """The 'e.g. a, b' suggestions in a field's description."""
    description = field_schema(path).get("description", "")
    match = re.search(r"e\.g\. (.*)$", description)
    return [v.strip() for v in match.group(1).split(",")] if match else []


def schema_errors(case: dict) -> list[tuple[str, str]]:
    """(dotted path, message) for every way `case` breaks the contract."""
    validator = jsonschema.Draft202012Validator(case_schema())
    out = []
    for error in sorted(validator.iter_errors(case), key=lambda e: list(e.absolute_path)):
        path = ".".join(str(p) for p in error.absolute_path)
        if error.validator == "required":
            missing = re.search(r"'(\w+)' is a required property", error.message)
            if missing:
                path = f"{path}.{missing.group(1)}" if path else missing.group(1)
        out.append((path, error.message))
    return out
