"""Write every patient's record as FHIR Bulk Data NDJSON files, one per resource type."""

from __future__ import annotations

import sys
from pathlib import Path

from django.core.management.base import BaseCommand

from fracturecare.interop.services import fhir_bulk_export


class Command(BaseCommand):
    help = "Export all patients as FHIR R4 Bulk Data NDJSON (one file per resource type) into DIRECTORY."

    def add_arguments(self, parser):
        parser.add_argument("directory")

    def handle(self, *args, directory: str, **options):
        target = Path(directory)
        if target.exists() and (not target.is_dir() or any(target.iterdir())):
            self.stderr.write(f"{directory}: not an empty directory; choose a new or empty one.")
            sys.exit(2)
        counts = fhir_bulk_export(directory=target, actor_label="command line (export_fhir_bulk)")
        for kind, n in sorted(counts.items()):
            self.stdout.write(f"{kind}.ndjson\t{n}")
