"""Which plans wait for a signature: the derivation behind planning.models.OpenPlan.

Takes the model classes as arguments so the migration that fills the table runs the same code on its
historical models. Writes happen through planning.services.open_plans_refresh.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from fracturecare.planning.models import URGENT_LEVELS


def open_plan_rows(patient_ids: Iterable[int], *, plan_model: Any, version_model: Any, edit_model: Any,
                   open_model: Any) -> list[Any]:
    """The OpenPlan rows the given patients should have, in three queries whatever their number.

    A patient's newest plan (by creation time, then id) is open when it was never signed, or when it has
    changes for the version after its last one. Older plans were superseded by a re-evaluation.
    """
    ids = list(patient_ids)
    newest: dict[int, Any] = {}
    plans = (plan_model.objects.filter(patient_id__in=ids)
             .only("id", "patient_id", "created_by_id", "created_at", "triage_level")
             .order_by("patient_id", "-created_at", "-id"))
    for plan in plans:
        newest.setdefault(plan.patient_id, plan)
    plan_ids = [p.pk for p in newest.values()]
    last: dict[int, int] = {}
    for plan_id, number in version_model.objects.filter(plan_id__in=plan_ids).values_list("plan_id", "number"):
        last[plan_id] = max(number, last.get(plan_id, 0))
    edited = set(edit_model.objects.filter(plan_id__in=plan_ids).values_list("plan_id", "version"))
    rows = []
    for plan in newest.values():
        signed = last.get(plan.pk)
        if signed is not None and (plan.pk, signed + 1) not in edited:
            continue
        rows.append(open_model(
            plan_id=plan.pk, patient_id=plan.patient_id, created_by_id=plan.created_by_id,
            created_at=plan.created_at, triage_level=plan.triage_level, last_version=signed,
            urgent_unsigned=signed is None and plan.triage_level in URGENT_LEVELS,
        ))
    return rows
