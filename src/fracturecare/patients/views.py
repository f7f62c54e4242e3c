"""Patient list, registration and the patient page."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from fracturecare.accounts.permissions import STAFF, role_required, signed_in_user
from fracturecare.audit.actions import AuditAction
from fracturecare.audit.services import audit_record
from fracturecare.patients import selectors, services
from fracturecare.patients.forms import PatientForm, PatientSearchForm
from fracturecare.queryparams import page_of

PAGE_SIZE = 25


@role_required(*STAFF)
@require_http_methods(["GET"])
def patient_list(request: HttpRequest) -> HttpResponse:
    """The patient list, searchable by name, date of birth or phone."""
    form = PatientSearchForm(request.GET or None)
    query = form.cleaned_data["q"] if form.is_valid() else ""
    paginator = Paginator(selectors.patient_list(query=query), PAGE_SIZE)
    page = page_of(paginator, request)
    audit_record(
        actor=request.user, action=AuditAction.PATIENT_LIST_VIEWED,
        data={"searched": bool(query), "page": page.number, "shown": len(page.object_list)},
        request=request,
    )
    return render(request, "patients/patient_list.html", {"form": form, "page": page, "query": query})


@role_required(*STAFF)
@require_http_methods(["GET", "POST"])
def patient_create(request: HttpRequest) -> HttpResponse:
    """Register a patient."""
    form = PatientForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        patient = services.patient_create(actor=signed_in_user(request), request=request, **form.cleaned_data)
        messages.success(request, f"{patient.full_name} is registered.")
        return redirect("patients:detail", patient_id=patient.pk)
    return render(request, "patients/patient_form.html", {"form": form, "patient": None})


@role_required(*STAFF)
@require_http_methods(["GET", "POST"])
def patient_edit(request: HttpRequest, patient_id: int) -> HttpResponse:
    """Change a patient's demographic details."""
    patient = selectors.patient_or_404(patient_id=patient_id)
    form = PatientForm(request.POST or None, instance=patient)
    if request.method == "POST" and form.is_valid():
        # The form filled `patient` in place; reload so the service sees the stored values.
        services.patient_update(
            actor=signed_in_user(request), patient=selectors.patient_or_404(patient_id=patient_id),
            request=request,
            **form.cleaned_data,
        )
        messages.success(request, "Patient details saved.")
        return redirect("patients:detail", patient_id=patient_id)
    if request.method == "GET":
        audit_record(actor=request.user, action=AuditAction.PATIENT_VIEWED, patient=patient, obj=patient,
                     data={"form": "edit"}, request=request)
    return render(request, "patients/patient_form.html", {"form": form, "patient": patient})


@role_required(*STAFF)
@require_http_methods(["GET"])
def patient_detail(request: HttpRequest, patient_id: int) -> HttpResponse:
    """The patient page: details and the record's timeline (clinical entries for clinical roles only)."""
    patient = selectors.patient_or_404(patient_id=patient_id)
    timeline = selectors.patient_record(patient=patient, user=signed_in_user(request), request=request)
    return render(request, "patients/patient_detail.html", {
        "patient": patient,
        "age": selectors.patient_age(patient, on=timezone.localdate()),
        "timeline": timeline,
        "clinical": selectors.can_see_clinical(request.user),
    })
