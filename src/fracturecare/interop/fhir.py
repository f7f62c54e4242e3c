"""One patient's record as a FHIR R4 `Bundle` of type collection.

Built with fhir.resources' R4B models (FHIR 4.3, wire-compatible with R4 for the resources used
here: Patient, Condition, CarePlan, Procedure, Observation); constructing each model validates
it. Codes: ICD-10-CM and CPT (reference §8.1, §8.3; CPT as code only, since its descriptors are
copyrighted), SNOMED CT only where reference §8.5 lists the concept, LOINC 72514-3 for pain NRS
and a local code for LEFS, which has no LOINC code (§8.6).
"""

from __future__ import annotations

import datetime
import uuid

from django.conf import settings
from fhir.resources.R4B.bundle import Bundle, BundleEntry
from fhir.resources.R4B.careplan import CarePlan, CarePlanActivity, CarePlanActivityDetail
from fhir.resources.R4B.codeableconcept import CodeableConcept
from fhir.resources.R4B.coding import Coding
from fhir.resources.R4B.condition import Condition
from fhir.resources.R4B.observation import Observation
from fhir.resources.R4B.patient import Patient
from fhir.resources.R4B.procedure import Procedure
from fhir.resources.R4B.reference import Reference

from fracturecare.interop import coding
from fracturecare.interop.selectors import PatientRecord

SNOMED = "http://snomed.info/sct"
LOINC = "http://loinc.org"
PAIN_NRS_LOINC = "72514-3"  # §8.6, V (active)
STRESS_FRACTURE_SCTID = "240197007"  # §8.5, from the Belgian eHealth FHIR value set [BE-VS] (S)
THIRD_PARTY_NOTE = (
    "SNOMED CT codes here come from third-party value sets listed in the clinic's reference (§8.5: "
    "Belgian eHealth, HL7 mCODE, CARE EMR); verify them in a SNOMED browser before relying on them."
)
# Bone structures the reference (§8.5) lists, by knowledge-base site id; sites not here get text only.
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


def _system(path: str) -> str:
    return f"{settings.CLINIC['base_url'].rstrip('/')}/fhir/{path}"


def local_outcome_system() -> str:
    """The clinic's own code system for outcome measures without a LOINC code (LEFS, §8.6)."""
    return _system("CodeSystem/outcome-measures")


def _urn(kind: str, pk) -> str:
    # Stable ids: the same record exported twice gets the same fullUrls.
    return f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, _system(f'{kind}/{pk}'))}"


def _cc(text: str, *codings: Coding) -> CodeableConcept:
    return CodeableConcept(text=text, coding=list(codings) or None)


def patient_resource(patient) -> Patient:
    return Patient(
        identifier=[{"system": _system("patient-id"), "value": str(patient.pk)}],
        name=[{"family": patient.last_name, "given": [patient.first_name], "text": patient.full_name}],
        gender=GENDERS.get(patient.sex, "unknown"),
        birthDate=patient.date_of_birth,
        telecom=[t for t in (
            {"system": "phone", "value": patient.phone} if patient.phone else None,
            {"system": "email", "value": patient.email} if patient.email else None,
        ) if t] or None,
    )


def condition_resource(version, patient_ref: str) -> Condition:
    injury = version.snapshot["plan"].get("injury", {})
    site_id, side = injury.get("site", ""), injury.get("side", "")
    label = injury.get("label", site_id)
    codings = [
        Coding(system=coding.ICD10CM_SYSTEM, code=base)
        for base, _lat in coding.stress_fracture_bases(site_id, side)
    ]
    codings.append(Coding(system=SNOMED, code=STRESS_FRACTURE_SCTID, display="Stress fracture (disorder)",
                          userSelected=False))
    site_codings = []
    if site_id in SITE_SCTIDS:
        code, display = SITE_SCTIDS[site_id]
        site_codings.append(Coding(system=SNOMED, code=code, display=display, userSelected=False))
    return Condition(
        clinicalStatus=_cc("Active", Coding(
            system="http://terminology.hl7.org/CodeSystem/condition-clinical", code="active")),
        category=[_cc("Encounter diagnosis", Coding(
            system="http://terminology.hl7.org/CodeSystem/condition-category", code="encounter-diagnosis"))],
        code=_cc(f"Stress fracture, {label.lower()}, {side}", *codings),
        bodySite=[_cc(f"{label}, {side}", *site_codings)],
        subject=Reference(reference=patient_ref),
        recordedDate=version.signed_at,
        note=[{"text": THIRD_PARTY_NOTE}],
    )


def _activity(description: str, item: dict) -> CarePlanActivity:
    reason = item.get("reason", "")
    sources = ", ".join(item.get("citations", []))
    note = f"{reason} Sources: {sources}." if sources else reason
    return CarePlanActivity(
        detail=CarePlanActivityDetail(status="not-started", description=description,
                                      reasonCode=[_cc(note)] if note else None),
    )


def careplan_resource(version, patient_ref: str, condition_ref: str) -> CarePlan:
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
    return CarePlan(
        status="active",
        intent="plan",
        title=f"Stress fracture care plan, version {version.number}",
        subject=Reference(reference=patient_ref),
        addresses=[Reference(reference=condition_ref)],
        created=version.signed_at,
        author=Reference(display=version.snapshot.get("signed_by", {}).get("name", "")),
        activity=activities or None,
        note=[{"text": f"Signed plan version {version.number}; engine {version.engine_version}, "
                       f"knowledge {version.knowledge_version}."}],
    )


def procedure_resources(visit, patient_ref: str) -> list[Procedure]:
    """One Procedure per modality given at a signed visit, CPT code only (no copyrighted descriptor)."""
    clinician = visit.clinician.get_full_name() or visit.clinician.get_username()
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
            status="completed",
            code=_cc(label, Coding(system=coding.CPT_SYSTEM, code=code)),
            subject=Reference(reference=patient_ref),
            performedDateTime=visit.visit_date,
            performer=[{"actor": Reference(display=clinician)}],
            note=[{"text": f"Sites: {where}."}],
        )
        for label, code, where in out
    ]


def _observation(assessment, patient_ref: str, concept: CodeableConcept, value: int) -> Observation:
    return Observation(
        status="final",
        category=[_cc("Survey", Coding(
            system="http://terminology.hl7.org/CodeSystem/observation-category", code="survey"))],
        code=concept,
        subject=Reference(reference=patient_ref),
        effectiveDateTime=assessment.assessed_on,
        valueInteger=value,
    )


def observation_resources(assessment, patient_ref: str) -> list[Observation]:
    out = []
    if assessment.pain_nrs is not None:
        out.append(_observation(assessment, patient_ref, _cc(
            "Pain NRS (0-10)", Coding(system=LOINC, code=PAIN_NRS_LOINC,
                                      display="Pain severity - 0-10 verbal numeric rating [Score] - Reported")),
            assessment.pain_nrs))
    if assessment.lefs_total is not None:
        out.append(_observation(assessment, patient_ref, _cc(
            "Lower Extremity Functional Scale total (0-80); no LOINC code exists",
            Coding(system=local_outcome_system(), code="lefs-total", display="LEFS total score")),
            assessment.lefs_total))
    return out


def build_bundle(record: PatientRecord) -> Bundle:
    """The patient's record as a collection Bundle; every resource is validated on construction."""
    entries = []

    def add(kind: str, pk, resource) -> str:
        url = _urn(kind, pk)
        entries.append(BundleEntry(fullUrl=url, resource=resource))
        return url

    patient_ref = add("Patient", record.patient.pk, patient_resource(record.patient))
    version = record.plan_version
    if version is not None:
        condition_ref = add("Condition", f"plan-{version.plan_id}", condition_resource(version, patient_ref))
        add("CarePlan", f"plan-{version.plan_id}-v{version.number}",
            careplan_resource(version, patient_ref, condition_ref))
    for visit in record.visits:
        for i, procedure in enumerate(procedure_resources(visit, patient_ref)):
            add("Procedure", f"visit-{visit.pk}-{i}", procedure)
    for assessment in record.outcomes:
        for i, observation in enumerate(observation_resources(assessment, patient_ref)):
            add("Observation", f"outcome-{assessment.pk}-{i}", observation)
    return Bundle(
        type="collection",
        timestamp=datetime.datetime.now(datetime.UTC),
        identifier={"system": _system("export"), "value": str(uuid.uuid4())},
        entry=entries,
    )
