"""ICD-10-CM look-ups, from the maintained `simple_icd_10_cm` package, loaded on first use.

The package parses the whole code set when it is imported (about 2 seconds of CPU). Importing it
at module level made every process pay that at start (the URL configuration imports the export
views): each test worker, each web worker, each `fracturecare` command. Only an export or a check
of a code needs it, so it is imported the first time one asks.
"""

from __future__ import annotations

import functools
import importlib
from types import ModuleType


@functools.cache
def _package() -> ModuleType:
    return importlib.import_module("simple_icd_10_cm")


def is_billable(code: str) -> bool:
    """Whether `code` is a valid, complete (leaf) ICD-10-CM code: one a claim can carry."""
    package = _package()
    return bool(package.is_valid_item(code) and package.is_leaf(code))


def description(code: str) -> str:
    """The code's official description (its display in FHIR)."""
    return str(_package().get_description(code))
