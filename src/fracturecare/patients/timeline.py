"""The patient page's timeline, assembled from every app that has something to show.

Each app contributes through a module `<app>/timeline.py` that defines:

    CLINICAL: bool            # True if its entries are clinical content (hidden from front desk)
    def timeline_entries(*, patient) -> Iterable[TimelineEntry]

`timeline_entries` must run a fixed number of queries however many rows the patient has
(fetch with select_related / prefetch_related, never per row), so the patient page stays
fast as the record grows. Entries carry an aware datetime in `when`.

Discovery is by convention (as for `demo.py`), so apps written later join the timeline
without touching this module.
"""

from __future__ import annotations

import datetime
import importlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import cache

from django.apps import apps

from fracturecare.patients.models import Patient


@dataclass(frozen=True)
class TimelineEntry:
    """One dated event in a patient's record."""

    when: datetime.datetime
    kind: str  # evaluation, plan, visit, outcome, appointment, ...
    title: str
    detail: str = ""
    url: str = ""


@dataclass(frozen=True)
class TimelineSource:
    app_label: str
    clinical: bool
    entries: Callable[..., Iterable[TimelineEntry]]


@cache
def timeline_sources() -> tuple[TimelineSource, ...]:
    """Every installed app's timeline module, in INSTALLED_APPS order."""
    sources = []
    for config in apps.get_app_configs():
        if not config.name.startswith("fracturecare."):
            continue
        module_name = f"{config.name}.timeline"
        if config.label == "patients":
            continue
        try:
            module = importlib.import_module(module_name)
        except ModuleNotFoundError as exc:
            if exc.name != module_name:
                raise
            continue
        # A module that forgets CLINICAL is treated as clinical: hiding too much is the safe error.
        clinical = bool(getattr(module, "CLINICAL", True))
        sources.append(TimelineSource(config.label, clinical, module.timeline_entries))
    return tuple(sources)


def build_timeline(*, patient: Patient, include_clinical: bool) -> list[TimelineEntry]:
    """All entries for `patient`, newest first; clinical sources only if `include_clinical`."""
    entries: list[TimelineEntry] = []
    for source in timeline_sources():
        if source.clinical and not include_clinical:
            continue
        entries.extend(source.entries(patient=patient))
    return sorted(entries, key=lambda e: e.when, reverse=True)
