"""Exports of health data. Each export is an audited read."""

from __future__ import annotations

from pathlib import Path
from typing import Any, TextIO

from django.http import HttpRequest
from fhir.resources.R4B.resource import Resource

from fracturecare.accounts.models import User
from fracturecare.audit.actions import AuditAction
from fracturecare.audit.services import audit_record
from fracturecare.interop.fhir import build_bundle, bulk_lines
from fracturecare.interop.selectors import all_patient_records, patient_record_for_export
from fracturecare.patients.models import Patient


def fhir_export(*, patient: Patient, actor: User | None, request: HttpRequest | None = None,
                actor_label: str = "") -> dict[str, Any]:
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


def fhir_bulk_export(*, directory: str | Path, actor_label: str) -> dict[str, int]:
    """Every patient's record as Bulk Data NDJSON files, one per resource type (`Patient.ndjson` …).

    Returns the number of resources written per type. One audit event records the export (it
    covers every patient, so it names none).
    """
    out = Path(directory)
    out.mkdir(parents=True, exist_ok=True)
    files: dict[str, TextIO] = {}
    counts: dict[str, int] = {}
    try:
        for kind, line in bulk_lines(all_patient_records(), _ndjson_line):
            handle = files.get(kind)
            if handle is None:
                handle = files[kind] = (out / f"{kind}.ndjson").open("w", encoding="utf-8")
            handle.write(line + "\n")
            counts[kind] = counts.get(kind, 0) + 1
    finally:
        for handle in files.values():
            handle.close()
    audit_record(actor=None, action=AuditAction.PATIENT_FHIR_BULK_EXPORTED, data={"resources": counts},
                 actor_label=actor_label)
    return counts


def _ndjson_line(resource: Resource) -> str:
    return resource.model_dump_json(exclude_none=True, by_alias=True)
