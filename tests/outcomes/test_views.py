import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from fracturecare.accounts.models import Role
from fracturecare.audit.models import AuditEvent
from fracturecare.outcomes.models import OutcomeAssessment
from tests.factories import PatientFactory, UserFactory
from tests.outcomes.factories import OutcomeAssessmentFactory

pytestmark = pytest.mark.django_db


def form_data(**overrides):
    data = {
        "assessed_on": datetime.date.today().isoformat(),
        "timepoint": "intake",
        "pain_nrs": "6",
        "phase": "",
        "walk_run_day": "",
        "note": "",
    }
    data.update({f"lefs_{i:02d}": "2" for i in range(1, 21)})
    data.update(overrides)
    return data


def test_recording_an_assessment(client, login):
    user = login(Role.CLINICIAN)
    patient = PatientFactory()
    page = client.get(reverse("outcomes:assessment_create", args=[patient.pk]))
    assert b"Hopping" in page.content and b"Save outcome measures" in page.content
    response = client.post(
        reverse("outcomes:assessment_create", args=[patient.pk]), form_data(phase="return_to_run", walk_run_day="6")
    )
    assert response.status_code == 302
    a = OutcomeAssessment.objects.get()
    assert (a.pain_nrs, a.lefs_total, a.lefs_items[0], a.phase, a.walk_run_day, a.recorded_by) == (
        6,
        40,
        2,
        "return_to_run",
        6,
        user,
    )
    assert AuditEvent.objects.filter(action="outcome.recorded", patient=patient).count() == 1


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"pain_nrs": "11"}, b"less than or equal to 10"),
        ({"lefs_07": ""}, b"Answer every LEFS item, or leave them all blank."),
        ({"lefs_03": "5"}, b"Select a valid choice"),
        ({"walk_run_day": "4"}, b"A walk\xe2\x80\x93run day belongs to the return-to-running phase."),
        ({"phase": "return_to_run", "walk_run_day": "23"}, b"less than or equal to 22"),
        (
            {"assessed_on": (datetime.date.today() + datetime.timedelta(days=2)).isoformat()},
            b"cannot be dated in the future",
        ),
        (
            {"pain_nrs": "", **{f"lefs_{i:02d}": "" for i in range(1, 21)}},
            b"Record a pain score, a LEFS, or the return-to-activity phase.",
        ),
    ],
)
def test_bad_input_shows_field_messages_and_saves_nothing(client, login, overrides, message):
    login(Role.CLINICIAN)
    patient = PatientFactory()
    response = client.post(reverse("outcomes:assessment_create", args=[patient.pk]), form_data(**overrides))
    assert response.status_code == 200
    assert message in response.content
    assert not OutcomeAssessment.objects.exists()


def test_outcomes_page_shows_chart_and_not_improving_flag(client, login):
    login(Role.CLINICIAN)
    patient = PatientFactory()
    OutcomeAssessmentFactory(patient=patient, assessed_on=datetime.date(2025, 3, 1), pain_nrs=6, timepoint="intake")
    OutcomeAssessmentFactory(patient=patient, assessed_on=datetime.date(2025, 3, 20), pain_nrs=6)
    page = client.get(reverse("outcomes:patient_outcomes", args=[patient.pk]))
    body = page.content.decode()
    assert "Not improving as expected: review needed" in body
    assert "<svg" in body and "Progress chart: pain and function over time" in body
    assert "not a peer-reviewed protocol" in body
    assert "Next scheduled reassessment: <strong>2025-04-03</strong>" in body
    assert AuditEvent.objects.filter(action="outcome.viewed", patient=patient).exists()


def test_improving_patient_gets_no_review_prompt(client, login):
    login(Role.CLINICIAN)
    patient = PatientFactory()
    OutcomeAssessmentFactory(patient=patient, assessed_on=datetime.date(2025, 3, 1), pain_nrs=6)
    OutcomeAssessmentFactory(patient=patient, assessed_on=datetime.date(2025, 3, 20), pain_nrs=3)
    body = client.get(reverse("outcomes:patient_outcomes", args=[patient.pk])).content.decode()
    assert "review needed" not in body and "Improving" in body


@pytest.mark.parametrize("role", [Role.FRONT_DESK, Role.PATIENT])
def test_non_clinical_roles_are_refused(client, login, role):
    login(role)
    patient = PatientFactory()
    assert client.get(reverse("outcomes:patient_outcomes", args=[patient.pk])).status_code == 403
    assert client.post(reverse("outcomes:assessment_create", args=[patient.pk]), form_data()).status_code == 403
    assert not OutcomeAssessment.objects.exists()


def _count(client, url):
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_outcomes_page_queries_do_not_grow_with_assessments(client, login):
    login(Role.CLINICIAN)
    patient, user = PatientFactory(), UserFactory()

    def add(n, start):
        OutcomeAssessment.objects.bulk_create(
            [
                OutcomeAssessment(
                    patient=patient,
                    recorded_by=user,
                    timepoint="review",
                    pain_nrs=i % 11,
                    assessed_on=start + datetime.timedelta(days=i),
                )
                for i in range(n)
            ]
        )

    add(10, datetime.date(2020, 1, 1))
    url = reverse("outcomes:patient_outcomes", args=[patient.pk])
    few = _count(client, url)
    add(990, datetime.date(2021, 1, 1))
    assert _count(client, url) == few


def test_assessments_cannot_be_edited():
    a = OutcomeAssessmentFactory()
    a.pain_nrs = 1
    with pytest.raises(ValueError):
        a.save()


def test_a_wrong_entry_is_marked_in_error_and_leaves_the_chart(client, login):
    user = login(Role.CLINICIAN)
    patient = PatientFactory()
    OutcomeAssessmentFactory(patient=patient, assessed_on=datetime.date(2025, 3, 1), pain_nrs=6)
    typo = OutcomeAssessmentFactory(patient=patient, assessed_on=datetime.date(2025, 3, 20), pain_nrs=9)
    url = reverse("outcomes:patient_outcomes", args=[patient.pk])
    assert "Worsening: review needed" in client.get(url).content.decode()

    empty = client.post(url, {"assessment": typo.pk, "reason": ""})
    assert empty.status_code == 200 and b"This field is required." in empty.content
    assert not OutcomeAssessment.objects.get(pk=typo.pk).is_voided

    response = client.post(url, {"assessment": typo.pk, "reason": "Typed 9 for 3."}, follow=True)
    body = response.content.decode()
    typo = OutcomeAssessment.objects.get(pk=typo.pk)
    assert typo.is_voided and typo.voided_by == user and typo.void_reason == "Typed 9 for 3."
    assert "Entered in error" in body and "Worsening" not in body
    assert "Pain NRS from 6 to 6" in body  # the chart's text alternative ignores the voided score
    assert AuditEvent.objects.filter(action="outcome.voided", object_id=str(typo.pk)).exists()

    # Once marked, it stays marked; and nobody edits its values.
    again = client.post(url, {"assessment": typo.pk, "reason": "again"}, follow=True)
    assert b"already marked as entered in error" in again.content
    assert OutcomeAssessment.objects.get(pk=typo.pk).void_reason == "Typed 9 for 3."
    typo.pain_nrs = 3
    with pytest.raises(ValueError):
        typo.save()
    with pytest.raises(ValueError):
        typo.save(update_fields=["pain_nrs"])


def test_cannot_void_another_patients_assessment(client, login):
    login(Role.CLINICIAN)
    other = OutcomeAssessmentFactory()
    url = reverse("outcomes:patient_outcomes", args=[PatientFactory().pk])
    assert client.post(url, {"assessment": other.pk, "reason": "x"}).status_code == 404
    assert not OutcomeAssessment.objects.get(pk=other.pk).is_voided


def test_the_service_refuses_a_second_void_and_an_empty_reason():
    from django.core.exceptions import ValidationError

    from fracturecare.outcomes.services import assessment_void

    a = OutcomeAssessmentFactory()
    with pytest.raises(ValidationError):
        assessment_void(assessment=a, actor=a.recorded_by, reason="  ")
    assessment_void(assessment=a, actor=a.recorded_by, reason="Wrong patient.")
    with pytest.raises(ValidationError):
        assessment_void(assessment=a, actor=a.recorded_by, reason="again")
