"""Per request: read the clinic profile once and work in the clinic's time zone."""

from __future__ import annotations

import zoneinfo
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.utils import timezone

from fracturecare.clinic.selectors import clinic_scope


class ClinicMiddleware:
    """Keep the profile for the request and activate its zone, so dates render in clinic time."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        with clinic_scope() as profile:
            timezone.activate(zoneinfo.ZoneInfo(profile.time_zone))
            try:
                return self.get_response(request)
            finally:
                timezone.deactivate()
