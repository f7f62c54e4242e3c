"""Print one patient's record as a FHIR R4 Bundle (JSON) on stdout."""

from __future__ import annotations

import json
import sys

from django.core.management.base import BaseCommand

from fracturecare.interop.services import fhir_export
from fracturecare.patients.models import Patient


class Command(BaseCommand):
    help = "Export one patient's record as a FHIR R4 collection Bundle (JSON on stdout)."

    def add_arguments(self, parser):
        parser.add_argument("patient_id", type=int)

    def handle(self, *args, patient_id: int, **options):
        try:
            patient = Patient.objects.get(pk=patient_id)
        except Patient.DoesNotExist:
            self.stderr.write(f"No patient with id {patient_id}.")
            sys.exit(2)
        # No signed-in user at the command line: the audit event records the export with no actor.
        data = fhir_export(patient=patient, actor=None, actor_label="command line (export_fhir)")
        self.stdout.write(json.dumps(data, indent=2))
