"""The patient list, the patient page and the plan page run a fixed number of queries.

Each page is measured with 10 and with 1,000 rows behind it; the counts must be equal.
"""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from fracturecare.accounts.models import Role
from fracturecare.evaluations.models import Evaluation
from fracturecare.patients.models import Patient
from fracturecare.planning.models import Plan, PlanVersion
from tests.factories import PatientFactory, UserFactory
from tests.planning.factories import make_plan

pytestmark = pytest.mark.django_db


def _count(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


def _add_patients(n):
    Patient.objects.bulk_create(
        Patient(first_name=f"Bulk{i}", last_name="Patient", date_of_birth=datetime.date(1990, 1, 1),
                phone=f"+1555{i:07d}") for i in range(n)
    )


def test_the_patient_list_does_not_grow_with_patients(client, login):
    login(Role.FRONT_DESK)
    _add_patients(10)
    small = _count(client, reverse("patients:list"))
    _add_patients(990)
    assert _count(client, reverse("patients:list")) == small
    assert _count(client, reverse("patients:list") + "?q=bulk&page=3") == small


def _add_history(patient, template_plan, clinician, n):
    evaluations = Evaluation.objects.bulk_create(
        Evaluation(patient=patient, clinician=clinician, case=template_plan.evaluation.case) for _ in range(n)
    )
    plans = Plan.objects.bulk_create(
        Plan(patient=patient, evaluation=e, generated=template_plan.generated,
             engine_version=template_plan.engine_version, knowledge_version=template_plan.knowledge_version,
             triage_level=template_plan.triage_level, created_by=clinician)
        for e in evaluations
    )
    PlanVersion.objects.bulk_create(
        PlanVersion(plan=p, number=1, snapshot={"plan": p.generated, "changes": []},
                    engine_version=p.engine_version, knowledge_version=p.knowledge_version,
                    signed_by=clinician, signed_at=p.evaluation.created_at or datetime.datetime.now(datetime.UTC))
        for p in plans
    )


@pytest.mark.parametrize("role", [Role.CLINICIAN, Role.FRONT_DESK])
def test_the_patient_page_does_not_grow_with_the_record(client, login, role):
    login(role)
    clinician = UserFactory(role=Role.CLINICIAN)
    patient = PatientFactory()
    plan = make_plan("C01", patient=patient, clinician=clinician)
    _add_history(patient, plan, clinician, 9)
    url = reverse("patients:detail", args=[patient.pk])
    small = _count(client, url)
    _add_history(patient, plan, clinician, 990)
    assert _count(client, url) == small


def test_the_plan_page_does_not_grow_with_versions_or_other_plans(client, login):
    user = login(Role.CLINICIAN)
    plan = make_plan("C01", clinician=user)
    versions = lambda start, stop: PlanVersion.objects.bulk_create(  # noqa: E731
        PlanVersion(plan=plan, number=n, snapshot={"plan": plan.generated, "changes": [], "history": []},
                    engine_version=plan.engine_version, knowledge_version=plan.knowledge_version,
                    amendment_reason="" if n == 1 else f"amendment {n}", signed_by=user,
                    signed_at=datetime.datetime.now(datetime.UTC))
        for n in range(start, stop)
    )
    versions(1, 11)
    _add_history(plan.patient, plan, user, 10)
    url = reverse("planning:detail", args=[plan.pk])
    small = _count(client, url)
    versions(11, 1001)
    _add_history(plan.patient, plan, user, 990)
    assert _count(client, url) == small
