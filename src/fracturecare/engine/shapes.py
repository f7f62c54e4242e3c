"""The shapes the engine passes around, named once.

Cases, knowledge-base entries and plans are plain JSON data (their contracts are the JSON
Schemas in `contracts/` and `knowledge/schemas/`, checked at the edges), so inside the engine
they are typed as JSON objects. `Knowledge` is what the engine reads from a knowledge base:
the engine may not import the loader (it sits below it), and `knowledge.KnowledgeBase`
satisfies this protocol.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from typing import TYPE_CHECKING, Any, Protocol, TypeAlias

if TYPE_CHECKING:
    from fracturecare.engine.vocab import Vocabulary

#: A JSON object: a case section, a knowledge-base entry, a plan or a part of one.
JSON: TypeAlias = dict[str, Any]
#: A case as given (read only; the engine works on a resolved copy).
Case: TypeAlias = Mapping[str, Any]
#: A case flattened to dotted paths plus derived facts (`engine.facts`), what conditions read.
Facts: TypeAlias = dict[str, Any]


class CaseViolation(Protocol):
    """One way a case breaks its JSON Schema, as the validator reports it (a jsonschema ValidationError).

    Spelled out here because the engine may not import jsonschema (the loader builds the validator).
    """

    @property
    def message(self) -> str: ...
    @property
    def validator(self) -> object: ...  # the schema keyword that failed: "required", "enum" …
    @property
    def validator_value(self) -> Any: ...  # that keyword's value in the schema
    @property
    def instance(self) -> Any: ...  # the offending value in the case
    @property
    def absolute_path(self) -> Sequence[str | int]: ...


class CaseValidator(Protocol):
    """A compiled JSON Schema validator for the case contract (a jsonschema validator)."""

    def iter_errors(self, instance: Any) -> Iterator[CaseViolation]: ...


class Knowledge(Protocol):
    """The parts of the knowledge base the engine reads."""

    @property
    def version(self) -> str: ...
    @property
    def files(self) -> Mapping[str, Any]: ...
    @property
    def sources(self) -> Mapping[str, JSON]: ...
    @property
    def sites(self) -> list[JSON]: ...
    @property
    def points(self) -> Mapping[str, JSON]: ...
    @property
    def combinations(self) -> Mapping[str, JSON]: ...
    @property
    def muscles(self) -> Mapping[str, JSON]: ...
    @property
    def case_validator(self) -> CaseValidator: ...
    @property
    def vocabularies(self) -> Mapping[str, Vocabulary]: ...
    @property
    def bones(self) -> Vocabulary: ...
    @property
    def regions(self) -> Mapping[str, Vocabulary]: ...
    @property
    def none_words(self) -> frozenset[str]: ...
    @property
    def contradictions(self) -> list[JSON]: ...
    @property
    def red_flags(self) -> JSON: ...
    @property
    def conditions(self) -> list[JSON]: ...
    @property
    def conventional(self) -> JSON: ...
    @property
    def grading(self) -> JSON: ...
    @property
    def triad(self) -> JSON: ...
    @property
    def contraindications(self) -> list[JSON]: ...
    @property
    def point_selection(self) -> list[JSON]: ...
    @property
    def electroacupuncture(self) -> JSON: ...

    def regions_of(self, bone: str) -> list[tuple[str, str]]: ...
