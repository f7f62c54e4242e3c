"""`fracturecare manage verify_audit`: check the audit chain; exit 1 naming the first broken event."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from fracturecare.audit.chain import verify_chain


class Command(BaseCommand):
    help = "Check the audit log's hash chain and name the first event that was changed, removed or inserted."

    def handle(self, *args: Any, **options: Any) -> None:
        report = verify_chain()
        if not report.ok:
            raise CommandError(
                f"Audit chain broken after {report.checked} good events: {report.problem}.", returncode=1
            )
        self.stdout.write(
            f"Audit chain intact: {report.checked} events; last is number {report.head_seq}, "
            f"seal {report.head_seal}. Note the seal: a later check that starts the same way shows nothing was cut."
        )
