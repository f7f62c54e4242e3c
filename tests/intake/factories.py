"""Consents and forms for tests."""

from __future__ import annotations

from fracturecare.intake.content import CONSENT_KINDS
from fracturecare.intake.models import ConsentRecord
from fracturecare.intake.services import consent_record_in_clinic


def give_consents(patient, kinds=CONSENT_KINDS, actor=None) -> list[ConsentRecord]:
    """Record the patient's current signed consents (as signed in the clinic)."""
    from tests.factories import UserFactory

    actor = actor or UserFactory(role="clinician")
    return [consent_record_in_clinic(patient=patient, form=kind, signed_name=patient.full_name, actor=actor)
            for kind in kinds]
