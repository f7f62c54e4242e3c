"""Charting tests chart needling: their patients have signed the current consents.

Needling without consent is refused by the charting service; that is tested in
tests/intake/test_charting_consent.py, where patients start without consent.
"""

from __future__ import annotations

import pytest
from django.db.models.signals import post_save

from fracturecare.intake.content import CONSENT_FORMS
from fracturecare.intake.models import ConsentDecision, ConsentRecord
from fracturecare.patients.models import Patient


def _consent(sender, instance: Patient, created: bool, raw: bool = False, **kwargs) -> None:
    if created and not raw:
        for kind, form in CONSENT_FORMS.items():
            ConsentRecord.objects.create(patient=instance, form=kind, version=form.version, title=form.title,
                                         text=form.title, decision=ConsentDecision.GIVEN,
                                         signed_name=f"{instance.first_name} {instance.last_name}")


@pytest.fixture(autouse=True)
def patients_have_consented():
    post_save.connect(_consent, sender=Patient, dispatch_uid="tests.charting.consent")
    yield
    post_save.disconnect(sender=Patient, dispatch_uid="tests.charting.consent")
