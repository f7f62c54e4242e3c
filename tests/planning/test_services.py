"""Generating, changing, signing and amending plans."""

import datetime

import pytest
from django.db import DatabaseError, transaction
from django.utils import timezone

from fracturecare.accounts.models import Role
from fracturecare.audit.models import AuditEvent
from fracturecare.evaluations.models import Evaluation
from fracturecare.planning import services
from fracturecare.planning.edits import EditError
from fracturecare.planning.models import Plan, PlanEdit, PlanVersion
from fracturecare.planning.services import evaluation_submit
from tests.factories import PatientFactory, UserFactory
from tests.planning.factories import example_case, make_plan

pytestmark = pytest.mark.django_db


@pytest.fixture
def clinician():
    return UserFactory(role=Role.CLINICIAN, first_name="Dana", last_name="Reyes")


def test_it_stores_the_engine_plan_with_its_versions(clinician):
    plan = make_plan("C01", clinician=clinician)
    assert plan.triage_level == "proceed"
    assert plan.engine_version == plan.generated["engine_version"]
    assert plan.knowledge_version == plan.generated["knowledge_version"]
    assert AuditEvent.objects.filter(action="plan.generated", patient=plan.patient).exists()


def test_signing_makes_version_one_with_a_complete_snapshot(clinician):
    plan = make_plan("C01", clinician=clinician)
    services.plan_change(plan=plan, actor=clinician, action="remove", section="acupuncture", key="KI3",
                         reason="Patient prefers fewer needles")

    version = services.plan_sign(plan=plan, actor=clinician)

    assert version.number == 1
    snap = version.snapshot
    assert snap["engine_version"] == plan.engine_version and snap["knowledge_version"] == plan.knowledge_version
    assert snap["case"] == plan.evaluation.case
    assert "KI3" not in [p["code"] for p in snap["plan"]["acupuncture"]["points"]]
    assert snap["changes"][0]["reason"] == "Patient prefers fewer needles"
    assert snap["signed_by"]["name"] == "Dana Reyes"
    assert AuditEvent.objects.filter(action="plan.signed", patient=plan.patient).exists()
    assert services.working_plan(plan).status == "signed"


def test_a_signed_version_cannot_be_changed_by_the_application(clinician):
    plan = make_plan("C01", clinician=clinician)
    version = services.plan_sign(plan=plan, actor=clinician)
    version.snapshot["plan"]["triage"]["level"] = "emergency"
    with pytest.raises(ValueError):
        version.save()
    with pytest.raises(ValueError):
        version.delete()
    version.refresh_from_db()
    assert version.snapshot["plan"]["triage"]["level"] == "proceed"


@pytest.mark.parametrize("model", [PlanVersion, Plan, PlanEdit])
def test_the_database_refuses_updates(clinician, model):
    plan = make_plan("C01", clinician=clinician)
    services.plan_change(plan=plan, actor=clinician, action="remove", section="acupuncture", key="KI3", reason="x")
    services.plan_sign(plan=plan, actor=clinician)
    field = {"PlanVersion": "amendment_reason", "Plan": "engine_version", "PlanEdit": "reason"}[model.__name__]
    with pytest.raises(DatabaseError), transaction.atomic():
        model.objects.update(**{field: "tampered"})
    assert not model.objects.filter(**{field: "tampered"}).exists()


def test_an_amendment_is_a_new_version_with_its_history(clinician):
    plan = make_plan("C01", clinician=clinician)
    v1 = services.plan_sign(plan=plan, actor=clinician)

    with pytest.raises(services.SignError):  # nothing changed since version 1
        services.plan_sign(plan=plan, actor=clinician, amendment_reason="no reason")
    services.plan_change(plan=plan, actor=clinician, action="remove", section="dry_needling", key="soleus",
                         reason="Calf bruised")
    with pytest.raises(services.SignError):  # an amendment needs its reason
        services.plan_sign(plan=plan, actor=clinician)
    v2 = services.plan_sign(plan=plan, actor=clinician, amendment_reason="Calf bruised at visit 2")

    assert v2.number == 2
    assert v2.snapshot["history"][0]["version"] == 1
    assert [c["key"] for c in v2.snapshot["changes"]] == ["soleus"]
    v1.refresh_from_db()
    assert "soleus" in [t["muscle"] for t in v1.snapshot["plan"]["dry_needling"]["targets"]]
    assert "soleus" not in [t["muscle"] for t in v2.snapshot["plan"]["dry_needling"]["targets"]]
    assert AuditEvent.objects.filter(action="plan.amended").count() == 1


def test_changes_of_a_signed_version_cannot_be_withdrawn(clinician):
    plan = make_plan("C01", clinician=clinician)
    edit = services.plan_change(plan=plan, actor=clinician, action="remove", section="acupuncture", key="KI3",
                                reason="x")
    services.plan_sign(plan=plan, actor=clinician)
    with pytest.raises(EditError):
        services.plan_change_withdraw(edit=edit, actor=clinician)
    assert PlanEdit.objects.filter(pk=edit.pk).exists()


def test_a_pending_change_can_be_withdrawn(clinician):
    plan = make_plan("C01", clinician=clinician)
    edit = services.plan_change(plan=plan, actor=clinician, action="remove", section="acupuncture", key="KI3",
                                reason="x")
    services.plan_change_withdraw(edit=edit, actor=clinician)
    assert "KI3" in [p["code"] for p in services.working_plan(plan).current["acupuncture"]["points"]]


def test_adding_back_an_excluded_point_needs_a_documented_override(clinician):
    plan = make_plan("C03", clinician=clinician)  # pregnancy: SP6 excluded
    assert "SP6" in [e["code"] for e in plan.generated["acupuncture"]["excluded"]]
    with pytest.raises(EditError) as exc:
        services.plan_change(plan=plan, actor=clinician, action="add", section="acupuncture", key="SP6",
                             laterality="right", reason="wanted")
    assert exc.value.field == "override"
    assert not PlanEdit.objects.exists()
    edit = services.plan_change(plan=plan, actor=clinician, action="add", section="acupuncture", key="SP6",
                                laterality="right", reason="Obstetrician agrees; patient informed", override=True)
    assert edit.override is True
    version = services.plan_sign(plan=plan, actor=clinician)
    added = [p for p in version.snapshot["plan"]["acupuncture"]["points"] if p["code"] == "SP6"]
    assert added and added[0]["override"] is True


def test_needling_is_deferred_for_an_urgent_referral_unless_overridden(clinician):
    plan = make_plan("C02", clinician=clinician)
    assert plan.is_urgent
    with pytest.raises(EditError):
        services.plan_change(plan=plan, actor=clinician, action="add", section="acupuncture", key="LI4",
                             laterality="bilateral", reason="pain")


def test_a_past_evaluation_and_its_signature_keep_their_own_times():
    clinician = UserFactory(role=Role.CLINICIAN)
    at = timezone.now() - datetime.timedelta(days=10)
    evaluation = evaluation_submit(patient=PatientFactory(), clinician=clinician, case=example_case("C01"), at=at)
    assert evaluation.created_at == at and evaluation.plan.created_at == at
    version = services.plan_sign(plan=evaluation.plan, actor=clinician, at=at + datetime.timedelta(minutes=20))
    assert version.signed_at == at + datetime.timedelta(minutes=20)
    assert version.snapshot["signed_at"] == version.signed_at.isoformat()


def test_record_times_cannot_be_in_the_future_or_out_of_order():
    clinician = UserFactory(role=Role.CLINICIAN)
    case = example_case("C01")
    with pytest.raises(ValueError, match="future"):
        evaluation_submit(patient=PatientFactory(), clinician=clinician, case=case,
                          at=timezone.now() + datetime.timedelta(hours=1))
    assert not Evaluation.objects.exists()
    at = timezone.now() - datetime.timedelta(days=3)
    plan = evaluation_submit(patient=PatientFactory(), clinician=clinician, case=case, at=at).plan
    with pytest.raises(services.SignError):
        services.plan_sign(plan=plan, actor=clinician, at=at - datetime.timedelta(days=1))
    assert not PlanVersion.objects.filter(plan=plan).exists()
