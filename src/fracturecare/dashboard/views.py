"""The clinic home at /clinic/: what each role needs first thing in the morning."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from fracturecare.accounts.models import Role
from fracturecare.accounts.permissions import STAFF, role_required, signed_in_user
from fracturecare.audit.actions import AuditAction
from fracturecare.audit.services import audit_record
from fracturecare.dashboard import selectors
from fracturecare.public.selectors import inbox_unread_count
from fracturecare.scheduling.selectors import day_schedule, outbox_problems


@role_required(*STAFF)
@require_GET
def home(request: HttpRequest) -> HttpResponse:
    """Clinicians and admins: today's patients and what waits on them. Front desk: the day and the inbox."""
    user = signed_in_user(request)  # role_required let only signed-in staff through
    today = timezone.localdate()
    if user.role == Role.FRONT_DESK:
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

    appointments = selectors.clinician_day(user=user, day=today)
    awaiting = selectors.plans_awaiting_signature(user=user)
    urgent = selectors.urgent_plans_unsigned()
    flagged = selectors.patients_not_improving(user=user, today=today)
    context = {
        "today": today,
        "appointments": appointments,
        "awaiting": awaiting,
        "urgent": urgent,
        "flagged": flagged,
        "clinic_wide": user.role == Role.CLINIC_ADMIN,
    }
    # Patient names and clinical flags are on this page: the read is logged, with what it held.
    audit_record(
        actor=request.user, action=AuditAction.DASHBOARD_VIEWED,
        data={
            "view": "clinical",
            "appointments": len(appointments),
            "awaiting_signature": awaiting.total,
            "urgent_unsigned": urgent.total,
            "not_improving": flagged.total,
        },
        request=request,
    )
    return render(request, "dashboard/clinical.html", context)
