"""The knowledge base: cited clinical facts as data, validated and cross-checked at load.

Each kind of fact lives in its own YAML file under `data/` (listed in `data/manifest.yaml`)
and is validated against the JSON Schema of the same name under `schemas/`. Loading also
checks every cross-reference: cited sources, muscles, points, sites and the fact paths used
by rule conditions. A knowledge base that fails any check does not load. `load_knowledge` validates the files
when they change and reads a cached, already-validated copy otherwise (knowledge/cache.py).
"""

from fracturecare.knowledge.cache import load_knowledge
from fracturecare.knowledge.loader import KnowledgeBase, KnowledgeError

__all__ = ["KnowledgeBase", "KnowledgeError", "load_knowledge"]
