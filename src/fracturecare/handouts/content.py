"""What goes into the patient handout, taken only from the signed plan and the knowledge base.

Pure: `handout_content(snapshot, kb)` reads a signed plan version's snapshot (plan, case,
signer) and the knowledge base, and returns plain data for the template. Nothing here writes
clinical facts of its own: every sentence about the injury or its care is the plan's or the
knowledge base's plain-language text. The few fixed sentences are about the document itself.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from fracturecare.engine.shapes import JSON
from fracturecare.knowledge import KnowledgeBase

# Conventional-care categories that are things the patient does at home or between visits.
HOME_CATEGORIES = (
    "rest_and_load",
    "weight_bearing",
    "immobilization",
    "analgesia",
    "nutrition",
    "physical_therapy",
    "return_to_running",
    "biomechanics",
    "bone_health",
    "education",
)
SIDE_WORDS = {"left": "left side", "right": "right side", "bilateral": "both sides", "midline": "middle of the body"}

DISCLAIMER = (
    "This handout explains the plan your clinician signed with you. It informs; it does not diagnose, "
    "and it does not replace advice from your own doctor. Acupuncture and dry needling are offered "
    "alongside conventional care, not instead of it. If your symptoms change or you are worried, "
    "contact the clinic or a doctor; in an emergency call 911."
)


@dataclass
class Advice:
    title: str
    text: str
    citations: list[str] = field(default_factory=list)


@dataclass
class WarningGroup:
    heading: str
    items: list[str]


@dataclass
class HandoutContent:
    patient_first_name: str
    signed_by: str
    signed_on: str
    version: int
    injury: str
    side: str
    triage_label: str
    triage_meaning: str
    urgent: bool
    expected_return: str
    phase_name: str
    phase_goal: str
    phase_exit: list[str]
    clinic_care: list[Advice]
    home_care: list[Advice]
    points: list[str]
    targets: list[str]
    needling_deferred: bool
    warnings: list[WarningGroup]
    disclaimer: str = DISCLAIMER
    citations: dict[str, str] = field(default_factory=dict)
    stage_detail: str = ""  # e.g. the programme step, when the patient's current stage says more than the phase


def _advice(item: JSON) -> Advice | None:
    text = item.get("plain")
    if not text:  # clinician-only wording is not put in front of patients
        return None
    return Advice(title=item.get("title", ""), text=text, citations=list(item.get("citations", [])))


def _warnings(kb: KnowledgeBase) -> list[WarningGroup]:
    """Warning signs in the knowledge base's patient wording, falling back to its red-flag reasons.

    The patient wording is the public condition page's "when to get help" list
    (patient_education.yaml), so the handout and the website say the same thing. Without it the
    handout lists the red-flag reasons the engine screens for, which are clinician wording.
    """
    groups: list[WarningGroup] = []
    for page in kb.patient_education:
        for section in page.get("sections", []):
            for block in section.get("red_flags", []):
                groups.append(WarningGroup(block["heading"], [i["text"] for i in block["items"]]))
        if groups:
            return groups
    labels = {level["id"]: level for level in kb.red_flags.get("levels", [])}
    by_level: dict[str, list[str]] = {}
    for rule in kb.red_flags.get("rules", []):
        if rule.get("kind") == "red_flag" and rule.get("level") in ("emergency", "urgent_referral"):
            by_level.setdefault(rule["level"], []).append(rule["reason"])
    for level, reasons in by_level.items():
        meta = labels.get(level, {})
        groups.append(WarningGroup(f"{meta.get('label', level)}: {meta.get('meaning', '')}".strip(), reasons))
    return groups


def _point_label(point: JSON, kb: KnowledgeBase) -> str:
    known = kb.points.get(point["code"], {})
    name = point.get("name") or known.get("name", "")
    english = known.get("english")
    label = point["code"] if not name or name == point["code"] else f"{point['code']} {name}"
    if english:
        label += f" ({english})"
    side: str = point.get("laterality", "")
    return f"{label}, {SIDE_WORDS.get(side, side)}"


def _target_label(target: JSON, kb: KnowledgeBase) -> str:
    name = kb.muscles.get(target["muscle"], {}).get("name") or target["muscle"].replace("_", " ")
    side: str = target.get("side", "")
    return f"{name}, {SIDE_WORDS.get(side, side)}"


def handout_content(
    snapshot: JSON, kb: KnowledgeBase, *, patient_first_name: str, current_phase: str = "", stage_detail: str = ""
) -> HandoutContent:
    """Everything the handout shows, from a signed plan version's snapshot.

    `current_phase` (a phase id) and `stage_detail` give where the patient is now (outcomes'
    current-stage selector); without them the handout shows the phase at signing.
    """
    plan = snapshot["plan"]
    injury = plan.get("injury", {})
    triage = plan.get("triage", {})
    level = triage.get("level", "")
    level_meta: JSON = next((lv for lv in kb.red_flags.get("levels", []) if lv["id"] == level), {})
    weeks = plan.get("risk", {}).get("expected_return_weeks") or {}
    expected = ""
    if weeks.get("min") is not None and weeks.get("max") is not None:
        expected = f"about {weeks['min']:g} to {weeks['max']:g} weeks"
        if weeks.get("estimate"):
            expected += " (an estimate from published studies; everyone heals at their own pace)"
    phase = plan.get("phase") or {}
    now = next((p for p in kb.conventional.get("phases", []) if p["id"] == current_phase), None)
    if now is not None:
        phase = {"name": now["name"], "goal": now["goal"], "exit_criteria": now.get("exit_criteria", [])}
    advice = [(item, _advice(item)) for item in plan.get("conventional", [])]
    acupuncture = plan.get("acupuncture", {})
    dry_needling = plan.get("dry_needling", {})
    cited = sorted({c for _, a in advice if a for c in a.citations})
    return HandoutContent(
        patient_first_name=patient_first_name,
        signed_by=snapshot.get("signed_by", {}).get("name", ""),
        signed_on=snapshot.get("signed_at", "")[:10],
        version=snapshot.get("version", 1),
        injury=injury.get("plain_label") or injury.get("label", ""),
        side=SIDE_WORDS.get(injury.get("side"), ""),
        triage_label=triage.get("label") or level_meta.get("label", level),
        triage_meaning=triage.get("meaning") or level_meta.get("meaning", ""),
        urgent=level in ("emergency", "urgent_referral"),
        expected_return=expected,
        phase_name=phase.get("name", ""),
        phase_goal=phase.get("goal", ""),
        phase_exit=list(phase.get("exit_criteria", [])),
        clinic_care=[a for item, a in advice if a and item.get("category") not in HOME_CATEGORIES],
        home_care=[a for item, a in advice if a and item.get("category") in HOME_CATEGORIES],
        points=[_point_label(p, kb) for p in acupuncture.get("points", [])],
        targets=[_target_label(t, kb) for t in dry_needling.get("targets", [])],
        needling_deferred=bool(acupuncture.get("deferred") or dry_needling.get("deferred")),
        warnings=_warnings(kb),
        citations={cid: _citation_text(kb, cid) for cid in cited},
        stage_detail=stage_detail if now is not None else "",
    )


def _citation_text(kb: KnowledgeBase, cid: str) -> str:
    source = kb.sources.get(cid, {}) if hasattr(kb, "sources") else {}
    text = source.get("citation") or source.get("title") or cid
    for key, prefix in (("pmid", "PMID "), ("doi", "doi:")):
        if source.get(key):
            text += f" {prefix}{source[key]}"
    return text
