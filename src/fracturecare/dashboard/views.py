"""The clinic home at /clinic/: what each role needs first thing in the morning."""

from __future__ import annotations

from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from fracturecare.accounts.models import Role
from fracturecare.accounts.permissions import STAFF, role_required
from fracturecare.audit.actions import AuditAction
from fracturecare.audit.services import audit_record
from fracturecare.dashboard import selectors
from fracturecare.public.selectors import inbox_unread_count
from fracturecare.scheduling.selectors import day_schedule, outbox_problems


@role_required(*STAFF)
@require_GET
def home(request):
    """Clinicians and admins: today's patients and what waits on them. Front desk: the day and the inbox."""
    today = timezone.localdate()
    if request.user.role == Role.FRONT_DESK:
        columns = day_schedule(today)
        context = {
            "today": today,
            "columns": columns.items(),
            "booked": sum(len(rows) for rows in columns.values()),
            "unread": inbox_unread_count(),
            "outbox_problems": outbox_problems().count(),
        }
        audit_record(actor=request.user, action=AuditAction.DASHBOARD_VIEWED,
                     data={"view": "front_desk", "appointments": context["booked"]}, request=request)
        return render(request, "dashboard/front_desk.html", context)

    context = {
        "today": today,
        "appointments": selectors.clinician_day(user=request.user, day=today),
        "awaiting": selectors.plans_awaiting_signature(user=request.user),
        "urgent": selectors.urgent_plans_unsigned(),
        "flagged": selectors.patients_not_improving(user=request.user, today=today),
        "clinic_wide": request.user.role == Role.CLINIC_ADMIN,
    }
    # Patient names and clinical flags are on this page: the read is logged, with what it held.
    audit_record(
        actor=request.user, action=AuditAction.DASHBOARD_VIEWED,
        data={
            "view": "clinical",
            "appointments": len(context["appointments"]),
            "awaiting_signature": context["awaiting"].total,
            "urgent_unsigned": context["urgent"].total,
            "not_improving": context["flagged"].total,
        },
        request=request,
    )
    return render(request, "dashboard/clinical.html", context)
