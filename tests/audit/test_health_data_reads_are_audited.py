"""Every clinical page about a patient leaves an audit event for that patient when it is read.

The pages come from the same resolver walk as the role test, so a new clinical page about a
patient is covered the moment it is wired up.
"""

from __future__ import annotations

from urllib.parse import urlencode

import pytest
from django.urls import reverse

from fracturecare.accounts.models import Role
from fracturecare.audit.models import AuditEvent
from fracturecare.intake.services import form_request_create
from fracturecare.intake.tokens import forms_token
from tests.factories import UserFactory
from tests.test_url_permissions import CLINICAL, CLINICIAN_ONLY, ROUTES, STAFF, World, expectation_for, url_for

# Path parameters that tie a page to one patient's record.
PATIENT_PARAMS = {"patient_id", "evaluation_id", "plan_id", "number", "edit_id"}
# Demographics are health data too, so staff pages about a patient count.
CLINICAL_RULES = (CLINICAL, CLINICIAN_ONLY, STAFF)


def _patient_pages():
    for route in ROUTES:
        if route.methods is not None or expectation_for(route) not in CLINICAL_RULES:
            continue
        about_patient = set(route.params) & PATIENT_PARAMS or route.name.startswith("charting:visit_")
        if about_patient:
            yield route


PAGES = list(_patient_pages())


def test_the_walk_finds_the_clinical_pages():
    names = {route.name for route in PAGES}
    assert {"patients:detail", "planning:detail", "charting:visit_detail", "handouts:plan_pdf"} <= names


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.mark.django_db
def test_reading_a_clinical_page_is_audited(client):
    world = World()
    patient = world.get("patient")
    client.force_login(UserFactory(role=Role.CLINICIAN))
    read, unaudited = [], []
    for route in PAGES:
        url = url_for(route, world)
        before = AuditEvent.objects.filter(patient=patient).count()
        response = client.get(url)
        # POST-only actions (sign, withdraw...) answer 405 and are audited by their services;
        # a redirect shows no health data.
        if response.status_code in (405, 302):
            continue
        assert response.status_code == 200, f"GET {url} -> {response.status_code}"
        read.append(route.name)
        if AuditEvent.objects.filter(patient=patient).count() == before:
            unaudited.append(url)
    assert not unaudited, f"read without an audit event: {unaudited}"
    assert len(read) >= 10, read


# The schedule shows many patients at once, so its pages are walked on their own: every GET of a schedule page
# must leave an audit event (for the patient when the page is about one appointment).
SCHEDULE_PAGES = [route for route in ROUTES if route.name.startswith("scheduling:") and route.methods is None]
# Pages behind the links in booking emails: whoever holds the link reads the patient's appointment.
BOOKING_LINK_PAGES = ("scheduling:book_done", "scheduling:manage", "scheduling:manage_cancel",
                      "scheduling:manage_reschedule", "scheduling:manage_ics")


def test_the_walk_finds_the_schedule_pages():
    names = {route.name for route in SCHEDULE_PAGES}
    assert {"scheduling:schedule", "scheduling:outbox", "scheduling:appointment_move"} <= names


@pytest.mark.django_db
def test_reading_a_schedule_page_is_audited(client):
    world = World()
    appointment = world.get("appointment")
    client.force_login(UserFactory(role=Role.FRONT_DESK))
    read, unaudited = [], []
    for route in SCHEDULE_PAGES:
        url = url_for(route, world)
        if route.name == "scheduling:desk_book":
            url += "?" + urlencode({
                "type": appointment.appointment_type.slug, "start": appointment.start.isoformat(),
                "practitioner": appointment.practitioner_id, "q": appointment.patient.last_name,
            })
        before = AuditEvent.objects.count()
        response = client.get(url)
        if response.status_code in (405, 302):
            continue
        assert response.status_code == 200, f"GET {url} -> {response.status_code}"
        read.append(route.name)
        if AuditEvent.objects.count() == before:
            unaudited.append(url)
    assert not unaudited, f"read without an audit event: {unaudited}"
    assert len(read) >= 4, read


@pytest.mark.django_db
@pytest.mark.parametrize("name", BOOKING_LINK_PAGES)
def test_opening_a_booking_link_is_audited_for_the_patient(client, name):
    from fracturecare.scheduling.links import manage_token

    world = World()
    appointment = world.get("appointment")
    before = AuditEvent.objects.filter(patient=appointment.patient).count()
    response = client.get(reverse(name, kwargs={"token": manage_token(appointment)}))
    assert response.status_code == 200
    event = AuditEvent.objects.filter(patient=appointment.patient).order_by("-seq").first()
    assert AuditEvent.objects.filter(patient=appointment.patient).count() == before + 1
    assert event.action == "appointment.viewed" and event.actor_label == "booking link"


# Pages behind a forms link greet the patient by name and, after a refused answer, show what was typed. (The public
# booking form's outcomes that book nothing, and the waiting-list offer, are checked in tests/scheduling.)
FORMS_LINK_PAGES = (
    ("intake:form_fill", "intake", {"form": "intake"}),
    ("intake:form_fill", "consent_acupuncture", {"form": "consent_acupuncture"}),
    ("outcomes_public:questionnaire", "outcomes", {}),
)


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "form", "kwargs"), FORMS_LINK_PAGES)
@pytest.mark.parametrize("method", ["get", "post"])
def test_a_forms_link_page_is_audited_for_the_patient(client, name, form, kwargs, method):
    world = World()
    patient = world.get("patient")
    form_request = form_request_create(patient=patient, forms=[form])
    url = reverse(name, kwargs={"token": forms_token(form_request), **kwargs})
    before = AuditEvent.objects.filter(patient=patient, action="forms.opened").count()
    # An empty POST is refused and the page comes back with the errors.
    response = getattr(client, method)(url, {})
    assert response.status_code == 200
    assert AuditEvent.objects.filter(patient=patient, action="forms.opened").count() == before + 1
    event = AuditEvent.objects.filter(patient=patient).order_by("-seq").first()
    assert event.data == {"form": form, "returned": method == "post"}


@pytest.mark.django_db
def test_the_list_of_patient_stories_is_audited(client):
    client.force_login(UserFactory(role=Role.FRONT_DESK))
    assert client.get(reverse("public:story_admin_list")).status_code == 200
    assert AuditEvent.objects.filter(action="story.listed").count() == 1
