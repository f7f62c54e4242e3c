"""Exports of health data. Each export is an audited read."""

from __future__ import annotations

from fracturecare.audit.actions import AuditAction
from fracturecare.audit.services import audit_record
from fracturecare.interop.fhir import build_bundle
from fracturecare.interop.selectors import patient_record_for_export


def fhir_export(*, patient, actor, request=None, actor_label: str = "") -> dict:
    """The patient's record as a FHIR R4 collection Bundle (JSON-ready dict); audited."""
    bundle = build_bundle(patient_record_for_export(patient))
    data = bundle.model_dump(mode="json", exclude_none=True)
    counts: dict[str, int] = {}
    for entry in data.get("entry", []):
        kind = entry["resource"]["resourceType"]
        counts[kind] = counts.get(kind, 0) + 1
    audit_record(actor=actor, action=AuditAction.PATIENT_FHIR_EXPORTED, patient=patient, obj=patient,
                 data={"resources": counts}, request=request, actor_label=actor_label)
    return data
