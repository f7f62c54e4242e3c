"""Print a one-time link to set the clinic up, when the database is empty (`fracturecare serve` runs it)."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from fracturecare.clinic.selectors import absolute_url
from fracturecare.clinic.services import SETUP_TOKEN_LIFETIME, clinic_needs_setup, setup_token_create


class Command(BaseCommand):
    help = "Print a one-time set-up link (secret, single use, expiring) if the clinic has not been set up."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--force", action="store_true", help="print a link even if the clinic is set up")

    def handle(self, *args, **options) -> None:
        if not options["force"] and not clinic_needs_setup():
            return
        raw = setup_token_create()
        hours = int(SETUP_TOKEN_LIFETIME.total_seconds() // 3600)
        self.stdout.write(
            "\nThis clinic has not been set up yet. Open this link to name the clinic and create the\n"
            f"first clinic-admin login (it works once, for {hours} hours; run `fracturecare serve` again\n"
            "or `fracturecare manage setup_link` for a new one):\n\n"
            f"    {absolute_url('/setup/' + raw + '/')}\n"
        )
