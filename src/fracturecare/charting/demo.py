"""Demo visits for the demo patients who have a signed plan (runs after planning's demo).

Safe to run twice: a patient who already has visits is left alone. Needle sizes and times
are illustrative values inside the ranges the reference gives (diameters 0.16–0.30 mm,
retention 15–30 min, EA 2/100 Hz dense-disperse for 20–30 min).
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.utils import timezone

from fracturecare.accounts.models import User
from fracturecare.charting import services
from fracturecare.charting.models import Visit
from fracturecare.charting.validation import VisitRecord
from fracturecare.intake.content import CONSENT_KINDS
from fracturecare.intake.selectors import consent_status
from fracturecare.intake.services import consent_record_in_clinic
from fracturecare.patients.models import Patient
from fracturecare.planning.models import PlanVersion

# Visits per patient: (days ago, pain before, pain after, sign?, amendment or "")
SCHEDULE = {
    ("Maya", "Lopez"): [
        (24, 6, 4, True, "Patient phoned the next day: the bruise at the calf has faded."),
        (17, 5, 3, True, ""),
        (3, 3, 2, False, ""),
    ],
    ("Marcus", "Green"): [(20, 5, 4, True, ""), (6, 6, 5, True, "")],
}


def _points(plan: dict) -> list[dict]:
    return [
        {
            "code": p["code"],
            "laterality": p["laterality"],
            "needle_diameter_mm": Decimal("0.25"),
            "needle_length_mm": 30,
            "depth": Decimal("0.5"),
            "depth_unit": "cun",
            "retention_min": 20,
            "response": "obtained",
        }
        for p in plan.get("acupuncture", {}).get("points", [])
    ]


def _targets(plan: dict) -> list[dict]:
    return [
        {"muscle": t["muscle"], "side": t["side"], "technique": "pistoning", "response": "ltr", "needle_length_mm": 40}
        for t in plan.get("dry_needling", {}).get("targets", [])[:2]
    ]


def _ea(points: list[dict]) -> tuple[dict, list[dict]]:
    """A dense-disperse pair between two planned points on the right side, when there are two."""
    right = [p["code"] for p in points if p["laterality"] in ("right", "bilateral") and p["code"] != "ASHI"]
    if len(right) < 2:
        return {}, []
    fields = {
        "ea_waveform": "dense_disperse",
        "ea_frequency_hz": Decimal("2"),
        "ea_frequency_high_hz": Decimal("100"),
        "ea_intensity": "sensory",
        "ea_duration_min": 20,
    }
    return fields, [{"side": "right", "point_a": right[0], "point_b": right[1]}]


def _needles(points: list[dict], targets: list[dict]) -> int:
    return sum(2 if p["laterality"] == "bilateral" else 1 for p in points) + len(targets)


def load(stdout) -> None:
    """Chart the demo visits."""
    clinician = User.objects.get(username="clinician")
    today = timezone.localdate()
    created = 0
    for (first, last), visits in SCHEDULE.items():
        patient = Patient.objects.filter(first_name=first, last_name=last).first()
        if patient is None or Visit.objects.filter(patient=patient).exists():
            continue
        versions = list(PlanVersion.objects.filter(plan__patient=patient).order_by("signed_at"))
        if not versions:
            continue
        # Needling is charted only with a current consent: the demo patients signed theirs in the clinic.
        for kind, state in consent_status(patient).items():
            if kind in CONSENT_KINDS and not state.current:
                consent_record_in_clinic(patient=patient, form=kind, signed_name=patient.full_name, actor=clinician)
        for index, (days_ago, before, after, sign, amendment) in enumerate(visits):
            visit_date = today - datetime.timedelta(days=days_ago)
            # Each visit follows the plan version in force that day (Maya's amendment comes between visits).
            version = ([v for v in versions if timezone.localdate(v.signed_at) <= visit_date] or versions[:1])[-1]
            plan = version.snapshot["plan"]
            points, targets = _points(plan), _targets(plan)
            ea_fields, pairs = _ea(points) if index == 1 else ({}, [])
            count = _needles(points, targets)
            record = VisitRecord(
                fields={
                    "visit_date": visit_date,
                    "pain_nrs_before": before,
                    "pain_nrs_after": after,
                    "needles_in": count,
                    "needles_out": count,
                    "rescreen_positive": [],
                    "other_care": "Reviewed home loading advice from the plan.",
                    "notes": "Demo visit.",
                    "prefilled_from": f"plan:{version.plan_id}",
                    **ea_fields,
                },
                points=points,
                dry_needling=targets,
                electrode_pairs=pairs,
                adverse_events=[{"severity": "mild", "event_type": "bruising", "description": "Small calf bruise."}]
                if index == 0 and targets
                else [],
            )
            visit = services.visit_create(patient=patient, clinician=clinician, record=record)
            if sign:
                services.visit_sign(visit=visit, actor=clinician)
            if amendment:
                services.visit_amend(visit=visit, author=clinician, text=amendment)
            created += 1
    stdout.write(f"Demo visits: {created} new.")
