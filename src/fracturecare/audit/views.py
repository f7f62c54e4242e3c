"""The audit log viewer at /clinic/audit/: read-only, for the clinic admin."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from fracturecare.audit.actions import AuditAction
from fracturecare.audit.forms import ACTION_AREAS, AuditFilterForm
from fracturecare.audit.selectors import audit_events
from fracturecare.audit.services import audit_record
from fracturecare.guards import role_required
from fracturecare.queryparams import CappedPaginator, page_of
from fracturecare.roles import Role

PAGE_SIZE = 50


@role_required(Role.CLINIC_ADMIN)
@require_GET
def audit_log(request: HttpRequest) -> HttpResponse:
    """Filter by patient, actor, action and date range; 50 events a page. The viewing is itself audited."""
    form = AuditFilterForm(request.GET or None)
    valid = not form.is_bound or form.is_valid()
    # Recorded before the listing is read, so the page (and its count) includes this viewing.
    audit_record(
        actor=request.user, action=AuditAction.AUDIT_VIEWED,
        data={"filters": form.used() if form.is_bound and valid else {},
              "page": request.GET.get("page", "1")[:10].replace("\x00", ""), "invalid": not valid},
        request=request,
    )
    page = None
    if valid:
        f = form.cleaned_data if form.is_bound else {}
        events = audit_events(
            patient_id=f.get("patient"), actor=f.get("actor") or "", action=f.get("action") or "",
            date_from=f.get("date_from"), date_to=f.get("date_to"),
        )
        page = page_of(CappedPaginator(events, PAGE_SIZE), request)
    return render(request, "audit/log.html", {"form": form, "page": page, "action_areas": ACTION_AREAS})
