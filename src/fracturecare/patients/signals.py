"""Signals other apps listen to, so that patients need not import them (dependencies point down)."""

from __future__ import annotations

from django.dispatch import Signal

#: Sent inside the merge's transaction, after a booking's record (`merged`) was merged into `existing`
#: and its records moved. Apps holding rows derived from a patient's records recompute them for both.
patient_merged = Signal()
