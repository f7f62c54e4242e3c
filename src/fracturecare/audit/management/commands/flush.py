"""Django's `flush`, allowed past the append-only triggers (it empties the whole database, it edits no record)."""

from __future__ import annotations

from typing import Any

from django.core.management.commands import flush

from fracturecare.audit.append_only import flush_allowed


class Command(flush.Command):
    def handle(self, **options: Any) -> None:
        with flush_allowed(options["database"]):
            super().handle(**options)
