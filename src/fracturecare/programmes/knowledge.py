"""The programme definitions from the knowledge base."""

from __future__ import annotations

from fracturecare.knowledge import load_knowledge


class UnknownProgramme(LookupError):
    """The programme id is not in the knowledge base."""


def programme_definition(programme_id: str) -> dict:
    """The knowledge-base entry for `programme_id`; raises UnknownProgramme."""
    for programme in load_knowledge().return_to_run:
        if programme["id"] == programme_id:
            return programme
    raise UnknownProgramme(programme_id)


def programme_choices() -> list[tuple[str, str]]:
    return [(p["id"], p["name"]) for p in load_knowledge().return_to_run]
