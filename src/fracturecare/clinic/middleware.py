"""Per request: read the clinic profile once and work in the clinic's time zone."""

from __future__ import annotations

import zoneinfo
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils import timezone

from fracturecare.clinic.selectors import clinic_scope

#: Views that show no clinic data and must not touch the database (the load balancer's health check).
SKIP_URL_NAMES = ("healthz", "favicon")


class ClinicMiddleware:
    """Keep the profile for the request and activate its zone, so dates render in clinic time."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self._skip_paths: frozenset[str] | None = None

    def _skipped(self, path: str) -> bool:
        if self._skip_paths is None:
            self._skip_paths = frozenset(reverse(name) for name in SKIP_URL_NAMES)
        return path in self._skip_paths

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if self._skipped(request.path):
            # No profile read: /healthz answers without the database.
            return self.get_response(request)
        with clinic_scope() as profile:
            timezone.activate(zoneinfo.ZoneInfo(profile.time_zone))
            try:
                return self.get_response(request)
            finally:
                timezone.deactivate()
