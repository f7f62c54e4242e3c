"""The friendly 403 and 404 pages: in the clinic's own look (its name, its phone), saying what
happened in plain words, with a way back that suits who is asking."""

from __future__ import annotations

import pytest

from fracturecare.accounts.models import Role
from tests.clinic.factories import ClinicProfileFactory
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

NOT_FOUND = "We could not find that page"
NOT_YOURS = "This page is not open to your login"


@pytest.fixture(autouse=True)
def _profile():
    ClinicProfileFactory(name="Harbour Bone Clinic", phone="+1 555 010 0444")


def test_a_visitor_gets_the_404_page_with_links_home(client):
    response = client.get("/no-such-page/")
    html = response.content.decode()
    assert response.status_code == 404 and NOT_FOUND in html
    assert "Harbour Bone Clinic" in html and 'href="/"' in html and 'href="/contact/"' in html
    assert 'href="/clinic/"' not in html  # no staff link for a visitor


def test_staff_get_the_404_page_with_the_way_back_to_the_clinic(client):
    client.force_login(UserFactory(role=Role.FRONT_DESK))
    response = client.get("/clinic/schedule/appointments/999999/cancel/")
    html = response.content.decode()
    assert response.status_code == 404 and NOT_FOUND in html
    assert "Harbour Bone Clinic" in html and 'href="/clinic/"' in html


def test_a_clinician_page_refused_to_the_front_desk_is_a_403_back_to_the_clinic_home(client):
    client.force_login(UserFactory(role=Role.FRONT_DESK, first_name="Fay", last_name="Desk"))
    response = client.get("/clinic/settings/")
    html = response.content.decode()
    assert response.status_code == 403 and NOT_YOURS in html
    assert "Fay Desk" in html and "Harbour Bone Clinic" in html and "+1 555 010 0444" in html
    assert 'href="/clinic/">Back to the clinic home' in html


def test_a_patient_refused_a_clinic_page_is_sent_back_to_the_home_page(client):
    client.force_login(UserFactory(role=Role.PATIENT))
    response = client.get("/clinic/settings/")
    html = response.content.decode()
    assert response.status_code == 403 and NOT_YOURS in html
    assert 'href="/">Back to the home page' in html and 'href="/clinic/"' not in html
