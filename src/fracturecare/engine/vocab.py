"""Coded vocabularies: turn what people type into the knowledge base's codes, or refuse it.

A case may name a medication, condition, bone or region by its code or by any synonym the
knowledge base lists (brand names, British or American spelling, abbreviations). Matching
ignores case, spaces, hyphens and underscores, and folds British spellings to American ones,
so "Lymphoedema left-leg" and "lymphedema_left_leg" are the same key. A value that does not
resolve is refused with the field, the value and the closest known terms: it is never dropped.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from fracturecare.engine.errors import CaseError, FieldError

# British -> American spelling folds applied to every key (both sides of the match).
_FOLDS = (("oedema", "edema"), ("oedem", "edem"), ("haem", "hem"), ("paed", "ped"), ("oesoph", "esoph"),
          ("aemia", "emia"))
_SEPARATORS = re.compile(r"[\s_\-/.,'’]+")


def normalise(value: str) -> str:
    """The matching key of a term: lower case, separators collapsed to "_", spellings folded."""
    key = _SEPARATORS.sub("_", value.strip().lower()).strip("_")
    for british, american in _FOLDS:
        key = key.replace(british, american)
    return key


@dataclass(frozen=True)
class Vocabulary:
    """One coded vocabulary: codes with labels, and every matching key that leads to a code."""

    name: str
    labels: dict[str, str]
    keys: dict[str, str]
    classes: dict[str, tuple[str, ...]] = field(default_factory=dict)

    def resolve(self, value: str) -> str | None:
        """The code `value` names, or None."""
        return self.keys.get(normalise(value))

    def close_matches(self, value: str, limit: int = 4) -> list[str]:
        """Known codes that look like `value` (spelling) or contain it (a partial name), for refusals."""
        key = normalise(value)
        hits = difflib.get_close_matches(key, list(self.keys), n=limit * 3, cutoff=0.6)
        if len(key) >= 3:
            hits += [k for k in self.keys if key in k.split("_") or k.startswith(key)]
        out: list[str] = []
        for hit in hits:
            code = self.keys[hit]
            if code not in out:
                out.append(code)
        return out[:limit]


def build_vocabulary(name: str, terms: Iterable[Mapping[str, Any]]) -> Vocabulary:
    """Index `terms` ({code, label, synonyms[, classes]}); a key naming two codes is an error."""
    labels: dict[str, str] = {}
    keys: dict[str, str] = {}
    classes: dict[str, tuple[str, ...]] = {}
    for term in terms:
        code = term["code"]
        labels[code] = term["label"]
        if "classes" in term:
            classes[code] = tuple(term["classes"])
        for word in (code, term["label"], *term.get("synonyms", [])):
            key = normalise(word)
            if keys.get(key, code) != code:
                raise ValueError(f"{name}: {word!r} names both {keys[key]!r} and {code!r}")
            keys[key] = code
    return Vocabulary(name=name, labels=labels, keys=keys, classes=classes)


def refusal(path: str, value: Any, vocabulary: Vocabulary, what: str) -> FieldError:
    """The error for a value that does not resolve, with close matches when there are any."""
    close = vocabulary.close_matches(value) if isinstance(value, str) else []
    if close:
        hint = f"; did you mean {', '.join(close)}?"
    elif len(vocabulary.labels) <= 12:
        hint = f"; known values: {', '.join(vocabulary.labels)}"
    else:
        hint = "; give a code or a listed synonym (see the README's Vocabularies section)"
    return FieldError(path, f"{value!r} is not a known {what}{hint}")


@dataclass
class Resolution:
    """The case with its free text turned into codes, and a record of each translation."""

    case: dict[str, Any]
    notes: list[dict[str, Any]] = field(default_factory=list)


def _resolve_list(case: dict[str, Any], path: str, vocabulary: Vocabulary, what: str, none_words: frozenset[str],
                  errors: list[FieldError], notes: list[dict[str, Any]]) -> None:
    values = case.get(path)
    if not isinstance(values, list):
        return  # the schema names the wrong type
    strings = [v for v in values if isinstance(v, str)]
    if strings and len(strings) == len(values) and all(normalise(v) in none_words for v in strings):
        case[path] = []
        notes.append({"field": path, "given": values, "code": "none", "label": "None"})
        return
    out: list[Any] = []
    for index, value in enumerate(values):
        if not isinstance(value, str):
            out.append(value)  # left for the schema check to refuse with its type
            continue
        if normalise(value) in none_words:
            errors.append(FieldError(f"{path}[{index}]", f"{value!r} means none, but other {path} are listed"))
            continue
        code = vocabulary.resolve(value)
        if code is None:
            errors.append(refusal(f"{path}[{index}]", value, vocabulary, what))
            continue
        if code not in out:
            out.append(code)
        note: dict[str, Any] = {"field": f"{path}[{index}]", "given": value, "code": code,
                                "label": vocabulary.labels[code]}
        if code in vocabulary.classes:
            note["classes"] = list(vocabulary.classes[code])
        notes.append(note)
    case[path] = out


def resolve_case(case: dict[str, Any], vocabularies: Mapping[str, Vocabulary], regions: Mapping[str, Vocabulary],
                 bones: Vocabulary, none_words: frozenset[str]) -> Resolution:
    """Resolve medications, conditions, bone and region to codes; raise CaseError on any unknown.

    Values of the wrong type are left alone: the contract check that follows names them.
    """
    resolved = {k: (dict(v) if isinstance(v, dict) else list(v) if isinstance(v, list) else v)
                for k, v in case.items()}
    errors: list[FieldError] = []
    notes: list[dict[str, Any]] = []
    _resolve_list(resolved, "medications", vocabularies["medications"], "medication or drug class",
                  none_words, errors, notes)
    _resolve_list(resolved, "conditions", vocabularies["conditions"], "condition", none_words, errors, notes)
    injury = resolved.get("injury")
    if isinstance(injury, dict):
        bone = injury.get("bone")
        if isinstance(bone, str):
            code = bones.resolve(bone)
            if code is None:
                errors.append(refusal("injury.bone", bone, bones, "bone"))
            else:
                if code != bone:
                    notes.append({"field": "injury.bone", "given": bone, "code": code, "label": bones.labels[code]})
                injury["bone"] = code
                region = injury.get("region")
                if isinstance(region, str):
                    known = regions.get(code)
                    region_code = known.resolve(region) if known else None
                    if known is None or region_code is None:
                        if known is None or not known.labels:
                            errors.append(FieldError("injury.region", f"{region!r}: the {code} has no regions to "
                                                                      "choose from; leave the region out"))
                        else:
                            errors.append(refusal("injury.region", region, known, f"region of the {code}"))
                    else:
                        if region_code != region:
                            notes.append({"field": "injury.region", "given": region, "code": region_code,
                                          "label": known.labels[region_code]})
                        injury["region"] = region_code
    if errors:
        raise CaseError(errors)
    return Resolution(case=resolved, notes=notes)


def expand_medication_classes(codes: Iterable[str], medications: Vocabulary) -> list[str]:
    """Drug codes plus every class they belong to (the facts rules read), in a stable order."""
    out: list[str] = []
    for code in codes:
        for item in (code, *medications.classes.get(code, ())):
            if item not in out:
                out.append(item)
    return out
