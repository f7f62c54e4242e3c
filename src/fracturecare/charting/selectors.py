"""Reading visit records. Views and other apps (the patient timeline) read through here."""

from __future__ import annotations

from typing import TYPE_CHECKING, TypedDict

from django.db.models import Count, IntegerField, OuterRef, Prefetch, QuerySet, Subquery
from django.db.models.functions import Coalesce

from fracturecare.charting.models import Addendum, AdverseEvent, Amendment, DryNeedlingTarget, NeedledPoint, Visit

if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations


class VisitCounts(TypedDict):
    """The counts `visits_for_patient` adds to each visit."""

    n_points: int
    n_dry_needling: int
    n_adverse_events: int
    n_amendments: int
    n_addenda: int


def _count_of(model):
    # A correlated subquery per count keeps one row per visit (joins would multiply the rows).
    counts = model.objects.filter(visit=OuterRef("pk")).order_by().values("visit").annotate(n=Count("pk")).values("n")
    return Coalesce(Subquery(counts, output_field=IntegerField()), 0)


def visits_for_patient(patient) -> QuerySet[WithAnnotations[Visit, VisitCounts]]:
    """A patient's visits, newest first, with counts for list pages (constant query count)."""
    return (
        Visit.objects.filter(patient=patient)
        .select_related("clinician", "signed_by")
        .annotate(
            n_points=_count_of(NeedledPoint),
            n_dry_needling=_count_of(DryNeedlingTarget),
            n_adverse_events=_count_of(AdverseEvent),
            n_amendments=_count_of(Amendment),
            n_addenda=_count_of(Addendum),
        )
        .order_by("-visit_date", "-id")
    )


def addenda_for_patient(patient) -> QuerySet[Addendum]:
    """Every signed addendum to the patient's visits, oldest first, with its author and visit (one query)."""
    return Addendum.objects.filter(visit__patient=patient).select_related("author", "visit").order_by("signed_at", "id")


def visit_detail(pk: int) -> Visit:
    """One visit with everything its page shows, in a fixed number of queries."""
    return (
        Visit.objects.select_related("patient", "clinician", "signed_by")
        .prefetch_related(
            "points",
            "dry_needling",
            "electrode_pairs",
            "adverse_events",
            Prefetch("amendments", queryset=Amendment.objects.select_related("author")),
            Prefetch("addenda", queryset=Addendum.objects.select_related("author")),
        )
        .get(pk=pk)
    )


def latest_signed_visit(patient) -> Visit | None:
    """The patient's most recently signed visit with its rows (what a new visit copies)."""
    return (
        Visit.objects.filter(patient=patient, signed_at__isnull=False)
        .prefetch_related("points", "dry_needling", "electrode_pairs")
        .order_by("-visit_date", "-signed_at", "-id")
        .first()
    )


def latest_draft(patient) -> Visit | None:
    """The patient's most recent unsigned visit, if any (named on a new visit's page, never copied)."""
    return Visit.objects.filter(patient=patient, signed_at__isnull=True).order_by("-visit_date", "-id").first()

