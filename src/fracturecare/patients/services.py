"""Creating and changing patient records. Every write is audited."""

from __future__ import annotations

import re
from typing import Any

from django.db import transaction
from django.http import HttpRequest

from fracturecare.accounts.models import User
from fracturecare.audit.actions import AuditAction
from fracturecare.audit.services import audit_record
from fracturecare.patients.models import Patient

EDITABLE_FIELDS = ("first_name", "last_name", "date_of_birth", "sex", "email", "phone")


def normalize_phone(raw: str) -> str:
    """Keep digits and a leading '+', so '(555) 010-0199' and '555.010.0199' search alike."""
    raw = (raw or "").strip()
    if not raw:
        return ""
    digits = re.sub(r"\D", "", raw)
    return ("+" if raw.startswith("+") else "") + digits


def _clean_fields(fields: dict[str, Any]) -> dict[str, Any]:
    unknown = set(fields) - set(EDITABLE_FIELDS)
    if unknown:
        raise TypeError(f"not patient fields: {sorted(unknown)}")
    cleaned = dict(fields)
    for name in ("first_name", "last_name", "email"):
        if name in cleaned and cleaned[name] is not None:
            cleaned[name] = cleaned[name].strip()
    if "phone" in cleaned:
        cleaned["phone"] = normalize_phone(cleaned["phone"])
    return cleaned


@transaction.atomic
def patient_create(*, actor: User, request: HttpRequest | None = None, **fields: Any) -> Patient:
    """Register a patient; `fields` are the demographic fields in EDITABLE_FIELDS."""
    patient = Patient(**_clean_fields(fields))
    patient.full_clean()
    patient.save()
    audit_record(actor=actor, action=AuditAction.PATIENT_CREATED, patient=patient, obj=patient, request=request)
    return patient


@transaction.atomic
def patient_update(*, actor: User, patient: Patient, request: HttpRequest | None = None, **fields: Any) -> Patient:
    """Change demographic fields; the audit event names the fields that changed."""
    changed = []
    for name, value in _clean_fields(fields).items():
        if getattr(patient, name) != value:
            setattr(patient, name, value)
            changed.append(name)
    if not changed:
        return patient
    patient.full_clean()
    patient.save()
    audit_record(
        actor=actor, action=AuditAction.PATIENT_UPDATED, patient=patient, obj=patient,
        data={"fields": changed}, request=request,
    )
    return patient
