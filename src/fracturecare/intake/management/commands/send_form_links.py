"""Email the forms links issued at booking (run it from cron or a timer, like send_outbox)."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from fracturecare.intake.services import send_due_form_links


class Command(BaseCommand):
    help = "Email every forms link that has not been emailed yet."

    def handle(self, *args, **options) -> None:
        sent = send_due_form_links()
        self.stdout.write(f"{sent} forms link(s) emailed")
