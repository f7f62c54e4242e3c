"""Finding the signed plan a handout is printed from."""

from __future__ import annotations

from fracturecare.planning.models import Plan, PlanVersion


def latest_signed_version(plan: Plan) -> PlanVersion | None:
    """The plan's newest signed version (the one the patient is following), or None."""
    return PlanVersion.objects.filter(plan=plan).order_by("-number").first()
