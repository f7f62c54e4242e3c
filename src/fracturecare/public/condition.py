"""The public condition page, built from the knowledge base (being written)."""

from __future__ import annotations

from django.http import Http404


def condition_page_context(request, *, slug: str) -> dict:
    raise Http404("condition pages are not available yet")
