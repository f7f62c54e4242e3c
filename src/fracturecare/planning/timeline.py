"""Plans on the patient timeline (see patients.timeline)."""

from __future__ import annotations

from django.urls import reverse

from fracturecare.patients.timeline import TimelineEntry
from fracturecare.planning.models import Plan, PlanVersion, TriageLevel

CLINICAL = True


def timeline_entries(*, patient) -> list[TimelineEntry]:
    """One entry per generated plan and per signed version, in two queries."""
    entries = []
    labels = dict(TriageLevel.choices)
    for plan in Plan.objects.filter(patient=patient).only("id", "created_at", "triage_level"):
        entries.append(TimelineEntry(
            when=plan.created_at, kind="plan", title="Plan generated",
            detail=labels.get(plan.triage_level, plan.triage_level),
            url=reverse("planning:detail", args=[plan.pk]),
        ))
    versions = PlanVersion.objects.filter(plan__patient=patient).select_related("signed_by").only(
        "plan_id", "number", "signed_at", "amendment_reason", "signed_by__first_name",
        "signed_by__last_name", "signed_by__username",
    )
    for v in versions:
        who = v.signed_by.get_full_name() or v.signed_by.get_username()
        entries.append(TimelineEntry(
            when=v.signed_at, kind="plan",
            title=f"Plan signed (version {v.number}) by {who}" if v.number == 1
            else f"Plan amended (version {v.number}) by {who}",
            detail=v.amendment_reason[:140],
            url=reverse("planning:version", args=[v.plan_id, v.number]),
        ))
    return entries
