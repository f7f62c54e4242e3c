"""Add a synthetic clinic of N patients (see fracturecare.synthetic.generate)."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from fracturecare.synthetic.generate import AlreadyGenerated, generate


class Command(BaseCommand):
    help = "Add N synthetic patients with evaluations, signed plans, visits, outcomes, appointments and audit events."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--patients", type=int, required=True, help="how many patients to add (at least 1)")
        parser.add_argument("--seed", type=int, default=1, help="the same seed gives the same clinic")

    def handle(self, *args: Any, **options: Any) -> None:
        patients = options["patients"]
        if not isinstance(patients, int) or patients < 1:
            raise CommandError(f"--patients must be a whole number of at least 1, got {patients!r}", returncode=2)
        began = time.monotonic()
        try:
            stats = generate(patients, seed=int(options["seed"]), log=self.stdout.write)
        except AlreadyGenerated as exc:
            raise CommandError(str(exc), returncode=2) from None
        seconds = time.monotonic() - began
        self.stdout.write(
            f"Synthetic clinic: {stats.patients:,} patients, {stats.evaluations:,} evaluations, "
            f"{stats.signed:,} signed plans, {stats.visits:,} visits, {stats.outcomes:,} outcome assessments, "
            f"{stats.appointments:,} appointments, {stats.messages:,} emails, {stats.audit_events:,} audit events "
            f"in {seconds:.0f} s."
        )
