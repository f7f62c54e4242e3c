"""Which patients the progress rule flags: the derivation behind outcomes.models.ProgressFlag.

Takes the model classes as arguments so the migration that fills the table runs the same code on its
historical models. Writes happen through outcomes.services.progress_flags_refresh.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from fracturecare.outcomes.progress import Measurement, assess_progress

#: Rank of each flagged status in the list: worsening first.
RANKS = {"worsening": 0, "not_improving": 1}


def progress_flag_rows(patient_ids: Iterable[int], *, assessment_model: Any, flag_model: Any) -> list[Any]:
    """The ProgressFlag rows the given patients should have, from their live assessments, in one query."""
    series: dict[int, list[Any]] = {}
    live = (assessment_model.objects.filter(patient_id__in=list(patient_ids), voided_at__isnull=True)
            .only("patient_id", "assessed_on", "pain_nrs", "lefs_total", "patient_reported")
            .order_by("patient_id", "assessed_on", "id"))
    for row in live:
        series.setdefault(row.patient_id, []).append(row)
    rows = []
    for patient_id, assessments in series.items():
        progress = assess_progress([
            Measurement(on=a.assessed_on, pain_nrs=a.pain_nrs, lefs=a.lefs_total, patient_reported=a.patient_reported)
            for a in assessments
        ])
        if progress.needs_review:
            rows.append(flag_model(
                patient_id=patient_id, status=progress.status, rank=RANKS[progress.status], message=progress.message,
                days_since_baseline=progress.days_since_baseline, last_assessed=assessments[-1].assessed_on,
            ))
    return rows
