"""The clinic navigation: each role sees exactly the sections it may open, and each one opens."""

from __future__ import annotations

import re

import pytest
from django.test import override_settings
from django.urls import path

from fracturecare.accounts.models import Role
from fracturecare.patients import navigation
from tests.factories import PatientFactory, UserFactory

pytestmark = pytest.mark.django_db

EXPECTED = {
    Role.CLINICIAN: ["Home", "Patients", "Schedule", "Inbox", "API tokens"],
    Role.FRONT_DESK: ["Home", "Patients", "Schedule", "Patient emails", "Inbox", "Website stories", "Website articles"],
    Role.CLINIC_ADMIN: [
        "Home",
        "Patients",
        "Schedule",
        "Patient emails",
        "Inbox",
        "Website stories",
        "Website articles",
        "API tokens",
        "Audit log",
        "Security",
    ],
}

NAV = re.compile(r'<nav aria-label="Clinic">(.*?)</nav>', re.S)
LINK = re.compile(r'<a href="([^"]+)"(?: aria-current="(\w+)")?>([^<]+)</a>')


def nav_of(response) -> list[tuple[str, str, str]]:
    """(label, href, aria-current) of each link in the page's clinic navigation."""
    found = NAV.findall(response.content.decode())
    assert len(found) == 1, "expected exactly one clinic navigation"
    return [(label, href, current) for href, current, label in LINK.findall(found[0])]


@pytest.mark.parametrize("role", list(EXPECTED))
def test_each_role_sees_exactly_its_sections_and_each_opens(client, login, role):
    login(role)
    links = nav_of(client.get("/clinic/"))
    assert [label for label, _, _ in links] == EXPECTED[role]
    for label, href, _ in links:
        response = client.get(href)
        assert response.status_code == 200, f"{role} got {response.status_code} from {label} ({href})"
        # The page it opens marks its own link as the current page, and only that one.
        assert [(lbl, cur) for lbl, _, cur in nav_of(response) if cur] == [(label, "page")]


def test_a_page_inside_a_section_marks_the_section(client, login):
    login(Role.CLINICIAN)
    patient = PatientFactory()
    links = nav_of(client.get(f"/clinic/patients/{patient.pk}/"))
    assert [(label, cur) for label, _, cur in links if cur] == [("Patients", "true")]


def test_patients_and_visitors_get_no_clinic_navigation(client):
    patient_user = UserFactory(role=Role.PATIENT)
    assert navigation.nav_links(patient_user) == []
    client.force_login(patient_user)
    assert client.get("/clinic/patients/").status_code == 403


def _open(request):  # pragma: no cover - never requested
    raise AssertionError


urlpatterns = [path("unguarded/", _open, name="unguarded")]


@override_settings(ROOT_URLCONF=__name__)
def test_unmounted_and_unguarded_pages_are_left_out(monkeypatch):
    # In this URLconf none of the real sections is mounted, and the one page there has no role check.
    admin = UserFactory.build(role=Role.CLINIC_ADMIN)
    monkeypatch.setattr(navigation, "SECTIONS", navigation.SECTIONS + (navigation.Section("Unguarded", "unguarded"),))
    assert navigation.nav_links(admin) == []
