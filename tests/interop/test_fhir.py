"""The FHIR R4 export: resources validate, carry the expected codes, and the export is guarded."""

from __future__ import annotations

import io
import json

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from fhir.resources.R4B import get_fhir_model_class
from fhir.resources.R4B.bundle import Bundle

from fracturecare.accounts.models import Role
from fracturecare.audit.models import AuditEvent
from fracturecare.interop.fhir import OUTCOME_MEASURES_SYSTEM, SITE_SCTIDS
from fracturecare.knowledge import load_knowledge
from tests.factories import PatientFactory
from tests.interop.factories import needling_visit, outcome, signed_plan

pytestmark = pytest.mark.django_db


def _export(client, patient):
    return client.get(reverse("interop:patient_fhir", kwargs={"patient_id": patient.pk}))


@pytest.fixture
def record():
    plan = signed_plan("C01")  # left posteromedial tibia
    patient, clinician = plan.patient, plan.created_by
    needling_visit(patient, clinician, points=("KI3", "SP6"))
    needling_visit(patient, clinician, points=(), muscles=("soleus", "gastrocnemius", "tibialis_posterior"))
    needling_visit(patient, clinician, sign=False)  # a draft is not exported
    outcome(patient, pain_nrs=6, lefs_total=40)
    return plan


def _resources(data, kind):
    return [e["resource"] for e in data["entry"] if e["resource"]["resourceType"] == kind]


def _codes(concept):
    return {(c["system"], c["code"]) for c in concept.get("coding", [])}


def test_the_bundle_parses_back_and_holds_the_expected_resources(client, record):
    client.force_login(record.created_by)
    response = _export(client, record.patient)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/fhir+json"
    data = response.json()
    # Round trip: fhir.resources validates every resource when it parses the bundle.
    bundle = Bundle.model_validate_json(response.content)
    assert bundle.type == "collection"
    kinds = [e.resource.__resource_type__ for e in bundle.entry]
    assert kinds.count("Patient") == 1
    assert kinds.count("Condition") == 1
    assert kinds.count("CarePlan") == 1
    assert kinds.count("Procedure") == 2  # one per signed visit here; the draft is left out
    # Pain NRS and LEFS, plus the pain before treatment of each of the two signed visits (clinician-recorded).
    assert kinds.count("Observation") == 4
    assert kinds.count("Encounter") == 2  # one per signed visit
    assert kinds.count("Organization") == 1
    assert kinds.count("Practitioner") == 2  # the clinician who signed and charted, and who recorded outcomes
    assert kinds.count("CodeSystem") == 1  # defines the LEFS code
    # Every reference points at an entry of the bundle.
    urls = {e["fullUrl"] for e in data["entry"]}
    refs = set(_references(data))
    assert len(refs) >= 5
    assert refs <= urls


def _references(node):
    """Every `reference` value anywhere in a JSON document."""
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "reference" and isinstance(value, str):
                yield value
            else:
                yield from _references(value)
    elif isinstance(node, list):
        for item in node:
            yield from _references(item)


def test_the_resources_carry_the_reference_codes(client, record):
    client.force_login(record.created_by)
    data = _export(client, record.patient).json()
    (condition,) = _resources(data, "Condition")
    # Billable: the 7th character (A, initial encounter, while in active treatment) and its description.
    assert ("http://hl7.org/fhir/sid/icd-10-cm", "M84.362A") in _codes(condition["code"])
    icd = next(c for c in condition["code"]["coding"] if c["code"] == "M84.362A")
    assert icd["display"] == "Stress fracture, left tibia, initial encounter for fracture"
    assert ("http://snomed.info/sct", "240197007") in _codes(condition["code"])
    assert "left" in condition["bodySite"][0]["text"].lower()
    assert ("http://snomed.info/sct", "12611008") in _codes(condition["bodySite"][0])
    assert "third-party" in condition["note"][0]["text"]

    (careplan,) = _resources(data, "CarePlan")
    assert careplan["status"] == "active"
    assert careplan["intent"] == "plan"
    assert careplan["activity"]
    assert any("Sources:" in a["detail"]["reasonCode"][0]["text"] for a in careplan["activity"])

    procedures = {p["code"]["text"]: p for p in _resources(data, "Procedure")}
    assert _codes(procedures["Acupuncture"]["code"]) == {("http://www.ama-assn.org/go/cpt", "97810")}
    assert _codes(procedures["Dry needling"]["code"]) == {("http://www.ama-assn.org/go/cpt", "20561")}
    for p in procedures.values():
        assert p["code"]["coding"] and all("display" not in c for c in p["code"]["coding"])  # no CPT descriptor

    by_code = {next(iter(_codes(o["code"])))[1]: o for o in _resources(data, "Observation")}
    # The assessment's pain (6) and each signed visit's pain before treatment (the factory's 5).
    pains = sorted(o["valueInteger"] for o in _resources(data, "Observation")
                   if next(iter(_codes(o["code"])))[1] == "72514-3")
    assert pains == [5, 5, 6]
    assert by_code["lefs-total"]["valueInteger"] == 40
    # The local code system has one canonical URL whatever the server's address, and is defined.
    (system,) = _resources(data, "CodeSystem")
    assert by_code["lefs-total"]["code"]["coding"][0]["system"] == system["url"] == OUTCOME_MEASURES_SYSTEM
    assert "127.0.0.1" not in system["url"]
    assert [c["code"] for c in system["concept"]] == ["lefs-total"]
    for observation in by_code.values():
        assert observation["performer"][0]["reference"].startswith("urn:uuid:")
    # Every resource carries a narrative.
    for entry in data["entry"]:
        text = entry["resource"]["text"]
        assert text["status"] == "generated"
        assert text["div"].startswith('<div xmlns="http://www.w3.org/1999/xhtml">')


def test_encounters_tie_procedures_to_who_and_where(client, record):
    client.force_login(record.created_by)
    data = _export(client, record.patient).json()
    by_url = {e["fullUrl"]: e["resource"] for e in data["entry"]}
    encounters = _resources(data, "Encounter")
    assert {e["status"] for e in encounters} == {"finished"}
    for procedure in _resources(data, "Procedure"):
        encounter = by_url[procedure["encounter"]["reference"]]
        assert encounter["resourceType"] == "Encounter"
        performer = by_url[procedure["performer"][0]["actor"]["reference"]]
        assert performer["resourceType"] == "Practitioner"
        assert performer["identifier"][0]["value"] == str(record.created_by.pk)
        assert by_url[encounter["serviceProvider"]["reference"]]["resourceType"] == "Organization"


def test_appointments_are_exported_with_patient_practitioner_and_location(client, record):
    appointment = _appointment(record.patient)
    client.force_login(record.created_by)
    data = _export(client, record.patient).json()
    (exported,) = _resources(data, "Appointment")
    by_url = {e["fullUrl"]: e["resource"] for e in data["entry"]}
    kinds = sorted(by_url[p["actor"]["reference"]]["resourceType"] for p in exported["participant"])
    assert kinds == ["Location", "Patient", "Practitioner"]
    assert exported["status"] == "booked"
    assert exported["minutesDuration"] == appointment.appointment_type.minutes
    Bundle.model_validate(data)


def _appointment(patient):
    import datetime

    from django.utils import timezone

    from fracturecare.scheduling.models import Appointment
    from tests.scheduling.factories import AppointmentTypeFactory, LocationFactory, PractitionerFactory

    kind = AppointmentTypeFactory()
    start = timezone.now().replace(microsecond=0) + datetime.timedelta(days=3)
    return Appointment.objects.create(
        practitioner=PractitionerFactory(), patient=patient, appointment_type=kind, location=LocationFactory(),
        start=start, end=start + kind.duration, reason="Shin pain", source="front_desk",
    )


def test_the_seventh_character_follows_the_latest_outcome(client, record):
    outcome(record.patient, phase="return_to_run", walk_run_day=3)
    client.force_login(record.created_by)
    (condition,) = _resources(_export(client, record.patient).json(), "Condition")
    assert ("http://hl7.org/fhir/sid/icd-10-cm", "M84.362D") in _codes(condition["code"])


def test_bulk_export_writes_ndjson_per_resource_type(tmp_path, record):
    other = signed_plan("C02")
    needling_visit(other.patient, other.created_by, points=("ST36",))
    out = io.StringIO()
    call_command("export_fhir_bulk", str(tmp_path / "bulk"), stdout=out)
    files = {p.stem: p for p in (tmp_path / "bulk").iterdir()}
    assert {"Patient", "Condition", "CarePlan", "Encounter", "Procedure", "Organization"} <= set(files)
    patients = [json.loads(line) for line in files["Patient"].read_text().splitlines()]
    assert len(patients) == 2
    assert len(files["Organization"].read_text().splitlines()) == 1  # shared resources once
    ids = {(r["resourceType"], r["id"]) for p in files.values() for r in map(json.loads, p.read_text().splitlines())}
    for path in files.values():
        for line in path.read_text().splitlines():
            resource = json.loads(line)
            get_fhir_model_class(resource["resourceType"]).model_validate(resource)
            for ref in _references(resource):
                kind, _, rid = ref.partition("/")
                assert (kind, rid) in ids  # Bulk Data references are relative and resolve
    assert AuditEvent.objects.filter(action="patient.fhir_bulk_exported").count() == 1


def test_bulk_export_refuses_a_non_empty_directory(tmp_path):
    (tmp_path / "x").write_text("keep me")
    err = io.StringIO()
    with pytest.raises(SystemExit) as exc:
        call_command("export_fhir_bulk", str(tmp_path), stderr=err)
    assert exc.value.code == 2
    assert (tmp_path / "x").read_text() == "keep me"


def test_a_patient_without_a_signed_plan_exports_patient_and_clinic_only(client):
    from tests.factories import UserFactory

    client.force_login(UserFactory(role=Role.CLINICIAN))
    patient = PatientFactory()
    data = _export(client, patient).json()
    assert [e["resource"]["resourceType"] for e in data["entry"]] == ["Organization", "Patient"]


def test_site_sctids_name_real_sites():
    known = {s["id"] for s in load_knowledge().sites}
    assert set(SITE_SCTIDS) <= known


@pytest.mark.parametrize("role", [Role.FRONT_DESK, Role.PATIENT])
def test_front_desk_and_patients_cannot_export(client, login, role):
    patient = PatientFactory()
    login(role)
    assert _export(client, patient).status_code == 403
    assert not AuditEvent.objects.filter(action="patient.fhir_exported").exists()


def test_anonymous_is_sent_to_login(client):
    response = _export(client, PatientFactory())
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_clinic_admin_may_export_and_unknown_patient_is_404(client, login):
    login(Role.CLINIC_ADMIN)
    assert _export(client, PatientFactory()).status_code == 200
    assert client.get(reverse("interop:patient_fhir", kwargs={"patient_id": 999999})).status_code == 404


def test_the_export_is_audited(client, record):
    client.force_login(record.created_by)
    _export(client, record.patient)
    event = AuditEvent.objects.get(action="patient.fhir_exported")
    assert event.patient == record.patient
    assert event.actor == record.created_by
    assert event.data["resources"]["Procedure"] == 2


def test_export_query_count_does_not_grow_with_visits(client):
    plan = signed_plan("C01")
    patient, clinician = plan.patient, plan.created_by
    client.force_login(clinician)

    def add(n):
        for _ in range(n):
            needling_visit(patient, clinician, points=("KI3",), muscles=("soleus",))
            outcome(patient)

    def count():
        with CaptureQueriesContext(connection) as ctx:
            response = _export(client, patient)
        assert response.status_code == 200
        return len(ctx.captured_queries), len(response.json()["entry"])

    add(10)
    small, entries_small = count()
    add(90)
    large, entries_large = count()
    assert entries_large > entries_small
    assert large == small


def test_command_prints_the_bundle(record):
    out = io.StringIO()
    call_command("export_fhir", str(record.patient.pk), stdout=out)
    bundle = Bundle.model_validate_json(out.getvalue())
    assert bundle.type == "collection"
    event = AuditEvent.objects.get(action="patient.fhir_exported")
    assert event.actor is None and "export_fhir" in event.actor_label


def test_command_exits_2_for_an_unknown_patient():
    err = io.StringIO()
    with pytest.raises(SystemExit) as exc:
        call_command("export_fhir", "999999", stderr=err)
    assert exc.value.code == 2
    assert "No patient with id 999999" in err.getvalue()


def test_the_fracturecare_cli_exits_2_for_an_unknown_patient(capsys):
    from fracturecare.cli import main

    with pytest.raises(SystemExit) as exc:
        main(["manage", "export_fhir", "999999"])
    assert exc.value.code == 2
    assert "No patient with id 999999" in capsys.readouterr().err
