"""The safety screen asked before anyone can book online.

A yes to any of these questions means the person needs care now, not an appointment:
the booking page tells them to call 911 or go to an emergency department and books nothing.

The signs are the emergency-level red flags of the knowledge base; the source ids are kept
on each question. Signs that rest on textbook knowledge not re-checked against a primary
source (evidence tag K) are marked `verified=False`: a licensed clinician signs them off
before release.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class SafetyQuestion:
    key: str
    text: str
    sources: tuple[str, ...]
    verified: bool


SAFETY_QUESTIONS: tuple[SafetyQuestion, ...] = (
    SafetyQuestion(
        key="numb_cold_or_colour_change",
        text=("Is the painful leg or foot numb, cold, pale or blue, or can you not move your toes or foot?"),
        sources=("FRA03",),
        verified=True,
    ),
    SafetyQuestion(
        key="pain_out_of_proportion",
        text=(
            "Is the pain severe and far worse than the injury seems to explain, "
            "or much worse when someone gently moves or stretches your toes or foot?"
        ),
        sources=("FRA03",),
        verified=True,
    ),
    SafetyQuestion(
        key="deformity_or_cannot_bear_weight",
        text=(
            "After a fall or a twist, does the limb look bent or out of shape, "
            "or can you not put any weight on it at all?"
        ),
        sources=("ROB17",),
        verified=False,
    ),
    SafetyQuestion(
        key="fever_with_bone_pain",
        text=("Do you have a fever or chills together with the bone pain, or a red, hot, swollen area over it?"),
        sources=("PAT11",),
        verified=False,
    ),
)

SAFETY_KEYS = tuple(q.key for q in SAFETY_QUESTIONS)


def emergency_signs(answers: dict[str, bool]) -> list[SafetyQuestion]:
    """The questions answered yes: any one of them means seek care now instead of booking."""
    return [q for q in SAFETY_QUESTIONS if answers.get(q.key) is True]


#: Where it hurts: plain-language areas for the intake form (not a diagnosis).
PAIN_AREAS = (
    ("foot", "Foot or toes"),
    ("ankle", "Ankle or heel"),
    ("shin", "Shin or lower leg"),
    ("knee", "Knee"),
    ("thigh", "Thigh"),
    ("hip_groin", "Hip or groin"),
    ("pelvis", "Pelvis or buttock"),
    ("back", "Lower back"),
    ("upper_body", "Arm, shoulder or ribs"),
    ("other", "Somewhere else, or not sure"),
)
