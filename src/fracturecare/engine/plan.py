"""Turn a case into the integrated plan (the contract in contracts/plan.schema.json)."""

from __future__ import annotations

from typing import Any

from fracturecare.engine.conditions import holds
from fracturecare.engine.conventional import conventional_items, current_phase, hold_for_urgent
from fracturecare.engine.differentials import differentials
from fracturecare.engine.electro import assign_electroacupuncture
from fracturecare.engine.facts import flatten_case
from fracturecare.engine.needling import candidate_points, candidate_targets
from fracturecare.engine.screening import screen
from fracturecare.engine.shapes import JSON, Case, Facts, Knowledge
from fracturecare.engine.site import expected_return, grade_facts, resolve_site
from fracturecare.engine.triad import score_triad
from fracturecare.engine.triage import triage
from fracturecare.engine.validation import check_contradictions, validate_case
from fracturecare.engine.vocab import expand_medication_classes, resolve_case

# Bump when the plan's meaning changes (contract README).
ENGINE_VERSION = "2.0.0"

_SOURCE_FIELDS = ("title", "citation", "pmid", "pmcid", "doi", "url", "strength", "kind")


def make_plan(case: Any, kb: Knowledge) -> JSON:
    """Validate `case` and return its plan. Pure: the same case and knowledge give the same plan.

    Raises CaseError naming every offending field when the case breaks the contract.
    """
    if not isinstance(case, dict):
        validate_case(case, kb.case_validator)  # raises, naming the whole case
    resolution = resolve_case(case, kb.vocabularies, kb.regions, kb.bones, kb.none_words)
    case = resolution.case
    validate_case(case, kb.case_validator)
    check_contradictions(case, kb.contradictions)
    facts = flatten_case(case)
    facts["medications"] = expand_medication_classes(facts["medications"], kb.vocabularies["medications"])
    if facts.get("history.cancer_history") is True and "cancer_history" not in facts["conditions"]:
        facts["conditions"] = [*facts["conditions"], "cancer_history"]
    site, region_matched = resolve_site(case["injury"], kb.sites)
    region_assumed = case["injury"].get("region") is None and not region_matched
    facts.update({
        "site.id": site["id"],
        "site.risk": site["risk"]["class"],
        "site.bone_type": site["bone_type"],
        "site.body_area": site["body_area"],
        "site.region_matched": region_matched,
        "site.region_assumed": region_assumed,
        "site.subcutaneous": bool(site.get("subcutaneous")),
        "site.growth_plate": bool(site.get("growth_plate")),
    })
    facts.update(grade_facts(facts, kb.grading))
    triad = score_triad(facts, kb.triad)
    facts["triad.scored"] = triad is not None
    facts["triad.score"] = triad["score"] if triad else None
    facts["triad.clearance"] = triad["clearance"] if triad else None

    tri = triage(facts, kb.red_flags)
    window, _ = expected_return(facts, site, kb.grading)
    warnings: list[JSON] = []
    acupuncture, dry_needling = _needling(facts, site, tri, kb, warnings)
    warnings[:0] = [*_plan_warnings(facts, site, region_matched, tri, triad, kb),
                    *_rule_warnings(facts, kb.red_flags.get("warnings", []))]

    risk: dict[str, Any] = {
        "site_risk": site["risk"]["class"],
        "site_risk_editable": bool(site["risk"].get("editable")),
        "site_risk_basis": {
            "note": site["risk"].get("note", ""),
            "citations": list(site["risk"]["citations"]),
            "evidence": site["risk"]["tag"],
        },
    }
    if window:
        risk["expected_return_weeks"] = window
    if triad:
        risk["triad_cumulative_risk"] = triad

    phases = kb.conventional["phases"]
    phase = current_phase(tri["level"], phases)
    conventional = conventional_items(facts, kb.conventional)
    held = hold_for_urgent(tri["level"], conventional, kb.conventional)
    if held is not None:
        conventional, hold_warning = held
        warnings.append(hold_warning)
    plan = {
        "engine_version": ENGINE_VERSION,
        "knowledge_version": kb.version,
        "injury": {
            "site": site["id"],
            "label": site["label"],
            "plain_label": site.get("plain_label", site["label"]),
            "bone": site["bone"],
            "region": case["injury"].get("region"),
            "region_assumed": region_assumed,
            "side": case["injury"]["side"],
            "body_area": site["body_area"],
            "bone_type": site["bone_type"],
            "region_matched": region_matched,
        },
        "triage": tri,
        "risk": risk,
        "phase": {
            "current": phase["id"],
            "name": phase["name"],
            "goal": phase["goal"],
            "exit_criteria": list(phase["exit_criteria"]),
            "roadmap": [{"id": p["id"], "name": p["name"], "goal": p["goal"]}
                        for p in sorted(phases, key=lambda p: p["order"])],
        },
        "differentials": differentials(facts, kb.conditions),
        "conventional": conventional,
        "acupuncture": acupuncture,
        "dry_needling": dry_needling,
        "warnings": warnings,
        "resolved": resolution.notes,
        "questions": _questions(case, site, region_matched, kb),
    }
    plan["citations"] = _citations(plan, kb)
    return plan


def _needling(facts: Facts, site: JSON, tri: JSON, kb: Knowledge, warnings: list[JSON]) -> tuple[JSON, JSON]:
    wants_acu = facts["preferences.acupuncture"] is not False
    wants_dn = facts["preferences.dry_needling"] is not False
    if tri["needling"] in ("none", "deferred"):
        warnings.append({
            "code": "needling_deferred",
            "text": f"Triage is {tri['label'].lower()}: all needling is deferred until the patient is "
                    "medically cleared. Red flags win over treatment.",
            "severity": "block",
            "citations": sorted({c for r in tri["reasons"] for c in r["citations"]}),
        })
        empty = {"deferred": True, "declined": False, "excluded": []}
        return ({**empty, "points": [], "declined": not wants_acu},
                {**empty, "targets": [], "declined": not wants_dn})

    points = candidate_points(facts, site, kb) if wants_acu else []
    targets = candidate_targets(facts, site, kb) if wants_dn else []
    screened = screen(facts, site, points, targets, kb)
    if wants_acu:
        ea_warning = assign_electroacupuncture(facts, site, screened, kb)
        if ea_warning:
            warnings.append(ea_warning)
    warnings.extend(screened.warnings)
    for modality, wanted in (("acupuncture", wants_acu), ("dry_needling", wants_dn)):
        if not wanted:
            warnings.append({
                "code": f"{modality}_declined",
                "text": f"The patient declined {modality.replace('_', ' ')}; none is planned.",
                "severity": "info",
                "citations": ["STRICTA10"],
            })
    acupuncture = {
        "deferred": False,
        "declined": not wants_acu,
        "points": screened.points,
        "excluded": screened.excluded_points,
    }
    dry_needling = {
        "deferred": False,
        "declined": not wants_dn,
        "targets": screened.targets,
        "excluded": screened.excluded_targets,
    }
    return acupuncture, dry_needling


def _questions(case: Case, site: JSON, region_matched: bool, kb: Knowledge) -> list[JSON]:
    """What the clinician should record next for a narrower plan (today: a missing region)."""
    injury = case["injury"]
    if region_matched or injury.get("region") is not None:
        return []
    bone = injury["bone"]
    return [{
        "field": "injury.region",
        "question": f"Which region of the {kb.bones.labels[bone].lower()} is injured?",
        "choices": [{"code": code, "label": label} for code, label in kb.regions_of(bone)],
        "assumed": site["id"],
    }]


def _rule_warnings(facts: Facts, rules: list[JSON]) -> list[JSON]:
    """Plan warnings the knowledge base states as data (red_flags.yaml `warnings`)."""
    return [
        {"code": rule["id"], "text": rule["text"], "severity": rule["severity"],
         "citations": list(rule["citations"]), "evidence": rule["tag"]}
        for rule in rules if holds(rule["when"], facts)
    ]


def _plan_warnings(facts: Facts, site: JSON, region_matched: bool, tri: JSON, triad: JSON | None,
                   kb: Knowledge) -> list[JSON]:
    warnings = []
    if not region_matched:
        given = facts.get("injury.region")
        bone_code: str = site["bone"]
        bone = kb.bones.labels.get(bone_code, bone_code).lower()
        if given is None:
            text = (f"No region recorded for the {bone}: planned as {site['label']}, the highest-risk region "
                    "of this bone, until the region is known. Record the region (examination or imaging); "
                    "risk class and care depend on it.")
            code = "region_missing"
        else:
            text = (f"No site entry for this region on this ray of the {bone}: planned as {site['label']}, the "
                    "closest higher-risk entry. Confirm the site; risk class and care depend on it.")
            code = "region_not_matched"
        warnings.append({
            "code": code,
            "text": text,
            "severity": "caution",
            "citations": list(site["risk"]["citations"]),
        })
    if site["risk"]["class"] == "high":
        warnings.append({
            "code": "high_risk_site",
            "text": f"{site['label']} is a high-risk stress-fracture site (delayed union, nonunion or "
                    "displacement). Needling never goes into or across the lesion and must never delay "
                    "imaging or orthopaedic review.",
            "severity": "caution",
            "citations": list(dict.fromkeys([*site["risk"]["citations"], "SP"])),
        })
    if site["risk"].get("editable"):
        warnings.append({
            "code": "site_risk_editable",
            "text": f"Sources disagree on the risk class of the {site['label'].lower()}: "
                    f"'{site['risk']['class']}' is a default for the clinician to confirm.",
            "severity": "info",
            "citations": list(site["risk"]["citations"]),
        })
    if tri["level"] == "referral":
        warnings.append({
            "code": "referral_limits",
            "text": "Medical co-management: adjunct needling may run alongside within these limits — "
                    "nothing into or across the lesion, no electroacupuncture across the site, follow the "
                    "treating physician's restrictions, and re-triage at every visit.",
            "severity": "caution",
            "citations": ["SP", "BOD00"],
        })
    if triad and triad["clearance"] != "full":
        warnings.append({
            "code": f"triad_{triad['clearance']}",
            "text": f"Female Athlete Triad cumulative risk score {triad['score']}: {triad['clearance']} "
                    "clearance. The score supports, and does not replace, the physician's decision.",
            "severity": "caution",
            "citations": list(triad["citations"]),
        })
    if triad and triad["missing"]:
        warnings.append({
            "code": "triad_incomplete",
            "text": "Triad score is a floor: not assessed — " + ", ".join(
                m.replace("_", " ") for m in triad["missing"]) + ".",
            "severity": "info",
            "citations": ["KOL20"],
        })
    if facts.get("patient.sex") != "female" and facts.get("history.low_energy_availability") is True:
        warnings.append({
            "code": "reds_low_energy_availability",
            "text": "Low energy availability: consider Relative Energy Deficiency in Sport (REDs), which "
                    "affects all sexes; dietitian and medical review.",
            "severity": "caution",
            "citations": ["MOU23"],
        })
    return warnings


def _citations(plan: JSON, kb: Knowledge) -> list[JSON]:
    """Every cited source in the plan, in first-seen order, with its identifiers."""
    seen: dict[str, None] = {}

    def collect(node: Any) -> None:
        if isinstance(node, dict):
            for key, value in node.items():
                if key == "citations" and isinstance(value, list):
                    seen.update(dict.fromkeys(value))
                else:
                    collect(value)
        elif isinstance(node, list):
            for value in node:
                collect(value)

    collect(plan)
    out = []
    for cid in seen:
        source = kb.sources[cid]
        entry = {"id": cid}
        entry.update({k: source[k] for k in _SOURCE_FIELDS if k in source})
        entry["evidence"] = source["tag"]
        out.append(entry)
    return out
