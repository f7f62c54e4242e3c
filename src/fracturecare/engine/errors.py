"""Errors the engine raises for a case it cannot plan."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class FieldError:
    field: str  # dotted path, e.g. "injury.pain_nrs"
    message: str


class CaseError(ValueError):
    """The case breaks the contract; `errors` names every offending field."""

    def __init__(self, errors: list[FieldError]):
        self.errors = errors
        first = errors[0]
        super().__init__(f"{first.field}: {first.message}")

    @property
    def field(self) -> str:
        return self.errors[0].field
