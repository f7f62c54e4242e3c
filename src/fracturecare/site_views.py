"""Views that belong to the site rather than to an area of the clinic: health check and favicon."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, HttpResponsePermanentRedirect
from django.templatetags.static import static
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET


@require_GET
def healthz(request: HttpRequest) -> HttpResponse:
    """Answer `ok` without touching the database or the session.

    For load balancers and uptime checks (the process is up and serving), and the benchmark's
    floor: the cost of a request through the whole middleware stack and nothing else.
    """
    return HttpResponse("ok\n", content_type="text/plain; charset=utf-8")


@require_GET
@cache_control(max_age=86400, public=True)
def favicon(request: HttpRequest) -> HttpResponse:
    """`/favicon.ico`, asked for by browsers and feed readers that ignore `<link rel=icon>`."""
    return HttpResponsePermanentRedirect(static("favicon.ico"))
