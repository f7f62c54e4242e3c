import datetime

import pytest
from django.urls import reverse

from fracturecare.accounts.models import Role
from fracturecare.audit.models import AuditEvent
from fracturecare.patients.models import Patient
from tests.factories import PatientFactory

pytestmark = pytest.mark.django_db

VALID = {
    "first_name": "Maya", "last_name": "Lopez", "date_of_birth": "1999-04-02",
    "sex": "female", "phone": "(555) 010-0123", "email": "maya@example.test",
}


@pytest.mark.parametrize("role", [Role.CLINICIAN, Role.FRONT_DESK, Role.CLINIC_ADMIN])
def test_it_lets_staff_see_the_patient_list(client, login, role):
    login(role)
    PatientFactory(first_name="Ann", last_name="Zed")
    response = client.get(reverse("patients:list"))
    assert response.status_code == 200
    assert "Zed, Ann" in response.content.decode()


def test_it_refuses_patients_and_anonymous_users(client, login):
    assert client.get(reverse("patients:list")).status_code == 302
    login(Role.PATIENT)
    assert client.get(reverse("patients:list")).status_code == 403


def test_it_refuses_a_post_to_the_list(client, login):
    login(Role.FRONT_DESK)
    assert client.post(reverse("patients:list")).status_code == 405


@pytest.mark.parametrize(
    "query, found",
    [
        ("lopez", True),
        ("maya lop", True),
        ("ann", False),
        ("1999-04-02", True),
        ("04/02/1999", True),
        ("2000-01-01", False),
        ("555-010-0123", True),
        ("0100123", True),
        ("999", False),
    ],
)
def test_it_searches_by_name_date_of_birth_and_phone(client, login, query, found):
    login(Role.FRONT_DESK)
    PatientFactory(
        first_name="Maya", last_name="Lopez", date_of_birth=datetime.date(1999, 4, 2), phone="+15550100123"
    )
    PatientFactory(
        first_name="Bob", last_name="Stone", date_of_birth=datetime.date(1980, 1, 1), phone="+15550100777"
    )
    html = client.get(reverse("patients:list"), {"q": query}).content.decode()
    assert ("Lopez, Maya" in html) is found
    assert "Stone, Bob" not in html


def test_it_paginates(client, login):
    login(Role.FRONT_DESK)
    Patient.objects.bulk_create(
        Patient(first_name=f"P{i:03d}", last_name="Page", date_of_birth=datetime.date(1990, 1, 1))
        for i in range(30)
    )
    first = client.get(reverse("patients:list")).content.decode()
    second = client.get(reverse("patients:list"), {"page": 2}).content.decode()
    assert "Page 1 of 2" in first and "P000" in first and "P029" not in first
    assert "P029" in second and "P000" not in second


def test_it_registers_a_patient_with_a_normalised_phone(client, login):
    user = login(Role.FRONT_DESK)
    response = client.post(reverse("patients:create"), VALID)
    patient = Patient.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("patients:detail", args=[patient.pk])
    assert patient.phone == "5550100123"
    assert AuditEvent.objects.filter(action="patient.created", patient=patient, actor=user).exists()


@pytest.mark.parametrize(
    "change, field, message",
    [
        ({"date_of_birth": "2999-01-01"}, "date_of_birth", "in the future"),
        ({"date_of_birth": "not a date"}, "date_of_birth", "Enter a valid date"),
        ({"first_name": ""}, "first_name", "This field is required"),
        ({"phone": "call me"}, "phone", "Enter a phone number"),
        ({"phone": "", "email": ""}, "phone", "Give a phone number or an email"),
        ({"email": "nope"}, "email", "Enter a valid email"),
        ({"sex": "x"}, "sex", "Select a valid choice"),
    ],
)
def test_it_rejects_bad_input_on_the_field_and_saves_nothing(client, login, change, field, message):
    login(Role.FRONT_DESK)
    response = client.post(reverse("patients:create"), {**VALID, **change})
    assert response.status_code == 200
    assert message in " ".join(response.context["form"].errors[field])
    assert f'id="id_{field}_error"' in response.content.decode()
    assert not Patient.objects.exists()
    assert not AuditEvent.objects.filter(action="patient.created").exists()


def test_it_edits_a_patient_and_audits_the_changed_fields(client, login):
    user = login(Role.FRONT_DESK)
    patient = PatientFactory(first_name="Ann", last_name="Old", phone="+15550100001")
    data = {
        "first_name": "Ann", "last_name": "New", "date_of_birth": patient.date_of_birth.isoformat(),
        "sex": patient.sex, "phone": patient.phone, "email": patient.email,
    }
    response = client.post(reverse("patients:edit", args=[patient.pk]), data)
    assert response.status_code == 302
    patient.refresh_from_db()
    assert patient.last_name == "New"
    event = AuditEvent.objects.get(action="patient.updated")
    assert event.actor == user and event.data == {"fields": ["last_name"]}


def test_it_does_not_save_a_bad_edit(client, login):
    login(Role.FRONT_DESK)
    patient = PatientFactory(last_name="Kept")
    data = {"first_name": "", "last_name": "Changed", "date_of_birth": "1990-01-01", "phone": "5550100000"}
    response = client.post(reverse("patients:edit", args=[patient.pk]), data)
    assert response.status_code == 200
    patient.refresh_from_db()
    assert patient.last_name == "Kept"


def test_it_shows_the_patient_page_and_audits_the_read(client, login):
    user = login(Role.FRONT_DESK)
    patient = PatientFactory(first_name="Ann", last_name="Lee")
    response = client.get(reverse("patients:detail", args=[patient.pk]))
    assert response.status_code == 200
    assert "<h1>Ann Lee</h1>" in response.content.decode()
    event = AuditEvent.objects.get(action="patient.viewed", patient=patient)
    assert event.actor == user and event.data["clinical"] is False


def test_it_answers_404_for_an_unknown_patient(client, login):
    login(Role.CLINICIAN)
    assert client.get(reverse("patients:detail", args=[999999])).status_code == 404
