"""The red-flag re-screen at each visit, judged by the engine's own red-flag rules.

The questions are the findings the knowledge base's red-flag rules read (nothing is listed
here twice: a new red-flag finding in the knowledge base becomes a new question). The answers
are judged by the engine itself: today's answers replace those findings in the patient's
latest evaluation and the engine triages the result; with no evaluation on file, the same
rules are checked with the engine's condition evaluator over the answers alone. Any red flag
that fires holds needling at this visit and prompts referral, whatever level the engine gives
it, because the signed plan was made without it.
"""

from __future__ import annotations

from dataclasses import dataclass

from fracturecare.engine import CaseError
from fracturecare.engine.conditions import holds, paths_in
from fracturecare.engine.facts import flatten_case
from fracturecare.knowledge import load_knowledge
from fracturecare.planning.services import plan_generate

RED_FLAG = "red_flag"
_PREFIX = "findings."

# Clinical wording of each finding as asked at a visit; a finding not listed here is asked with
# its name from the case contract (a new knowledge-base rule never goes unasked).
LABELS = {
    "findings.neurovascular_deficit": "Neurovascular deficit (pallor, absent pulse, new numbness or weakness)",
    "findings.pain_out_of_proportion": "Pain out of proportion, with a tense, swollen compartment",
    "findings.deformity": "Deformity at the site",
    "findings.unable_to_bear_weight": "Unable to bear weight",
    "findings.fever": "Fever or chills",
    "findings.swelling": "Swelling at the site",
    "findings.pain_at_rest": "Pain at rest",
    "findings.unexplained_weight_loss": "Unexplained weight loss",
    "findings.groin_pain": "Groin or hip pain",
    "findings.hop_test_pain": "Pain on a single-leg hop (only if it was safe to test)",
    "findings.pain_on_hip_internal_rotation": "Pain or limited hip internal rotation",
    "findings.night_pain": "Night pain",
}


@dataclass(frozen=True)
class Question:
    path: str  # e.g. "findings.fever"
    label: str

    @property
    def name(self) -> str:
        """The form field name for this question."""
        return "rf_" + self.path.removeprefix(_PREFIX)


def red_flag_rules(kb=None) -> list[dict]:
    """The knowledge base's red-flag rules (not its referral rules, which do not change between visits)."""
    kb = kb or load_knowledge()
    return [rule for rule in kb.red_flags["rules"] if rule["kind"] == RED_FLAG]


def questions(kb=None) -> list[Question]:
    """One yes/no question per finding a red-flag rule reads, in the rules' order."""
    seen: list[str] = []
    for rule in red_flag_rules(kb):
        for path in sorted(paths_in(rule["when"])):
            if path.startswith(_PREFIX) and path not in seen:
                seen.append(path)
    return [Question(path, LABELS.get(path, path.removeprefix(_PREFIX).replace("_", " ").capitalize()))
            for path in seen]


@dataclass(frozen=True)
class Rescreen:
    """The result of one re-screen, as stored with the visit."""

    positive: list[str]  # finding paths answered yes
    fired: list[dict]  # the red-flag rules that hold (rule, level, reason, action, citations)
    basis: str  # "evaluation:<id>" when judged against the latest evaluation, else "answers"

    @property
    def held(self) -> bool:
        """Whether needling is held at this visit."""
        return bool(self.fired)

    def as_dict(self) -> dict:
        return {"answered": True, "positive": list(self.positive), "fired": list(self.fired),
                "held": self.held, "basis": self.basis}


def _reason(rule: dict) -> dict:
    return {"rule": rule["rule"] if "rule" in rule else rule["id"], "level": rule["level"],
            "reason": rule["reason"], "action": rule["action"], "citations": list(rule.get("citations", []))}


def evaluate(positive: list[str], *, case: dict | None, evaluation_id: int | None = None, kb=None) -> Rescreen:
    """Judge today's answers: every question not answered yes is a no (the form makes the clinician say so).

    `case` is the patient's latest evaluated case; the engine re-triages it with today's answers.
    A case the engine refuses is not passed over: needling is held and the reason says why.
    """
    kb = kb or load_knowledge()
    asked = [q.path for q in questions(kb)]
    unknown = [p for p in positive if p not in asked]
    if unknown:
        raise ValueError(f"not a re-screen question: {', '.join(unknown)}")
    answers = {path: path in positive for path in asked}
    if case:
        today = {**case, "findings": {**case.get("findings", {}),
                                      **{p.removeprefix(_PREFIX): v for p, v in answers.items()}}}
        try:
            triage = plan_generate(today)["triage"]
        except CaseError as exc:
            fired = [{"rule": "rescreen_unchecked", "level": "urgent_referral",
                      "reason": f"The re-screen could not be checked against the evaluation ({exc}).",
                      "action": "Needling is held until the patient is re-evaluated.", "citations": []}]
        else:
            fired = [_reason(r) for r in triage["reasons"] if r.get("kind") == RED_FLAG]
        return Rescreen(positive=list(positive), fired=fired, basis=f"evaluation:{evaluation_id}")
    facts = flatten_case({"findings": {p.removeprefix(_PREFIX): v for p, v in answers.items()}})
    fired = [_reason(rule) for rule in red_flag_rules(kb) if holds(rule["when"], facts)]
    return Rescreen(positive=list(positive), fired=fired, basis="answers")


def rescreen_labels(stored: dict | None) -> list[str]:
    """The findings a stored re-screen answered yes to, in clinical words."""
    positive = (stored or {}).get("positive", [])
    return [LABELS.get(p, p.removeprefix(_PREFIX).replace("_", " ").capitalize()) for p in positive]
