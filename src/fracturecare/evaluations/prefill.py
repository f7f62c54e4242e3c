"""What a new evaluation form starts with: one function, so every source of answers is in one place.

Today: the patient's record (age, sex) and an earlier evaluation (the one asked for, else the
latest). Pre-visit intake answers can be merged here too: add them in `initial_values`, below
the earlier evaluation, so the record and the newest answers win.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.http import HttpRequest
from django.utils import timezone

from fracturecare.accounts.models import User
from fracturecare.evaluations import selectors
from fracturecare.evaluations.forms import field_name, initial_from_case
from fracturecare.evaluations.models import Evaluation
from fracturecare.intake.selectors import intake_case_values
from fracturecare.patients.models import Patient
from fracturecare.patients.selectors import patient_age


@dataclass
class Prefill:
    """Initial form values and where they came from (shown to the clinician)."""

    initial: dict[str, Any] = field(default_factory=dict)
    source: Evaluation | None = None


def initial_values(*, patient: Patient, user: User, request: HttpRequest | None = None, source_id: str = "") -> Prefill:
    """Initial values for a new evaluation of `patient`; reading an earlier evaluation is audited.

    An evaluation chosen with `source_id` is copied as it is. Otherwise the latest evaluation
    (without that day's findings) is the base and the patient's pre-visit intake answers, being
    newer, are laid over it.
    """
    chosen = None
    if source_id.isdigit():
        chosen = Evaluation.objects.filter(pk=int(source_id), patient=patient).first()
    source = chosen or selectors.latest_evaluation(patient=patient)
    initial: dict[str, Any] = {}
    if source is not None:
        selectors.evaluation_read(evaluation=source, user=user, request=request)
        initial = initial_from_case(source.case)
        if chosen is None:
            # Findings and notes describe that day, not today: they are asked again.
            initial = {k: v for k, v in initial.items()
                       if not k.startswith(("findings__", "note__", "injury__pain"))}
    if chosen is None:
        initial.update(initial_from_case(intake_case_values(patient)))
    # Age and sex come from the record, so a later evaluation is not stuck with an old age.
    initial[field_name("patient.age")] = patient_age(patient, on=timezone.localdate())
    if patient.sex:
        initial[field_name("patient.sex")] = patient.sex
    return Prefill(initial=initial, source=source)
