"""Read, validate and cross-check the knowledge-base files."""

from __future__ import annotations

import copy
import functools
import hashlib
import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import jsonschema
import yaml

from fracturecare.engine.conditions import paths_in
from fracturecare.engine.facts import DERIVED_PATHS, case_paths
from fracturecare.engine.shapes import JSON
from fracturecare.engine.vocab import Vocabulary, build_vocabulary, normalise

PACKAGE_DIR = Path(__file__).resolve().parent
DATA_DIR = PACKAGE_DIR / "data"
SCHEMA_DIR = PACKAGE_DIR / "schemas"
CONTRACTS_DIR = PACKAGE_DIR.parent / "contracts"

_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

# Files every knowledge base must have. Other files listed in the manifest (for example a
# programme file another area adds) load and validate the same way; to make one required,
# append its name here, and to check it further, add a function to EXTRA_CHECKS.
REQUIRED_FILES: tuple[str, ...] = (
    "evidence", "sites", "grading", "red_flags", "conditions", "triad", "conventional", "points", "muscles",
    "contraindications", "vocabularies",
)

# Words about how a fact was gathered, or pointers to documents users do not have. Product text
# (anything a clinician or patient reads) must not contain them; the loader refuses a file that does.
AUTHORING_WORDS = re.compile(
    r"from memory|this session|not accessible|seed page|shared/reference|project.s (?:own )?reference"
    r"|reference author|§|/work/|/home/|\b[\w-]+\.md\b|\bI could not\b|\bin the reference\b"
    r"|\bthe reference(?:'s| gives| groups| names| applies| says| did| does| found| table)\b",
    re.IGNORECASE,
)


class KnowledgeError(Exception):
    """The knowledge base is invalid: the message names the file and the offending entry."""


@dataclass(frozen=True)
class KnowledgeBase:
    """Everything the engine and the web pages know, as plain data."""

    version: str
    digest: str
    files: dict[str, Any]
    sources: dict[str, JSON]
    sites: list[JSON]
    points: dict[str, JSON]
    combinations: dict[str, JSON]
    muscles: dict[str, JSON]
    case_schema: JSON
    # A jsonschema validator (engine.shapes.CaseValidator); None only inside a pickled cache entry,
    # which knowledge/cache.py replaces with a fresh validator on load.
    case_validator: Any = field(repr=False)
    limb_points: dict[str, frozenset[str]] = field(repr=False)
    vocabularies: dict[str, Vocabulary] = field(default_factory=dict, repr=False)
    bones: Vocabulary = field(default_factory=lambda: Vocabulary("bones", {}, {}), repr=False)
    regions: dict[str, Vocabulary] = field(default_factory=dict, repr=False)
    none_words: frozenset[str] = frozenset()
    contradictions: list[JSON] = field(default_factory=list, repr=False)

    def regions_of(self, bone: str) -> list[tuple[str, str]]:
        """(code, label) of every region the sites data lists for `bone`, in file order."""
        vocabulary = self.regions.get(bone)
        return list(vocabulary.labels.items()) if vocabulary else []

    @property
    def evidence(self) -> list[JSON]:
        sources: list[JSON] = self.files["evidence"]["sources"]
        return sources

    @property
    def red_flags(self) -> JSON:
        red_flags: JSON = self.files["red_flags"]
        return red_flags

    @property
    def conditions(self) -> list[JSON]:
        conditions: list[JSON] = self.files["conditions"]["conditions"]
        return conditions

    @property
    def conventional(self) -> JSON:
        conventional: JSON = self.files["conventional"]
        return conventional

    @property
    def grading(self) -> JSON:
        grading: JSON = self.files["grading"]
        return grading

    @property
    def triad(self) -> JSON:
        triad: JSON = self.files["triad"]
        return triad

    @property
    def contraindications(self) -> list[JSON]:
        rules: list[JSON] = self.files["contraindications"]["rules"]
        return rules

    @property
    def patient_education(self) -> list[JSON]:
        """Plain-language condition pages for the public site (public/condition.py)."""
        pages: list[JSON] = self.files.get("patient_education", {}).get("pages", [])
        return pages

    @property
    def point_selection(self) -> list[JSON]:
        selection: list[JSON] = self.files["points"]["selection"]
        return selection

    @property
    def electroacupuncture(self) -> JSON:
        electroacupuncture: JSON = self.files["points"]["electroacupuncture"]
        return electroacupuncture

    @property
    def return_to_run(self) -> list[JSON]:
        """Staged return-to-activity programmes (empty when the file is not in the manifest)."""
        programmes: list[JSON] = self.files.get("return_to_run", {}).get("programmes", [])
        return programmes

    def cite(self, source_id: str) -> JSON:
        """The source behind a citation id."""
        return self.sources[source_id]


def _read_yaml(path: Path) -> Any:
    try:
        with path.open(encoding="utf-8") as handle:
            return yaml.load(handle, Loader=_Loader)
    except (OSError, yaml.YAMLError) as exc:
        raise KnowledgeError(f"{path.name}: cannot read: {exc}") from None


def _validators() -> dict[str, jsonschema.Draft202012Validator]:
    """One validator per file schema, with the shared definitions bundled in.

    Inlining `common.schema.json` makes every `$ref` local, which roughly halves the time
    spent resolving references while validating.
    """
    common = json.loads((SCHEMA_DIR / "common.schema.json").read_text(encoding="utf-8"))
    validators = {}
    for path in SCHEMA_DIR.glob("*.schema.json"):
        if path.name == "common.schema.json":
            continue
        text = path.read_text(encoding="utf-8").replace('"common.schema.json#/$defs/', '"#/$defs/')
        schema = json.loads(text)
        schema["$defs"] = {**common["$defs"], **schema.get("$defs", {})}
        validators[path.name.removesuffix(".schema.json")] = jsonschema.Draft202012Validator(schema)
    return validators


def _validate(name: str, data: Any, validators: dict[str, jsonschema.Draft202012Validator]) -> None:
    if name not in validators:
        raise KnowledgeError(f"{name}.yaml: no schema {name}.schema.json")
    errors = sorted(validators[name].iter_errors(data), key=lambda e: list(map(str, e.absolute_path)))
    if errors:
        first = errors[0]
        where = "/".join(str(p) for p in first.absolute_path) or "(top)"
        raise KnowledgeError(f"{name}.yaml: {where}: {first.message} ({len(errors)} error(s))")


def _walk(node: Any, trail: str = "") -> Iterator[tuple[str, Any, Any]]:
    """Yield (trail, key, value) for every mapping entry in a nested structure."""
    if isinstance(node, dict):
        for key, value in node.items():
            yield trail, key, value
            yield from _walk(value, f"{trail}/{key}")
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _walk(value, f"{trail}/{index}")


def _unique(name: str, items: list[JSON], key: str) -> dict[str, JSON]:
    seen: dict[str, JSON] = {}
    for item in items:
        if item[key] in seen:
            raise KnowledgeError(f"{name}.yaml: duplicate {key} {item[key]!r}")
        seen[item[key]] = item
    return seen


def _check_references(files: dict[str, Any], fact_paths: frozenset[str]) -> None:
    sources = {s["id"] for s in files["evidence"]["sources"]}
    points = {p["code"] for p in files["points"]["points"]}
    muscles = {m["id"] for m in files["muscles"]["muscles"]}
    sites = {s["id"] for s in files["sites"]["sites"]}
    combinations = {c["id"] for c in files["points"]["combinations"]}
    phases = {p["id"] for p in files["conventional"]["phases"]}

    def fail(name: str, trail: str, message: str) -> None:
        raise KnowledgeError(f"{name}.yaml: {trail or '(top)'}: {message}")

    for name, data in files.items():
        for trail, key, value in _walk(data):
            if key == "citations":
                for cid in value:
                    if cid not in sources:
                        fail(name, trail, f"cites unknown source {cid!r}")
            elif key in ("when", "prompt_when", "applies_when") and isinstance(value, dict):
                unknown = paths_in(value) - fact_paths
                if unknown:
                    fail(name, trail, f"condition reads unknown fact(s) {sorted(unknown)}")
    for site in files["sites"]["sites"]:
        for muscle in site["dry_needling"]["muscles"]:
            if muscle not in muscles:
                fail("sites", site["id"], f"unknown muscle {muscle!r}")
        for code in site.get("regional_points", []):
            if code not in points:
                fail("sites", site["id"], f"unknown point {code!r}")
    for muscle in files["muscles"]["muscles"]:
        for site_id in muscle.get("overlies", []):
            if site_id not in sites:
                fail("muscles", muscle["id"], f"overlies unknown site {site_id!r}")
    for point in files["points"]["points"]:
        for site_id in point["overlies"]:
            if site_id not in sites:
                fail("points", point["code"], f"overlies unknown site {site_id!r}")
    for combo in files["points"]["combinations"]:
        for code in combo["points"]:
            if code not in points:
                fail("points", combo["id"], f"combination names unknown point {code!r}")
    for choice in files["points"]["selection"]:
        if "code" in choice and choice["code"] not in points:
            fail("points", choice["id"], f"selects unknown point {choice['code']!r}")
        if "combination" in choice and choice["combination"] not in combinations:
            fail("points", choice["id"], f"selects unknown combination {choice['combination']!r}")
    for pair in files["points"]["electroacupuncture"]["pairs"]:
        for code in pair:
            if code not in points:
                fail("points", "electroacupuncture", f"pair names unknown point {code!r}")
    for rule in files["contraindications"]["rules"]:
        for code in rule["scope"].get("points", []):
            if code not in points:
                fail("contraindications", rule["id"], f"names unknown point {code!r}")
    for item in files["conventional"]["items"]:
        if item["phase"] not in phases:
            fail("conventional", item["id"], f"unknown phase {item['phase']!r}")
    for programme in files.get("return_to_run", {}).get("programmes", []):
        stages = {s["id"] for s in programme["stages"]}
        for step in programme["steps"]:
            if step["stage"] not in stages:
                fail("return_to_run", f"{programme['id']}.{step['id']}", f"unknown stage {step['stage']!r}")
        _unique("return_to_run", programme["steps"], "id")
    _unique("sites", files["sites"]["sites"], "id")
    terms = files["sites"].get("region_terms", {})
    for site in files["sites"]["sites"]:
        for region in site.get("regions", []):
            if isinstance(region, str) and region not in terms:
                fail("sites", site["id"], f"region {region!r} has no entry in region_terms (its clinical label)")
    levels = [level["id"] for level in files["red_flags"]["levels"]]
    if sorted(levels) != sorted(["emergency", "urgent_referral", "referral", "proceed"]):
        fail("red_flags", "levels", "must define exactly the four triage levels")


def check_product_text(files: dict[str, Any]) -> None:
    """Refuse any string that says how a fact was gathered or points to a document users lack."""
    for name, data in files.items():
        for trail, value in _strings(data):
            match = AUTHORING_WORDS.search(value)
            if match:
                raise KnowledgeError(f"{name}.yaml: {trail or '(top)'}: authoring words {match.group(0)!r} in "
                                     f"product text: {value[:80]!r}")


def _strings(node: Any, trail: str = "") -> Iterator[tuple[str, str]]:
    if isinstance(node, str):
        yield trail, node
    elif isinstance(node, dict):
        for key, value in node.items():
            yield from _strings(value, f"{trail}/{key}")
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _strings(value, f"{trail}/{index}")


def site_regions(site: JSON, terms: dict[str, JSON]) -> list[JSON]:
    """A site's regions as {code, label, synonyms}, whether listed by code or given in full."""
    out = []
    for region in site.get("regions", []):
        if isinstance(region, str):
            out.append({"code": region, **terms[region]})
        else:
            out.append(region)
    return out


def build_vocabularies(files: dict[str, Any]) -> tuple[dict[str, Vocabulary], Vocabulary, dict[str, Vocabulary]]:
    """(medications and conditions, bones, regions by bone), from the vocabularies and sites files."""
    vocab = files["vocabularies"]
    sites = files["sites"]
    try:
        classes = {c["code"] for c in vocab["medication_classes"]}
        for drug in vocab["medications"]:
            unknown = set(drug["classes"]) - classes
            if unknown:
                raise ValueError(f"medications: {drug['code']!r} names unknown class(es) {sorted(unknown)}")
        vocabularies = {
            "medications": build_vocabulary("medications", [*vocab["medication_classes"], *vocab["medications"]]),
            "conditions": build_vocabulary("conditions", vocab["conditions"]),
        }
    except ValueError as exc:
        raise KnowledgeError(f"vocabularies.yaml: {exc}") from None
    listed = {b["code"]: b for b in sites.get("bones", [])}
    bone_terms = []
    for bone in dict.fromkeys(s["bone"] for s in sites["sites"]):
        site = next(s for s in sites["sites"] if s["bone"] == bone)
        bone_terms.append(listed.get(bone) or {"code": bone, "label": site.get("bone_label", bone.capitalize()),
                                               "synonyms": []})
    terms = sites.get("region_terms", {})
    regions: dict[str, Vocabulary] = {}
    try:
        bones = build_vocabulary("bones", bone_terms)
        for bone in dict.fromkeys(s["bone"] for s in sites["sites"]):
            seen: dict[str, JSON] = {}
            for site in sites["sites"]:
                if site["bone"] == bone:
                    for region in site_regions(site, terms):
                        seen.setdefault(region["code"], region)
            regions[bone] = build_vocabulary(f"regions of the {bone}", seen.values())
    except ValueError as exc:
        raise KnowledgeError(f"sites.yaml: {exc}") from None
    return vocabularies, bones, regions


def effective_case_schema(contract: JSON, bones: Vocabulary, regions: dict[str, Vocabulary],
                          vocabularies: dict[str, Vocabulary]) -> JSON:
    """The case contract narrowed by the knowledge base: bones, regions per bone and vocabulary codes."""
    schema = copy.deepcopy(contract)
    injury = schema["properties"]["injury"]
    injury["properties"]["bone"]["enum"] = sorted(bones.labels)
    injury["allOf"] = [
        {"if": {"properties": {"bone": {"const": bone}}, "required": ["bone"]},
         "then": {"properties": {"region": {"enum": sorted(vocabulary.labels)} if vocabulary.labels
                                 else False}}}
        for bone, vocabulary in sorted(regions.items())
    ]
    for path in ("medications", "conditions"):
        schema["properties"][path]["items"] = {"enum": sorted(vocabularies[path].labels)}
    return schema


def load_contradictions(fact_paths: frozenset[str]) -> list[JSON]:
    """The contract's contradictory combinations, checked like any knowledge-base condition."""
    data = json.loads((CONTRACTS_DIR / "contradictions.json").read_text(encoding="utf-8"))
    items: list[JSON] = data["contradictions"]
    for item in items:
        unknown = paths_in(item["when"]) - fact_paths
        if unknown or not {"id", "fields", "message"} <= set(item):
            raise KnowledgeError(f"contradictions.json: {item.get('id')}: bad entry (unknown facts {sorted(unknown)})")
    return items


# Further checks over the loaded files, run in order after the built-in ones: (files) -> None,
# raising KnowledgeError. Other areas append theirs (e.g. for a file they register).
EXTRA_CHECKS: list[Callable[[dict[str, Any]], None]] = [check_product_text]


def load_from(data_dir: Path) -> KnowledgeBase:
    """Load and check the knowledge base in `data_dir` (used by tests with altered data)."""
    manifest = _read_yaml(data_dir / "manifest.yaml")
    if not isinstance(manifest, dict) or "version" not in manifest or "files" not in manifest:
        raise KnowledgeError("manifest.yaml: needs `version` and `files`")
    validators = _validators()
    files: dict[str, Any] = {}
    digest = hashlib.sha256()
    for name in manifest["files"]:
        path = data_dir / f"{name}.yaml"
        raw = path.read_bytes() if path.exists() else b""
        if not raw:
            raise KnowledgeError(f"{name}.yaml: missing or empty")
        digest.update(name.encode() + b"\0" + raw)
        data = yaml.load(raw, Loader=_Loader)
        _validate(name, data, validators)
        files[name] = data
    for required in REQUIRED_FILES:
        if required not in files:
            raise KnowledgeError(f"manifest.yaml: the knowledge base needs {required}.yaml")

    case_schema = json.loads((CONTRACTS_DIR / "case.schema.json").read_text(encoding="utf-8"))
    fact_paths = case_paths(case_schema) | DERIVED_PATHS
    _check_references(files, fact_paths)
    for check in EXTRA_CHECKS:
        check(files)
    missing_bones = set(case_schema["properties"]["injury"]["properties"]["bone"]["enum"]) - {
        s["bone"] for s in files["sites"]["sites"]}
    if missing_bones:
        raise KnowledgeError(f"sites.yaml: no site for bone(s) {sorted(missing_bones)} in the case contract")
    vocabularies, bones, regions = build_vocabularies(files)
    effective = effective_case_schema(case_schema, bones, regions, vocabularies)
    limb = json.loads((CONTRACTS_DIR / "limb_points.json").read_text(encoding="utf-8"))
    return KnowledgeBase(
        version=str(manifest["version"]),
        digest=digest.hexdigest()[:16],
        files=files,
        sources=_unique("evidence", files["evidence"]["sources"], "id"),
        sites=files["sites"]["sites"],
        points=_unique("points", files["points"]["points"], "code"),
        combinations=_unique("points", files["points"]["combinations"], "id"),
        muscles=_unique("muscles", files["muscles"]["muscles"], "id"),
        case_schema=effective,
        case_validator=jsonschema.Draft202012Validator(effective),
        limb_points={k: frozenset(v) for k, v in limb.items() if isinstance(v, list)},
        vocabularies=vocabularies,
        bones=bones,
        regions=regions,
        none_words=frozenset(normalise(w) for w in files["vocabularies"]["none_words"]),
        contradictions=load_contradictions(fact_paths),
    )


@functools.cache
def load_knowledge() -> KnowledgeBase:
    """The project's knowledge base, loaded once per process."""
    return load_from(DATA_DIR)
