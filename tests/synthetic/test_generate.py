"""The synthetic clinic (`fracturecare demo --patients N`): complete, valid, signed rows, in bulk."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from fracturecare.accounts.models import Role
from fracturecare.audit.models import AuditEvent
from fracturecare.charting.models import Visit
from fracturecare.charting.services import visit_hash
from fracturecare.evaluations.models import Evaluation
from fracturecare.outcomes.models import OutcomeAssessment
from fracturecare.patients.models import Patient
from fracturecare.planning.models import Plan, PlanVersion
from fracturecare.scheduling.models import Appointment, OutboxMessage, PatientTimeCell, PractitionerTimeCell
from fracturecare.synthetic.generate import AlreadyGenerated, generate
from tests.factories import UserFactory
from tests.scheduling.factories import AppointmentTypeFactory, LocationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def clinic() -> None:
    """What the demo provides and the generator needs: a front desk, a location, a visit type."""
    UserFactory(role=Role.FRONT_DESK)
    LocationFactory()
    AppointmentTypeFactory(minutes=30)


def test_every_patient_gets_a_whole_course_of_care(clinic: None) -> None:
    stats = generate(40, log=lambda _: None)
    assert stats.patients == Patient.objects.count() == 40
    assert Evaluation.objects.count() == Plan.objects.count() == 40
    assert 0 < PlanVersion.objects.count() == stats.signed < 40
    assert OutcomeAssessment.objects.count() == stats.outcomes >= 40
    assert Appointment.objects.count() == stats.appointments >= 40
    assert OutboxMessage.objects.count() == 40
    assert AuditEvent.objects.count() == stats.audit_events > 40 * 5
    assert PractitionerTimeCell.objects.exists() and PatientTimeCell.objects.exists()
    # Every plan is real engine output for its evaluation's case.
    plan = Plan.objects.select_related("evaluation").first()
    assert plan.generated["triage"]["level"] == plan.triage_level
    assert plan.evaluation.case["injury"]["bone"]


def test_signed_rows_are_written_final_and_verifiable(clinic: None) -> None:
    generate(40, log=lambda _: None)
    visits = list(Visit.objects.all()[:5])
    assert visits
    for visit in visits:
        assert visit.signed_at is not None and visit.signed_sha256 == visit_hash(visit)
    version = PlanVersion.objects.select_related("plan__evaluation").first()
    assert version.snapshot["plan"] == version.plan.generated
    assert version.snapshot["case"] == version.plan.evaluation.case
    assert version.signed_at >= version.plan.created_at


def test_history_is_in_the_past_and_the_sequences_move_on(clinic: None) -> None:
    generate(30, log=lambda _: None)
    now = timezone.now()
    assert not AuditEvent.objects.filter(at__gt=now).exists()
    assert not Visit.objects.filter(signed_at__gt=now).exists()
    # Explicit primary keys must not leave PostgreSQL's sequences behind.
    newest = Patient.objects.order_by("-id").first().id
    assert Patient.objects.create(first_name="New", last_name="Patient", date_of_birth="2000-01-01").id > newest


def test_a_second_clinic_in_the_same_database_is_refused(clinic: None) -> None:
    generate(3, log=lambda _: None)
    with pytest.raises(AlreadyGenerated):
        generate(3, log=lambda _: None)
    with pytest.raises(CommandError, match="fresh database"):
        call_command("generate_clinic", "--patients", "3", stdout=io.StringIO())


def test_a_patient_count_below_one_is_refused(clinic: None) -> None:
    with pytest.raises(CommandError, match="--patients"):
        call_command("generate_clinic", "--patients", "0", stdout=io.StringIO())
    assert not Patient.objects.exists()
