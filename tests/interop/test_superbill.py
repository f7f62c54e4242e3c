"""The superbill page and JSON for a signed visit."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from fracturecare.accounts.models import Role
from fracturecare.audit.models import AuditEvent
from fracturecare.interop import superbill as superbill_module
from fracturecare.interop.coding import Diagnosis
from tests.interop.factories import needling_visit, outcome, signed_plan

pytestmark = pytest.mark.django_db


@pytest.fixture
def visit():
    plan = signed_plan("C01")  # left posteromedial tibia
    return needling_visit(plan.patient, plan.created_by, points=("KI3", "SP6"), muscles=("soleus",))


def _json(client, visit, **params):
    return client.get(reverse("interop:superbill_json", kwargs={"pk": visit.pk}), params)


def test_superbill_codes_for_a_signed_visit(client, visit):
    client.force_login(visit.clinician)
    data = _json(client, visit, minutes=25, reinserted="on").json()
    assert data["visit"]["date_of_service"] == visit.visit_date.isoformat()
    assert data["patient"]["id"] == visit.patient.pk
    assert data["clinic"]["name"]
    assert [(d["code"], d["valid"]) for d in data["diagnoses"]] == [("M84.362A", True)]
    assert [(p["code"], p["units"]) for p in data["procedures"]] == [("97810", 1), ("97811", 1), ("20560", 1)]
    assert any("NCD 30.3.3" in w for w in data["warnings"])
    assert any("same day" in w for w in data["warnings"])


def test_page_shows_codes_and_the_medicare_warning(client, visit):
    client.force_login(visit.clinician)
    response = client.get(reverse("interop:superbill", kwargs={"pk": visit.pk}), {"minutes": 10})
    body = response.content.decode()
    assert response.status_code == 200
    assert "M84.362A" in body and "97810" in body and "20560" in body
    assert "NCD 30.3.3" in body
    assert "coder judgment" in body


def test_healing_phase_before_the_visit_proposes_d(client, visit):
    outcome(visit.patient, assessed_on=visit.visit_date - datetime.timedelta(days=1), phase="return_to_run",
            walk_run_day=3)
    client.force_login(visit.clinician)
    data = _json(client, visit).json()
    assert data["seventh_character"]["proposed"] == "D"
    assert data["diagnoses"][0]["code"] == "M84.362D"
    # The coder may overrule the proposal.
    assert _json(client, visit, seventh="A").json()["diagnoses"][0]["code"] == "M84.362A"


def test_a_later_phase_after_the_visit_does_not_change_it(client, visit):
    outcome(visit.patient, assessed_on=visit.visit_date + datetime.timedelta(days=3), phase="return_to_sport")
    client.force_login(visit.clinician)
    assert _json(client, visit).json()["seventh_character"]["proposed"] == "A"


@pytest.mark.parametrize("minutes", ["0", "241", "ten"])
def test_bad_minutes_are_refused_on_the_field(client, visit, minutes):
    client.force_login(visit.clinician)
    response = _json(client, visit, minutes=minutes)
    assert response.status_code == 422
    assert "minutes" in response.json()["errors"]
    page = client.get(reverse("interop:superbill", kwargs={"pk": visit.pk}), {"minutes": minutes})
    assert page.status_code == 200
    assert "Check the fields below" in page.content.decode()


def test_an_invalid_code_is_flagged_on_the_page(client, visit, monkeypatch):
    bad = [Diagnosis(code="M84.36ZZ", label="Stress fracture, test", valid=False, note="Not a valid code.")]
    monkeypatch.setattr(superbill_module.coding, "diagnoses", lambda *a: bad)
    client.force_login(visit.clinician)
    body = client.get(reverse("interop:superbill", kwargs={"pk": visit.pk})).content.decode()
    assert "Flagged: not a valid code, do not bill as is." in body
    assert any("did not validate" in w for w in _json(client, visit).json()["warnings"])


def test_unsigned_visit_has_no_superbill(client):
    plan = signed_plan("C01")
    draft = needling_visit(plan.patient, plan.created_by, sign=False)
    client.force_login(plan.created_by)
    page = client.get(reverse("interop:superbill", kwargs={"pk": draft.pk}))
    assert "not signed yet" in page.content.decode()
    assert _json(client, draft).status_code == 409
    assert not AuditEvent.objects.filter(action="visit.superbill_viewed").exists()


def test_superbill_read_is_audited(client, visit):
    client.force_login(visit.clinician)
    _json(client, visit, minutes=20)
    event = AuditEvent.objects.get(action="visit.superbill_viewed")
    assert event.patient == visit.patient
    assert "M84.362A" in event.data["codes"]


@pytest.mark.parametrize("role", [Role.FRONT_DESK, Role.PATIENT])
def test_front_desk_and_patients_cannot_open_a_superbill(client, login, visit, role):
    login(role)
    assert client.get(reverse("interop:superbill", kwargs={"pk": visit.pk})).status_code == 403
    assert _json(client, visit).status_code == 403


def test_unknown_visit_is_404(client, login):
    login(Role.CLINICIAN)
    assert client.get(reverse("interop:superbill", kwargs={"pk": 999999})).status_code == 404
