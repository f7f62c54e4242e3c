"""A patient's record as FHIR R4 resources: one collection `Bundle`, or Bulk Data NDJSON lines.

Built with fhir.resources' R4B models (FHIR 4.3, wire-compatible with R4 for every resource used
here); constructing each model validates it. Who, where and when travel with the clinical data:
Organization (the clinic), Location, Practitioner, Encounter (one per signed visit, referenced by
its Procedures and Observations) and Appointment. Codes: ICD-10-CM with its 7th character and the
code's own description; CPT as code only, because CPT descriptors are copyrighted; SNOMED CT only
for the concepts listed in `SITE_SCTIDS`, marked as third-party; LOINC 72514-3 for pain NRS and the
project's own `CodeSystem` for LEFS, which has no LOINC code. Every resource carries a narrative.
"""

from __future__ import annotations

import dataclasses
import datetime
import html
import uuid
from collections.abc import Callable, Iterable
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from fhir.resources.R4B.address import Address
from fhir.resources.R4B.annotation import Annotation
from fhir.resources.R4B.appointment import Appointment as FhirAppointment
from fhir.resources.R4B.appointment import AppointmentParticipant
from fhir.resources.R4B.bundle import Bundle, BundleEntry
from fhir.resources.R4B.careplan import CarePlan, CarePlanActivity, CarePlanActivityDetail
from fhir.resources.R4B.codeableconcept import CodeableConcept
from fhir.resources.R4B.codesystem import CodeSystem, CodeSystemConcept
from fhir.resources.R4B.coding import Coding
from fhir.resources.R4B.condition import Condition
from fhir.resources.R4B.contactpoint import ContactPoint
from fhir.resources.R4B.encounter import Encounter, EncounterLocation, EncounterParticipant
from fhir.resources.R4B.humanname import HumanName
from fhir.resources.R4B.identifier import Identifier
from fhir.resources.R4B.location import Location as FhirLocation
from fhir.resources.R4B.narrative import Narrative
from fhir.resources.R4B.observation import Observation
from fhir.resources.R4B.organization import Organization
from fhir.resources.R4B.patient import Patient
from fhir.resources.R4B.period import Period
from fhir.resources.R4B.practitioner import Practitioner
from fhir.resources.R4B.procedure import Procedure, ProcedurePerformer
from fhir.resources.R4B.reference import Reference
from fhir.resources.R4B.resource import Resource

from fracturecare.accounts.models import User
from fracturecare.charting.models import Visit
from fracturecare.clinic.selectors import clinic_details
from fracturecare.interop import coding, icd
from fracturecare.interop.selectors import PatientRecord
from fracturecare.outcomes.models import OutcomeAssessment
from fracturecare.patients.models import Patient as PatientRow
from fracturecare.planning.models import PlanVersion
from fracturecare.scheduling.models import Appointment, Location

SNOMED = "http://snomed.info/sct"
LOINC = "http://loinc.org"
PAIN_NRS_LOINC = "72514-3"
STRESS_FRACTURE_SCTID = "240197007"
# The project's canonical namespace: the same code keeps the same identity in every clinic's export.
CANONICAL_BASE = "http://fracturecare.org/fhir"
OUTCOME_MEASURES_SYSTEM = f"{CANONICAL_BASE}/CodeSystem/outcome-measures"
IDENTIFIER_NAMESPACE = uuid.UUID("0d5b8d3e-5c55-4f57-9a4e-6b0f0a6f2d11")
THIRD_PARTY_NOTE = (
    "SNOMED CT codes here come from third-party value sets (Belgian eHealth, HL7 mCODE); verify them in a "
    "SNOMED CT browser before relying on them."
)
# Bone structures by knowledge-base site id; sites not listed get text only.
SITE_SCTIDS = {
    "tibia_posteromedial_shaft": ("12611008", "Bone structure of tibia"),
    "tibia_anterior_cortex": ("12611008", "Bone structure of tibia"),
    "tibia_plateau": ("12611008", "Bone structure of tibia"),
    "tibia_medial_malleolus": ("6417001", "Medial malleolus"),
    "fibula_distal": ("87342007", "Bone structure of fibula"),
    "fibula_proximal": ("87342007", "Bone structure of fibula"),
    "femur_neck_tension": ("29627003", "Structure of neck of femur"),
    "femur_neck_compression": ("29627003", "Structure of neck of femur"),
    "femur_head": ("71341001", "Bone structure of femur"),
    "femur_shaft": ("41111004", "Bone structure of shaft of femur"),
    "metatarsal_5_proximal": ("30980004", "Base of fifth metatarsal bone"),
    "metatarsal_2_base": ("90894004", "Base of second metatarsal bone"),
    "navicular": ("75772009", "Bone structure of navicular"),
    "talus": ("67453005", "Bone structure of talus"),
    "calcaneus": ("80144004", "Bone structure of calcaneum"),
    "rib_first": ("113197003", "Bone structure of rib"),
    "rib": ("113197003", "Bone structure of rib"),
    "radius_distal_physis": ("62413002", "Bone structure of radius"),
    "radius_shaft": ("62413002", "Bone structure of radius"),
    "pelvis_pubic_ramus": ("12921003", "Structure of pelvis"),
}
GENDERS = {"female": "female", "male": "male", "other": "other"}
# Appointment statuses (ours -> FHIR AppointmentStatus); unknown values fall back to "booked" only
# if the appointment is still live, never to a status that claims the visit happened.
APPOINTMENT_STATUS = {
    "confirmed": "booked", "booked": "booked", "arrived": "arrived", "in_treatment": "checked-in",
    "attended": "fulfilled", "completed": "fulfilled", "no_show": "noshow", "cancelled": "cancelled",
    "late_cancelled": "cancelled",
}
# Resources many patients point at: written once in a bulk export.
SHARED_KINDS = frozenset({"Organization", "Practitioner", "Location", "CodeSystem"})
SEVENTH_ENCOUNTER = {"A": "initial encounter", "D": "subsequent encounter", "S": "sequela"}


def _cc(text: str, *codings: Coding) -> CodeableConcept:
    return CodeableConcept(text=text, coding=list(codings) or None)


def _narrative(*lines: str | None) -> Narrative:
    body = "".join(f"<p>{html.escape(line)}</p>" for line in lines if line)
    return Narrative(status="generated", div=f'<div xmlns="http://www.w3.org/1999/xhtml">{body or "<p>-</p>"}</div>')


@dataclasses.dataclass
class Refs:
    """Resource ids and how references are written.

    Ids are stable (uuid5 of the clinic's base URL and the row), so the same record exported twice
    gets the same ids. In a Bundle, references are `urn:uuid:` full URLs; in Bulk Data NDJSON they
    are relative (`Patient/<id>`), as the Bulk Data format expects.
    """

    style: str = "bundle"

    def id(self, kind: str, key: Any) -> str:
        base_url = settings.CLINIC["base_url"]
        if not base_url:  # ids without it would not be stable: refuse rather than export
            raise ImproperlyConfigured("CLINIC['base_url'] is not set.")
        base = base_url.rstrip("/")
        return str(uuid.uuid5(IDENTIFIER_NAMESPACE, f"{base}/{kind}/{key}"))

    def url(self, kind: str, key: Any) -> str:
        return f"urn:uuid:{self.id(kind, key)}"

    def ref(self, kind: str, key: Any, display: str = "") -> Reference:
        target = self.url(kind, key) if self.style == "bundle" else f"{kind}/{self.id(kind, key)}"
        return Reference(reference=target, display=display or None)


def outcome_code_system() -> CodeSystem:
    """The project's code system for outcome measures without a LOINC code (LEFS)."""
    return CodeSystem(
        id="outcome-measures",
        url=OUTCOME_MEASURES_SYSTEM,
        version="1",
        name="FracturecareOutcomeMeasures",
        title="Fracturecare outcome measures",
        status="active",
        experimental=False,
        publisher="fracturecare",
        description="Outcome measures recorded by fracturecare that have no LOINC code.",
        caseSensitive=True,
        content="complete",
        count=1,
        concept=[CodeSystemConcept(code="lefs-total", display="LEFS total score",
                                   definition="Lower Extremity Functional Scale: sum of 20 items scored 0-4 (0-80).")],
        text=_narrative("Outcome measures without a LOINC code: lefs-total (LEFS total score, 0-80)."),
    )


def organization_resource(refs: Refs) -> Organization:
    clinic = clinic_details()
    telecom = [t for t in (
        ContactPoint(system="phone", value=clinic.get("phone")) if clinic.get("phone") else None,
        ContactPoint(system="email", value=clinic.get("email")) if clinic.get("email") else None,
        ContactPoint(system="url", value=clinic["base_url"]),
    ) if t]
    return Organization(
        id=refs.id("Organization", "clinic"), active=True, name=clinic["name"], telecom=telecom,
        type=[_cc("Healthcare Provider", Coding(
            system="http://terminology.hl7.org/CodeSystem/organization-type", code="prov"))],
        text=_narrative(clinic["name"], clinic.get("phone", ""), clinic.get("email", "")),
    )


def location_resource(location: Location, refs: Refs) -> FhirLocation:
    return FhirLocation(
        id=refs.id("Location", location.pk), status="active" if location.active else "inactive",
        name=location.name, address=Address(text=location.address) if location.address else None,
        managingOrganization=refs.ref("Organization", "clinic"),
        text=_narrative(location.name, location.address),
    )


def practitioner_resource(user: User, refs: Refs) -> Practitioner:
    name = user.get_full_name() or user.get_username()
    return Practitioner(
        id=refs.id("Practitioner", user.pk), active=user.is_active,
        identifier=[Identifier(system=f"{CANONICAL_BASE}/sid/staff-login", value=str(user.pk))],
        name=[HumanName(text=name, family=user.last_name or None,
                        given=[user.first_name] if user.first_name else None)],
        text=_narrative(name),
    )


def patient_resource(patient: PatientRow, refs: Refs) -> Patient:
    return Patient(
        id=refs.id("Patient", patient.pk),
        identifier=[Identifier(system=f"{CANONICAL_BASE}/sid/patient-number", value=str(patient.pk),
                               assigner=refs.ref("Organization", "clinic"))],
        name=[HumanName(family=patient.last_name, given=[patient.first_name], text=patient.full_name)],
        gender=GENDERS.get(patient.sex, "unknown"),
        birthDate=patient.date_of_birth,
        telecom=[t for t in (
            ContactPoint(system="phone", value=patient.phone) if patient.phone else None,
            ContactPoint(system="email", value=patient.email) if patient.email else None,
        ) if t] or None,
        managingOrganization=refs.ref("Organization", "clinic"),
        text=_narrative(patient.full_name, f"Born {patient.date_of_birth:%Y-%m-%d}"),
    )


def icd_codings(site_id: str, side: str, seventh: str) -> list[Coding]:
    """Billable ICD-10-CM codings (with the 7th character) and their descriptions; invalid ones left out."""
    out = []
    for base, _laterality in coding.stress_fracture_bases(site_id, side):
        code = f"{base}{seventh}"
        if coding.code_is_valid(code):
            out.append(Coding(system=coding.ICD10CM_SYSTEM, code=code, display=icd.description(code)))
    return out


def condition_resource(version: PlanVersion, refs: Refs, *, seventh: str) -> Condition:
    injury = version.snapshot["plan"].get("injury", {})
    site_id, side = injury.get("site", ""), injury.get("side", "")
    label = injury.get("label", site_id)
    codings = icd_codings(site_id, side, seventh)
    codings.append(Coding(system=SNOMED, code=STRESS_FRACTURE_SCTID, display="Stress fracture (disorder)",
                          userSelected=False))
    site_codings = []
    if site_id in SITE_SCTIDS:
        code, display = SITE_SCTIDS[site_id]
        site_codings.append(Coding(system=SNOMED, code=code, display=display, userSelected=False))
    title = f"Stress fracture, {label.lower()}, {side}"
    return Condition(
        id=refs.id("Condition", f"plan-{version.plan_id}"),
        clinicalStatus=_cc("Active", Coding(
            system="http://terminology.hl7.org/CodeSystem/condition-clinical", code="active")),
        verificationStatus=_cc("Confirmed", Coding(
            system="http://terminology.hl7.org/CodeSystem/condition-ver-status", code="confirmed")),
        category=[_cc("Encounter diagnosis", Coding(
            system="http://terminology.hl7.org/CodeSystem/condition-category", code="encounter-diagnosis"))],
        code=_cc(title, *codings),
        bodySite=[_cc(f"{label}, {side}", *site_codings)],
        subject=refs.ref("Patient", version.plan.patient_id),
        recordedDate=version.signed_at,
        recorder=refs.ref("Practitioner", version.signed_by_id),
        note=[Annotation(text=f"{SEVENTH_ENCOUNTER.get(seventh, '')} (ICD-10-CM 7th character {seventh}). "
                              f"{THIRD_PARTY_NOTE}")],
        text=_narrative(title, ", ".join(c.code for c in codings if c.system == coding.ICD10CM_SYSTEM and c.code)),
    )


def _activity(description: str, item: dict) -> CarePlanActivity:
    reason = item.get("reason", "")
    sources = ", ".join(item.get("citations", []))
    note = f"{reason} Sources: {sources}." if sources else reason
    return CarePlanActivity(
        detail=CarePlanActivityDetail(status="not-started", description=description,
                                      reasonCode=[_cc(note)] if note else None),
    )


def careplan_resource(version: PlanVersion, refs: Refs) -> CarePlan:
    plan = version.snapshot["plan"]
    activities = [_activity(i.get("title") or i.get("id", ""), i) for i in plan.get("conventional", [])]
    acu = plan.get("acupuncture", {})
    if not acu.get("deferred"):
        activities += [_activity(f"Acupuncture point {p['code']} ({p['laterality']})", p)
                       for p in acu.get("points", [])]
    dn = plan.get("dry_needling", {})
    if not dn.get("deferred"):
        activities += [_activity(f"Dry needling {t.get('name') or t['muscle']} ({t['side']})", t)
                       for t in dn.get("targets", [])]
    title = f"Stress fracture care plan, version {version.number}"
    return CarePlan(
        id=refs.id("CarePlan", f"plan-{version.plan_id}-v{version.number}"),
        status="active",
        intent="plan",
        title=title,
        subject=refs.ref("Patient", version.plan.patient_id),
        addresses=[refs.ref("Condition", f"plan-{version.plan_id}")],
        created=version.signed_at,
        author=refs.ref("Practitioner", version.signed_by_id),
        activity=activities or None,
        note=[Annotation(text=f"Signed plan version {version.number}; engine {version.engine_version}, "
                              f"knowledge {version.knowledge_version}.")],
        text=_narrative(title, *(a.detail.description for a in activities if a.detail)),
    )


def encounter_resource(visit: Visit, refs: Refs, *, location_id: int | None) -> Encounter:
    day = visit.visit_date.isoformat()
    return Encounter(  # type: ignore[call-arg]  # fhir.resources: `class` is a Python keyword; the model takes class_fhir
        id=refs.id("Encounter", f"visit-{visit.pk}"),
        status="finished",
        class_fhir=Coding(system="http://terminology.hl7.org/CodeSystem/v3-ActCode", code="AMB",
                          display="ambulatory"),
        type=[_cc("Stress fracture treatment visit")],
        subject=refs.ref("Patient", visit.patient_id),
        participant=[EncounterParticipant(individual=refs.ref("Practitioner", visit.clinician_id))],
        period=Period(start=day, end=day),  # type: ignore[arg-type]  # FHIR dateTime may be a bare date; fhir.resources types it as datetime
        location=[EncounterLocation(location=refs.ref("Location", location_id))] if location_id else None,
        serviceProvider=refs.ref("Organization", "clinic"),
        text=_narrative(f"Visit on {day}"),
    )


def procedure_resources(visit: Visit, refs: Refs) -> list[Procedure]:
    """One Procedure per modality given at a signed visit, CPT code only (no copyrighted descriptor)."""
    out = []
    points = list(visit.points.all())
    targets = list(visit.dry_needling.all())
    if points:
        code = "97813" if visit.has_ea else "97810"
        label = "Electroacupuncture" if visit.has_ea else "Acupuncture"
        out.append((label, code, ", ".join(f"{p.code} {p.laterality}" for p in points)))
    if targets:
        code = "20561" if coding.muscle_count(targets) >= 3 else "20560"
        out.append(("Dry needling", code, ", ".join(f"{t.muscle_name} {t.side}" for t in targets)))
    return [
        Procedure(
            id=refs.id("Procedure", f"visit-{visit.pk}-{i}"),
            status="completed",
            code=_cc(label, Coding(system=coding.CPT_SYSTEM, code=code)),
            subject=refs.ref("Patient", visit.patient_id),
            encounter=refs.ref("Encounter", f"visit-{visit.pk}"),
            performedDateTime=visit.visit_date,  # type: ignore[arg-type]  # FHIR dateTime may be a bare date; fhir.resources types it as datetime
            performer=[ProcedurePerformer(actor=refs.ref("Practitioner", visit.clinician_id))],
            note=[Annotation(text=f"Sites: {where}.")],
            text=_narrative(f"{label} on {visit.visit_date:%Y-%m-%d}", f"Sites: {where}."),
        )
        for i, (label, code, where) in enumerate(out)
    ]


def _observation(assessment: OutcomeAssessment, refs: Refs, key: str, concept: CodeableConcept, value: int,
                 encounter_key: str | None) -> Observation:
    recorder = assessment.recorded_by
    # A patient who answers a questionnaire is the performer of their own observation.
    if getattr(recorder, "role", "") == "patient":
        performer = refs.ref("Patient", assessment.patient_id)
    else:
        performer = refs.ref("Practitioner", assessment.recorded_by_id)
    return Observation(
        id=refs.id("Observation", key),
        status="final",
        category=[_cc("Survey", Coding(
            system="http://terminology.hl7.org/CodeSystem/observation-category", code="survey"))],
        code=concept,
        subject=refs.ref("Patient", assessment.patient_id),
        encounter=refs.ref("Encounter", encounter_key) if encounter_key else None,
        effectiveDateTime=assessment.assessed_on,  # type: ignore[arg-type]  # FHIR dateTime may be a bare date; fhir.resources types it as datetime
        performer=[performer],
        valueInteger=value,
        text=_narrative(f"{concept.text}: {value} on {assessment.assessed_on:%Y-%m-%d}"),
    )


def observation_resources(assessment: OutcomeAssessment, refs: Refs,
                          encounter_key: str | None = None) -> list[Observation]:
    out = []
    if assessment.pain_nrs is not None:
        out.append(_observation(assessment, refs, f"outcome-{assessment.pk}-0", _cc(
            "Pain NRS (0-10)", Coding(system=LOINC, code=PAIN_NRS_LOINC,
                                      display="Pain severity - 0-10 verbal numeric rating [Score] - Reported")),
            assessment.pain_nrs, encounter_key))
    if assessment.lefs_total is not None:
        out.append(_observation(assessment, refs, f"outcome-{assessment.pk}-1", _cc(
            "Lower Extremity Functional Scale total (0-80)",
            Coding(system=OUTCOME_MEASURES_SYSTEM, code="lefs-total", display="LEFS total score")),
            assessment.lefs_total, encounter_key))
    return out


def appointment_resource(appointment: Appointment, refs: Refs) -> FhirAppointment:
    status = APPOINTMENT_STATUS.get(appointment.status, "booked")
    name = appointment.appointment_type.name
    participants = [
        AppointmentParticipant(actor=refs.ref("Patient", appointment.patient_id), status="accepted"),
        AppointmentParticipant(actor=refs.ref("Practitioner", appointment.practitioner.user_id), status="accepted"),
        AppointmentParticipant(actor=refs.ref("Location", appointment.location_id), status="accepted"),
    ]
    return FhirAppointment(
        id=refs.id("Appointment", appointment.pk),
        status=status,
        serviceType=[_cc(name)],
        description=name,
        start=appointment.start,
        end=appointment.end,
        minutesDuration=int((appointment.end - appointment.start).total_seconds() // 60),
        created=appointment.created_at,
        participant=participants,
        text=_narrative(f"{name}, {appointment.start:%Y-%m-%d %H:%M} ({status})"),
    )


def record_resources(record: PatientRecord, refs: Refs) -> list[Resource]:
    """Every resource of one patient's record, the shared ones (clinic, staff, places) first."""
    visits_by_day = {v.visit_date: v for v in record.visits}
    appointment_location = {a.start.date(): a.location_id for a in record.appointments}
    users = {}
    for visit in record.visits:
        users[visit.clinician_id] = visit.clinician
    for appointment in record.appointments:
        users[appointment.practitioner.user_id] = appointment.practitioner.user
    for assessment in record.outcomes:
        if getattr(assessment.recorded_by, "role", "") != "patient":
            users[assessment.recorded_by_id] = assessment.recorded_by
    version = record.plan_version
    if version is not None:
        users[version.signed_by_id] = version.signed_by
    locations = {a.location_id: a.location for a in record.appointments}

    out: list[Resource] = [organization_resource(refs), patient_resource(record.patient, refs)]
    out += [practitioner_resource(u, refs) for _, u in sorted(users.items())]
    out += [location_resource(loc, refs) for _, loc in sorted(locations.items())]
    if version is not None:
        out.append(condition_resource(version, refs, seventh=record.seventh))
        out.append(careplan_resource(version, refs))
    for visit in record.visits:
        out.append(encounter_resource(visit, refs, location_id=appointment_location.get(visit.visit_date)))
        out += procedure_resources(visit, refs)
    for assessment in record.outcomes:
        same_day = visits_by_day.get(assessment.assessed_on)
        out += observation_resources(assessment, refs, f"visit-{same_day.pk}" if same_day else None)
    out += [appointment_resource(a, refs) for a in record.appointments]
    if any(o.lefs_total is not None for o in record.outcomes):
        out.append(outcome_code_system())
    return out


def build_bundle(record: PatientRecord) -> Bundle:
    """The patient's record as a collection Bundle; every resource is validated on construction."""
    refs = Refs("bundle")
    entries = [
        BundleEntry(fullUrl=r.url if isinstance(r, CodeSystem) else f"urn:uuid:{r.id}", resource=r)
        for r in record_resources(record, refs)
    ]
    return Bundle(
        type="collection",
        timestamp=datetime.datetime.now(datetime.UTC),
        identifier=Identifier(system=f"{CANONICAL_BASE}/sid/export", value=str(uuid.uuid4())),
        entry=entries,
    )


def bulk_lines(records: Iterable[PatientRecord],
               dump: Callable[[Resource], str]) -> Iterable[tuple[str, str]]:
    """(resource type, NDJSON line) for each resource of each record, shared resources once."""
    refs = Refs("bulk")
    seen: set[tuple[str, str | None]] = set()
    for record in records:
        for resource in record_resources(record, refs):
            kind = resource.get_resource_type()
            if kind in SHARED_KINDS:
                if (kind, resource.id) in seen:
                    continue
                seen.add((kind, resource.id))
            yield kind, dump(resource)
