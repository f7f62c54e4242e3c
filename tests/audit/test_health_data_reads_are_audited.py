"""Every clinical page about a patient leaves an audit event for that patient when it is read.

The pages come from the same resolver walk as the role test, so a new clinical page about a
patient is covered the moment it is wired up.
"""

from __future__ import annotations

import pytest

from fracturecare.accounts.models import Role
from fracturecare.audit.models import AuditEvent
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
