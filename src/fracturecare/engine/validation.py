"""Check a case against the contract before any rule reads it."""

from __future__ import annotations

from typing import Any

from fracturecare.engine.conditions import holds
from fracturecare.engine.errors import CaseError, FieldError
from fracturecare.engine.facts import flatten_case
from fracturecare.engine.shapes import JSON, Case, CaseValidator, CaseViolation


def _field(error: CaseViolation) -> str:
    path = [str(p) for p in error.absolute_path]
    if error.validator == "required":
        missing = error.message.split("'")[1] if "'" in error.message else ""
        path.append(missing)
    elif error.validator == "additionalProperties" and "'" in error.message:
        path.append(error.message.split("'")[1])
    return ".".join(p for p in path if p) or "(case)"


def _message(error: CaseViolation) -> str:
    if error.validator == "enum":
        allowed = ", ".join(map(str, error.validator_value))
        return f"{error.instance!r} is not one of: {allowed}"
    if error.validator == "required":
        return "is required"
    if error.validator == "type":
        return f"must be {error.validator_value}, got {type(error.instance).__name__} {error.instance!r}"
    if error.validator in ("minimum", "maximum"):
        bound = "at least" if error.validator == "minimum" else "at most"
        return f"{error.instance!r} must be {bound} {error.validator_value}"
    return error.message


def validate_case(case: Any, validator: CaseValidator) -> None:
    """Raise CaseError naming every field of `case` that breaks the contract."""
    if not isinstance(case, dict):
        raise CaseError([FieldError("(case)", f"a case must be a JSON object, got {type(case).__name__}")])
    errors = sorted(validator.iter_errors(case), key=lambda e: (list(map(str, e.absolute_path)), e.message))
    found = [FieldError(_field(e), _message(e)) for e in errors]
    if found:
        raise CaseError(found)


def check_contradictions(case: Case, contradictions: list[JSON]) -> None:
    """Raise CaseError for every contract-listed combination of values the case holds at once."""
    facts = flatten_case(case, defaults=False)
    found = [FieldError(item["fields"][0], item["message"]) for item in contradictions if holds(item["when"], facts)]
    if found:
        raise CaseError(found)
