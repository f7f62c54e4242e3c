"""The demo tells a coherent story: evaluation, then signed plan, then visits and scores."""

from __future__ import annotations

import io

import pytest
from django.utils import timezone

from fracturecare.accounts import demo as accounts_demo
from fracturecare.charting import demo as charting_demo
from fracturecare.charting.models import Visit
from fracturecare.evaluations.models import Evaluation
from fracturecare.outcomes import demo as outcomes_demo
from fracturecare.outcomes.models import OutcomeAssessment
from fracturecare.patients.models import Patient
from fracturecare.patients.timeline import build_timeline
from fracturecare.planning import demo as planning_demo
from fracturecare.planning.models import Plan, PlanEdit, PlanVersion

pytestmark = pytest.mark.django_db

MODULES = (accounts_demo, planning_demo, charting_demo, outcomes_demo)


def _load() -> None:
    out = io.StringIO()
    for module in MODULES:
        module.load(out)


def _counts() -> list[int]:
    return [m.objects.count() for m in (Evaluation, Plan, PlanEdit, PlanVersion, Visit, OutcomeAssessment)]


def test_each_demo_patient_is_evaluated_and_planned_before_their_visits_and_scores():
    _load()
    patients = Patient.objects.filter(evaluations__isnull=False).distinct()
    with_visits = 0
    for patient in patients:
        evaluation = Evaluation.objects.get(patient=patient)
        evaluated_on = timezone.localdate(evaluation.created_at)
        versions = list(PlanVersion.objects.filter(plan__patient=patient).order_by("number"))
        assert all(evaluation.created_at <= v.signed_at for v in versions)
        visits = list(Visit.objects.filter(patient=patient).order_by("visit_date"))
        scores = list(OutcomeAssessment.objects.filter(patient=patient).order_by("assessed_on"))
        if visits:
            with_visits += 1
            assert visits[0].visit_date > evaluated_on, patient
            # Visits are charted from the signed plan, so it was signed by the first one.
            assert versions and timezone.localdate(versions[0].signed_at) <= visits[0].visit_date
        if scores:
            assert scores[0].assessed_on >= evaluated_on, patient
        # On the patient page (newest first) the evaluation comes after every visit and score.
        kinds = [entry.kind for entry in build_timeline(patient=patient, include_clinical=True)]
        assert "evaluation" in kinds
        later = kinds[: kinds.index("evaluation")]
        assert later.count("visit") == len(visits) and later.count("outcome") == len(scores)
    assert with_visits >= 2


def test_the_amendment_falls_between_the_visits_it_explains():
    _load()
    maya = Patient.objects.get(first_name="Maya", last_name="Lopez")
    v1, v2 = PlanVersion.objects.filter(plan__patient=maya).order_by("number")
    first, second, *_ = Visit.objects.filter(patient=maya).order_by("visit_date")
    assert first.visit_date <= timezone.localdate(v2.signed_at) < second.visit_date
    assert v1.signed_at < v2.signed_at


def test_loading_the_demo_twice_adds_nothing():
    _load()
    counts = _counts()
    assert all(counts)
    _load()
    assert _counts() == counts
