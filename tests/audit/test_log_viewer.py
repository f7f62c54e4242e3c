"""The audit log viewer: clinic admin only, filters, pagination, read-only, itself audited."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from fracturecare.accounts.models import Role
from fracturecare.audit.chain import append
from fracturecare.audit.models import AuditEvent
from fracturecare.audit.services import audit_record
from tests.factories import PatientFactory, UserFactory

pytestmark = pytest.mark.django_db
URL = "/clinic/audit/"


def _at(when, **fields):
    # Rows are append-only (the database refuses an UPDATE): an event from the past is written with its time.
    return append(AuditEvent(at=when, actor_label=fields["actor"].username if "actor" in fields else "x", **fields))


def _rows(response):
    return list(response.context["page"].object_list)


def test_the_url_keeps_its_name():
    assert reverse("audit:log") == URL


@pytest.mark.parametrize("role", [Role.CLINICIAN, Role.FRONT_DESK, Role.PATIENT])
def test_only_the_clinic_admin_may_read_it(client, login, role):
    login(role)
    assert client.get(URL).status_code == 403
    assert not AuditEvent.objects.filter(action="audit.viewed").exists()


def test_anonymous_is_sent_to_sign_in(client):
    response = client.get(URL)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_it_is_read_only(client, login):
    login(Role.CLINIC_ADMIN)
    assert client.post(URL, {"action": "x"}).status_code == 405


def test_viewing_is_audited_with_the_filters_used(client, login):
    admin = login(Role.CLINIC_ADMIN)
    patient = PatientFactory()
    client.get(URL, {"patient": patient.pk, "action": "plan.", "date_from": "2026-01-01"})
    event = AuditEvent.objects.get(action="audit.viewed")
    assert event.actor == admin
    assert event.data["filters"] == {"patient": patient.pk, "action": "plan.", "date_from": "2026-01-01"}
    assert event.data["invalid"] is False


def test_filters_by_patient_actor_action_and_date(client, login):
    login(Role.CLINIC_ADMIN)
    ann, bob = PatientFactory(first_name="Ann"), PatientFactory(first_name="Bob")
    dana = UserFactory(role=Role.CLINICIAN, username="dana")
    sam = UserFactory(role=Role.CLINICIAN, username="sam")
    old = _at(timezone.now() - datetime.timedelta(days=40), actor=dana, action="plan.signed", patient=ann)
    viewed = audit_record(actor=dana, action="plan.viewed", patient=ann)
    sams = audit_record(actor=sam, action="plan.viewed", patient=bob)
    visit = audit_record(actor=dana, action="visit.viewed", patient=bob)

    assert set(_rows(client.get(URL, {"patient": ann.pk}))) == {old, viewed}
    assert set(_rows(client.get(URL, {"actor": "SAM"}))) == {sams}
    assert set(_rows(client.get(URL, {"action": "plan.viewed"}))) == {viewed, sams}
    assert set(_rows(client.get(URL, {"action": "plan.", "actor": "dana"}))) == {old, viewed}
    today = timezone.localdate()
    recent = _rows(client.get(URL, {"date_from": today - datetime.timedelta(days=1), "date_to": today}))
    assert old not in recent and {viewed, sams, visit} <= set(recent)
    page = client.get(URL, {"patient": bob.pk}).content.decode()
    assert "Bob" in page and "visit.viewed" in page


def test_the_date_range_uses_the_clinics_days(client, login, settings):
    settings.TIME_ZONE = "America/New_York"
    login(Role.CLINIC_ADMIN)
    # 23:30 in New York on 1 March is already 2 March in UTC.
    event = _at(datetime.datetime(2026, 3, 2, 4, 30, tzinfo=datetime.UTC), action="patient.viewed")
    assert event in _rows(client.get(URL, {"date_from": "2026-03-01", "date_to": "2026-03-01"}))
    assert event not in _rows(client.get(URL, {"date_from": "2026-03-02", "date_to": "2026-03-02"}))


def test_bad_filters_are_shown_on_their_fields(client, login):
    login(Role.CLINIC_ADMIN)
    response = client.get(URL, {"patient": "abc", "date_from": "2026-05-02", "date_to": "2026-05-01"})
    assert response.status_code == 200
    form = response.context["form"]
    assert form.errors["patient"] and form.errors["date_to"]
    assert response.context["page"] is None
    assert AuditEvent.objects.get(action="audit.viewed").data["invalid"] is True


def test_it_pages_fifty_at_a_time_keeping_the_filters(client, login):
    login(Role.CLINIC_ADMIN)
    AuditEvent.objects.bulk_create(AuditEvent(action="visit.viewed", actor_label="x") for _ in range(120))
    first = client.get(URL, {"action": "visit.viewed"})
    assert len(_rows(first)) == 50 and first.context["page"].paginator.num_pages == 3
    assert "action=visit.viewed&amp;page=2" in first.content.decode()
    last = client.get(URL, {"action": "visit.viewed", "page": 3})
    assert len(_rows(last)) == 20


def test_the_query_count_does_not_grow_with_the_log(client, login):
    login(Role.CLINIC_ADMIN)
    people = [UserFactory(role=Role.CLINICIAN) for _ in range(5)]
    patients = [PatientFactory() for _ in range(5)]

    def add(n):
        AuditEvent.objects.bulk_create(
            AuditEvent(action="patient.viewed", actor=people[i % 5], actor_label=people[i % 5].username,
                       patient=patients[i % 5], data={"i": i})
            for i in range(n)
        )

    def count(params):
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(URL, params).status_code == 200
        return len(ctx.captured_queries)

    add(10)
    small = count({})
    small_filtered = count({"action": "patient.", "page": 1})
    add(990)
    assert count({}) == small
    assert count({"action": "patient.", "page": 1}) == small_filtered
    assert count({"action": "patient.", "page": 7}) == small_filtered
