"""Assigning a programme from a signed plan, logging sessions, overriding; the current stage follows."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from fracturecare.accounts.models import Role
from fracturecare.audit.models import AuditEvent
from fracturecare.outcomes.selectors import current_stage, current_stages
from fracturecare.outcomes.services import assessment_create
from fracturecare.planning.services import plan_sign
from fracturecare.programmes import services
from fracturecare.programmes.models import AppendOnlyError
from tests.factories import PatientFactory, UserFactory
from tests.planning.factories import make_plan

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
YESTERDAY = TODAY - datetime.timedelta(days=1)


@pytest.fixture
def clinician():
    return UserFactory(role=Role.CLINICIAN)


@pytest.fixture
def signed_plan(clinician):
    plan = make_plan("C01", clinician=clinician)
    plan_sign(plan=plan, actor=clinician)
    return plan


def _assign(plan, clinician, start_on=YESTERDAY):
    # Started yesterday: assigning in the past is refused, so move the start after the fact.
    programme = services.programme_assign(plan=plan, programme_id="running", actor=clinician, cleared=True,
                                          start_on=TODAY)
    type(programme).objects.filter(pk=programme.pk).update(next_session_on=start_on)
    programme.refresh_from_db()
    return programme


def test_assigning_needs_a_signed_plan_clearance_and_a_known_programme(clinician):
    unsigned = make_plan("C01", clinician=clinician)
    with pytest.raises(ValidationError) as exc:
        services.programme_assign(plan=unsigned, programme_id="swimming", actor=clinician, cleared=False,
                                  start_on=TODAY - datetime.timedelta(days=3))
    assert set(exc.value.message_dict) == {"plan", "programme_id", "cleared", "start_on"}
    assert "swimming" in exc.value.message_dict["programme_id"][0]


def test_one_active_programme_per_patient(signed_plan, clinician):
    services.programme_assign(plan=signed_plan, programme_id="running", actor=clinician, cleared=True, start_on=TODAY)
    with pytest.raises(ValidationError, match="already has an active programme"):
        services.programme_assign(plan=signed_plan, programme_id="running", actor=clinician, cleared=True,
                                  start_on=TODAY)


def test_logging_moves_the_programme_and_the_stage_follows(signed_plan, clinician):
    programme = _assign(signed_plan, clinician, start_on=YESTERDAY - datetime.timedelta(days=1))
    patient_user = UserFactory(role=Role.PATIENT)
    log = services.session_log(programme=programme, on=YESTERDAY - datetime.timedelta(days=1), done=True,
                               pain_during=0, pain_next_day=0, actor=patient_user)
    programme.refresh_from_db()
    assert (log.action, programme.step) == ("advance", 1)
    stage = current_stage(signed_plan.patient)
    assert stage.source == "programme" and stage.phase == "return_to_run" and "step 2 of 18" in stage.detail
    painful = services.session_log(programme=programme, on=YESTERDAY, done=True, pain_during=4, pain_next_day=5,
                                   actor=patient_user)
    programme.refresh_from_db()
    assert (painful.action, programme.step) == ("step_back", 0)
    assert AuditEvent.objects.filter(action="programme.session_logged", patient=signed_plan.patient).count() == 2
    with pytest.raises(AppendOnlyError):
        painful.delete()


def test_logging_refuses_future_days_duplicates_and_missing_pain(signed_plan, clinician):
    programme = _assign(signed_plan, clinician)
    user = UserFactory(role=Role.PATIENT)
    with pytest.raises(ValidationError) as exc:
        services.session_log(programme=programme, on=TODAY + datetime.timedelta(days=1), done=True,
                             pain_during=None, pain_next_day=0, actor=user)
    assert set(exc.value.message_dict) == {"on", "pain_during"}
    services.session_log(programme=programme, on=YESTERDAY, done=False, pain_during=None, pain_next_day=None,
                         actor=user)
    with pytest.raises(ValidationError, match="already logged"):
        services.session_log(programme=programme, on=YESTERDAY, done=False, pain_during=None, pain_next_day=None,
                             actor=user)


def test_a_clinician_override_needs_a_reason_and_is_audited(signed_plan, clinician):
    programme = _assign(signed_plan, clinician)
    with pytest.raises(ValidationError) as exc:
        services.programme_override(programme=programme, to_step=40, next_session_on=TODAY, reason=" ",
                                    actor=clinician)
    assert set(exc.value.message_dict) == {"reason", "to_step"}
    services.programme_override(programme=programme, to_step=5, next_session_on=TODAY, reason="Hops pain-free",
                                actor=clinician)
    programme.refresh_from_db()
    assert programme.step == 5
    event = AuditEvent.objects.get(action="programme.overridden")
    assert event.data["reason"] == "Hops pain-free"


def test_the_stage_prefers_the_latest_source(signed_plan, clinician):
    patient = signed_plan.patient
    assert current_stage(patient).source == "plan"
    assessment_create(patient=patient, recorded_by=clinician, assessed_on=TODAY, timepoint="review",
                      phase="reload")
    stage = current_stage(patient)
    assert (stage.source, stage.phase) == ("outcome", "reload")
    assert current_stage(PatientFactory()) is None


def test_current_stages_for_many_patients_is_a_fixed_number_of_queries(django_assert_num_queries, clinician):
    plans = []
    for _ in range(3):
        plan = make_plan("C01", clinician=clinician)
        plan_sign(plan=plan, actor=clinician)
        plans.append(plan)
    _assign(plans[0], clinician)
    ids = [p.patient_id for p in plans]
    with django_assert_num_queries(4):
        one = current_stages(ids[:1])
    with django_assert_num_queries(4):
        many = current_stages(ids)
    assert one[ids[0]].source == "programme" and len(many) == 3


def test_the_clinician_sees_adherence_and_pain_on_the_outcomes_chart(client, signed_plan, clinician):
    programme = _assign(signed_plan, clinician)
    services.session_log(programme=programme, on=YESTERDAY, done=True, pain_during=1, pain_next_day=0,
                         actor=UserFactory(role=Role.PATIENT))
    client.force_login(clinician)
    page = client.get(reverse("outcomes:patient_outcomes", args=[signed_plan.patient_id])).content.decode()
    assert "adherence <strong>1 of 1</strong>" in page
    assert "pain 1/10 during" in page and 'class="programme-chart"' in page
