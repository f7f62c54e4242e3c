"""Load demo data for every area of the clinic, idempotently."""

from __future__ import annotations

import importlib

from django.apps import apps
from django.core.management.base import BaseCommand
from django.db import transaction


class Command(BaseCommand):
    help = "Load demo users, schedule, patients, plans and visits (safe to run twice)."

    def handle(self, *args, **options):
        # Each app that has demo data keeps it in its own `demo.py` with a `load(stdout)`.
        with transaction.atomic():
            for config in apps.get_app_configs():
                if not config.name.startswith("fracturecare."):
                    continue
                try:
                    module = importlib.import_module(f"{config.name}.demo")
                except ModuleNotFoundError as exc:
                    if exc.name != f"{config.name}.demo":
                        raise
                    continue
                module.load(self.stdout)
