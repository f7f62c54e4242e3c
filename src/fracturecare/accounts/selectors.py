"""Reads for accounts pages."""

from __future__ import annotations

from django.db.models import QuerySet

from fracturecare.accounts.models import ApiToken, Role


def tokens_visible_to(user) -> QuerySet[ApiToken]:
    """A user's own tokens; a clinic admin sees everyone's. Newest first, one query."""
    qs = ApiToken.objects.select_related("user", "revoked_by").order_by("revoked_at", "-created_at", "-id")
    if user.role != Role.CLINIC_ADMIN:
        qs = qs.filter(user=user)
    return qs
