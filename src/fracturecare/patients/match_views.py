"""The front desk's merge tool: possible duplicates from online booking, merged or kept apart."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_POST

from fracturecare.accounts.models import Role
from fracturecare.accounts.permissions import role_required, signed_in_user
from fracturecare.audit.actions import AuditAction
from fracturecare.audit.services import audit_record
from fracturecare.patients.matching import MergeRefused, match_dismiss, match_merge, pending_matches
from fracturecare.patients.models import PatientMatch

DESK = (Role.FRONT_DESK, Role.CLINIC_ADMIN)


@role_required(*DESK)
@require_GET
def match_list(request: HttpRequest) -> HttpResponse:
    """Pending matches, each pair side by side (the reading is audited)."""
    matches = list(pending_matches()[:100])
    audit_record(actor=request.user, action=AuditAction.PATIENT_LIST_VIEWED,
                 data={"page": "matches", "pairs": [m.pk for m in matches]}, request=request)
    return render(request, "patients/match_list.html", {"matches": matches})


def _pending(pk: int) -> PatientMatch:
    # A decided match is found too: the service then says it was already decided.
    return get_object_or_404(PatientMatch.objects.select_related("new", "existing"), pk=pk)


@role_required(*DESK)
@require_POST
def match_merge_view(request: HttpRequest, pk: int) -> HttpResponse:
    match = _pending(pk)
    try:
        match_merge(match=match, actor=signed_in_user(request), request=request)
    except MergeRefused as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, f"Merged the booking into {match.existing.full_name}'s record.")
    return redirect("patients:matches")


@role_required(*DESK)
@require_POST
def match_dismiss_view(request: HttpRequest, pk: int) -> HttpResponse:
    match = _pending(pk)
    try:
        match_dismiss(match=match, actor=signed_in_user(request), request=request)
    except MergeRefused as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, "Kept as two different patients.")
    return redirect("patients:matches")
