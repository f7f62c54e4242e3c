"""A patient with a signed plan, signed needling visits and outcome assessments."""

from __future__ import annotations

import datetime

from fracturecare.charting.models import DryNeedlingTarget, NeedledPoint
from fracturecare.charting.services import visit_sign
from fracturecare.planning.services import plan_sign
from tests.charting.factories import VisitFactory
from tests.outcomes.factories import OutcomeAssessmentFactory
from tests.planning.factories import make_plan


def signed_plan(case_name: str = "C01"):
    """An example case's plan, signed as version 1 by its author; returns the Plan."""
    plan = make_plan(case_name)
    plan_sign(plan=plan, actor=plan.created_by)
    return plan


def needling_visit(patient, clinician, *, day: datetime.date | None = None, points=("KI3",), muscles=(),
                   sign: bool = True):
    """A visit with acupuncture points (left) and dry-needled muscles (left), signed by default."""
    visit = VisitFactory(patient=patient, clinician=clinician, needles_in=len(points) + len(muscles),
                         needles_out=len(points) + len(muscles),
                         **({"visit_date": day} if day else {}))
    for i, code in enumerate(points):
        NeedledPoint.objects.create(visit=visit, position=i, code=code, laterality="left")
    for i, muscle in enumerate(muscles):
        DryNeedlingTarget.objects.create(visit=visit, position=i, muscle=muscle, side="left",
                                         technique="pistoning", response="ltr")
    if sign:
        visit = visit_sign(visit=visit, actor=clinician)
    return visit


def outcome(patient, **kwargs):
    """A live outcome assessment for the patient (pain NRS and LEFS by default)."""
    return OutcomeAssessmentFactory(patient=patient, **kwargs)
