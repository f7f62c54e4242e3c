"""Demo patients with evaluations and plans, from the example cases in example_cases/.

Runs after the accounts demo (it needs the demo clinicians). Safe to run twice: a patient
who already has an evaluation is left alone.

The story runs in the past, so the visits (charting demo) and outcome scores (outcomes demo)
follow the evaluation and the signed plan they rest on: each evaluation here is dated on or
before the patient's first visit or intake score there. The services record those times
(`at=`); the audit log still shows when the demo was loaded.
"""

from __future__ import annotations

import datetime
import json
from pathlib import Path

from django.utils import timezone

from fracturecare.accounts.models import User
from fracturecare.evaluations.models import Evaluation
from fracturecare.patients.models import Patient
from fracturecare.planning import services

CASES_DIR = Path(__file__).resolve().parent / "example_cases"

# first, last, date of birth, sex, phone, case file, what the clinician does with the plan
DEMO_PATIENTS = [
    ("Maya", "Lopez", datetime.date(2001, 3, 14), "female", "+15550100101", "C01", "sign_then_amend"),
    ("Jordan", "Blake", datetime.date(2006, 8, 2), "male", "+15550100102", "C02", "leave_unsigned"),
    ("Priya", "Shah", datetime.date(1994, 11, 23), "female", "+15550100103", "C03", "sign_with_change"),
    ("Marcus", "Green", datetime.date(2008, 1, 9), "male", "+15550100104", "C04", "sign"),
]

# When each evaluation took place: (days before today, clinic time). Maya's intake score is 28
# days back and her first visit 24; Marcus's 21 and 20 (charting/demo.py, outcomes/demo.py).
# Jordan's urgent plan is today's and unsigned: the clinic home shows it waiting.
EVALUATED = {
    ("Maya", "Lopez"): (28, datetime.time(9, 30)),
    ("Jordan", "Blake"): None,
    ("Priya", "Shah"): (9, datetime.time(10, 0)),
    ("Marcus", "Green"): (21, datetime.time(11, 0)),
}
# Maya's plan is amended after the bruise at her first visit (24 days back), before her second (17).
AMENDED_DAYS_AGO = 22
SIGNED_AFTER = datetime.timedelta(minutes=20)


def _at(days_ago: int, time: datetime.time) -> datetime.datetime:
    day = timezone.localdate() - datetime.timedelta(days=days_ago)
    return timezone.make_aware(datetime.datetime.combine(day, time))


def _case(prefix: str) -> dict:
    (path,) = CASES_DIR.glob(f"{prefix}-*.json")
    return json.loads(path.read_text(encoding="utf-8"))["case"]


def _first_key(plan: dict, section: str) -> str | None:
    items = plan["conventional"] if section == "conventional" else plan[section].get(
        "points" if section == "acupuncture" else "targets", [])
    key = {"conventional": "id", "acupuncture": "code", "dry_needling": "muscle"}[section]
    return items[-1][key] if items else None


def load(stdout) -> None:
    """Create the demo patients, their evaluations and their plans."""
    clinician = User.objects.get(username="clinician")
    created = 0
    for first, last, dob, sex, phone, case_id, scenario in DEMO_PATIENTS:
        patient, _ = Patient.objects.get_or_create(
            first_name=first, last_name=last, date_of_birth=dob,
            defaults={"sex": sex, "phone": phone, "email": f"{first.lower()}.{last.lower()}@example.invalid"},
        )
        if Evaluation.objects.filter(patient=patient).exists():
            continue
        when = EVALUATED.get((first, last))
        at = _at(*when) if when else None
        plan = services.evaluation_submit(patient=patient, clinician=clinician, case=_case(case_id), at=at).plan
        created += 1
        if scenario == "leave_unsigned":
            continue
        signed_at = at + SIGNED_AFTER if at else None
        if scenario == "sign_with_change":
            key = _first_key(plan.generated, "acupuncture")
            if key:
                services.plan_change(plan=plan, actor=clinician, action="remove", section="acupuncture", key=key,
                                     reason="Patient prefers as few needles as possible at the first session.",
                                     at=signed_at)
        services.plan_sign(plan=plan, actor=clinician, at=signed_at, attested=True)
        if scenario == "sign_then_amend":
            key = _first_key(plan.generated, "dry_needling")
            amended_at = _at(AMENDED_DAYS_AGO, datetime.time(17, 0)) if at else None
            if key:
                services.plan_change(plan=plan, actor=clinician, action="remove", section="dry_needling", key=key,
                                     reason="Bruising over the calf after the first session.", at=amended_at)
                services.plan_sign(plan=plan, actor=clinician, at=amended_at, attested=True,
                                   amendment_reason="Calf bruised after session 1; dry needling there paused.")
    stdout.write(f"Demo evaluations and plans: {created} new, {len(DEMO_PATIENTS) - created} already there.")
